/*B:070 host/kernel/timer.c: the 8253/8254 programmable interval timer.
 *
 * Channel 0 counts down from a divisor at 1.193182 MHz and raises IRQ 0
 * each time it wraps; a divisor of 11932 gives 100 ticks a second. The tick
 * is the host's only sense of time and its only way to take the CPU back
 * from a program or a guest that never yields. */
#include "arch/x86/pit.h"
#include "arch/x86/cpu.h"
#include "host/kernel/timer.h"
#include "host/kernel/trap.h"
#include "host/kernel/pic.h"
#include "host/kernel/console.h"

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
	pit_set_rate(TIMER_HZ);
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

/*B:075 The time-stamp counter's rate, measured against the PIT once at
 * boot, so that a guest can read the time cheaply: rdtsc, scaled by
 * kennel_data.tsc_khz, between the host's updates of time_ns (H:380).
 * Five ticks, starting on a tick's edge, are plenty for kHz. */
#define CALIBRATE_TICKS 5

static uint32_t tsc_khz;

void timer_calibrate_tsc(void)
{
	uint64_t t0, start = timer_ticks();

	while (timer_ticks() == start)
		cpu_idle();
	start = timer_ticks();
	t0 = rdtsc();
	while (timer_ticks() - start < CALIBRATE_TICKS)
		cpu_idle();
	tsc_khz = (uint32_t)((rdtsc() - t0) / (CALIBRATE_TICKS * 1000 / TIMER_HZ));
	kprintf("tsc: %u kHz\n", tsc_khz);
}

uint32_t timer_tsc_khz(void)
{
	return tsc_khz;
}
