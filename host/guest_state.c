/*H:800 host/guest_state.c: a guest's CPU side, out and back in, for
 * snapshots.
 *
 * A guest is its memory, which its Launcher holds and can write to a file
 * itself, and what the host keeps for it: registers, the descriptors it
 * loaded, its trap stack, its shared page, where its page tables are, its
 * timer, its pending interrupts, its FPU. KN_GET_STATE hands the latter to
 * the Launcher as one struct kn_guest_state (arch/x86/kennel_dev.h, H:805);
 * KN_SET_STATE gives it to a new guest, whose Launcher has put the memory
 * back first. Both happen between two KN_RUNs, when the guest is not
 * running: only its own Launcher may ask, and that Launcher is here, not in
 * run_guest.
 *
 * A snapshot is a file, and a file can say anything, so the state set is
 * treated as the hypercalls would treat the same values from the guest:
 * every descriptor through gdt_entry_problem and idt_entry_problem, the
 * stack as KH_SET_STACK checks it, the shared page as KH_INIT, the page
 * directory as KH_NEW_PGTABLE, the registers as every entry does (H:440).
 * It is all checked on a copy of the guest first (H:810), and only if all
 * of it passes does any of it reach the guest: a refused state changes
 * nothing. The second half of the file is how the monitor asks a guest's
 * Launcher for a snapshot (H:840). Next: H:810. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/heap.h"
#include "host/kernel/sched.h"
#include "host/kernel/timer.h"

_Static_assert(KN_GDT_SLOTS == GDT_ENTRIES && KN_IDT_GATES == IDT_ENTRIES &&
	       KN_FPU_BYTES == FPU_STATE_SIZE, "struct kn_guest_state holds all of it");
_Static_assert(sizeof(struct kn_desc) == sizeof(struct desc), "a descriptor is two words");

#define US_PER_TICK	(1000000u / TIMER_HZ)

static bool desc_empty(struct desc d)
{
	return !d.lo && !d.hi;
}

/*H:810 The checks, on "t", a copy of the guest with the new descriptors in
 * it, so that every check that looks at a segment's base or a gate sees
 * the new ones, as it would after the hypercalls that loaded them. An
 * empty entry is always allowed (it is what the host's own slots and the
 * reserved vectors hold); any other goes through the hypercall's check and
 * then its setter, which normalises it exactly as the hypercall would. */
static bool descriptors_ok(struct guest *t, const struct kn_guest_state *s)
{
	for (uint32_t i = 0; i < GDT_ENTRIES; i++) {
		struct desc d = { s->gdt[i].lo, s->gdt[i].hi };

		if (desc_empty(d))
			t->gdt[i] = d;
		else if (gdt_entry_problem(i, d))
			return false;
		else
			set_gdt_entry(t, i, d);
	}
	for (uint32_t v = 0; v < IDT_ENTRIES; v++) {
		struct desc gate = { s->idt[v].lo, s->idt[v].hi };

		if (desc_empty(gate))
			t->idt[v] = gate;
		else if (idt_entry_problem(v, gate) ||
			 (gate_present(gate) && !handler_in_bounds(t, gate)))
			return false;
		else
			set_idt_entry(t, v, gate);
	}
	return true;
}

/* The shared page as KH_INIT takes it, and the vector it read then. */
static bool shared_page_ok(const struct guest *t, const struct kn_guest_state *s)
{
	if (!s->data_gpa)
		return !s->syscall_vector && (s->flags & KN_GS_LINEAR) && !s->async_next;
	return !(s->data_gpa & 3) && guest_range_ok(t, s->data_gpa, sizeof(struct kennel_data)) &&
	       !syscall_vector_problem(s->syscall_vector) && s->async_next < KH_ASYNC_SLOTS;
}

/* The trap stack as KH_SET_STACK takes it; none at all is ss 0. */
static bool stack_ok(const struct guest *t, const struct kn_guest_state *s)
{
	if (!s->stack_ss)
		return !s->stack_esp;
	return !stack_selector_problem(t, s->stack_ss) &&
	       stack_in_bounds(t, s->stack_ss, s->stack_esp);
}

/* The page directory as KH_NEW_PGTABLE takes it. Linear mode cannot come
 * back once a guest has left it (V:100): a second KN_SET_STATE may not
 * ask for it. */
static bool page_tables_ok(const struct guest *g, const struct kn_guest_state *s)
{
	if (s->flags & KN_GS_LINEAR)
		return g->linear_pgdir && !s->gpgdir && !s->kernel_address;
	return !(s->gpgdir & ~PAGE_MASK) && guest_range_ok(g, s->gpgdir, PAGE_SIZE) &&
	       !(s->kernel_address & (BIGPAGE_SIZE - 1)) && s->kernel_address < SWITCHER_ADDR;
}

static struct guest_regs regs_of(const struct kn_regs *k)
{
	return (struct guest_regs){ k->eax, k->ebx, k->ecx, k->edx, k->esi, k->edi, k->ebp,
		k->gs, k->fs, k->ds, k->es, k->trapnum, k->errcode,
		k->eip, k->cs, k->eflags, k->esp, k->ss };
}

static bool state_ok(struct guest *g, struct guest *t, const struct kn_guest_state *s)
{
	struct guest_regs r = regs_of(&s->regs);
	const char *why;

	if (s->size != sizeof(*s) || (s->flags & ~KN_GS_FLAGS) || s->reserved)
		return false;
	if (!descriptors_ok(t, s) || !shared_page_ok(t, s) || !page_tables_ok(g, s))
		return false;
	t->stack_ss = s->stack_ss, t->stack_esp = s->stack_esp;
	t->syscall_vector = s->syscall_vector;
	return stack_ok(t, s) && guest_selectors_ok(t, &r, &why) && guest_addresses_ok(t, &why);
}

/*H:820 Acting, once everything passed: the descriptors as checked, then
 * each part where the host keeps it. The GDT's version moves, so the
 * entry checks of H:235 run afresh; the shared page's view and the time
 * are found again as KH_INIT finds them; the timer starts over from the
 * time that was left; the FPU registers wait in fpu_state for the guest's
 * first FPU instruction (H:620); the page directory's shadow starts empty
 * and fills by demand (V:110), as after any KH_NEW_PGTABLE. */
static void set_timer_left(struct guest *g, uint64_t left_us)
{
	set_guest_timer(g, left_us > 0xffffffffu ? 0xffffffffu : (uint32_t)left_us);
}

static void apply_state(struct guest *g, const struct guest *t, const struct kn_guest_state *s)
{
	uint32_t flags;

	memcpy(g->gdt, t->gdt, sizeof(g->gdt));
	memcpy(g->idt, t->idt, sizeof(g->idt));
	g->uf_state = 0;		/* what it waited for belonged to the old state */
	g->gdt_version++;
	g->descriptors_changed = true;
	*g->regs = regs_of(&s->regs);
	g->regs->eflags = guest_eflags(g->regs->eflags);
	g->cr2 = s->cr2;
	g->stack_ss = s->stack_ss, g->stack_esp = s->stack_esp;
	g->syscall_vector = s->syscall_vector;
	g->data_gpa = s->data_gpa;
	g->data_view = s->data_gpa ? guest_page_view(g, s->data_gpa, sizeof(struct kennel_data))
				   : NULL;
	g->async_next = s->async_next;
	g->hcall_waiting = s->flags & KN_GS_HCALL_WAITING;
	g->time_offset_ns = (int64_t)(s->time_ns - timer_ticks() * (1000ull * US_PER_TICK));
	g->time_written = ~0ull;
	flags = irq_save();
	g->irqs_pending = s->irqs_pending;
	irq_restore(flags);
	set_timer_left(g, s->timer_left_us);
	g->halted = s->flags & KN_GS_HALTED;
	g->blocked_when_halted = s->blocked_when_halted;
	g->virtual_ts = s->flags & KN_GS_VIRTUAL_TS;
	fpu_forget(g);
	memcpy(g->fpu_state, s->fpu, FPU_STATE_SIZE);
	g->fpu_saved = s->flags & KN_GS_FPU_SAVED;
	if (!(s->flags & KN_GS_LINEAR)) {
		g->kernel_address = s->kernel_address;
		shadow_switch(g, s->gpgdir);
	}
}

/* The shared page is held for the guest's life from here (V:350), so it
 * must be there: a lazy restore fills it first (L:710). */
static bool shared_page_missing(struct guest *g, uint32_t gpa)
{
	uint32_t last = gpa + sizeof(struct kennel_data) - 1;

	return gpa && (gmap_missing(g, gpa / PAGE_SIZE) || gmap_missing(g, last / PAGE_SIZE));
}

int32_t guest_set_state(struct guest *g, const struct kn_guest_state *s)
{
	struct guest *t = kmalloc(sizeof(*t));
	int32_t err = -EINVAL;

	if (!t)
		return -ENOMEM;
	memcpy(t, g, sizeof(*t));
	if (!state_ok(g, t, s)) {
		err = -EINVAL;
	} else if (shared_page_missing(g, s->data_gpa)) {
		err = -EAGAIN;
	} else {
		apply_state(g, t, s);
		err = 0;
	}
	kfree(t);
	return err;
}

/*H:830 Reading it is copying it out, with two conversions: the timer's
 * deadline in host ticks becomes the time left (one tick at least if it
 * is due), and the guest's clock is read as the guest would read it. The
 * guest's FPU registers may still be in the unit: fpu_release puts them
 * in fpu_state first. */
static uint64_t timer_left_us(const struct guest *g)
{
	uint64_t deadline = g->timer_deadline, now = timer_ticks();

	if (!deadline)
		return 0;
	return deadline > now ? (deadline - now) * US_PER_TICK : US_PER_TICK;
}

static uint32_t state_flags(const struct guest *g)
{
	return (g->linear_pgdir ? KN_GS_LINEAR : 0) | (g->halted ? KN_GS_HALTED : 0) |
	       (g->virtual_ts ? KN_GS_VIRTUAL_TS : 0) | (g->fpu_saved ? KN_GS_FPU_SAVED : 0) |
	       (g->hcall_waiting ? KN_GS_HCALL_WAITING : 0);
}

/* A trap whose delivery waits for a page (H:245) is not in the state: the
 * state is asked for again once the page has come and the trap is in. */
int32_t guest_get_state(struct guest *g, struct kn_guest_state *s)
{
	const struct guest_regs *r = g->regs;

	if (g->retry_trap)
		return -EAGAIN;
	fpu_release(g);
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->flags = state_flags(g);
	s->regs = (struct kn_regs){ r->eax, r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp,
		r->esp, r->eip, r->eflags, r->cs, r->ss, r->ds, r->es, r->fs, r->gs,
		r->trapnum, r->errcode };
	s->cr2 = g->cr2;
	s->data_gpa = g->data_gpa;
	s->async_next = g->async_next;
	s->syscall_vector = g->syscall_vector;
	s->stack_ss = g->stack_ss, s->stack_esp = g->stack_esp;
	s->gpgdir = g->linear_pgdir ? 0 : g->shadows[g->shadow_now].gpgdir;
	s->kernel_address = g->linear_pgdir ? 0 : g->kernel_address;
	s->irqs_pending = g->irqs_pending;
	s->blocked_when_halted = g->blocked_when_halted;
	s->timer_left_us = timer_left_us(g);
	s->time_ns = guest_clock_ns(g);
	memcpy(s->gdt, g->gdt, sizeof(s->gdt));
	memcpy(s->idt, g->idt, sizeof(s->idt));
	memcpy(s->fpu, g->fpu_state, FPU_STATE_SIZE);
	return 0;
}

/*H:840 A snapshot asked for by the monitor (KN_CTL_SAVE, H:720). The
 * host cannot write the file, which is the Launcher's business, so it
 * only passes the request on: the guest's next pass of run_guest returns
 * KN_EXIT_SAVE with the path (guest_take_save), the Launcher saves, and
 * its KN_SAVE_DONE answer wakes the monitor, which has slept meanwhile in
 * guest_request_save. The answer travels through a struct on the
 * monitor's own kernel stack: the guest points at it while the monitor
 * waits, and whoever finishes the wait (the answer, the guest's end in
 * kn_release, the monitor being killed) unhooks it, so neither side is
 * ever left pointing at the other after it has gone. */
struct save_wait {
	struct process *waiter;
	bool done;
	struct kn_save_result answer;
};

static bool save_path_ok(const char *path)
{
	uint32_t n = 0;

	while (n < KN_PATH_MAX && path[n] >= 0x20 && path[n] < 0x7f)
		n++;
	return n > 0 && n < KN_PATH_MAX && path[n] == '\0';
}

static void finish_wait(struct guest *g, int32_t result, const char *message)
{
	struct save_wait *w = g->save_wait;

	g->save_wait = NULL;
	g->save_busy = false;
	g->save_pending = false;
	if (!w)
		return;
	w->answer.result = result;
	strlcpy(w->answer.message, message, sizeof(w->answer.message));
	w->done = true;
	proc_wake(w->waiter);
}

int32_t guest_request_save(struct guest *g, struct kn_save_request *req)
{
	struct save_wait w = { .waiter = current };
	uint32_t flags;

	if ((req->kind != KN_SAVE_FULL && req->kind != KN_SAVE_DELTA) || !save_path_ok(req->path))
		return -EINVAL;
	if (g->dead)
		return -EPIPE;
	if (g->save_busy)
		return -EBUSY;
	g->save_busy = g->save_pending = true;
	g->save_kind = req->kind;
	memcpy(g->save_path, req->path, KN_PATH_MAX);
	g->save_wait = &w;
	proc_wake(g->launcher);
	flags = irq_save();
	while (!w.done && !proc_should_stop(current))
		proc_sleep();
	irq_restore(flags);
	if (!w.done) {
		g->save_wait = NULL;	/* still alive: its end would have said so */
		return -EINTR;
	}
	req->answer = w.answer;
	return 0;
}

/* In run_guest, before anything else on a pass (H:210). */
bool guest_take_save(struct guest *g)
{
	if (!g->save_pending)
		return false;
	g->save_pending = false;
	guest_exit_to_launcher(g, KN_EXIT_SAVE, g->save_kind, 0);
	strlcpy(g->exit.message, g->save_path, sizeof(g->exit.message));
	return true;
}

/* KN_SAVE_DONE: the Launcher's answer; -ENOENT if nobody asked. */
int32_t guest_save_answered(struct guest *g, const struct kn_save_result *answer)
{
	char message[KN_MESSAGE_MAX];

	if (!g->save_busy || g->save_pending)
		return -ENOENT;
	memcpy(message, answer->message, sizeof(message));
	message[KN_MESSAGE_MAX - 1] = '\0';
	finish_wait(g, answer->result > 0 ? -EINVAL : answer->result, message);
	return 0;
}

/* The guest is going (kn_release): a monitor still waiting hears so. */
void guest_save_abandon(struct guest *g)
{
	if (g->save_busy)
		finish_wait(g, -EPIPE, "the guest ended before it was saved");
}
