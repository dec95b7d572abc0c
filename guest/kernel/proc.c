/*G:330 guest/kernel/proc.c: the process table.
 *
 * A process is a slot in a fixed table of NPROC, a pid, a kernel stack of
 * KSTACK_SIZE (two contiguous frames, reached through the direct map),
 * an address space, open files and a current directory. Slot 0 is the
 * idle task: the code that booted, still on the boot stack, which runs
 * only when nobody else can (G:340). Pids count up from 1 and are never
 * reused while pup runs; pid 1 is init (G:500).
 *
 * Slots change state under irq_save, because the timer's interrupt looks
 * at them too (to wake sleepers). Next: G:331. */
#include "lib/string.h"
#include "guest/kernel/file.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/proc.h"

extern char boot_stack[];

static struct proc procs[NPROC];
static int32_t next_pid = 1;

struct proc *proc_at(uint32_t slot)
{
	return slot < NPROC ? &procs[slot] : NULL;
}

struct proc *proc_idle(void)
{
	return &procs[0];
}

void proc_set_name(struct proc *p, const char *name)
{
	strlcpy(p->name, name, sizeof(p->name));
}

static struct proc *claim_slot(void)
{
	uint32_t flags = pv_irq_save();
	struct proc *found = NULL;

	for (uint32_t i = 1; i < NPROC && !found; i++)
		if (procs[i].state == PROC_UNUSED)
			found = &procs[i];
	if (found) {
		memset(found, 0, sizeof(*found));
		found->state = PROC_EMBRYO;
		found->pid = next_pid++;
	}
	pv_irq_restore(flags);
	return found;
}

/* A new process: a pid, a kernel stack, the root as its directory, and
 * the kernel's address space until it gets one of its own. */
struct proc *proc_alloc(const char *name)
{
	struct proc *p = claim_slot();
	uint32_t stack;

	if (!p)
		return NULL;
	if (!(stack = frames_alloc_run(KSTACK_SIZE / PAGE_SIZE))) {
		p->state = PROC_UNUSED;
		return NULL;
	}
	p->kstack = (uint32_t)phys_to_virt(stack);
	p->pgdir = kernel_pgdir;
	p->frame = (struct trap_frame *)(p->kstack + KSTACK_SIZE) - 1;
	proc_set_name(p, name);
	strlcpy(p->cwd, "/", sizeof(p->cwd));
	return p;
}

/* What is left of a zombie, or of a process that never ran. */
void proc_free(struct proc *p)
{
	uint32_t flags;

	frames_free_run(virt_to_phys((void *)p->kstack), KSTACK_SIZE / PAGE_SIZE);
	flags = pv_irq_save();
	p->state = PROC_UNUSED;
	pv_irq_restore(flags);
}

struct proc *proc_find(int32_t pid)
{
	for (uint32_t i = 0; i < NPROC; i++)
		if (procs[i].state != PROC_UNUSED && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

void proc_make_runnable(struct proc *p)
{
	uint32_t flags = pv_irq_save();

	p->state = PROC_RUNNABLE;
	pv_irq_restore(flags);
}

/*G:331 A process that has never run is made to look like one that
 * stopped in context_switch (G:350): four zero registers on its kernel
 * stack and, above them, where it should "return". A program returns into
 * trap_return, which pops the trap frame at the top of the stack and
 * leaves for ring 3, exactly as after a system call; a kernel thread
 * returns into thread_start, which turns interrupts on (schedule switched
 * with them off) and runs its body. */
static void set_context(struct proc *p, uint32_t *sp, void (*start)(void))
{
	*--sp = (uint32_t)start;
	for (int i = 0; i < 4; i++)
		*--sp = 0;
	p->context = (uint32_t)sp;
}

void proc_prepare_user(struct proc *p)
{
	set_context(p, (uint32_t *)p->frame, trap_return);
}

static void thread_start(void)
{
	pv.irq_enable();
	current->thread();
	proc_exit(0);
}

void proc_prepare_thread(struct proc *p, void (*body)(void))
{
	p->thread = body;
	set_context(p, (uint32_t *)(p->kstack + KSTACK_SIZE), thread_start);
}

/*G:332 The idle task is the boot code itself: pid 0, already running,
 * on the boot stack, in the kernel's address space. */
struct proc *proc_init_idle(void)
{
	struct proc *idle = &procs[0];

	idle->state = PROC_RUNNING;
	idle->pid = 0;
	idle->kstack = (uint32_t)boot_stack;
	idle->pgdir = kernel_pgdir;
	proc_set_name(idle, "idle");
	strlcpy(idle->cwd, "/", sizeof(idle->cwd));
	return idle;
}
