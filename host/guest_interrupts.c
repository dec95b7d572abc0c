/*H:500 host/guest_interrupts.c: traps and interrupts, as the guest sees them.
 *
 * A guest registers handlers with KH_LOAD_IDT_ENTRY but never gets a real
 * IDT: every vector stops at the Switcher and comes back to the host. To
 * hand a trap or an interrupt to the guest, the host does what the CPU
 * would have done, by hand: it pushes a frame on the guest's ring-1 stack
 * and points the guest's eip at the handler. The guest can't tell.
 *
 * The one thing it does differently is the interrupt flag. A ring-1 guest
 * cannot clear the real IF (the host needs its interrupts), so it has a
 * virtual one, irq_enabled in the shared struct kennel_data: the host
 * delivers interrupts only while it is set, pushes it as IF in the
 * frame's eflags, and clears it on entry through an interrupt gate.
 * Interrupts that must wait are remembered in irqs_pending, and
 * kennel_data.irq_pending tells the guest to ask for them
 * (KH_SEND_INTERRUPTS) when it re-enables. run_guest calls in twice: for
 * a virtual interrupt on every pass (H:510) and for a trap the host does
 * not handle itself (H:520); both end in the same frame (H:530). Next:
 * H:510. */
#include "arch/x86/cpu.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/sched.h"
#include "host/kernel/timer.h"
#include "host/kernel/trap.h"

uint32_t guest_irq_enabled(struct guest *g)
{
	return g->data_gpa ? guest_read_u32(g, KDATA(g, irq_enabled)) & EFLAGS_IF : 0;
}

void set_guest_irq_enabled(struct guest *g, uint32_t flag)
{
	if (g->data_gpa)
		guest_write_u32(g, KDATA(g, irq_enabled), flag & EFLAGS_IF);
}

/*H:530 The frame, lowest address first: the error code if the vector has
 * one, eip, cs, eflags, and when the guest was in ring 3, its esp and ss,
 * because then the handler runs on the ring-1 stack the guest named with
 * KH_SET_STACK. All of it is written through the checked guest-memory
 * functions: a guest whose stack pointer is garbage dies of it. The
 * frame's IF is the virtual flag, so the guest's iret restores that. The
 * new ss:esp go into g->regs, and the Switcher loads them on the next
 * entry (S:210).:*/
static bool frame_stack(struct guest *g, uint32_t vector, uint32_t *ss, uint32_t *esp)
{
	struct guest_regs *r = g->regs;

	if ((r->cs & 3) != 3) {
		*ss = r->ss, *esp = r->esp;
		return true;
	}
	if (!g->stack_ss) {
		kill_guest(g, "trap %u from ring 3 before KH_SET_STACK", vector);
		return false;
	}
	*ss = g->stack_ss, *esp = g->stack_esp;
	return true;
}

static bool push_frame(struct guest *g, uint32_t vector, bool error_code)
{
	struct guest_regs *r = g->regs;
	uint32_t words[6], n = 0, ss, esp;

	if (!frame_stack(g, vector, &ss, &esp))
		return false;
	if (error_code)
		words[n++] = r->errcode;
	words[n++] = r->eip;
	words[n++] = r->cs;
	words[n++] = (r->eflags & ~EFLAGS_IF) | guest_irq_enabled(g);
	if ((r->cs & 3) == 3) {
		words[n++] = r->esp;
		words[n++] = r->ss;
	}
	esp -= n * 4;
	guest_write_virt(g, segment_base(g, ss) + esp, words, n * 4);
	if (guest_waits(g))
		return false;		/* the stack's page is not there yet (below) */
	r->ss = ss, r->esp = esp;
	return true;
}
/*:*/

/*H:520 Delivering a trap, and entering the handler. A vector the guest
 * has no gate for is a trap nobody will handle: on real hardware that ends
 * in a triple fault, here in the guest's death with the vector's name.
 * Otherwise the host pushes the frame (H:530) and points cs:eip at the
 * gate's handler; an interrupt gate also clears the virtual IF, as the
 * CPU would clear the real one.:*/
static bool enter_handler(struct guest *g, uint32_t vector, bool error_code)
{
	struct desc gate = g->idt[vector];

	if (!handler_in_bounds(g, gate)) {
		kill_guest(g, "handler 0x%x:0x%x of vector %u %s", GUEST_CS, gate_offset(gate),
			   vector, SWITCHER_REACHED);
		return false;
	}
	if (!push_frame(g, vector, error_code))
		return false;
	g->regs->cs = GUEST_CS;
	g->regs->eip = gate_offset(gate);
	g->regs->eflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM);
	if (gate_type(gate) == GATE_INTERRUPT)
		set_guest_irq_enabled(g, 0);
	return true;
}

/* A frame that lands on a page not there yet (V:570) is not
 * pushed: nothing of the guest changes, and the delivery starts again
 * once the page has come, a trap by run_guest (retry_trap, H:245), an
 * interrupt by being pending again. */
void deliver_trap(struct guest *g, uint32_t vector)
{
	if (!gate_present(g->idt[vector])) {
		kill_guest(g, "unhandled trap %u (%s) at eip 0x%x", vector,
			   trap_name(vector), g->regs->eip);
		return;
	}
	if (enter_handler(g, vector, vector_has_error_code(vector)))
		g->stats.reflected++;
	else if (guest_waits(g))
		g->retry_trap = (uint16_t)(vector + 1);	/* again, later (above) */
}
/*:*/

/*H:510 Virtual interrupts, offered on every pass of run_guest (H:210).
 * IRQ n arrives on vector KH_IRQ_VECTOR_BASE + n; the lowest pending one
 * goes first. It waits while the guest has interrupts off, while it has
 * blocked that IRQ, and while the guest's eip is inside [noirq_start,
 * noirq_end): the few instructions of its return path between re-enabling
 * and iret, where a new frame would land on top of the one being popped.
 * A waiting interrupt sets kennel_data.irq_pending, so the guest asks
 * again (KH_SEND_INTERRUPTS) when it re-enables. An IRQ with no handler is
 * dropped: the guest has said it does not care.:*/
struct irq_view {
	uint32_t irq_enabled, blocked_irqs, noirq_start, noirq_end;
};

/* One read fetches all four: they open struct kennel_data, in this order. */
_Static_assert(offsetof(struct kennel_data, irq_enabled) == offsetof(struct irq_view, irq_enabled) &&
	       offsetof(struct kennel_data, blocked_irqs) == offsetof(struct irq_view, blocked_irqs) &&
	       offsetof(struct kennel_data, noirq_start) == offsetof(struct irq_view, noirq_start) &&
	       offsetof(struct kennel_data, noirq_end) == offsetof(struct irq_view, noirq_end),
	       "struct irq_view mirrors the head of struct kennel_data");

static uint32_t take_lowest(struct guest *g, uint32_t deliverable)
{
	uint32_t irq = (uint32_t)__builtin_ctz(deliverable);
	uint32_t flags = irq_save();

	g->irqs_pending &= ~(1u << irq);
	irq_restore(flags);
	return irq;
}

static void show_pending(struct guest *g, uint32_t pending)
{
	guest_write_u32(g, KDATA(g, irq_pending), pending != 0);
}

void maybe_deliver_interrupt(struct guest *g)
{
	struct irq_view v;
	uint32_t deliverable, irq;

	if (!g->data_gpa || !g->irqs_pending)
		return;
	guest_read(g, g->data_gpa, &v, sizeof(v));
	deliverable = g->irqs_pending & ~v.blocked_irqs;
	if (!deliverable)
		return;
	if (!(v.irq_enabled & EFLAGS_IF) ||
	    (g->regs->eip >= v.noirq_start && g->regs->eip < v.noirq_end)) {
		show_pending(g, deliverable);
		return;
	}
	irq = take_lowest(g, deliverable);
	g->halted = false;
	if (gate_present(g->idt[KH_IRQ_VECTOR_BASE + irq])) {
		if (!enter_handler(g, KH_IRQ_VECTOR_BASE + irq, false) && guest_waits(g)) {
			raise_irq(g, irq);	/* offered again (above) */
			return;
		}
		g->stats.irqs_delivered++;
	}
	show_pending(g, g->irqs_pending & ~v.blocked_irqs);
}
/*:*/

/* Would an interrupt wake the halted guest? Asked with interrupts off,
 * before sleeping, so it must not touch guest memory: the guest's blocked
 * mask is read once by the caller. */
bool interrupt_deliverable(struct guest *g)
{
	return (g->irqs_pending & ~g->blocked_when_halted) != 0;
}

void raise_irq(struct guest *g, uint32_t irq)
{
	uint32_t flags = irq_save();

	g->irqs_pending |= 1u << irq;
	irq_restore(flags);
}

/*H:540 The guest's timer: a deadline in host ticks (TIMER_HZ a second),
 * so a guest's microseconds are rounded up to the next tick. The host's
 * tick hook, chained after the scheduler's, raises IRQ 0 for each guest
 * whose deadline has passed and wakes its Launcher in case the guest is
 * halted. */
static void (*next_tick_hook)(void);

/*M:020 Guest timers are only as fine as the host's tick: 10 ms at
 * TIMER_HZ 100. A guest asking for 1 ms gets up to 10. lguest used the
 * host's high-resolution timers; kennel could program the PIT as a
 * one-shot for the nearest deadline of all guests (and its own tick), or
 * use the local APIC timer. The guest's clock does not share the problem:
 * it can interpolate with rdtsc and tsc_khz (H:380). */

void set_guest_timer(struct guest *g, uint32_t usecs)
{
	uint64_t ticks = ((uint64_t)usecs * TIMER_HZ + 999999) / 1000000;
	uint32_t flags = irq_save();

	g->timer_deadline = usecs ? timer_ticks() + (ticks ? ticks : 1) : 0;
	irq_restore(flags);
}

static void guests_tick(void)
{
	uint64_t now = timer_ticks();

	if (next_tick_hook)
		next_tick_hook();
	for (uint32_t i = 0; i < GUESTS_MAX; i++) {
		struct guest *g = guest_slot(i);

		if (g && g->timer_deadline && now >= g->timer_deadline) {
			g->timer_deadline = 0;
			g->irqs_pending |= 1u << KH_IRQ_TIMER;
			proc_wake(g->launcher);
		}
	}
}

void interrupts_init(void)
{
	next_tick_hook = timer_tick_hook;
	timer_tick_hook = guests_tick;
}
