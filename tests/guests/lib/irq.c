/*T:380 tests/guests/lib/irq.c: the virtual interrupt flag, time, and
 * sleeping.
 *
 * A ring-1 guest cannot clear the real IF, so it clears its virtual one,
 * kennel_data.irq_enabled, and the host holds interrupts back meanwhile,
 * setting kennel_data.irq_pending to say one is waiting. Turning
 * interrupts on is therefore two steps: set the flag, then, if something
 * is pending, ask for it with KH_SEND_INTERRUPTS (otherwise it would wait
 * for the guest's next exit, whenever that is).
 *
 * Time is the host's, in the shared page: nanoseconds since the host
 * booted, advanced a host tick (10 ms) at a time whenever the guest is
 * entered. A guest spinning without hypercalls is still entered again
 * after every host tick, because the tick always brings it out.
 *
 * Sleeping is the classic race-free idle loop: with interrupts off, test
 * the condition, and if it does not hold yet, KH_HALT, which turns
 * interrupts on and sleeps in one step, so an interrupt cannot slip in
 * between the test and the sleep. The interrupt's handler has run by the
 * time KH_HALT returns. Next: printing and results, T:390. */
#include "tests/guests/lib/guest.h"

void enable_virtual_irqs(void)
{
	kennel_data.irq_enabled = EFLAGS_IF;
	compiler_barrier();
	if (kennel_data.irq_pending)
		kh_send_interrupts();
}

void disable_virtual_irqs(void)
{
	kennel_data.irq_enabled = 0;
	compiler_barrier();
}

bool virtual_irqs_enabled(void)
{
	return (kennel_data.irq_enabled & EFLAGS_IF) != 0;
}

uint64_t now_ns(void)
{
	return kennel_data.time_ns;
}

void spin_ns(uint64_t ns)
{
	uint64_t start = now_ns();

	while (now_ns() - start < ns)
		;
}

void halt_until(bool (*cond)(void))
{
	bool was_enabled = virtual_irqs_enabled();

	disable_virtual_irqs();
	while (!cond()) {
		kh_halt();
		disable_virtual_irqs();
	}
	if (was_enabled)
		enable_virtual_irqs();
}

static uint32_t timer_irqs_wanted;

static bool timer_came(void)
{
	return irq_count[KH_IRQ_TIMER] >= timer_irqs_wanted;
}

void sleep_us(uint32_t usecs)
{
	timer_irqs_wanted = irq_count[KH_IRQ_TIMER] + 1;
	kh_set_timer(usecs);
	halt_until(timer_came);
}
