/*G:225 guest/kernel/timer.c: the tick. IRQ 0 comes TICK_HZ times a
 * second: from the PIT natively, from kennel's one-shot timer otherwise,
 * which pv.timer_rearm sets again at every tick. The clock is the
 * backend's (pv.clock_ns): the host's time under kennel, where a guest
 * may not run for a while and its ticks then come late, and the count of
 * ticks natively. Next: G:230. */
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/timer.h"
#include "guest/kernel/trap.h"

static volatile uint64_t ticks;

static void timer_tick(void)
{
	ticks++;
	pv.timer_rearm();
	sched_tick();
}

void timer_init(void)
{
	irq_register(IRQ_TIMER, timer_tick);
	pv.timer_start();
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t uptime_ms(void)
{
	return pv.clock_ns() / 1000000u;
}
