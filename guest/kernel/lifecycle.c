/*G:360 guest/kernel/lifecycle.c: fork, exit, wait and kill.
 *
 * fork makes a new process that is a copy of the caller: its memory
 * (eagerly, G:312), its open files (shared, offsets and all), its
 * directory, and its registers, except that the child's eax, fork's
 * result, is 0. The child starts life at trap_return (G:331), so its first
 * instruction is the one after the parent's "int $0x80".
 *
 * exit gives back everything it can at once: the files, and the address
 * space (after moving onto the kernel's, since a process cannot pull the
 * floor from under its own feet). What remains is a zombie holding its
 * exit status and its kernel stack, on which it still stands, until its
 * parent's wait collects both. Children of the dead pass to init (pid 1),
 * which waits for everybody.
 *
 * kill only marks its victim and wakes it wherever it sleeps; the victim
 * dies by itself on its way back to ring 3 (G:342), with status
 * PUP_EXIT_KILLED, so it never dies holding a lock. Next: G:370. */
#include "lib/string.h"
#include "guest/kernel/file.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/proc.h"

#define INIT_PID	1

static int32_t copy_memory(struct proc *child)
{
	uint32_t *pgdir = pgdir_create();

	if (!pgdir)
		return -ENOMEM;
	child->pgdir = pgdir;
	return copy_user_pages(pgdir, current->pgdir);
}

static void discard_embryo(struct proc *p)
{
	if (p->pgdir != kernel_pgdir)
		pgdir_destroy(p->pgdir);
	proc_free(p);
}

int32_t proc_fork(struct trap_frame *f)
{
	struct proc *child = proc_alloc(current->name);

	if (!child)
		return -EAGAIN;
	if (copy_memory(child)) {
		discard_embryo(child);
		return -ENOMEM;
	}
	*child->frame = *f;
	child->frame->eax = 0;
	proc_prepare_user(child);
	fds_copy(child, current);
	strlcpy(child->cwd, current->cwd, sizeof(child->cwd));
	child->heap_start = current->heap_start;
	child->brk = current->brk;
	child->parent = current;
	proc_make_runnable(child);
	return child->pid;
}

/*G:361 Dying. Orphans go to init, and a zombie among them wakes it. */
static void give_children_to_init(struct proc *dying)
{
	struct proc *init = proc_find(INIT_PID);

	for (uint32_t i = 0; i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (p->state != PROC_UNUSED && p->parent == dying) {
			p->parent = init;
			if (p->state == PROC_ZOMBIE)
				wakeup(init);
		}
	}
}

void proc_exit(int32_t status)
{
	struct proc *p = current;

	if (p->pid == INIT_PID)
		panic("init exited with status %d", status);
	fds_close_all(p);
	if (p->pgdir != kernel_pgdir) {
		use_pgdir(kernel_pgdir);
		pgdir_destroy(p->pgdir);
		p->pgdir = kernel_pgdir;
	}
	pv.irq_disable();
	give_children_to_init(p);
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	wakeup(p->parent);
	schedule();
	panic("a zombie ran");
}

/*G:362 Waiting: for one child (pid) or any (-1). A parent sleeps on its
 * own struct proc, which is what a dying child wakes. */
static struct proc *find_child(int32_t pid, bool *any)
{
	*any = false;
	for (uint32_t i = 0; i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (p->state == PROC_UNUSED || p->parent != current || (pid != -1 && p->pid != pid))
			continue;
		*any = true;
		if (p->state == PROC_ZOMBIE)
			return p;
	}
	return NULL;
}

int32_t proc_wait(int32_t pid, int32_t *status)
{
	uint32_t flags = pv_irq_save();
	struct proc *child;
	int32_t result;
	bool any;

	while (!(child = find_child(pid, &any)) && any && !current->killed)
		sleep_on(current);
	if (child) {
		*status = child->exit_status;
		result = child->pid;
		proc_free(child);
	} else {
		result = any ? -EINTR : -ECHILD;
	}
	pv_irq_restore(flags);
	return result;
}

int32_t proc_kill(int32_t pid)
{
	struct proc *p = proc_find(pid);

	if (!p || p->state == PROC_ZOMBIE || p->state == PROC_EMBRYO)
		return -ESRCH;
	if (pid == 0 || pid == INIT_PID)
		return -EPERM;
	p->killed = true;
	wake_process(p);
	return 0;
}
