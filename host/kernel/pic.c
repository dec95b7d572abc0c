/*B:060 host/kernel/pic.c: the two 8259 programmable interrupt controllers.
 *
 * At power-on the PIC delivers IRQs 0-7 on vectors 8-15, on top of the
 * CPU's own exceptions. We move IRQs 0-15 to vectors 32-47, mask them all,
 * and unmask each line when a driver registers for it. The register-level
 * steps are shared with pup, in arch/x86/pic.h (P:103). */
#include <stdint.h>
#include "arch/x86/pic.h"
#include "host/kernel/pic.h"
#include "host/kernel/trap.h"

static uint16_t irq_mask = PIC_ALL_MASKED;

void pic_init(void)
{
	pic_remap(VEC_IRQ0);
	pic_write_mask(irq_mask);
}

void pic_mask(unsigned irq)
{
	irq_mask |= 1u << irq;
	pic_write_mask(irq_mask);
}

void pic_unmask(unsigned irq)
{
	irq_mask &= ~(1u << irq);
	pic_write_mask(irq_mask);
}

void pic_eoi(unsigned irq)
{
	pic_send_eoi(irq);
}
