/*B:060 host/pic.c: the two 8259 programmable interrupt controllers.
 *
 * At power-on the PIC delivers IRQs 0-7 on vectors 8-15, on top of the
 * CPU's own exceptions. We move IRQs 0-15 to vectors 32-47, mask them all,
 * and unmask each line when a driver registers for it. */
#include <stdint.h>
#include "arch/x86/io.h"
#include "host/pic.h"
#include "host/trap.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT	0x11	/* edge triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01
#define PIC_EOI		0x20
#define CASCADE_IRQ	2

static uint16_t irq_mask = 0xffff & ~(1u << CASCADE_IRQ);

static void write_mask(void)
{
	outb(PIC1_DATA, irq_mask & 0xff);
	outb(PIC2_DATA, irq_mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT);
	io_wait();
	outb(PIC1_DATA, VEC_IRQ0);	/* ICW2: vector base */
	outb(PIC2_DATA, VEC_IRQ0 + 8);
	io_wait();
	outb(PIC1_DATA, 1u << CASCADE_IRQ);	/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, CASCADE_IRQ);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	write_mask();
}

void pic_mask(unsigned irq)
{
	irq_mask |= 1u << irq;
	write_mask();
}

void pic_unmask(unsigned irq)
{
	irq_mask &= ~(1u << irq);
	write_mask();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
