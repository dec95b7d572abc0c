/*G:605 guest/user/include/pup.h: the system calls that only pup has.
 *
 * A pup program is written against the same C library as a program for
 * kennel's host: stdio.h, stdlib.h, string.h, and unistd.h for files and
 * descriptors (write, read, open, close, lseek, getpid, _exit) come from
 * user/include unchanged, because both systems take the same call the
 * same way and use Linux's error numbers. What differs is here, in pup's
 * words (guest/include/pup/syscall.h):
 *
 *   processes    fork, exec, wait/waitpid, kill, sleep_ms, ps
 *   signals      kill, signal (ignore or default), setpgid, setfg (G:800)
 *   files        readdir, stat, mkdir, unlink, rmdir, chdir, getcwd,
 *                pipe, dup2, and the open flags O_CREAT, O_TRUNC, O_APPEND
 *   memory       sbrk, meminfo
 *   the system   uptime, sysinfo, poweroff
 *
 * Like unistd.h, every call returns -1 and sets errno when pup refuses it
 * (sbrk returns SBRK_FAILED, getcwd NULL). A process a signal ended
 * exits with 128 + the signal (PUP_EXIT_SIGNAL: 130 for Ctrl-C's SIGINT,
 * 143 for kill's SIGTERM, 139 for a CPU fault), which is what wait
 * reports. All of it is implemented in one file,
 * guest/user/libc/sys_pup.c. Next: how that file reaches pup,
 * user/libc/trap.h. */
#ifndef GUEST_USER_PUP_H
#define GUEST_USER_PUP_H

#include <stddef.h>
#include <stdint.h>
#include "guest/include/pup/syscall.h"

/* Spelled as the host's ABI spells them (arch/x86/syscall.h), so that a
 * program seeing both headers sees one definition. */
#define O_CREAT		0x040
#define O_TRUNC		0x200
#define O_APPEND	0x400
_Static_assert(O_CREAT == PUP_O_CREAT && O_TRUNC == PUP_O_TRUNC && O_APPEND == PUP_O_APPEND,
	       "pup's open flags are the host's");

#define SBRK_FAILED	((void *)-1)

int fork(void);				/* the child's pid, or 0 in the child */
int exec(const char *path, char *const argv[]);	/* returns only on error */
int waitpid(int pid, int *status);	/* pid -1: any child */
int wait(int *status);
int kill(int pid, int sig);		/* pid < 0: the group -pid; sig 0: only check */
int signal(int sig, int action);	/* PUP_SIG_IGN or PUP_SIG_DFL; the old one */
int setpgid(int pid, int pgid);		/* 0, 0: a group of its own */
int setfg(int pgid);			/* the group Ctrl-C interrupts */
int sleep_ms(uint32_t ms);
int ps(int index, struct pup_procinfo *info);	/* ENOENT past the last */

int readdir(const char *dir, int index, struct pup_dirent *ent);	/* ENOENT past the last */
int stat(const char *path, struct pup_stat *st);
int mkdir(const char *path);
int unlink(const char *path);		/* files only */
int rmdir(const char *path);		/* empty directories only */
int pipe(int fds[2]);			/* fds[0] reads what fds[1] writes */
int dup2(int fd, int newfd);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);	/* buf, or NULL */

void *sbrk(intptr_t increment);		/* the old break, or SBRK_FAILED */
int meminfo(struct pup_meminfo *info);

int uptime(uint64_t *ms);		/* milliseconds since pup booted */
int sysinfo(struct pup_sysinfo *info);
void poweroff(void) __attribute__((noreturn));

#endif
