/*P:105 arch/x86/pit.h: the 8253/8254 programmable interval timer.
 *
 * Channel 0 counts down from a divisor at 1.193182 MHz and raises IRQ 0
 * each time it wraps: a periodic tick, for the host and for pup natively.
 * Next: arch/x86/uart.h. */
#ifndef ARCH_X86_PIT_H
#define ARCH_X86_PIT_H

#include <stdint.h>
#include "arch/x86/io.h"

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182u
#define PIT_MODE_RATE	0x34	/* channel 0, lobyte/hibyte, mode 2 (rate generator) */

/* Tick hz times a second, rounded to the nearest divisor. */
static inline void pit_set_rate(uint32_t hz)
{
	uint32_t divisor = (PIT_HZ + hz / 2) / hz;

	outb(PIT_CMD, PIT_MODE_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
}

#endif
