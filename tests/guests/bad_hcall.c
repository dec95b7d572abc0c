/*T:470 tests/guests/bad_hcall.c: the hypercalls a guest must not make.
 *
 * A hypercall with a bad argument is not an error the guest can handle:
 * the host kills it, with a reason that names the call (H:010). This
 * guest makes one bad call, chosen by the first word of its command line,
 * and should never get past it. The boot test runs each case as its own
 * guest (with --name CASE) beside a healthy one, and wants the Launcher's
 * line "launcher: guest CASE killed: <call> ... <cause>", the healthy
 * guest's SUCCESS, and no result line from this one. If a call does come
 * back, the guest says so and reports FAILURE.
 *
 * Cases after KH_INIT first print "bad_hcall: CASE: about to ...", which
 * proves the guest got as far as the bad call and died of it, not of
 * something earlier. The KH_INIT cases, and a call made before KH_INIT,
 * run from test_before_init, when there is no console yet.
 *
 * Deliberately not here: KH_NOTIFY, which takes any value (the Launcher,
 * not the host, decides what a value means); and KH_SET_TIMER, for which
 * every value is valid (timer.c tries the largest). Next: T:475. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define SLOT	8		/* a slot a guest may load */
#define VECTOR	48		/* a vector a guest may gate */

struct bad_case {
	const char *name;
	const char *what;
	void (*run)(void);
	bool before_init;
};
_Static_assert(offsetof(struct bad_case, name) == 0, "CMDLINE_CASE finds cases by name");

static char case_name[32];

static struct desc data_dpl(uint32_t dpl)
{
	return desc_make(0, 0xfffff, DESC_PRESENT | DESC_S | DESC_RW | DESC_DPL(dpl),
			 DESC_FLAG_DB | DESC_FLAG_G);
}

static struct desc gate_of_type(uint32_t type)
{
	return gate_make(stub_address(VECTOR), GUEST_CS, type, 1);
}

/* KH_INIT with the shared page where it cannot be. */
static void init_outside(void)
{
	hcall(KH_INIT, memory_limit() + 0x1000, 0, 0, 0);
}

static void init_straddle(void)
{
	hcall(KH_INIT, memory_limit() - 16, 0, 0, 0);
}

static void init_wrap(void)
{
	hcall(KH_INIT, 0xfffffff0u, 0, 0, 0);
}

static void before_init(void)
{
	static const char text[] = "a console write before KH_INIT\n";

	hcall(KH_CONSOLE_WRITE, gpa_of(text), sizeof(text) - 1, 0, 0);
}

/* Descriptors. */
static void gdt_slot1(void)
{
	kh_load_gdt_entry(1, desc_flat(1, 1));
}

static void gdt_slot5(void)
{
	kh_load_gdt_entry(5, data_dpl(1));
}

static void gdt_slot16(void)
{
	kh_load_gdt_entry(16, data_dpl(1));
}

static void gdt_slot_huge(void)
{
	kh_load_gdt_entry(0xffffffffu, data_dpl(1));
}

static void gdt_dpl0(void)
{
	kh_load_gdt_entry(SLOT, data_dpl(0));
}

static void gdt_dpl2(void)
{
	kh_load_gdt_entry(SLOT, data_dpl(2));
}

static void gdt_system(void)
{
	kh_load_gdt_entry(SLOT, desc_make(0x2000, 0x67, DESC_PRESENT | DESC_DPL(1) |
					  DESC_TYPE_TSS32, 0));
}

/* Empty a slot while fs still holds it: the host must refuse to enter the
 * guest again (H:440), not let the Switcher's "pop fs" fault. */
static void gdt_empty_under_fs(void)
{
	kh_load_gdt_entry(SLOT, data_dpl(1));
	asm volatile("mov %0, %%fs" : : "r"(SEL(SLOT, 1)));
	kh_load_gdt_entry(SLOT, (struct desc){ 0, 0 });
	hcall(KH_FLUSH_ASYNC, 0, 0, 0, 0);
}

/* Gates. */
static void idt_vector2(void)
{
	kh_load_idt_entry(2, gate_of_type(GATE_INTERRUPT));
}

static void idt_vector8(void)
{
	kh_load_idt_entry(8, gate_of_type(GATE_INTERRUPT));
}

static void idt_vector31(void)
{
	kh_load_idt_entry(KH_TRAP_VECTOR, gate_of_type(GATE_INTERRUPT));
}

static void idt_vector256(void)
{
	kh_load_idt_entry(256, gate_of_type(GATE_INTERRUPT));
}

static void idt_vector_huge(void)
{
	kh_load_idt_entry(0xffffffffu, gate_of_type(GATE_INTERRUPT));
}

static void idt_task_gate(void)
{
	kh_load_idt_entry(VECTOR, gate_of_type(0x5));
}

static void idt_gate16(void)
{
	kh_load_idt_entry(VECTOR, gate_of_type(0x6));
}

static void idt_call_gate(void)
{
	kh_load_idt_entry(VECTOR, gate_of_type(0xc));
}

/* The ring-1 stack for traps from ring 3. */
static void stack_user_ds(void)
{
	kh_set_stack(USER_DS, trap_stack_top());
}

static void stack_code(void)
{
	kh_set_stack(GUEST_CS, trap_stack_top());
}

/* The console. */
static const char words[] = "words";

static void console_outside(void)
{
	kh_console_write(memory_limit() + 0x100, 16);
}

static void console_straddle(void)
{
	kh_console_write(memory_limit() - 8, 16);
}

static void console_too_long(void)
{
	kh_console_write(gpa_of(words), KH_CONSOLE_MAX + 1);
}

static void console_wrap(void)
{
	kh_console_write(0xffffff00u, 0x200);
}

/* Shutdown. */
static void shutdown_outside(void)
{
	hcall(KH_SHUTDOWN, memory_limit() + 0x10, KH_SHUTDOWN_POWEROFF, 0, 0);
}

static void shutdown_bad_kind(void)
{
	hcall(KH_SHUTDOWN, gpa_of(words), 7, 0, 0);
}

/* A poweroff's status is a byte, and a crash has none. */
static void shutdown_status_256(void)
{
	hcall(KH_SHUTDOWN, gpa_of(words), KH_SHUTDOWN_POWEROFF, KH_STATUS_MAX + 1, 0);
}

static void shutdown_crash_status(void)
{
	hcall(KH_SHUTDOWN, gpa_of(words), KH_SHUTDOWN_CRASH, 3, 0);
}

/* The guest's TS flag. */
static void ts_two(void)
{
	kh_ts(2);
}

static void ts_huge(void)
{
	kh_ts(0x80000000u);
}

/* The counters, into a buffer outside memory or too long. */
static void stats_outside(void)
{
	hcall(KH_GET_STATS, memory_limit() - 8, 16, 0, 0);
}

static void stats_too_long(void)
{
	hcall(KH_GET_STATS, gpa_of(words), KH_STATS_MAX + 1, 0, 0);
}

/* Calls that do not exist. */
static void unknown_99(void)
{
	hcall(99, 0, 0, 0, 0);
}

static void unknown_next(void)
{
	hcall(KH_NR_CALLS, 0, 0, 0, 0);
}

static void unknown_huge(void)
{
	hcall(0xffffffffu, 0, 0, 0, 0);
}

/* A bad call batched in the asynchronous ring is still a bad call. */
static void async_gdt_dpl0(void)
{
	struct desc d = data_dpl(0);
	uint32_t slot = kennel_data.async_next;

	kennel_data.async_calls[slot] = (struct kh_args){ KH_LOAD_GDT_ENTRY, SLOT, d.lo, d.hi, 0 };
	compiler_barrier();
	kennel_data.async_status[slot] = KH_ASYNC_READY;
	kh_flush_async();
}

/* A trap frame the host cannot write: the stack is outside memory. */
static void trap_stack_outside(void)
{
	uint32_t esp = memory_limit() + 0x1000;

	asm volatile("mov %%esp, %%ebx\n\t"
		     "mov %0, %%esp\n\t"
		     "int3\n\t"
		     "mov %%ebx, %%esp" : : "r"(esp) : "ebx", "memory");
}

static const struct bad_case cases[] = {
	{ "init_outside", "call KH_INIT above guest memory", init_outside, true },
	{ "init_straddle", "call KH_INIT across the end of guest memory", init_straddle, true },
	{ "init_wrap", "call KH_INIT at 0xfffffff0", init_wrap, true },
	{ "before_init", "call KH_CONSOLE_WRITE before KH_INIT", before_init, true },
	{ "gdt_slot1", "load GDT slot 1", gdt_slot1, false },
	{ "gdt_slot5", "load GDT slot 5, the TSS", gdt_slot5, false },
	{ "gdt_slot16", "load GDT slot 16", gdt_slot16, false },
	{ "gdt_slot_huge", "load GDT slot 0xffffffff", gdt_slot_huge, false },
	{ "gdt_dpl0", "load a DPL-0 data segment", gdt_dpl0, false },
	{ "gdt_dpl2", "load a DPL-2 data segment", gdt_dpl2, false },
	{ "gdt_system", "load a TSS descriptor", gdt_system, false },
	{ "gdt_empty_under_fs", "empty GDT slot 8 while fs holds it", gdt_empty_under_fs, false },
	{ "idt_vector2", "gate vector 2", idt_vector2, false },
	{ "idt_vector8", "gate vector 8", idt_vector8, false },
	{ "idt_vector31", "gate vector 31, the hypercall vector", idt_vector31, false },
	{ "idt_vector256", "gate vector 256", idt_vector256, false },
	{ "idt_vector_huge", "gate vector 0xffffffff", idt_vector_huge, false },
	{ "idt_task_gate", "load a task gate", idt_task_gate, false },
	{ "idt_gate16", "load a 16-bit interrupt gate", idt_gate16, false },
	{ "idt_call_gate", "load a call gate", idt_call_gate, false },
	{ "stack_user_ds", "call KH_SET_STACK with ss USER_DS", stack_user_ds, false },
	{ "stack_code", "call KH_SET_STACK with ss GUEST_CS", stack_code, false },
	{ "console_outside", "call KH_CONSOLE_WRITE above guest memory", console_outside, false },
	{ "console_straddle", "call KH_CONSOLE_WRITE across the end of memory", console_straddle, false },
	{ "console_too_long", "call KH_CONSOLE_WRITE with 4097 bytes", console_too_long, false },
	{ "console_wrap", "call KH_CONSOLE_WRITE wrapping around 4 GiB", console_wrap, false },
	{ "shutdown_outside", "call KH_SHUTDOWN with its message above memory", shutdown_outside, false },
	{ "shutdown_bad_kind", "call KH_SHUTDOWN of kind 7", shutdown_bad_kind, false },
	{ "shutdown_status_256", "power off with status 256", shutdown_status_256, false },
	{ "shutdown_crash_status", "crash with status 3", shutdown_crash_status, false },
	{ "ts_two", "call KH_TS(2)", ts_two, false },
	{ "ts_huge", "call KH_TS(0x80000000)", ts_huge, false },
	{ "stats_outside", "write the counters across the end of memory", stats_outside, false },
	{ "stats_too_long", "ask for more counters than there are", stats_too_long, false },
	{ "unknown_99", "make hypercall 99", unknown_99, false },
	{ "unknown_next", "make hypercall 17, one past the last", unknown_next, false },
	{ "unknown_huge", "make hypercall 0xffffffff", unknown_huge, false },
	{ "async_gdt_dpl0", "batch a DPL-0 descriptor in the async ring", async_gdt_dpl0, false },
	{ "trap_stack_outside", "execute int3 with esp above memory", trap_stack_outside, false },
};

static const struct bad_case *chosen_case(void)
{
	return CMDLINE_CASE(cases, case_name);
}

void test_before_init(void)
{
	const struct bad_case *c = chosen_case();

	if (c && c->before_init)
		c->run();
}

void test_main(void)
{
	const struct bad_case *c = chosen_case();

	if (!c)
		test_error("no such case '%s'", case_name);
	if (c->before_init) {
		print("bad_hcall: %s: the host accepted %s\n", c->name, c->what);
		test_result(RESULT_FAILURE);
	}
	print("bad_hcall: %s: about to %s\n", c->name, c->what);
	c->run();
	print("bad_hcall: %s: the host accepted it\n", c->name);
	test_result(RESULT_FAILURE);
}
