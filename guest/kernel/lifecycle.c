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
 * dies by itself on its way back to ring 3 (G:342), with status 128 +
 * the signal (G:800), so it never dies holding a lock. Next: G:370. */
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
	child->sig_ignored = current->sig_ignored;
	child->pgid = current->pgid;
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

/*G:820 A signal arrives: an ignored one is gone at once (SIGKILL cannot
 * be ignored); otherwise the first to come decides how the process ends,
 * and it is woken wherever it sleeps, to die on its way out (G:342).
 * Interrupt context may send (Ctrl-C, G:810): this only marks and wakes.:*/
static void send_signal(struct proc *p, int32_t sig)
{
	uint32_t flags;

	if (sig != PUP_SIGKILL && (p->sig_ignored & (1u << sig)))
		return;
	flags = pv_irq_save();
	if (!p->killed) {
		p->killed = true;
		p->kill_signal = (uint8_t)sig;
	}
	pv_irq_restore(flags);
	wake_process(p);
}
/*:*/

static bool signal_ok(int32_t sig)
{
	return sig >= 0 && sig < PUP_NSIG;
}

static bool can_be_signalled(const struct proc *p)
{
	return p->state != PROC_UNUSED && p->state != PROC_ZOMBIE && p->state != PROC_EMBRYO &&
	       p != proc_idle();
}

int32_t proc_kill(int32_t pid, int32_t sig)
{
	struct proc *p = proc_find(pid);

	if (!signal_ok(sig))
		return -EINVAL;
	if (!p || !can_be_signalled(p))
		return -ESRCH;
	if (pid == 0 || pid == INIT_PID)
		return -EPERM;
	if (sig)
		send_signal(p, sig);
	return 0;
}

/* Every process of group pgid (init is never in one: its pgid is 0). */
int32_t proc_kill_group(int32_t pgid, int32_t sig)
{
	bool found = false;

	if (!signal_ok(sig))
		return -EINVAL;
	for (uint32_t i = 0; pgid > 0 && i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (!can_be_signalled(p) || p->pgid != pgid || p->pid == INIT_PID)
			continue;
		found = true;
		if (sig)
			send_signal(p, sig);
	}
	return found ? 0 : -ESRCH;
}

/*G:821 Groups: a process may put itself or one of its children in a
 * group; pgid 0 means the process's own pid, a new group it leads. */
int32_t proc_set_group(int32_t pid, int32_t pgid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	if (!p || (p != current && p->parent != current) || !can_be_signalled(p))
		return -ESRCH;
	p->pgid = pgid ? pgid : p->pid;
	return 0;
}
