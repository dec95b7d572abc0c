/*G:340 guest/kernel/sched.c: who runs next.
 *
 * Round robin over the process table: schedule() picks the next runnable
 * process after the current one's slot, or the idle task when there is
 * none. Preemption comes from the timer: every tick charges the running
 * process, wakes sleepers whose time has come, and after QUANTUM_TICKS
 * asks for a reschedule, which happens on the way back to ring 3
 * (return_to_user). The kernel itself is not preempted: a system call
 * runs until it finishes or sleeps, so the kernel's own data need only be
 * guarded against interrupt handlers (irq_save), and against other
 * processes only where a call sleeps in the middle (struct sleeplock).
 *
 * Switching costs the same two operations in both worlds: the stack the
 * CPU will use for the next trap from ring 3 (pv.set_kernel_stack: TSS
 * esp0, or KH_SET_STACK) and the address space (pv.load_pgdir: CR3, or
 * KH_NEW_PGTABLE, which the host answers from its cache of four shadow
 * directories when it can). Both must be done before the next process
 * is back in ring 3, where it may trap without an exit to the host; as
 * one lazy section they cost a single exit under kennel (G:140).
 *
 * Sleeping is the classic pattern: with interrupts off, test the
 * condition, and sleep_on a channel (any address) until it holds;
 * whoever changes the condition calls wakeup(channel). Every sleeper
 * tests again after waking, so a wakeup too many is harmless: kill uses
 * that to wake its victim wherever it sleeps. Next: G:350. */
#include "arch/x86/cpu.h"
#include "lib/context_switch.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/timer.h"

#define QUANTUM_TICKS	2

struct proc *current;
static uint32_t *loaded_pgdir;
static bool need_resched;
static uint32_t slice;

void sched_init(void)
{
	current = proc_init_idle();
	loaded_pgdir = kernel_pgdir;
}

void use_pgdir(uint32_t *pgdir)
{
	if (pgdir == loaded_pgdir)
		return;
	loaded_pgdir = pgdir;
	pv.load_pgdir(virt_to_phys(pgdir));
}

static struct proc *pick_next(void)
{
	uint32_t from = (uint32_t)(current - proc_at(0));

	for (uint32_t n = 1; n <= NPROC; n++) {
		struct proc *p = proc_at((from + n) % NPROC);

		if (p != proc_idle() && p->state == PROC_RUNNABLE)
			return p;
	}
	return proc_idle();
}

/*G:350 Changing from one process to another. Each process that is not
 * running is stopped inside context_switch (lib/context_switch.asm,
 * P:160), the host's own, on its own kernel stack, with its callee-saved
 * registers pushed there; its struct proc remembers only that stack
 * pointer (context). So switching is: tell the host (or the CPU) which
 * kernel stack traps from ring 3 use, change the address space, then let
 * context_switch push our registers, save esp, load the other's and
 * "ret" into wherever it stopped. A process that never ran has a stack
 * made to look the same (G:331). Next: G:360. */
static void switch_to(struct proc *next)
{
	struct proc *prev = current;

	pv.lazy_begin();
	pv.set_kernel_stack(next->kstack + KSTACK_SIZE);
	use_pgdir(next->pgdir);
	pv.lazy_end();
	current = next;
	context_switch(&prev->context, next->context);
}

void schedule(void)
{
	uint32_t flags = pv_irq_save();
	struct proc *next;

	if (current->state == PROC_RUNNING)
		current->state = PROC_RUNNABLE;
	next = pick_next();
	next->state = PROC_RUNNING;
	need_resched = false;
	slice = 0;
	if (next != current)
		switch_to(next);
	pv_irq_restore(flags);
}

/*G:341 Sleeping and waking. */
void sleep_on(const void *chan)
{
	BUG_ON(pv.save_flags() || current == proc_idle());
	current->chan = chan;
	current->state = PROC_SLEEPING;
	schedule();
	current->chan = NULL;
}

void wakeup(const void *chan)
{
	uint32_t flags = pv_irq_save();

	for (uint32_t i = 0; i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (p->state == PROC_SLEEPING && p->chan == chan)
			p->state = PROC_RUNNABLE;
	}
	pv_irq_restore(flags);
}

void wake_process(struct proc *p)
{
	uint32_t flags = pv_irq_save();

	if (p->state == PROC_SLEEPING)
		p->state = PROC_RUNNABLE;
	pv_irq_restore(flags);
}

/* Sleep for ms milliseconds; 0 only gives up the processor. */
int32_t sleep_ms(uint32_t ms)
{
	uint64_t until = uptime_ms() + ms;
	uint32_t flags;

	if (ms == 0) {
		schedule();
		return 0;
	}
	flags = pv_irq_save();
	current->wake_ms = until;
	while (uptime_ms() < until && !current->killed)
		sleep_on(&current->wake_ms);
	current->wake_ms = 0;
	pv_irq_restore(flags);
	return current->killed ? -EINTR : 0;
}

void lock(struct sleeplock *l)
{
	uint32_t flags = pv_irq_save();

	while (l->held)
		sleep_on(l);
	l->held = true;
	pv_irq_restore(flags);
}

void unlock(struct sleeplock *l)
{
	uint32_t flags = pv_irq_save();

	l->held = false;
	wakeup(l);
	pv_irq_restore(flags);
}

/*G:342 The tick, in the timer's interrupt handler. */
void sched_tick(void)
{
	uint64_t now = uptime_ms();

	current->ticks++;
	for (uint32_t i = 0; i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (p->state == PROC_SLEEPING && p->wake_ms && p->wake_ms <= now)
			p->state = PROC_RUNNABLE;
	}
	if (++slice >= QUANTUM_TICKS)
		need_resched = true;
}

/* The last thing before ring 3: die if a signal came, yield if the
 * quantum is spent (and die if one came meanwhile). */
void return_to_user(struct trap_frame *f)
{
	(void)f;
	if (current->killed)
		proc_exit(PUP_EXIT_SIGNAL(current->kill_signal));
	if (need_resched)
		schedule();
	if (current->killed)
		proc_exit(PUP_EXIT_SIGNAL(current->kill_signal));
}

/*G:343 The idle task: whenever nothing else can run, sleep until an
 * interrupt (pv.safe_halt: "sti; hlt" natively, KH_HALT under kennel,
 * both with no window in which a wake-up could be missed), then see
 * whether it made somebody runnable. */
void idle_loop(void)
{
	for (;;) {
		pv.irq_disable();
		if (pick_next() == proc_idle())
			pv.safe_halt();
		else
			pv.irq_enable();
		schedule();
	}
}
