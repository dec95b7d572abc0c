/* host/kernel/syscall.h: the host's system-call handlers (host/kernel/syscall.c, U:400).
 * Each takes its arguments from the caller's trap frame with
 * syscall_arg and returns the value for eax: >= 0, or minus an errno. */
#ifndef HOST_SYSCALL_H
#define HOST_SYSCALL_H

#include <stdint.h>

/* Argument n (0..4) of the current system call: ebx, ecx, edx, esi, edi. */
uint32_t syscall_arg(unsigned n);

/* host/kernel/sys_proc.c */
int32_t sys_exit(void);
int32_t sys_spawn(void);
int32_t sys_wait(void);
int32_t sys_kill(void);
int32_t sys_sleep(void);
int32_t sys_yield(void);
int32_t sys_clock(void);
int32_t sys_getpid(void);
int32_t sys_ps(void);
int32_t sys_meminfo(void);
int32_t sys_mmap(void);
int32_t sys_munmap(void);

/* host/kernel/sys_file.c */
int32_t sys_write(void);
int32_t sys_read(void);
int32_t sys_open(void);
int32_t sys_close(void);
int32_t sys_seek(void);
int32_t sys_stat(void);
int32_t sys_fstat(void);
int32_t sys_readdir(void);
int32_t sys_ioctl(void);
int32_t sys_truncate(void);
int32_t sys_fsync(void);
int32_t sys_unlink(void);
int32_t sys_mkdir(void);
int32_t sys_rmdir(void);
int32_t sys_rename(void);
int32_t sys_statfs(void);
int32_t sys_fsck(void);

#endif
