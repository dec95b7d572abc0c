/*U:100 host/kernel/proc.c: host processes, from birth to reaping.
 *
 * A process is a ring-3 program with its own address space (a page
 * directory whose kernel half is shared), its own 16 KiB kernel stack
 * (where its system calls and interrupts run, and where its user
 * registers wait while it is switched out), a table of open files, and a
 * place in the family: a parent, or NULL when the host itself started it.
 *
 * The life cycle: proc_alloc finds a slot and the memory; the loader
 * (host/kernel/spawn.c, U:120) fills the address space and proc_start hands the
 * process to the scheduler. It ends in proc_exit, by SYS_EXIT, by SYS_KILL
 * or by a CPU fault: its files are closed and its memory freed at once,
 * but the slot stays as a zombie holding the exit status until the parent
 * reaps it with SYS_WAIT (or, for the host's own children and orphans,
 * the host does, host/kernel/userland.c).
 *
 * The table is a fixed array: no heap, so the free-frame count after a
 * run returns exactly to what it was before. Next: the ELF checks that
 * come before any of this, host/kernel/elf.c (U:110). */
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "arch/x86/traps.h"
#include "lib/string.h"
#include "host/kernel/proc.h"
#include "host/kernel/sched.h"
#include "host/kernel/file.h"
#include "host/kernel/uspace.h"
#include "host/kernel/condev.h"
#include "host/kernel/vm.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"

static struct process procs[PROC_MAX];
static int32_t next_pid = 1;

static struct process *free_slot(void)
{
	for (unsigned i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_UNUSED)
			return &procs[i];
	return NULL;
}

static void free_kstack(struct process *p)
{
	for (uint32_t i = 0; p->kstack && i < KSTACK_PAGES; i++)
		BUG_ON(frame_free(virt_to_phys(p->kstack) + i * PAGE_SIZE) != 0);
	p->kstack = NULL;
}

static bool alloc_memory(struct process *p)
{
	uint32_t stack = frames_alloc_contig(KSTACK_PAGES);

	p->kstack = stack ? phys_to_virt(stack) : NULL;
	p->pgdir = vm_pgdir_create();
	if (p->kstack && p->pgdir)
		return true;
	free_kstack(p);
	if (p->pgdir)
		vm_pgdir_destroy(p->pgdir);
	return false;
}

int32_t proc_alloc(const char *name, struct process *parent, struct process **out)
{
	struct process *p = free_slot();

	if (!p)
		return -EAGAIN;
	memset(p, 0, sizeof(*p));
	if (!alloc_memory(p))
		return -ENOMEM;
	p->state = PROC_NEW;
	p->pid = next_pid++;
	strlcpy(p->name, name, sizeof(p->name));
	p->parent = parent;
	*out = p;
	return 0;
}

void proc_discard(struct process *p)
{
	BUG_ON(p->state != PROC_NEW);
	fd_close_all(p);
	uspace_destroy(p);
	free_kstack(p);
	p->state = PROC_UNUSED;
}

void proc_start(struct process *p)
{
	uint32_t flags = irq_save();

	sched_new_context(p);
	p->state = PROC_RUNNABLE;
	irq_restore(flags);
}

/* Orphans become the host's: it reaps them (host/kernel/userland.c). */
static void give_children_away(struct process *p)
{
	for (unsigned i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_UNUSED && procs[i].parent == p)
			procs[i].parent = NULL;
}

/*U:170 The end of a process. Files are closed first, while the process is
 * still current and its memory intact, because a driver's release may
 * need both (the hypervisor device tears its guest down there). Then the
 * host leaves the process's address space and frees it. What remains is
 * the slot and the kernel stack we are standing on: the zombie. Waking
 * the parent and switching away happen with interrupts off, so the
 * parent cannot see a zombie that is still running:*/
void proc_exit(int32_t status)
{
	struct process *p = current;

	p->exiting = true;
	irq_enable();
	fd_close_all(p);
	console_proc_exit(p);
	vm_switch(kernel_pgdir);
	uspace_destroy(p);
	irq_disable();
	give_children_away(p);
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	if (p->parent)
		wakeup(p->parent);
	sched_exit();
}
/*:*/

int32_t proc_reap(struct process *p, int32_t *status)
{
	int32_t pid = p->pid;

	BUG_ON(p->state != PROC_ZOMBIE);
	*status = p->exit_status;
	free_kstack(p);
	p->state = PROC_UNUSED;
	return pid;
}

static bool alive(const struct process *p)
{
	return p->state != PROC_UNUSED && p->state != PROC_ZOMBIE && p->state != PROC_NEW;
}

struct process *proc_find(int32_t pid)
{
	for (unsigned i = 0; i < PROC_MAX; i++)
		if (alive(&procs[i]) && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

/*U:180 Killing is a request, not an act: it sets a flag and wakes the
 * victim if it sleeps. The victim acts on it itself, at its next return
 * to ring 3 (trap_return_hook) or from inside a blocking call, which
 * gives up with -EINTR. So a process is only ever torn down by itself, on
 * its own kernel stack, at a point where it holds nothing half-done. */
int32_t proc_kill(int32_t pid)
{
	struct process *p = proc_find(pid);

	if (!p)
		return -ESRCH;
	p->killed = true;
	proc_wake(p);
	return 0;
}

void proc_kill_all(void)
{
	for (unsigned i = 0; i < PROC_MAX; i++)
		if (alive(&procs[i]))
			proc_kill(procs[i].pid);
}

struct process *proc_nth(uint32_t index)
{
	for (unsigned i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_UNUSED && index-- == 0)
			return &procs[i];
	return NULL;
}

unsigned proc_slot(const struct process *p)
{
	return (unsigned)(p - procs);
}

struct process *proc_by_slot(unsigned slot)
{
	return &procs[slot];
}

uint32_t proc_count(void)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < PROC_MAX; i++)
		n += procs[i].state != PROC_UNUSED;
	return n;
}

struct process *proc_zombie_child(struct process *parent, int32_t pid, bool *has_child)
{
	*has_child = false;
	for (unsigned i = 0; i < PROC_MAX; i++) {
		struct process *p = &procs[i];

		if (p->state == PROC_UNUSED || p->state == PROC_NEW || p->parent != parent)
			continue;
		if (pid != -1 && p->pid != pid)
			continue;
		*has_child = true;
		if (p->state == PROC_ZOMBIE)
			return p;
	}
	return NULL;
}

/* SYS_WAIT's blocking part: a reaped child's pid, or -ECHILD, -EINTR. */
int32_t proc_wait(int32_t pid, int32_t *status)
{
	uint32_t flags = irq_save();
	struct process *z;
	bool has_child;

	while (!(z = proc_zombie_child(current, pid, &has_child)) && has_child &&
	       !proc_should_stop(current))
		sleep_on(current);
	irq_restore(flags);
	if (!z)
		return has_child ? -EINTR : -ECHILD;
	return proc_reap(z, status);
}

bool proc_should_stop(struct process *p)
{
	return p->killed || p->exiting;
}

/*U:190 A CPU exception in ring 3 is the program's own doing: the host
 * reports it in one line, with what the program would need to debug it,
 * and ends the program with EXIT_FAULTED. Everything else carries on.
 * Next: how the host reads and writes a program's memory without ever
 * trusting its pointers, host/kernel/usercopy.c (U:200). */
static void report_fault(const struct process *p, const struct trap_frame *f, uint32_t cr2)
{
	if (f->vector == VEC_PAGE)
		kprintf("kennel: pid %d (%s) killed: page fault at eip 0x%08x, address 0x%08x\n",
			p->pid, p->name, f->eip, cr2);
	else
		kprintf("kennel: pid %d (%s) killed: %s at eip 0x%08x\n",
			p->pid, p->name, trap_name(f->vector), f->eip);
}

void trap_user_fault(struct trap_frame *f)
{
	uint32_t cr2 = read_cr2();

	if (!current) {
		trap_report(f, "ring-3 fault with no current process");
		panic("trap_user_fault: no process");
	}
	if (f->vector == VEC_PAGE && uspace_watch_fault(current, cr2, f->error))
		return;		/* a watched page's write: retried (U:900) */
	if (f->vector == VEC_PAGE && uspace_demand_fault(current, cr2, f->error & PF_WRITE))
		return;		/* filled on demand: retried (U:935) */
	console_flush(current);
	report_fault(current, f, cr2);
	proc_exit(EXIT_FAULTED);
}
