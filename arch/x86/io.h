/*P:100 arch/x86/io.h: the port I/O instructions, wrapped once.
 *
 * Everything in kennel that talks to a device by port (the serial UART,
 * the PIC, the PIT, QEMU's debug-exit device) goes through these four
 * helpers; nothing else in the tree writes "inb" or "outb" by hand.
 * Next: the three chips they talk to, arch/x86/pic.h, pit.h and uart.h. */
#ifndef ARCH_X86_IO_H
#define ARCH_X86_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void outw(uint16_t port, uint16_t value)
{
	asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t value;

	asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

/* A write to an unused port takes about a microsecond: the classic pause
 * between programming steps of old ISA chips such as the 8259 PIC. */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

#endif
