/*T:430 tests/guests/virtif.c: the virtual interrupt flag.
 *
 * The host delivers an interrupt only when the guest can take it (H:510):
 * kennel_data.irq_enabled is EFLAGS_IF, the IRQ's bit is clear in
 * blocked_irqs, and eip is outside [noirq_start, noirq_end). Otherwise
 * the interrupt waits, and is never lost. Each rule gets a timer interrupt
 * that falls due while the guest spins (the host tick still brings it
 * out, so the host has every chance to get it wrong):
 *
 *   - with irq_enabled 0 the interrupt waits and irq_pending says so;
 *     after irq_enabled is set, KH_SEND_INTERRUPTS delivers it before the
 *     call returns, through an interrupt gate (irq_enabled 0 inside, IF in
 *     the pushed eflags), and irq_pending goes back to 0;
 *   - with IRQ 0 blocked it waits too, until unblocked;
 *   - while eip is inside the window the guest names it waits; the
 *     handler notes where it was delivered, which must be outside, so no
 *     check depends on when the host next happens to run.
 *
 * Next: T:440, the console device. */
#include "tests/guests/lib/guest.h"

#define TIMER_VECTOR	(KH_IRQ_VECTOR_BASE + KH_IRQ_TIMER)
#define DUE_AFTER_US	10000
#define SPIN_NS		(50 * NS_PER_MS)	/* the timer falls due meanwhile */

static volatile uint32_t seen_irq_enabled, seen_eflags, seen_eip;

static void note_timer(struct trap_frame *f)
{
	seen_irq_enabled = kennel_data.irq_enabled;
	seen_eflags = f->eflags;
	seen_eip = f->eip;
}

static uint32_t timer_irqs(void)
{
	return irq_count[KH_IRQ_TIMER];
}

static void check_waits_while_disabled(void)
{
	uint32_t before = timer_irqs();

	disable_virtual_irqs();
	kh_set_timer(DUE_AFTER_US);
	spin_ns(SPIN_NS);
	check(timer_irqs() == before, "an interrupt was delivered with irq_enabled 0");
	check(kennel_data.irq_pending != 0, "irq_pending is 0 with a timer interrupt waiting");
	kennel_data.irq_enabled = EFLAGS_IF;	/* by hand: no automatic send */
	compiler_barrier();
	kh_send_interrupts();
	check(timer_irqs() == before + 1,
	      "KH_SEND_INTERRUPTS returned with %u timer interrupts delivered, want 1",
	      timer_irqs() - before);
	check_eq(seen_irq_enabled, 0, "irq_enabled inside the timer's handler");
	check(seen_eflags & EFLAGS_IF, "the timer frame's eflags 0x%x lacks IF", seen_eflags);
	check_eq(kennel_data.irq_pending, 0, "irq_pending after the delivery");
	check_eq(kennel_data.irq_enabled, EFLAGS_IF, "irq_enabled after the handler returned");
}

static void check_waits_while_blocked(void)
{
	uint32_t before = timer_irqs();

	enable_virtual_irqs();
	kennel_data.blocked_irqs = 1u << KH_IRQ_TIMER;
	compiler_barrier();
	kh_set_timer(DUE_AFTER_US);
	spin_ns(SPIN_NS);
	check(timer_irqs() == before, "a blocked IRQ 0 was delivered");
	kennel_data.blocked_irqs = 0;
	compiler_barrier();
	kh_send_interrupts();
	check(timer_irqs() == before + 1,
	      "after unblocking, KH_SEND_INTERRUPTS delivered %u timer interrupts, want 1",
	      timer_irqs() - before);
}

static void name_window(const char *start, const char *end)
{
	kennel_data.noirq_start = (uint32_t)(uintptr_t)start;
	kennel_data.noirq_end = (uint32_t)(uintptr_t)end;
	compiler_barrier();
}

static void check_waits_inside_window(void)
{
	uint32_t start = (uint32_t)(uintptr_t)probe_window_start;
	uint32_t end = (uint32_t)(uintptr_t)probe_window_end;
	uint32_t before = timer_irqs();

	enable_virtual_irqs();
	seen_eip = 0;
	name_window(probe_window_start, probe_window_end);
	kh_set_timer(DUE_AFTER_US);
	probe_spin_window((uint32_t)(uintptr_t)&kennel_data.time_ns);
	name_window(noirq_start, noirq_end);
	kh_send_interrupts();
	if (!check(timer_irqs() == before + 1, "the window's timer interrupt never came"))
		return;
	check(seen_eip < start || seen_eip >= end,
	      "the timer interrupt was delivered at eip 0x%x, inside the window [0x%x, 0x%x)",
	      seen_eip, start, end);
}

void test_main(void)
{
	set_handler(TIMER_VECTOR, note_timer);
	check_waits_while_disabled();
	check_waits_while_blocked();
	check_waits_inside_window();
	print("virtif: %u failed checks\n", failures());
	test_finish();
}
