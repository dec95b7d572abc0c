/*U:400 host/kernel/syscall.c: how a system call enters the host and leaves it.
 *
 * A program loads eax with the call number, ebx..edi with arguments, and
 * executes "int $0x80". That IDT gate is the only one ring 3 may use
 * (DPL 3, host/kernel/traps.c), so the CPU switches to the process's kernel
 * stack (TSS esp0), pushes ss, esp, eflags, cs and eip, and jumps to the
 * stub for vector 0x80 in host/kernel/entry.asm. The stub and trap_common push
 * the rest of a struct trap_frame and call trap_dispatch, which sees
 * vector 0x80 from ring 3 and calls syscall_dispatch below.
 *
 * syscall_dispatch looks the number up in a table, turns interrupts back
 * on (the gate turned them off; a call may run long or block), and runs
 * the handler, which reads its arguments from the frame (syscall_arg)
 * and returns the result. The result goes into the frame's eax. Then
 * trap_dispatch calls trap_return_hook (U:340), the last chance to exit
 * a killed process or yield the CPU, and trap_common pops the frame and
 * irets back to the instruction after the int, with eax holding the
 * answer. Next: the handlers, host/kernel/sys_proc.c (U:410). */
#include "arch/x86/cpu.h"
#include "arch/x86/syscall.h"
#include "host/kernel/syscall.h"
#include "host/kernel/sched.h"
#include "host/kernel/console.h"

typedef int32_t (*syscall_fn)(void);

static const syscall_fn syscalls[NR_SYSCALLS] = {
	[SYS_EXIT] = sys_exit,		[SYS_WRITE] = sys_write,
	[SYS_READ] = sys_read,		[SYS_OPEN] = sys_open,
	[SYS_CLOSE] = sys_close,	[SYS_SEEK] = sys_seek,
	[SYS_STAT] = sys_stat,		[SYS_FSTAT] = sys_fstat,
	[SYS_READDIR] = sys_readdir,	[SYS_MMAP] = sys_mmap,
	[SYS_MUNMAP] = sys_munmap,	[SYS_SPAWN] = sys_spawn,
	[SYS_WAIT] = sys_wait,		[SYS_SLEEP] = sys_sleep,
	[SYS_YIELD] = sys_yield,	[SYS_CLOCK] = sys_clock,
	[SYS_IOCTL] = sys_ioctl,	[SYS_GETPID] = sys_getpid,
	[SYS_KILL] = sys_kill,		[SYS_PS] = sys_ps,
	[SYS_MEMINFO] = sys_meminfo,
	[SYS_TRUNCATE] = sys_truncate,	[SYS_FSYNC] = sys_fsync,
	[SYS_UNLINK] = sys_unlink,	[SYS_MKDIR] = sys_mkdir,
	[SYS_RMDIR] = sys_rmdir,	[SYS_RENAME] = sys_rename,
	[SYS_STATFS] = sys_statfs,	[SYS_FSCK] = sys_fsck,
};

uint32_t syscall_arg(unsigned n)
{
	const struct trap_frame *f = proc_frame(current);
	const uint32_t args[5] = { f->ebx, f->ecx, f->edx, f->esi, f->edi };

	return n < 5 ? args[n] : 0;
}

void syscall_dispatch(struct trap_frame *f)
{
	uint32_t nr = f->eax;

	if (!current)
		panic("system call with no current process");
	if (nr >= NR_SYSCALLS || !syscalls[nr]) {
		f->eax = (uint32_t)-ENOSYS;
		return;
	}
	irq_enable();
	f->eax = (uint32_t)syscalls[nr]();
}
