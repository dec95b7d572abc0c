/*G:160 guest/kernel/pic.c: the two 8259 interrupt controllers, natively.
 *
 * At power-on the PIC delivers IRQs 0-7 on vectors 8-15, on top of the
 * CPU's exceptions; pup moves IRQs 0-15 to vectors 32-47, the same
 * vectors kennel uses for its virtual IRQs, so that the rest of pup sees
 * one numbering. Every line starts masked; a driver unmasks its own
 * (pv.irq_unmask), and each interrupt is acknowledged at the end of its
 * handler (pv.irq_eoi). Under kennel both are bits in the shared page.
 * The chips themselves are programmed as the host does, by arch/x86/pic.h.
 * Next: G:165. */
#include "arch/x86/pic.h"
#include "arch/x86/traps.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/paravirt.h"

static uint16_t mask = PIC_ALL_MASKED;

void pic_init(void)
{
	pic_remap(VEC_IRQ0);
	pic_write_mask(mask);
}

void pic_unmask(uint32_t irq)
{
	if (irq >= 16)
		return;
	mask &= ~(1u << irq);
	pic_write_mask(mask);
}

void pic_eoi(uint32_t irq)
{
	pic_send_eoi(irq);
}
