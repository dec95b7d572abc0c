/*G:390 guest/kernel/sys_proc.c: the system calls about processes, time
 * and memory.
 *
 * Each handler checks before it acts: every pointer is validated
 * (usercopy.c) before anything changes, so a call that fails with -EFAULT
 * has done nothing. wait, for one, checks that it can write the status
 * before it reaps the child, so a bad pointer never loses a child's exit
 * status. exec gathers its arguments into a borrowed page before the old
 * program goes, since they live in the memory it replaces. Next: the
 * disk, G:400. */
#include "lib/string.h"
#include "guest/kernel/console.h"
#include "guest/kernel/exec.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/init.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/syscall.h"
#include "guest/kernel/timer.h"
#include "guest/kernel/usercopy.h"

int32_t sys_exit(void)
{
	proc_exit((int32_t)syscall_arg(0));
}

int32_t sys_fork(void)
{
	return proc_fork(current->frame);
}

/*G:391 exec's arguments: the argv array, read one pointer at a time up
 * to its NULL, each string copied as it is found. A NULL argv means just
 * the program's name. */
static int32_t gather_args(struct exec_args *a, uint32_t uargv, const char *path)
{
	char arg[PUP_ARG_BYTES];
	uint32_t ptr;
	int32_t err;

	exec_args_init(a);
	if (!uargv)
		return exec_args_add(a, path);
	for (uint32_t i = 0;; i++) {
		if (copy_from_user(&ptr, uargv + 4 * i, 4))
			return -EFAULT;
		if (!ptr)
			return 0;
		if ((err = copy_string_from_user(arg, ptr, sizeof(arg))) < 0)
			return err == -ENAMETOOLONG ? -E2BIG : err;
		if ((err = exec_args_add(a, arg)))
			return err;
	}
}

int32_t sys_exec(void)
{
	char raw[PUP_PATH_MAX], path[PUP_PATH_MAX], why[64];
	uint32_t page = frame_alloc();
	struct exec_args *a = phys_to_virt(page);
	int32_t err;

	if (!page)
		return -ENOMEM;
	err = copy_string_from_user(raw, syscall_arg(0), sizeof(raw));
	if (err >= 0)
		err = path_resolve(current->cwd, raw, path);
	if (!err)
		err = gather_args(a, syscall_arg(1), raw);
	if (!err)
		err = exec_into(current, path, a, why, sizeof(why));
	frame_free(page);
	return err;
}

int32_t sys_wait(void)
{
	int32_t pid = (int32_t)syscall_arg(0), status, r;
	uint32_t ustatus = syscall_arg(1);

	if (pid != -1 && pid <= 0)
		return -ECHILD;
	if (ustatus && user_check(ustatus, sizeof(status), true))
		return -EFAULT;
	r = proc_wait(pid, &status);
	if (r > 0 && ustatus)
		copy_to_user(ustatus, &status, sizeof(status));
	return r;
}

int32_t sys_getpid(void)
{
	return current->pid;
}

int32_t sys_kill(void)
{
	int32_t pid = (int32_t)syscall_arg(0), sig = (int32_t)syscall_arg(1);

	if (pid < 0 && pid != INT32_MIN)
		return proc_kill_group(-pid, sig);
	return proc_kill(pid, sig);
}

/*G:822 signal: ignore a signal, or take its default back; the old
 * setting is the result. SIGKILL is always the default. */
int32_t sys_signal(void)
{
	int32_t sig = (int32_t)syscall_arg(0);
	uint32_t action = syscall_arg(1), bit = 1u << (sig & 31);
	int32_t old;

	if (sig <= 0 || sig >= PUP_NSIG || action > PUP_SIG_IGN)
		return -EINVAL;
	if (sig == PUP_SIGKILL && action == PUP_SIG_IGN)
		return -EINVAL;
	old = current->sig_ignored & bit ? PUP_SIG_IGN : PUP_SIG_DFL;
	if (action == PUP_SIG_IGN)
		current->sig_ignored |= bit;
	else
		current->sig_ignored &= ~bit;
	return old;
}

int32_t sys_setpgid(void)
{
	return proc_set_group((int32_t)syscall_arg(0), (int32_t)syscall_arg(1));
}

int32_t sys_setfg(void)
{
	int32_t pgid = (int32_t)syscall_arg(0);

	if (pgid < 0)
		return -EINVAL;
	console_set_foreground(pgid);
	return 0;
}

int32_t sys_sleep(void)
{
	return sleep_ms(syscall_arg(0));
}

int32_t sys_uptime(void)
{
	uint64_t ms = uptime_ms();

	return copy_to_user(syscall_arg(0), &ms, sizeof(ms));
}

/*G:392 ps: the index-th live process, idle and half-built ones aside. */
static uint32_t ps_state(const struct proc *p)
{
	if (p->state == PROC_ZOMBIE)
		return PUP_PROC_ZOMBIE;
	return p->state == PROC_SLEEPING ? PUP_PROC_SLEEPING : PUP_PROC_RUNNABLE;
}

static bool listed(const struct proc *p)
{
	return p != proc_idle() && p->state != PROC_UNUSED && p->state != PROC_EMBRYO;
}

int32_t sys_ps(void)
{
	uint32_t index = syscall_arg(0), uinfo = syscall_arg(1), seen = 0;
	struct pup_procinfo info;

	if (user_check(uinfo, sizeof(info), true))
		return -EFAULT;
	for (uint32_t i = 0; i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (!listed(p) || seen++ != index)
			continue;
		memset(&info, 0, sizeof(info));
		info.pid = p->pid;
		info.parent = p->parent ? p->parent->pid : 0;
		info.state = ps_state(p);
		info.pages = p->pgdir == kernel_pgdir ? 0 : count_user_pages(p->pgdir);
		info.ticks = p->ticks;
		strlcpy(info.name, p->name, sizeof(info.name));
		return copy_to_user(uinfo, &info, sizeof(info));
	}
	return -ENOENT;
}

static uint32_t all_user_pages(void)
{
	uint32_t pages = 0;

	for (uint32_t i = 0; i < NPROC; i++) {
		struct proc *p = proc_at(i);

		if (p->state != PROC_UNUSED && p->pgdir != kernel_pgdir)
			pages += count_user_pages(p->pgdir);
	}
	return pages;
}

int32_t sys_meminfo(void)
{
	struct pup_meminfo m = { frames_total(), frames_free(), 0 };

	m.kernel_pages = m.total_pages - m.free_pages - all_user_pages();
	return copy_to_user(syscall_arg(0), &m, sizeof(m));
}

int32_t sys_poweroff(void)
{
	system_poweroff("poweroff", 0);
}

/*G:393 sbrk: the heap grows and shrinks a page at a time above the
 * program, eagerly; it may not reach the stack's region, nor ask for more
 * pages than are free. The pages change in the address space in use, so
 * the section is lazy only because nothing in it sleeps: the batch reaches
 * the host (lazy_end) before the program runs again. */
static int32_t grow_heap(uint32_t from, uint32_t to)
{
	for (uint32_t va = page_round_up(from); va < page_round_up(to); va += PAGE_SIZE) {
		if (map_user_page(current->pgdir, va, USER_PTE_RW))
			continue;
		for (uint32_t undo = page_round_up(from); undo < va; undo += PAGE_SIZE)
			unmap_user_page(current->pgdir, undo);
		return -ENOMEM;
	}
	return 0;
}

static void shrink_heap(uint32_t from, uint32_t to)
{
	for (uint32_t va = page_round_up(to); va < page_round_up(from); va += PAGE_SIZE)
		unmap_user_page(current->pgdir, va);
}

static bool heap_fits(int64_t want)
{
	uint32_t old = current->brk;
	int64_t pages = ((int64_t)page_round_up((uint32_t)want) - page_round_up(old)) / PAGE_SIZE;

	return current->heap_start && want >= current->heap_start && want <= USER_STACK_LOW &&
	       pages <= (int64_t)frames_free();
}

int32_t sys_sbrk(void)
{
	int32_t increment = (int32_t)syscall_arg(0), err = 0;
	uint32_t old = current->brk;
	int64_t want = (int64_t)old + increment;

	if (!heap_fits(want))
		return -ENOMEM;
	pv.lazy_begin();
	if (increment > 0)
		err = grow_heap(old, (uint32_t)want);
	else if (increment < 0)
		shrink_heap(old, (uint32_t)want);
	pv.lazy_end();
	if (err)
		return err;
	current->brk = (uint32_t)want;
	return (int32_t)old;
}

int32_t sys_sysinfo(void)
{
	struct pup_sysinfo info;

	memset(&info, 0, sizeof(info));
	strlcpy(info.backend, pv.name, sizeof(info.backend));
	info.ring = pv.ring;
	info.hz = TICK_HZ;
	info.uptime_ms = uptime_ms();
	return copy_to_user(syscall_arg(0), &info, sizeof(info));
}
