/* guest/kernel/syscall.h: the system calls (syscall.c, G:380;
 * sys_proc.c, G:390; sys_file.c, G:460). Each handler reads its
 * arguments with syscall_arg and returns the result for eax. */
#ifndef GUEST_KERNEL_SYSCALL_H
#define GUEST_KERNEL_SYSCALL_H

#include <stdint.h>
#include "guest/kernel/trap.h"

void syscall_dispatch(struct trap_frame *f);
uint32_t syscall_arg(unsigned n);

int32_t sys_exit(void);
int32_t sys_fork(void);
int32_t sys_exec(void);
int32_t sys_wait(void);
int32_t sys_getpid(void);
int32_t sys_kill(void);
int32_t sys_sleep(void);
int32_t sys_uptime(void);
int32_t sys_ps(void);
int32_t sys_meminfo(void);
int32_t sys_poweroff(void);
int32_t sys_sbrk(void);
int32_t sys_sysinfo(void);
int32_t sys_signal(void);
int32_t sys_setpgid(void);
int32_t sys_setfg(void);
int32_t sys_pipe(void);
int32_t sys_dup2(void);
int32_t sys_rmdir(void);

int32_t sys_write(void);
int32_t sys_read(void);
int32_t sys_open(void);
int32_t sys_close(void);
int32_t sys_seek(void);
int32_t sys_readdir(void);
int32_t sys_stat(void);
int32_t sys_chdir(void);
int32_t sys_getcwd(void);
int32_t sys_mkdir(void);
int32_t sys_unlink(void);

#endif
