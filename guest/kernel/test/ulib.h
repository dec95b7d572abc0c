/*G:592 guest/kernel/test/ulib.h: the least a test program needs: every
 * system call of guest/include/pup/syscall.h as a one-line wrapper, and a
 * printf that writes to descriptor 1 through the tree's lib/format.c. The
 * real C library for pup's programs is the userland's; this one exists
 * so the kernel can be tested on its own. */
#ifndef GUEST_KERNEL_TEST_ULIB_H
#define GUEST_KERNEL_TEST_ULIB_H

#include <stdarg.h>
#include <stdint.h>
#include "arch/x86/syscall.h"
#include "guest/include/pup/syscall.h"
#include "lib/format.h"
#include "lib/string.h"

static inline int32_t sc(uint32_t nr, uint32_t a, uint32_t b, uint32_t c)
{
	int32_t r;

	asm volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

#define P(x)	((uint32_t)(uintptr_t)(x))

void exit(int status) __attribute__((noreturn));
static inline int32_t write(int fd, const void *b, uint32_t n) { return sc(PUP_SYS_WRITE, fd, P(b), n); }
static inline int32_t read(int fd, void *b, uint32_t n) { return sc(PUP_SYS_READ, fd, P(b), n); }
static inline int32_t open(const char *p, int flags) { return sc(PUP_SYS_OPEN, P(p), flags, 0); }
static inline int32_t close(int fd) { return sc(PUP_SYS_CLOSE, fd, 0, 0); }
static inline int32_t fork(void) { return sc(PUP_SYS_FORK, 0, 0, 0); }
static inline int32_t exec(const char *p, char *const argv[]) { return sc(PUP_SYS_EXEC, P(p), P(argv), 0); }
static inline int32_t wait(int pid, int *status) { return sc(PUP_SYS_WAIT, pid, P(status), 0); }
static inline int32_t getpid(void) { return sc(PUP_SYS_GETPID, 0, 0, 0); }
static inline int32_t kill(int pid) { return sc(PUP_SYS_KILL, pid, PUP_SIGTERM, 0); }
static inline int32_t sleep_ms(uint32_t ms) { return sc(PUP_SYS_SLEEP, ms, 0, 0); }
static inline int32_t uptime(uint64_t *ms) { return sc(PUP_SYS_UPTIME, P(ms), 0, 0); }
static inline int32_t ps(int i, struct pup_procinfo *p) { return sc(PUP_SYS_PS, i, P(p), 0); }
static inline int32_t meminfo(struct pup_meminfo *m) { return sc(PUP_SYS_MEMINFO, P(m), 0, 0); }
static inline int32_t readdir(const char *d, int i, struct pup_dirent *e) { return sc(PUP_SYS_READDIR, P(d), i, P(e)); }
static inline int32_t stat(const char *p, struct pup_stat *s) { return sc(PUP_SYS_STAT, P(p), P(s), 0); }
static inline int32_t chdir(const char *p) { return sc(PUP_SYS_CHDIR, P(p), 0, 0); }
static inline int32_t getcwd(char *b, uint32_t n) { return sc(PUP_SYS_GETCWD, P(b), n, 0); }
static inline int32_t mkdir(const char *p) { return sc(PUP_SYS_MKDIR, P(p), 0, 0); }
static inline int32_t unlink(const char *p) { return sc(PUP_SYS_UNLINK, P(p), 0, 0); }
static inline int32_t poweroff(void) { return sc(PUP_SYS_POWEROFF, 0, 0, 0); }
static inline int32_t sbrk(int32_t inc) { return sc(PUP_SYS_SBRK, (uint32_t)inc, 0, 0); }
static inline int32_t seek(int fd, int32_t off, int whence) { return sc(PUP_SYS_SEEK, fd, (uint32_t)off, whence); }
static inline int32_t sysinfo(struct pup_sysinfo *s) { return sc(PUP_SYS_SYSINFO, P(s), 0, 0); }
static inline int32_t kill_sig(int pid, int sig) { return sc(PUP_SYS_KILL, pid, sig, 0); }
static inline int32_t signal(int sig, int action) { return sc(PUP_SYS_SIGNAL, sig, action, 0); }
static inline int32_t setpgid(int pid, int pgid) { return sc(PUP_SYS_SETPGID, pid, pgid, 0); }
static inline int32_t pipe(int fds[2]) { return sc(PUP_SYS_PIPE, P(fds), 0, 0); }
static inline int32_t dup2(int fd, int newfd) { return sc(PUP_SYS_DUP2, fd, newfd, 0); }
static inline int32_t rmdir(const char *p) { return sc(PUP_SYS_RMDIR, P(p), 0, 0); }

void uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
