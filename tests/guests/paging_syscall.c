/*T:650 tests/guests/paging_syscall.c: system calls that never leave the guest.
 *
 * A guest kernel's user programs make system calls with "int 0x80". If
 * every one of them went through the host (exit, reflect, enter), a
 * system call would cost two world switches. Direct traps (H:435) avoid
 * that: a guest that names its system-call vector in
 * kennel_data.syscall_vector before KH_INIT, gates it with a DPL-3 trap
 * gate and has a stack for traps from ring 3 (KH_SET_STACK, which the
 * runtime does) gets the CPU to go from ring 3 straight to its ring-1
 * handler, with no host in between.
 *
 * The command line says how to run: "direct" or "reflected" (the control:
 * no syscall_vector, so every call goes through the host), "linear" or
 * "paged" (on an address space of the guest's own, where the host must
 * keep the trap stack in the shadow, V:190), and the number of calls.
 * Ring 3 makes them in a loop, each passing its index in eax; the handler
 * counts it, checks the frame came from ring 3 and sits at the top of the
 * trap stack, that virtual interrupts are still on (a trap gate leaves the
 * flag alone), and returns the index plus one, which ring 3 checks. Ring
 * 3 also times the loop with rdtsc, which works in ring 3, and kennel_data
 * .tsc_khz turns that into nanoseconds per call, for the log.
 *
 * Whether the host was involved the guest cannot see; the boot test reads
 * it from the Launcher's --stats: the direct guest's world switches must
 * be far fewer than its calls, the control's at least as many. Next:
 * T:660, the page-table entries that kill. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define SYSCALL_VECTOR	0x80
#define DEFAULT_CALLS	1000

static volatile uint32_t handled, bad_frames, irqs_off;
static volatile uint64_t ring3_cycles;

static bool word_is(unsigned n, const char *want)
{
	char word[16];

	return cmdline_word(n, word, sizeof(word)) && !strcmp(word, want);
}

void test_before_init(void)
{
	if (word_is(0, "direct"))
		kennel_data.syscall_vector = SYSCALL_VECTOR;
}

static void count_syscall(struct trap_frame *f)
{
	uint32_t frame_end = (uint32_t)(uintptr_t)&f->user_ss + 4;

	handled++;
	if ((f->cs & 3) != 3 || frame_end != trap_stack_top())
		bad_frames++;
	if (!virtual_irqs_enabled())
		irqs_off++;
	f->eax++;
}

static inline uint32_t syscall1(uint32_t arg)
{
	uint32_t result;

	asm volatile("int %1" : "=a"(result) : "i"(SYSCALL_VECTOR), "a"(arg) : "memory");
	return result;
}

/* Ring 3: make calls system calls; returns how many answered right. */
static uint32_t make_syscalls(uint32_t calls)
{
	uint64_t start = rdtsc();
	uint32_t right = 0;

	for (uint32_t i = 0; i < calls; i++)
		right += syscall1(i) == i + 1;
	ring3_cycles = rdtsc() - start;
	return right;
}

static uint32_t ns_per_call(uint32_t calls)
{
	uint32_t khz = kennel_data.tsc_khz;

	if (!khz || !calls)
		return 0;
	return (uint32_t)(ring3_cycles * 1000000ull / khz / calls);
}

void test_main(void)
{
	bool direct = word_is(0, "direct"), paged = word_is(1, "paged");
	uint32_t calls = cmdline_number(2, DEFAULT_CALLS);
	struct outcome o;

	if (!direct && !word_is(0, "reflected"))
		test_error("the first word must be 'direct' or 'reflected'");
	set_gate(SYSCALL_VECTOR, GATE_TRAP, 3);
	set_handler(SYSCALL_VECTOR, count_syscall);
	if (paged) {
		paging_init();
		space_switch(space_new());
	}
	o = run_ring3(make_syscalls, calls);
	if (check_no_trap(&o, "ring 3 making system calls"))
		check_eq(o.result, calls, "system calls that returned their index plus one");
	check_eq(handled, calls, "system calls the handler counted");
	check_eq(bad_frames, 0, "handler frames not from ring 3 or not at the trap stack's top");
	check_eq(irqs_off, 0, "handler runs with virtual interrupts off");
	check(ring3_cycles != 0, "rdtsc in ring 3 did not advance");
	print("paging_syscall: %s %s: %u calls made, %u counted, %u ns each\n",
	      direct ? "direct" : "reflected", paged ? "paged" : "linear", calls, handled,
	      ns_per_call(calls));
	test_finish();
}
