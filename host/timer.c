/*B:070 host/timer.c: the 8253/8254 programmable interval timer.
 *
 * Channel 0 counts down from a divisor at 1.193182 MHz and raises IRQ 0
 * each time it wraps; a divisor of 11932 gives 100 ticks a second. The tick
 * is the host's only sense of time and its only way to take the CPU back
 * from a program or a guest that never yields. */
#include "arch/x86/io.h"
#include "host/timer.h"
#include "host/trap.h"
#include "host/pic.h"

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182u
#define PIT_MODE_RATE	0x34	/* channel 0, lobyte/hibyte, mode 2 */

static volatile uint64_t ticks;
void (*timer_tick_hook)(void);

static void timer_irq(struct trap_frame *f)
{
	(void)f;
	ticks++;
	if (timer_tick_hook)
		timer_tick_hook();
}

void timer_init(void)
{
	uint32_t divisor = (PIT_HZ + TIMER_HZ / 2) / TIMER_HZ;

	outb(PIT_CMD, PIT_MODE_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	irq_register(IRQ_TIMER, timer_irq);
	pic_unmask(IRQ_TIMER);
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t timer_ms(void)
{
	return ticks * (1000 / TIMER_HZ);
}
