/*T:420 tests/guests/timer.c: the guest's one-shot timer, and halting.
 *
 * KH_SET_TIMER(µs) raises IRQ 0 (vector 32) once, no sooner than asked:
 * the host counts in ticks of 10 ms and rounds up, and the guest reads
 * host time in the same ticks, so "no sooner" is checked with one tick of
 * slack. Each check:
 *
 *   - no timer interrupt comes when none was set;
 *   - a 50 ms timer does not fire at once, and fires after about 50 ms,
 *     waking a guest halted with KH_HALT; and only once;
 *   - KH_SET_TIMER(0) cancels a pending timer;
 *   - a second KH_SET_TIMER replaces the first: 2 s, then 20 ms, fires
 *     after 20 ms and never again;
 *   - the longest timer, 2^32 - 1 µs (a little over an hour, a valid
 *     value: hypercall.h sets no limit), does not fire early, as a
 *     deadline computed in 32 bits would;
 *   - KH_HALT turns virtual interrupts on, even when they were off.
 *
 * The timer's handler notes the host time at delivery. Next: T:430,
 * the virtual interrupt flag. */
#include "tests/guests/lib/guest.h"

#define TIMER_VECTOR	(KH_IRQ_VECTOR_BASE + KH_IRQ_TIMER)
#define SANE_DELAY_NS	(1000 * NS_PER_MS)	/* far more than a late tick */

static volatile uint64_t arrived_ns;
static uint32_t wanted;

static void note_arrival(struct trap_frame *f)
{
	(void)f;
	arrived_ns = now_ns();
}

static uint32_t timer_irqs(void)
{
	return irq_count[KH_IRQ_TIMER];
}

static bool timer_came(void)
{
	return timer_irqs() >= wanted;
}

static uint32_t ms(uint64_t ns)
{
	return (uint32_t)(ns / NS_PER_MS);
}

static void check_quiet_for(uint64_t ns, const char *what)
{
	uint32_t before = timer_irqs();

	spin_ns(ns);
	check(timer_irqs() == before, "%s: %u timer interrupt(s) came", what, timer_irqs() - before);
}

/* Set a timer for usecs and halt until it fires; check when it did. */
static void check_fires_after(uint32_t usecs, const char *what)
{
	uint64_t start, took, asked = (uint64_t)usecs * 1000;

	wanted = timer_irqs() + 1;
	start = now_ns();
	kh_set_timer(usecs);
	check(timer_irqs() == wanted - 1, "%s: the interrupt came at once", what);
	halt_until(timer_came);
	took = arrived_ns - start;
	print("timer: %s: asked for %u ms, came after %u ms\n", what, ms(asked), ms(took));
	check(took + HOST_TICK_NS >= asked, "%s: came after %u ms, before the %u ms asked for",
	      what, ms(took), ms(asked));
	check(took <= asked + SANE_DELAY_NS, "%s: came after %u ms, far after the %u ms asked for",
	      what, ms(took), ms(asked));
}

static void check_cancel(void)
{
	kh_set_timer(30000);
	kh_set_timer(0);
	check_quiet_for(80 * NS_PER_MS, "a timer cancelled with KH_SET_TIMER(0)");
}

static void check_replace(void)
{
	kh_set_timer(2000000);
	check_fires_after(20000, "a 20 ms timer replacing a 2 s one");
	check_quiet_for(100 * NS_PER_MS, "after the replacing timer fired");
}

static void check_longest(void)
{
	kh_set_timer(0xffffffffu);
	check_quiet_for(50 * NS_PER_MS, "the longest timer, 2^32 - 1 us");
	kh_set_timer(0);
}

static void check_halt_enables(void)
{
	uint32_t before = timer_irqs();

	disable_virtual_irqs();
	kh_set_timer(20000);
	kh_halt();
	check(virtual_irqs_enabled(), "irq_enabled 0x%x after KH_HALT with interrupts off",
	      kennel_data.irq_enabled);
	check(timer_irqs() == before + 1, "KH_HALT returned with %u timer interrupts, want %u",
	      timer_irqs(), before + 1);
	enable_virtual_irqs();
}

void test_main(void)
{
	set_handler(TIMER_VECTOR, note_arrival);
	check_quiet_for(30 * NS_PER_MS, "no timer set");
	check_fires_after(50000, "a 50 ms timer");
	check_quiet_for(80 * NS_PER_MS, "after a one-shot timer fired");
	check_cancel();
	check_replace();
	check_longest();
	check_halt_enables();
	print("timer: %u failed checks\n", failures());
	test_finish();
}
