/*U:410 host/kernel/sys_proc.c: the system calls about processes, time and memory.
 *
 * Each handler validates first and acts second: every pointer is checked
 * (host/kernel/usercopy.c) before anything changes, so a call that fails with
 * -EFAULT has done nothing. SYS_WAIT, for example, checks that it can
 * write the status before it reaps the child, so a bad pointer never
 * loses a child's exit status. Next: the file calls, host/kernel/sys_file.c
 * (U:420). */
#include "arch/x86/syscall.h"
#include "lib/string.h"
#include "host/kernel/syscall.h"
#include "host/kernel/sched.h"
#include "host/kernel/spawn.h"
#include "host/kernel/uspace.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/frames.h"
#include "host/kernel/memory_map.h"
#include "host/kernel/heap.h"
#include "host/kernel/timer.h"

int32_t sys_exit(void)
{
	proc_exit((int32_t)syscall_arg(0));
}

/* The argv array: pointers read one at a time up to the NULL. */
static int32_t gather_args(struct spawn_args *a, uint32_t uargv)
{
	uint32_t ptr;
	int32_t err;

	spawn_args_init(a);
	for (uint32_t i = 0; uargv; i++) {
		if (copy_from_user(&ptr, uargv + 4 * i, 4))
			return -EFAULT;
		if (!ptr)
			break;
		if ((err = spawn_args_add_user(a, ptr)))
			return err;
	}
	return 0;
}

int32_t sys_spawn(void)
{
	struct spawn_args *a = kmalloc(sizeof(*a));
	char path[K_PATH_MAX];
	int32_t r;

	if (!a)
		return -ENOMEM;
	r = copy_string_from_user(path, syscall_arg(0), sizeof(path));
	if (r >= 0)
		r = gather_args(a, syscall_arg(1));
	if (r >= 0)
		r = spawn(path, a, current);
	kfree(a);
	return r;
}

int32_t sys_wait(void)
{
	uint32_t ustatus = syscall_arg(1);
	int32_t status, pid;

	if (ustatus && user_check(ustatus, sizeof(status), true))
		return -EFAULT;
	pid = proc_wait((int32_t)syscall_arg(0), &status);
	if (pid > 0 && ustatus)
		copy_to_user(ustatus, &status, sizeof(status));
	return pid;
}

int32_t sys_kill(void)
{
	return proc_kill((int32_t)syscall_arg(0));
}

int32_t sys_sleep(void)
{
	return sched_sleep_ms(syscall_arg(0));
}

int32_t sys_yield(void)
{
	sched_yield();
	return 0;
}

int32_t sys_clock(void)
{
	uint64_t ms = timer_ms();

	return copy_to_user(syscall_arg(0), &ms, sizeof(ms));
}

int32_t sys_getpid(void)
{
	return current->pid;
}

static uint32_t visible_state(enum proc_state s)
{
	if (s == PROC_SLEEPING)
		return K_PROC_SLEEPING;
	return s == PROC_ZOMBIE ? K_PROC_ZOMBIE : K_PROC_RUNNABLE;
}

int32_t sys_ps(void)
{
	uint32_t uinfo = syscall_arg(1);
	struct process *p;
	struct k_procinfo info;

	if (user_check(uinfo, sizeof(info), true))
		return -EFAULT;
	p = proc_nth(syscall_arg(0));
	if (!p)
		return -ENOENT;
	memset(&info, 0, sizeof(info));
	info.pid = p->pid;
	info.parent = p->parent ? p->parent->pid : 0;
	info.state = visible_state(p->state);
	info.pages = p->pages;
	info.ticks = p->ticks;
	strlcpy(info.name, p->name, sizeof(info.name));
	return copy_to_user(uinfo, &info, sizeof(info));
}

int32_t sys_meminfo(void)
{
	struct k_meminfo info = {
		.total_frames = memory_usable_frames(),
		.free_frames = frames_free_count(),
		.heap_bytes = heap_bytes_in_use(),
	};

	info.idle_tsc = sched_idle_tsc();

	return copy_to_user(syscall_arg(0), &info, sizeof(info));
}

int32_t sys_mmap(void)
{
	if (syscall_arg(1) & ~MMAP_RESERVE)
		return -EINVAL;
	if (syscall_arg(1) & MMAP_RESERVE)
		return uspace_mmap_reserve(current, syscall_arg(0));
	return uspace_mmap(current, syscall_arg(0));
}

int32_t sys_munmap(void)
{
	return uspace_munmap(current, syscall_arg(0), syscall_arg(1));
}
