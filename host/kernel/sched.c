/*U:300 host/kernel/sched.c: who runs next.
 *
 * The scheduler is a loop on the boot stack, the context kernel_main had
 * (sched_run). It picks the next runnable process after the last one, in
 * table order, round-robin; switches to its address space and kernel
 * stack; and gets the CPU back when the process yields, sleeps or exits.
 * With nothing runnable it halts until an interrupt. Every switch goes
 * process -> scheduler -> process, so each side is always one simple
 * context_switch (lib/context_switch.asm).
 *
 * Preemption is the timer's: every tick (100 Hz) sets need_resched, and
 * a process that is interrupted in ring 3 yields on its way back out
 * (trap_return_hook). The kernel itself is not preempted: a process in a
 * system call keeps the CPU until it returns to ring 3, blocks, or
 * reaches an explicit sched_preempt_point. So kernel code never has to
 * fear another process between two statements, only interrupt handlers,
 * and those it keeps out with irq_save where they share data. */
#include "arch/x86/cpu.h"
#include "lib/context_switch.h"
#include "host/kernel/sched.h"
#include "host/kernel/gdt.h"
#include "host/kernel/vm.h"
#include "host/kernel/timer.h"
#include "host/kernel/console.h"

#define MS_PER_TICK (1000 / TIMER_HZ)

struct process *current;
static uint32_t scheduler_esp;		/* the scheduler loop, switched out */
static volatile bool need_resched;
static unsigned last_slot = PROC_MAX - 1;	/* so slot 0 goes first */
static void (*chained_tick_hook)(void);		/* whoever had the tick before */

void trap_return(void);

static void wake_sleepers(uint64_t now)
{
	for (unsigned i = 0; i < PROC_MAX; i++) {
		struct process *p = proc_by_slot(i);

		if (p->state == PROC_SLEEPING && p->wake_tick && now >= p->wake_tick)
			proc_wake(p);
	}
}

/* Interrupt context, every tick. */
static void sched_tick(void)
{
	if (current)
		current->ticks++;
	wake_sleepers(timer_ticks());
	need_resched = true;
	if (chained_tick_hook)
		chained_tick_hook();
}

void sched_init(void)
{
	chained_tick_hook = timer_tick_hook;
	timer_tick_hook = sched_tick;
}

static struct process *pick_next(void)
{
	for (unsigned i = 1; i <= PROC_MAX; i++) {
		unsigned slot = (last_slot + i) % PROC_MAX;

		if (proc_by_slot(slot)->state == PROC_RUNNABLE) {
			last_slot = slot;
			return proc_by_slot(slot);
		}
	}
	return NULL;
}

/*U:310 Running a process: its kernel stack becomes the one the CPU
 * switches to when ring 3 is interrupted (TSS esp0), its page directory
 * goes into CR3, and context_switch resumes it where it last stopped.
 * When it gives the CPU back, the scheduler returns to the kernel's own
 * directory, so it never stands in an address space that may be freed:*/
static void run(struct process *p)
{
	current = p;
	p->state = PROC_RUNNING;
	need_resched = false;
	tss_set_kernel_stack((uint32_t)(uintptr_t)(p->kstack + KSTACK_SIZE));
	vm_switch(p->pgdir);
	context_switch(&scheduler_esp, p->kesp);
	vm_switch(kernel_pgdir);
	current = NULL;
}
/*:*/

/*U:320 context_switch (lib/context_switch.asm, P:160), which pup shares,
 * is the one place the host changes kernel stacks: it pushes the four
 * registers C expects a callee to keep, stores esp, loads the other
 * stack's and pops the same four from there. Its ret lands wherever that
 * stack last called it or, for a new process, in trap_return
 * (host/kernel/entry.asm), which irets into ring 3 from the frame
 * sched_new_context prepared. Next: the scheduler's loop, then sleeping
 * and waking (U:330). */
/* Nothing to run: halt until an interrupt (sti; hlt, so no wake-up can
 * slip past), and count the TSC ticks spent so, for SYS_MEMINFO: under
 * QEMU's -icount they are the ones that are not instructions. */
static uint64_t idle_tsc;

static void idle(void)
{
	uint64_t start = rdtsc();

	cpu_idle();
	idle_tsc += rdtsc() - start;
}

uint64_t sched_idle_tsc(void)
{
	return idle_tsc;
}

void sched_run(bool (*done)(void))
{
	for (;;) {
		struct process *p;

		irq_disable();
		if (done())
			break;
		p = pick_next();
		if (p)
			run(p);
		else
			idle();
	}
	irq_enable();
}

void sched_new_context(struct process *p)
{
	uint32_t *sp = (uint32_t *)proc_frame(p);

	*--sp = (uint32_t)(uintptr_t)trap_return;	/* context_switch's ret */
	for (int i = 0; i < 4; i++)
		*--sp = 0;				/* edi, esi, ebx, ebp */
	p->kesp = (uint32_t)(uintptr_t)sp;
}

/* Called with interrupts disabled; returns the same way when the
 * scheduler next runs current. */
static void switch_to_scheduler(void)
{
	context_switch(&current->kesp, scheduler_esp);
}

void sched_yield(void)
{
	uint32_t flags = irq_save();

	current->state = PROC_RUNNABLE;
	switch_to_scheduler();
	irq_restore(flags);
}

void sched_preempt_point(void)
{
	if (need_resched && current)
		sched_yield();
}

void sched_exit(void)
{
	irq_disable();
	switch_to_scheduler();
	panic("sched_exit: zombie pid %d ran again", current->pid);
}

/*U:330 Sleeping and waking, with the protocol of host/kernel/sched.h: the
 * caller tests its condition with interrupts off, so a wake-up cannot
 * fall between the test and the sleep; and a wake-up that finds the
 * process awake is kept in wake_pending for its next proc_sleep. */
void proc_sleep(void)
{
	BUG_ON(read_eflags() & EFLAGS_IF);
	if (!current->wake_pending) {
		current->state = PROC_SLEEPING;
		switch_to_scheduler();
	}
	current->wake_pending = false;
}

void proc_wake(struct process *p)
{
	uint32_t flags = irq_save();

	if (p->state == PROC_SLEEPING)
		p->state = PROC_RUNNABLE;
	else if (p->state == PROC_RUNNING || p->state == PROC_RUNNABLE)
		p->wake_pending = true;
	irq_restore(flags);
}

void sleep_on(const void *chan)
{
	current->wait_chan = chan;
	proc_sleep();
	current->wait_chan = NULL;
}

void wakeup(const void *chan)
{
	uint32_t flags = irq_save();

	for (unsigned i = 0; i < PROC_MAX; i++) {
		struct process *p = proc_by_slot(i);

		if (p->state == PROC_SLEEPING && p->wait_chan == chan)
			proc_wake(p);
	}
	irq_restore(flags);
}

int32_t sched_sleep_ms(uint32_t ms)
{
	uint32_t flags = irq_save();
	uint64_t until = timer_ticks() + ((uint64_t)ms + MS_PER_TICK - 1) / MS_PER_TICK;
	bool slept;

	current->wake_tick = until;
	while (timer_ticks() < until && !proc_should_stop(current))
		proc_sleep();
	current->wake_tick = 0;
	slept = timer_ticks() >= until;
	irq_restore(flags);
	return slept ? 0 : -EINTR;
}

/*U:340 The last word before every return to ring 3 (traps.c calls it
 * after any trap that came from ring 3): a killed process exits here,
 * and a process whose time is up yields here. Interrupts stay off from
 * here to the iret, which restores the program's own IF. Next: the
 * system call, from int $0x80 and back, host/kernel/syscall.c (U:400):*/
void trap_return_hook(struct trap_frame *f)
{
	(void)f;
	if (!current)
		return;
	irq_disable();
	for (;;) {
		if (current->killed)
			proc_exit(EXIT_KILLED);
		if (!need_resched)
			break;
		sched_yield();
	}
}
/*:*/
