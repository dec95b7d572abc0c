/*G:165 guest/kernel/pit.c: the 8254 timer, natively. Channel 0 counts
 * down from a divisor at 1.193182 MHz and raises IRQ 0 at every wrap: a
 * periodic tick, where kennel's timer is one-shot and pup re-arms it at
 * each tick (G:135). Next: the console, G:170. */
#include "arch/x86/io.h"
#include "guest/kernel/drivers.h"

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182u
#define PIT_MODE_RATE	0x34	/* channel 0, lobyte/hibyte, rate generator */

void pit_start(uint32_t hz)
{
	uint32_t divisor = (PIT_HZ + hz / 2) / hz;

	outb(PIT_CMD, PIT_MODE_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
}
