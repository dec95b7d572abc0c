/*H:200 host/run_guest.c: the loop at the heart of kennel.
 *
 * The Launcher's KN_RUN lands here and stays until something needs the
 * Launcher. Each pass does, in order: the guest's hypercalls (the batched
 * ones, then the one that brought it out), a check for console input the
 * Launcher should read, a virtual interrupt if one can be delivered, a
 * sleep if the guest is halted, and then one trip into the guest and back
 * through the Switcher. What brought it back decides the next pass.
 *
 * The loop runs in the Launcher's process with interrupts on, so the host
 * keeps scheduling: a guest that spins forever is interrupted by the
 * host's timer, which always brings it back here, and the scheduler then
 * lets other processes and guests run. Next: the loop itself, H:210. */
#include "arch/x86/cpu.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/condev.h"
#include "host/kernel/console.h"
#include "host/kernel/sched.h"
#include "host/kernel/trap.h"

static bool input_waiting(struct guest *g)
{
	return (g->flags & KN_INIT_WAKE_ON_INPUT) && console_input_ready(g->launcher);
}

/*H:220 A halted guest sleeps until an interrupt it has not blocked is
 * pending: its timer or a device's interrupt from the Launcher. Console
 * input for the Launcher also ends the sleep, and so does the Launcher
 * being killed. The sleep protocol is the scheduler's (host/kernel/sched.h): test
 * with interrupts off, so a wake-up cannot slip in between. */
static void wait_for_interrupt(struct guest *g)
{
	uint32_t flags;

	if (g->data_gpa)
		g->blocked_when_halted = guest_read_u32(g, KDATA(g, blocked_irqs));
	flags = irq_save();
	while (!interrupt_deliverable(g) && !input_waiting(g) && !proc_should_stop(current) &&
	       !g->dead && !g->paused && !g->save_pending)
		proc_sleep();
	irq_restore(flags);
	if (interrupt_deliverable(g))
		g->halted = false;
}

/*H:230 One trip into the guest. Its registers are checked first (H:440),
 * then the Switcher runs it with the host's interrupts off: they stay off
 * in the guest too, in the sense that matters, since any host interrupt
 * exits to the host at once. switcher_run (S:110) returns when the guest
 * traps, faults or is interrupted, with every guest register saved in
 * g->regs; CR2 is read straight after, before anything could fault and
 * change it. The Switcher has a chapter of its own (S).:*/
/* A pushed segment register may carry junk in its upper half (the CPU
 * is allowed to write only 16 bits), so only the low half is the guest's. */
static void trim_selectors(struct guest_regs *r)
{
	r->cs &= 0xffff, r->ss &= 0xffff, r->ds &= 0xffff;
	r->es &= 0xffff, r->fs &= 0xffff, r->gs &= 0xffff;
}

/*H:235 The entry check of the six selectors (H:440) costs a few hundred
 * instructions, and almost every entry would repeat the last one exactly:
 * the same selectors against the same GDT. So the host remembers what
 * passed last, the selectors' values and the GDT's version (which
 * guest_gdt_init and set_gdt_entry, the only writers of gdt[], bump), and
 * skips the check when both are unchanged. It remembers the last few
 * sets, since a guest goes back and forth between its kernel's selectors,
 * its programs', and the mixture a trap from ring 3 is delivered with. It compares values instead of
 * trusting a flag, so no path that changes the registers (KN_SET_REGS,
 * trap delivery, iret emulation, the hypercalls) can forget to ask for a
 * new check: any change at all of a selector, or of the GDT, means one. */
static bool same_selectors(const struct guest *g, const struct checked_selectors *c,
			   const struct guest_regs *r)
{
	return c->valid && c->gdt_version == g->gdt_version && c->cs == r->cs &&
	       c->ss == r->ss && c->ds == r->ds && c->es == r->es && c->fs == r->fs &&
	       c->gs == r->gs;
}

static bool selectors_as_checked(const struct guest *g, const struct guest_regs *r)
{
	for (uint32_t i = 0; i < CHECKED_SELECTOR_SETS; i++)
		if (same_selectors(g, &g->checked[i], r))
			return true;
	return false;
}

/*H:236 The same for the addresses the CPU uses with no host in between
 * (H:445): the trap stack and the direct-trap handler. What decides them
 * is the stack (ss and esp), the system-call vector, its gate, and the GDT
 * (the segments' bases): when all are as they were when the check last
 * passed, it would pass again. */
static bool addresses_as_checked(const struct guest *g)
{
	const struct checked_addresses *c = &g->checked_addresses;
	struct desc gate = g->idt[g->syscall_vector];

	return c->valid && c->gdt_version == g->gdt_version && c->stack_ss == g->stack_ss &&
	       c->stack_esp == g->stack_esp && c->vector == g->syscall_vector &&
	       c->gate.lo == gate.lo && c->gate.hi == gate.hi;
}

static bool addresses_ok(struct guest *g, const char **why)
{
	if (addresses_as_checked(g))
		return true;
	if (!guest_addresses_ok(g, why))
		return false;
	g->checked_addresses = (struct checked_addresses){ g->gdt_version, g->stack_ss,
		g->stack_esp, g->syscall_vector, g->idt[g->syscall_vector], true };
	return true;
}

static bool selectors_ok(struct guest *g, const char **why)
{
	const struct guest_regs *r = g->regs;

	if (selectors_as_checked(g, r))
		return guest_eip_ok(g, r, why);	/* eip is new on every entry */
	if (!guest_selectors_ok(g, r, why))
		return false;
	g->checked[g->checked_next] = (struct checked_selectors){
		r->cs, r->ss, r->ds, r->es, r->fs, r->gs, g->gdt_version, true };
	g->checked_next = (g->checked_next + 1) % CHECKED_SELECTOR_SETS;
	return true;
}

static bool enter_guest(struct guest *g)
{
	const char *why;

	if (!selectors_ok(g, &why)) {
		kill_guest(g, "bad guest state: %s", why);
		return false;
	}
	if (!addresses_ok(g, &why)) {
		kill_guest(g, "bad guest state: %s", why);
		return false;
	}
	g->regs->eflags = guest_eflags(g->regs->eflags);
	update_guest_time(g);
	if (g->wp_pending)
		shadow_write_protect(g);
	shadow_pin_stack(g);
	if (g->exit_ready)
		return false;		/* dead, or its stack is not there yet (V:570) */
	irq_disable();
	fpu_before_entry(g);
	/* A kill is final: nothing of a dead guest runs again, however late in
	 * the preparations it died (writing its time, pinning its stack). */
	BUG_ON(g->dead);
	switcher_run(g, shadow_cr3(g));
	g->cr2 = read_cr2();
	fpu_after_exit(g);
	irq_enable();
	trim_selectors(g->regs);
	g->stats.switches++;
	return true;
}
/*:*/

/*H:240 Back from the guest, with trapnum saying why. A hypercall is only
 * noted: the next pass runs it, first thing (H:320). A page fault may be
 * one the shadow page tables fix without the guest knowing (demand_page,
 * V:110); if not, it is the guest's own, reported with its address in
 * the shared page. A general protection fault may be an instruction the
 * host emulates (H:550); device-not-available is the lazy FPU (H:600).
 * Host interrupts were handled on the way out (S:230). Every other trap
 * goes to the guest's handler (deliver_trap, H:520), or kills a guest
 * that has none. Next: the hypercalls, H:300.:*/
static void reflect_page_fault(struct guest *g)
{
	if (demand_page(g, g->cr2, g->regs->errcode)) {
		g->stats.shadow_faults++;
		return;
	}
	if (g->data_gpa)
		guest_write_u32(g, KDATA(g, cr2), g->cr2);
	deliver_trap(g, VEC_PAGE);
}

static void handle_trap(struct guest *g)
{
	uint32_t vector = g->regs->trapnum;

	if (vector < KN_STATS_TRAPS)
		g->stats.traps[vector]++;
	switch (vector) {
	case SWITCHER_NO_TRAP:
		kill_guest(g, "fault in the Switcher entering the guest (eip 0x%x)", g->regs->eip);
		break;
	case KH_TRAP_VECTOR:
		g->hcall_waiting = true;
		break;
	case VEC_PAGE:
		reflect_page_fault(g);
		break;
	case VEC_GP:
		if (!emulate_insn(g))
			deliver_trap(g, VEC_GP);
		break;
	case VEC_NO_FPU:
		if (g->virtual_ts)
			deliver_trap(g, VEC_NO_FPU);
		else
			fpu_take(g);
		break;
	case VEC_NMI:
		break;
	default:
		if (irq_vector(vector))
			g->stats.host_interrupts++;
		else
			deliver_trap(g, vector);
	}
}
/*:*/

/*H:245 A guest waiting for a page (V:570) goes back to the Launcher
 * first thing on every pass, with the page, until the page is woken; a
 * trap whose delivery stopped for a page (its frame on a stack page not
 * there yet) is delivered again, from the start, once it may go on. A
 * halted guest whose Launcher asked (KN_EXIT_ON_HALT: a lazy restore's
 * prefetcher, L:720) goes back to it instead of sleeping. */
static bool uf_state_says_exit(struct guest *g)
{
	uint32_t vector = g->retry_trap - 1;

	if (g->uf_waiting) {
		guest_exit_to_launcher(g, KN_EXIT_USERFAULT, g->uf_wait_gpa, g->uf_wait_flags);
		return true;
	}
	g->retry_trap = 0;
	deliver_trap(g, vector);
	return g->exit_ready;
}

static bool exit_on_halt(struct guest *g)
{
	if (g->exit_on_halt && !interrupt_deliverable(g))
		guest_exit_to_launcher(g, KN_EXIT_HALTED, 0, 0);
	return g->exit_ready;
}

/*H:225 A paused guest (KN_CTL_PAUSE, from the monitor: H:700) is not
 * entered: its Launcher sleeps here, inside KN_RUN, until the guest is
 * resumed or killed or the Launcher itself is, with the same sleep
 * protocol as a halt (H:220). Its counters stand still meanwhile. */
static void wait_while_paused(struct guest *g)
{
	uint32_t flags = irq_save();

	while (g->paused && !g->dead && !proc_should_stop(current) && !g->save_pending)
		proc_sleep();
	irq_restore(flags);
}

/*H:210 The loop. It returns when g->exit_ready says the Launcher has
 * something to do: a notify, console output, shutdown, input, or death.
 * Each pass, in order: the Launcher being killed ends it; a snapshot the
 * monitor asked for ends it too (H:840), paused or not; a guest the
 * monitor paused waits (H:225); do_hypercalls runs what the guest asked
 * for (H:320); console input the Launcher should read ends it;
 * maybe_deliver_interrupt pushes a pending virtual interrupt onto the
 * guest's stack if the guest can take one (H:510); a halted guest sleeps
 * (H:220) and the loop starts over; the scheduler may run someone else,
 * and the monitor may pause or kill the guest meanwhile; then enter_guest
 * (H:230) runs the guest until it traps, and handle_trap (H:240) decides
 * what that trap means.:*/
void run_guest(struct guest *g)
{
	while (!g->exit_ready) {
		if (proc_should_stop(current)) {
			kill_guest(g, "its Launcher was killed");
			break;
		}
		if (g->save_pending && guest_take_save(g))
			break;
		if (g->uf_state && uf_state_says_exit(g))
			break;
		if (g->paused) {
			wait_while_paused(g);
			continue;
		}
		do_hypercalls(g);
		if (g->exit_ready)
			break;
		if (input_waiting(g)) {
			guest_exit_to_launcher(g, KN_EXIT_INPUT, 0, 0);
			break;
		}
		maybe_deliver_interrupt(g);
		if (g->halted && !exit_on_halt(g)) {
			wait_for_interrupt(g);
			continue;
		}
		if (g->exit_ready)
			break;		/* death, or a page to wait for (V:570) */
		sched_preempt_point();
		if (g->dead || g->paused)
			continue;	/* the monitor's doing, while others ran */
		if (enter_guest(g) && !g->dead)
			handle_trap(g);
	}
}
/*:*/

/*S:320 Step 4, back in the host (the walk-through began at S:300).
 * switcher_run returns into enter_guest (H:230), which reads CR2, gives
 * the FPU back, turns interrupts on and trims the saved selectors. In
 * run_guest (H:210), handle_trap (H:240) finds trapnum 31, counts it and
 * only sets g->hcall_waiting: nothing else is done in the middle of a
 * trap. The loop goes round; its first call, do_hypercalls (H:320),
 * drains the asynchronous ring, sees hcall_waiting, clears it and builds
 * struct kh_args from the saved registers: nr = regs.eax = 10, arg1 =
 * regs.ebx = 1, arg2..arg4 = ecx, edx, esi. Next: S:330. */
