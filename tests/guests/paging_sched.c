/*T:680 tests/guests/paging_sched.c: a timer that switches processes.
 *
 * The smallest preemptive kernel: two ring-3 "processes", each in an
 * address space of its own, and a timer interrupt that takes the CPU
 * from one and gives it to the other. Both run the same code, which
 * counts in the word at COUNTER_VA until the kernel says stop; each has
 * its own page there, at the same address in both spaces. Process 0 is
 * started by run_ring3, on the runtime's ring-3 stack; process 1 by the
 * first switch, on a stack page of its own at STACK_VA. The guest's timer
 * handler (the one-shot KH_SET_TIMER, re-armed for each slice) saves the
 * interrupted process's registers from the trap frame, switches address
 * space with KH_NEW_PGTABLE, and returns into the other process by
 * rewriting the frame: the first time with a frame that starts it at the
 * runtime's ring-3 trampoline, later with the registers saved when it was
 * preempted.
 *
 * Each switch checks that the process coming back finds its counter as it
 * left it (the other one, counting at the same address, did so in its own
 * page), and at the end both must have run several slices and counted in
 * them, and no slice may have been shorter than the timer allows. The
 * process running when the kernel says stop returns, through the
 * trampoline, to run_ring3. Next: T:690, the boot test. */
#include "tests/guests/lib/guest.h"

#define PROCESSES	2
#define SLICES		10
#define SLICE_US	20000
#define COUNTER_VA	USER_BASE
#define STACK_VA	(USER_BASE + 0x10000)
#define TIMER_VECTOR	(KH_IRQ_VECTOR_BASE + KH_IRQ_TIMER)

struct process {
	uint32_t dir, counter_page, stack_page;
	struct trap_frame saved;	/* its registers while it is not running */
	bool started;
	uint32_t slices;
	uint32_t count_when_left;
};

static struct process procs[PROCESSES];
static volatile uint32_t running, slices, stop_requested;
static volatile uint32_t disturbed;
static uint64_t slice_start_ns, shortest_slice_ns = ~0ull;

/* Ring 3, in either process: count until told to stop. */
static uint32_t count_until_stopped(uint32_t unused)
{
	volatile uint32_t *counter = (volatile uint32_t *)(uintptr_t)COUNTER_VA;

	(void)unused;
	while (!stop_requested)
		(*counter)++;
	return counter[1];
}

static uint32_t counter_of(const struct process *p)
{
	return kernel_view(p->counter_page)[0];
}

static void make_processes(void)
{
	for (uint32_t i = 0; i < PROCESSES; i++) {
		struct process *p = &procs[i];

		p->dir = space_new();
		p->counter_page = page_alloc();
		p->stack_page = page_alloc();
		space_map(p->dir, COUNTER_VA, p->counter_page, USER_PAGE);
		space_map(p->dir, STACK_VA, p->stack_page, USER_PAGE);
		((uint32_t *)(uintptr_t)p->counter_page)[1] = 0x9000 + i;
	}
}

/* A frame that irets to the trampoline, which calls
 * count_until_stopped(0) on the process's own stack. */
static void first_frame(struct process *p, struct trap_frame *f)
{
	const uint32_t top = STACK_VA + PAGE_SIZE - 4;

	kernel_view(p->stack_page)[PAGE_SIZE / 4 - 1] = 0;	/* the argument */
	f->eip = (uint32_t)(uintptr_t)ring3_trampoline;
	f->eax = (uint32_t)(uintptr_t)count_until_stopped;
	f->ebx = f->ecx = f->edx = f->esi = f->edi = f->ebp = 0;
	f->cs = USER_CS;
	f->user_ss = f->ds = f->es = f->fs = f->gs = USER_DS;
	f->user_esp = top;
	f->eflags = EFLAGS_IF | EFLAGS_RESERVED;
	p->started = true;
}

static void note_slice_end(void)
{
	uint64_t took = now_ns() - slice_start_ns;

	if (took < shortest_slice_ns)
		shortest_slice_ns = took;
	slices++;
}

static void switch_process(struct trap_frame *f)
{
	struct process *out = &procs[running], *in = &procs[(running + 1) % PROCESSES];

	out->saved = *f;
	out->slices++;
	out->count_when_left = counter_of(out);
	if (in->started && counter_of(in) != in->count_when_left)
		disturbed++;
	if (in->started)
		*f = in->saved;
	else
		first_frame(in, f);
	space_switch(in->dir);
	running = (uint32_t)(in - procs);
}

static void preempt(struct trap_frame *f)
{
	if ((f->cs & 3) != 3) {
		kh_set_timer(SLICE_US);	/* not a process: let ring 1 get there */
		return;
	}
	note_slice_end();
	if (slices >= SLICES) {
		procs[running].slices++;
		stop_requested = 1;
		return;
	}
	switch_process(f);
	slice_start_ns = now_ns();
	kh_set_timer(SLICE_US);
}

static void run_processes(void)
{
	struct outcome o;

	set_handler(TIMER_VECTOR, preempt);
	running = 0;
	procs[0].started = true;
	space_switch(procs[0].dir);
	slice_start_ns = now_ns();
	kh_set_timer(SLICE_US);
	o = run_ring3(count_until_stopped, 0);
	kh_set_timer(0);
	set_handler(TIMER_VECTOR, NULL);
	if (check_no_trap(&o, "the processes"))
		check_eq(o.result, 0x9000 + running, "the identity word the last process returned");
}

static void check_processes(void)
{
	check_eq(disturbed, 0, "switches where a process found its counter changed");
	for (uint32_t i = 0; i < PROCESSES; i++) {
		check(procs[i].slices >= 2, "process %u ran %u slices", i, procs[i].slices);
		check(counter_of(&procs[i]) > 0, "process %u never counted", i);
	}
	check(shortest_slice_ns + HOST_TICK_NS >= SLICE_US * 1000ull,
	      "a slice of %u ms, shorter than the %u ms timer",
	      (uint32_t)(shortest_slice_ns / NS_PER_MS), SLICE_US / 1000);
}

void test_main(void)
{
	paging_init();
	make_processes();
	run_processes();
	check_processes();
	print("paging_sched: %u slices: process 0 ran %u and counted %u, process 1 ran %u and "
	      "counted %u; shortest slice %u ms\n", slices, procs[0].slices, counter_of(&procs[0]),
	      procs[1].slices, counter_of(&procs[1]), (uint32_t)(shortest_slice_ns / NS_PER_MS));
	test_finish();
}
