/*G:160 guest/kernel/pic.c: the two 8259 interrupt controllers, natively.
 *
 * At power-on the PIC delivers IRQs 0-7 on vectors 8-15, on top of the
 * CPU's exceptions; pup moves IRQs 0-15 to vectors 32-47, the same
 * vectors kennel uses for its virtual IRQs, so that the rest of pup sees
 * one numbering. Every line starts masked; a driver unmasks its own
 * (pv.irq_unmask), and each interrupt is acknowledged at the end of its
 * handler (pv.irq_eoi). Under kennel both are bits in the shared page.
 * Next: G:165. */
#include "arch/x86/io.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/paravirt.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT	0x11	/* edge triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01
#define PIC_EOI		0x20
#define CASCADE_IRQ	2

static uint16_t mask = 0xffff & ~(1u << CASCADE_IRQ);

static void write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT);
	io_wait();
	outb(PIC1_DATA, IRQ_VECTOR_BASE);
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 1u << CASCADE_IRQ);
	outb(PIC2_DATA, CASCADE_IRQ);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	write_mask();
}

void pic_unmask(uint32_t irq)
{
	if (irq >= 16)
		return;
	mask &= ~(1u << irq);
	write_mask();
}

void pic_eoi(uint32_t irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
