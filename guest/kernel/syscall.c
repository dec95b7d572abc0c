/*G:380 guest/kernel/syscall.c: the system-call table.
 *
 * A program's "int $0x80" arrives here through a trap gate, so, unlike
 * every other trap, with interrupts as they were in ring 3: on. Under
 * kennel it came without the host (a direct trap), on the stack pup last
 * named with KH_SET_STACK; natively through TSS.esp0. From here on the
 * two worlds are the same. The number in eax picks the handler; the
 * handler reads ebx, ecx, edx, esi and edi (syscall_arg) and its result
 * goes back in eax: >= 0, or minus an errno. Next: the handlers, G:390. */
#include "guest/kernel/kernel.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/syscall.h"

typedef int32_t (*syscall_fn)(void);

static const syscall_fn syscalls[PUP_NR_SYSCALLS] = {
	[PUP_SYS_EXIT] = sys_exit,		[PUP_SYS_WRITE] = sys_write,
	[PUP_SYS_READ] = sys_read,		[PUP_SYS_OPEN] = sys_open,
	[PUP_SYS_CLOSE] = sys_close,		[PUP_SYS_FORK] = sys_fork,
	[PUP_SYS_EXEC] = sys_exec,		[PUP_SYS_WAIT] = sys_wait,
	[PUP_SYS_GETPID] = sys_getpid,		[PUP_SYS_KILL] = sys_kill,
	[PUP_SYS_SLEEP] = sys_sleep,		[PUP_SYS_UPTIME] = sys_uptime,
	[PUP_SYS_PS] = sys_ps,			[PUP_SYS_MEMINFO] = sys_meminfo,
	[PUP_SYS_READDIR] = sys_readdir,	[PUP_SYS_STAT] = sys_stat,
	[PUP_SYS_CHDIR] = sys_chdir,		[PUP_SYS_GETCWD] = sys_getcwd,
	[PUP_SYS_MKDIR] = sys_mkdir,		[PUP_SYS_UNLINK] = sys_unlink,
	[PUP_SYS_POWEROFF] = sys_poweroff,	[PUP_SYS_SBRK] = sys_sbrk,
	[PUP_SYS_SEEK] = sys_seek,		[PUP_SYS_SYSINFO] = sys_sysinfo,
	[PUP_SYS_SIGNAL] = sys_signal,		[PUP_SYS_SETPGID] = sys_setpgid,
	[PUP_SYS_SETFG] = sys_setfg,		[PUP_SYS_PIPE] = sys_pipe,
	[PUP_SYS_DUP2] = sys_dup2,		[PUP_SYS_RMDIR] = sys_rmdir,
};

uint32_t syscall_arg(unsigned n)
{
	const struct trap_frame *f = current->frame;
	const uint32_t args[5] = { f->ebx, f->ecx, f->edx, f->esi, f->edi };

	return n < 5 ? args[n] : 0;
}

void syscall_dispatch(struct trap_frame *f)
{
	uint32_t nr = f->eax;

	if (!from_user(f))
		panic("system call from the kernel at eip 0x%08x", f->eip);
	if (nr >= PUP_NR_SYSCALLS || !syscalls[nr]) {
		f->eax = (uint32_t)-ENOSYS;
		return;
	}
	f->eax = (uint32_t)syscalls[nr]();
}
