/*H:300 host/hypercalls.c: what a guest can ask of the host.
 *
 * A hypercall arrives one of two ways: synchronously, when the guest's
 * "int $0x1f" brings it out of the Switcher with the call in its
 * registers, or batched, in the asynchronous ring of the shared page,
 * which the host drains first on every pass of run_guest. Either way it
 * comes to do_call, which looks the call up in one table.
 *
 * Every handler has the same shape: check every argument, kill the guest
 * with a reason that names the call if any is wrong, and only then act.
 * Nothing is half done, and a guest never gets an error code it might
 * ignore. The dispatcher comes first (H:310, H:320), then the handlers,
 * one group of calls at a time. Next: H:310. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/timer.h"
#include "host/kernel/console.h"

typedef void (*hcall_fn)(struct guest *g, const struct kh_args *a);

/*H:330 KH_INIT registers the shared page, struct kennel_data, which must
 * lie wholly inside guest memory. The host fills in what it owns: how much
 * of the top of the address space the guest must leave to the Switcher,
 * and the time. The guest's direct-trap vector (H:435) is read now, once.
 * No other call is accepted before it. */
static void hc_init(struct guest *g, const struct kh_args *a)
{
	uint32_t syscall_vector;
	const char *problem;

	if (g->data_gpa) {
		kill_guest(g, "KH_INIT: the shared page is already registered");
		return;
	}
	if ((a->arg1 & 3) || !a->arg1 || !guest_range_ok(g, a->arg1, sizeof(struct kennel_data))) {
		kill_guest(g, "KH_INIT: struct kennel_data at 0x%x is not an aligned range "
			   "inside guest memory", a->arg1);
		return;
	}
	syscall_vector = guest_read_u32(g, a->arg1 + offsetof(struct kennel_data, syscall_vector));
	if (guest_waits(g))
		return;		/* the shared page is not there yet: again, later */
	if ((problem = syscall_vector_problem(syscall_vector))) {
		kill_guest(g, "KH_INIT: syscall_vector %u %s", syscall_vector, problem);
		return;
	}
	g->data_gpa = a->arg1;
	g->data_view = guest_page_view(g, a->arg1, sizeof(struct kennel_data));
	g->syscall_vector = syscall_vector;
	g->descriptors_changed = true;
	g->async_next = 0;
	guest_write_u32(g, KDATA(g, reserve_mem), 0u - SWITCHER_ADDR);
	guest_write_u32(g, KDATA(g, tsc_khz), timer_tsc_khz());
	g->time_written = ~0ull;
}

/* Replace anything but printable ASCII, so a guest's words cannot carry
 * control codes to the host's console. */
static void printable(char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			*s = '?';
}

static void hc_shutdown(struct guest *g, const struct kh_args *a)
{
	char message[sizeof(g->exit.message)];
	uint32_t len;

	if (a->arg2 != KH_SHUTDOWN_POWEROFF && a->arg2 != KH_SHUTDOWN_CRASH) {
		kill_guest(g, "KH_SHUTDOWN: kind %u is neither poweroff nor crash", a->arg2);
		return;
	}
	if (a->arg3 > (a->arg2 == KH_SHUTDOWN_POWEROFF ? KH_STATUS_MAX : 0)) {
		kill_guest(g, "KH_SHUTDOWN: status %u is not 0..%u (a crash has none)", a->arg3,
			   KH_STATUS_MAX);
		return;
	}
	if (!guest_range_ok(g, a->arg1, 1)) {
		kill_guest(g, "KH_SHUTDOWN: message at 0x%x is outside guest memory", a->arg1);
		return;
	}
	len = guest_limit(g) - a->arg1;
	len = len < KH_MESSAGE_MAX ? len : KH_MESSAGE_MAX;
	memset(message, 0, sizeof(message));
	guest_read(g, a->arg1, message, len);
	if (guest_waits(g))
		return;
	guest_exit_to_launcher(g, KN_EXIT_SHUTDOWN, a->arg2, a->arg3);
	memcpy(g->exit.message, message, sizeof(message));
	g->exit.message[KH_MESSAGE_MAX] = 0;
	printable(g->exit.message);
	g->dead = true;
}

/*H:340 Descriptors: the checks are in host/guest_descriptors.c (H:400). */
static void hc_load_gdt_entry(struct guest *g, const struct kh_args *a)
{
	struct desc d = { a->arg2, a->arg3 };
	const char *problem = gdt_entry_problem(a->arg1, d);

	if (problem)
		kill_guest(g, "KH_LOAD_GDT_ENTRY: slot %u: %s", a->arg1, problem);
	else
		set_gdt_entry(g, a->arg1, d);
}

static void hc_load_idt_entry(struct guest *g, const struct kh_args *a)
{
	struct desc gate = { a->arg2, a->arg3 };
	const char *problem = idt_entry_problem(a->arg1, gate);

	if (problem)
		kill_guest(g, "KH_LOAD_IDT_ENTRY: vector %u: %s", a->arg1, problem);
	else if (gate_present(gate) && !handler_in_bounds(g, gate))
		kill_guest(g, "KH_LOAD_IDT_ENTRY: vector %u: handler 0x%x:0x%x %s", a->arg1,
			   GUEST_CS, gate_offset(gate), SWITCHER_REACHED);
	else
		set_idt_entry(g, a->arg1, gate);
}

/* The stack for traps from ring 3 must be ring-1 data, and no frame
 * pushed on it may reach the Switcher (H:445); both are checked again
 * before every entry, and the frame's pages when it is written (H:530). */
static void hc_set_stack(struct guest *g, const struct kh_args *a)
{
	const char *problem = stack_selector_problem(g, a->arg1);

	if (problem) {
		kill_guest(g, "KH_SET_STACK: ss 0x%x %s", a->arg1, problem);
		return;
	}
	if (!stack_in_bounds(g, a->arg1, a->arg2)) {
		kill_guest(g, "KH_SET_STACK: stack 0x%x:0x%x %s", a->arg1, a->arg2, SWITCHER_REACHED);
		return;
	}
	if (g->stack_ss != a->arg1)
		g->descriptors_changed = true;	/* direct traps may start */
	g->stack_ss = a->arg1;
	g->stack_esp = a->arg2;
}

/*H:350 Time and sleep. Any number of microseconds is a valid timer: the
 * longest, 2^32 - 1, is a little over an hour. KH_HALT is "sti; hlt" in
 * one call: interrupts on, then sleep in run_guest until one is pending. */
static void hc_set_timer(struct guest *g, const struct kh_args *a)
{
	set_guest_timer(g, a->arg1);
}

static void hc_halt(struct guest *g, const struct kh_args *a)
{
	(void)a;
	set_guest_irq_enabled(g, EFLAGS_IF);
	g->halted = true;
}

/* Nothing to do: run_guest delivers pending interrupts on every pass;
 * the exit itself was the point. The same for an explicit flush. */
static void hc_nothing(struct guest *g, const struct kh_args *a)
{
	(void)g, (void)a;
}

static void hc_ts(struct guest *g, const struct kh_args *a)
{
	if (a->arg1 > 1) {
		kill_guest(g, "KH_TS: %u is neither 0 nor 1", a->arg1);
		return;
	}
	g->virtual_ts = a->arg1;
}

/*H:360 Calls for the Launcher: the host only checks them and returns
 * from KN_RUN; the Launcher does the work. */
static void hc_notify(struct guest *g, const struct kh_args *a)
{
	guest_exit_to_launcher(g, KN_EXIT_NOTIFY, a->arg1, 0);
}

static void hc_console_write(struct guest *g, const struct kh_args *a)
{
	if (a->arg2 > KH_CONSOLE_MAX) {
		kill_guest(g, "KH_CONSOLE_WRITE: length %u is more than %u",
			   a->arg2, KH_CONSOLE_MAX);
		return;
	}
	if (!guest_range_ok(g, a->arg1, a->arg2)) {
		kill_guest(g, "KH_CONSOLE_WRITE: 0x%x len %u is outside guest memory",
			   a->arg1, a->arg2);
		return;
	}
	guest_exit_to_launcher(g, KN_EXIT_CONSOLE, a->arg1, a->arg2);
}

/*H:370 Page tables (the shadows themselves are V:100). A page directory
 * must be a whole page of guest memory; no entry may reach into the
 * Switcher's slot, map a frame beyond pfn_limit, or be a 4 MiB page. The
 * guest's kernel_address (in the shared page, read at each switch) must
 * be 4 MiB-aligned and below the Switcher. */
static bool gpgdir_ok(struct guest *g, uint32_t gpgdir, const char *call)
{
	if (!(gpgdir & ~PAGE_MASK) && guest_range_ok(g, gpgdir, PAGE_SIZE))
		return true;
	kill_guest(g, "%s: page directory 0x%x is not a page of guest memory", call, gpgdir);
	return false;
}

static void hc_new_pgtable(struct guest *g, const struct kh_args *a)
{
	uint32_t kernel_address = guest_read_u32(g, KDATA(g, kernel_address));

	if (!gpgdir_ok(g, a->arg1, "KH_NEW_PGTABLE"))
		return;
	if ((kernel_address & (BIGPAGE_SIZE - 1)) || kernel_address >= SWITCHER_ADDR) {
		kill_guest(g, "KH_NEW_PGTABLE: kernel_address 0x%x is not a 4 MiB boundary "
			   "below the Switcher", kernel_address);
		return;
	}
	g->kernel_address = kernel_address;
	shadow_switch(g, a->arg1);
}

static bool entry_frame_ok(struct guest *g, uint32_t entry, const char *call)
{
	if (!(entry & PTE_PRESENT) || pte_frame(entry) < guest_limit(g))
		return true;
	kill_guest(g, "%s: frame 0x%x is beyond pfn_limit", call, pte_frame(entry));
	return false;
}

static void hc_set_pte(struct guest *g, const struct kh_args *a)
{
	if (!gpgdir_ok(g, a->arg1, "KH_SET_PTE") || !entry_frame_ok(g, a->arg3, "KH_SET_PTE"))
		return;
	if (a->arg2 >= SWITCHER_ADDR) {
		kill_guest(g, "KH_SET_PTE: 0x%x is in the Switcher's slot", a->arg2);
		return;
	}
	shadow_set_pte(g, a->arg1, a->arg2);
}

static void hc_set_pde(struct guest *g, const struct kh_args *a)
{
	if (!gpgdir_ok(g, a->arg1, "KH_SET_PDE") || !entry_frame_ok(g, a->arg3, "KH_SET_PDE"))
		return;
	if (a->arg2 >= SWITCHER_PGD) {
		kill_guest(g, "KH_SET_PDE: index %u is %s", a->arg2,
			   a->arg2 == SWITCHER_PGD ? "the Switcher's slot" : "out of range");
		return;
	}
	if ((a->arg3 & PTE_PRESENT) && (a->arg3 & PTE_PSE)) {
		kill_guest(g, "KH_SET_PDE: 4 MiB pages are not supported");
		return;
	}
	shadow_set_pde(g, a->arg1, a->arg2);
}

static void hc_flush_tlb(struct guest *g, const struct kh_args *a)
{
	if (a->arg1 > 1) {
		kill_guest(g, "KH_FLUSH_TLB: %u is neither 0 (user) nor 1 (all)", a->arg1);
		return;
	}
	shadow_flush(g, a->arg1);
}

/*V:470 KH_GET_STATS: the guest's own counters, as its Launcher reads
 * them with KN_STATS, written into the guest's buffer: the first len
 * bytes of struct kn_stats. It is the one call whose answer is a write
 * into guest memory, which is how the scan's tests (T:914) make the host
 * the writer of a page; guest_write marks what it writes (V:300). */
static void hc_get_stats(struct guest *g, const struct kh_args *a)
{
	if (a->arg2 == 0 || a->arg2 > KH_STATS_MAX) {
		kill_guest(g, "KH_GET_STATS: length %u is not 1 to %u", a->arg2, KH_STATS_MAX);
		return;
	}
	if (!guest_range_ok(g, a->arg1, a->arg2)) {
		kill_guest(g, "KH_GET_STATS: 0x%x len %u is outside guest memory", a->arg1,
			   a->arg2);
		return;
	}
	guest_write(g, a->arg1, &g->stats, a->arg2);
}

/*H:310 The dispatcher: one table, indexed by the call number, and
 * do_call, the one place every call passes. "batch" marks the calls that
 * may come through the asynchronous ring: those that only change state. A
 * call that must stop the guest (halt, notify, shutdown) or return
 * something must be made synchronously, where its effect happens before
 * the guest goes on. do_call checks what every call has in common (a
 * number in the table, KH_INIT first, batching allowed) and then hands
 * the arguments to the call's handler, which checks the rest and acts.:*/
struct hcall {
	const char *name;
	hcall_fn fn;
	bool batch;
};

static const struct hcall hcalls[KH_NR_CALLS] = {
	[KH_FLUSH_ASYNC]	= { "KH_FLUSH_ASYNC", hc_nothing, true },
	[KH_INIT]		= { "KH_INIT", hc_init, false },
	[KH_SHUTDOWN]		= { "KH_SHUTDOWN", hc_shutdown, false },
	[KH_LOAD_GDT_ENTRY]	= { "KH_LOAD_GDT_ENTRY", hc_load_gdt_entry, true },
	[KH_LOAD_IDT_ENTRY]	= { "KH_LOAD_IDT_ENTRY", hc_load_idt_entry, true },
	[KH_SET_STACK]		= { "KH_SET_STACK", hc_set_stack, true },
	[KH_SET_TIMER]		= { "KH_SET_TIMER", hc_set_timer, true },
	[KH_HALT]		= { "KH_HALT", hc_halt, false },
	[KH_NOTIFY]		= { "KH_NOTIFY", hc_notify, false },
	[KH_SEND_INTERRUPTS]	= { "KH_SEND_INTERRUPTS", hc_nothing, false },
	[KH_TS]			= { "KH_TS", hc_ts, true },
	[KH_CONSOLE_WRITE]	= { "KH_CONSOLE_WRITE", hc_console_write, false },
	[KH_NEW_PGTABLE]	= { "KH_NEW_PGTABLE", hc_new_pgtable, true },
	[KH_SET_PTE]		= { "KH_SET_PTE", hc_set_pte, true },
	[KH_SET_PDE]		= { "KH_SET_PDE", hc_set_pde, true },
	[KH_FLUSH_TLB]		= { "KH_FLUSH_TLB", hc_flush_tlb, true },
	[KH_GET_STATS]		= { "KH_GET_STATS", hc_get_stats, false },
};

/* Every number below KH_NR_CALLS has a handler: a table that grew with
 * KH_NR_CALLS but missed an entry would otherwise call address 0 in ring
 * 0. Checked once at start-up, since C cannot check it at compile time. */
void hypercalls_init(void)
{
	for (uint32_t nr = 0; nr < KH_NR_CALLS; nr++)
		BUG_ON(!hcalls[nr].fn || !hcalls[nr].name);
}

static inline __attribute__((always_inline)) void
do_call(struct guest *g, const struct kh_args *a, bool batched)
{
	if (a->nr >= KH_NR_CALLS) {
		kill_guest(g, "unknown hypercall %u", a->nr);
		return;
	}
	if (!g->data_gpa && a->nr != KH_INIT) {
		kill_guest(g, "%s before KH_INIT", hcalls[a->nr].name);
		return;
	}
	if (batched && !hcalls[a->nr].batch) {
		kill_guest(g, "%s cannot be batched in the async ring", hcalls[a->nr].name);
		return;
	}
	g->stats.hypercalls[a->nr]++;
	hcalls[a->nr].fn(g, a);
}

/* A call that stopped for a page (H:320) did not happen. */
static void call_stalled(struct guest *g, const struct kh_args *a, bool batched)
{
	if (!guest_waits(g))
		return;
	g->hcall_waiting = !batched;
	if (a->nr < KH_NR_CALLS)
		g->stats.hypercalls[a->nr]--;
}
/*:*/

/*H:320 do_hypercalls, first on every pass of run_guest (H:210). The
 * asynchronous ring is drained in order from where the host left off, up
 * to a full lap: each READY slot is run and marked DONE, and only the
 * slots up to the first one not READY are read. The guest fills
 * slots ahead of the host; the host's own index, not the guest's
 * async_next, says where to look. Then the synchronous call, if the last
 * exit was one (handle_trap noted it, H:240): its number and arguments
 * are the registers the guest loaded before "int $0x1f", which the
 * Switcher saved in g->regs (S:020).
 *
 * A call that reached a page not there yet (a buffer, a message,
 * V:570) has not happened: every handler reads before it acts and asks
 * guest_waits in between, so it gave up without a change, and it runs
 * again from the start once the page has come. Its ring slot stays
 * READY; a synchronous call stays waiting; its count is taken back.
 * Next: the handlers, H:330.:*/
static void drain_async_ring(struct guest *g)
{
	struct kh_args a;
	const uint8_t done = KH_ASYNC_DONE;

	for (uint32_t n = 0; n < KH_ASYNC_SLOTS && !g->dead; n++) {
		uint32_t i = g->async_next;
		uint8_t status;

		guest_read(g, KDATA(g, async_status) + i, &status, 1);
		if (status != KH_ASYNC_READY)
			break;
		guest_read(g, KDATA(g, async_calls) + i * sizeof(a), &a, sizeof(a));
		do_call(g, &a, true);
		if (g->exit_ready && guest_waits(g)) {
			call_stalled(g, &a, true);
			break;		/* the slot stays READY: run again (H:320) */
		}
		guest_write(g, KDATA(g, async_status) + i, &done, 1);
		g->async_next = (i + 1) % KH_ASYNC_SLOTS;
	}
}

void do_hypercalls(struct guest *g)
{
	struct kh_args a;

	if (g->data_gpa)
		drain_async_ring(g);
	if (!g->hcall_waiting || g->dead)
		return;
	g->hcall_waiting = false;
	a = (struct kh_args){ g->regs->eax, g->regs->ebx, g->regs->ecx,
			      g->regs->edx, g->regs->esi };
	do_call(g, &a, false);
	if (g->exit_ready)
		call_stalled(g, &a, false);
}
/*:*/

/*H:380 The time the guest reads in its shared page: nanoseconds since the
 * host booted, at the host tick's resolution, refreshed before an entry
 * whenever a tick has passed since the last refresh. A restored guest's
 * clock goes on from where its snapshot left it (H:820): time_offset_ns. */
uint64_t guest_clock_ns(const struct guest *g)
{
	return timer_ticks() * (1000000000ull / TIMER_HZ) + (uint64_t)g->time_offset_ns;
}

void update_guest_time(struct guest *g)
{
	uint64_t ticks = timer_ticks(), ns;

	if (!g->data_gpa || ticks == g->time_written)
		return;
	ns = ticks * (1000000000ull / TIMER_HZ) + (uint64_t)g->time_offset_ns;
	guest_write(g, KDATA(g, time_ns), &ns, sizeof(ns));
	g->time_written = ticks;
}

/*S:330 Step 5, the dispatcher (H:310). do_call validates what all calls
 * share: 10 is below KH_NR_CALLS, KH_INIT came first (g->data_gpa is
 * set), and the call did not come through the ring, so batching does not
 * matter. It counts the call and jumps through hcalls[10] to hc_ts, which
 * validates what is its own (arg1 must be 0 or 1; 2 would kill the guest
 * with "KH_TS: 2 is neither 0 nor 1") and only then acts: virtual_ts = 1.
 *
 * A call that answers writes its result into g->regs->eax, the saved eax
 * of struct guest_regs on the regs page, because that is what the
 * Switcher will pop into the real eax (step 6). No call in the table
 * answers today, so eax goes back as the guest left it; the host writes a
 * guest register only where it emulates (emulate_in's all-ones "in",
 * H:550). do_hypercalls returns, and run_guest goes on with its pass: no
 * exit for the Launcher, no interrupt due, not halted, so into the guest.
 * Next: S:340. */
