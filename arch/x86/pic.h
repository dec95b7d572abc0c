/*P:103 arch/x86/pic.h: the two 8259 programmable interrupt controllers.
 *
 * At power-on the PIC delivers IRQs 0-7 on vectors 8-15, on top of the
 * CPU's own exceptions, so both kennel and pup (natively) move IRQs 0-15
 * to a vector base of their choosing. The second PIC hangs off the first
 * one's IRQ 2, which therefore stays unmasked. Which lines are masked is
 * the caller's state; these helpers only write it to the chips.
 * Next: arch/x86/pit.h. */
#ifndef ARCH_X86_PIC_H
#define ARCH_X86_PIC_H

#include <stdint.h>
#include "arch/x86/io.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT	0x11	/* edge triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01
#define PIC_EOI		0x20
#define PIC_CASCADE_IRQ	2
#define PIC_ALL_MASKED	(0xffff & ~(1u << PIC_CASCADE_IRQ))	/* all but the cascade */

/* The four initialisation words, to both chips; leaves the masks as the
 * chips had them, so the caller writes its own next. */
static inline void pic_remap(uint8_t vector_base)
{
	outb(PIC1_CMD, ICW1_INIT);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT);
	io_wait();
	outb(PIC1_DATA, vector_base);		/* ICW2: vector base */
	outb(PIC2_DATA, vector_base + 8);
	io_wait();
	outb(PIC1_DATA, 1u << PIC_CASCADE_IRQ);	/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, PIC_CASCADE_IRQ);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
}

/* Bit n set masks IRQ n. */
static inline void pic_write_mask(uint16_t mask)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

/* End of interrupt: the slave too, when the IRQ came through it. */
static inline void pic_send_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

#endif
