/*G:620 guest/user/libc/sys_pup.c: the C library's one pup-specific file,
 * pup's counterpart of user/libc/sys_kennel.c. Every other part of the
 * library (stdio, string, stdlib, errno and malloc) is the host's own
 * code, the very same object files, linked into pup's programs; this file
 * gives them the calls they stand on (unistd.h), the calls only pup has
 * (pup.h), and malloc's memory (user/libc/pages.h).
 *
 * Each wrapper is one line through the shared door, user/libc/trap.h.
 * malloc's memory comes from the program break: pages_map moves it up by
 * what the heap asks for, first rounding the break up to the heap's
 * 16-byte alignment, so the heap grows in one run of arenas that merge
 * as they meet. Since a break only gives back what is at its top,
 * pages_large_bytes says "never map a block alone": every block lives in
 * the heap and is reused after free. Next: guest/user/user.ld, how a
 * program is laid out. */
#include <errno.h>
#include <unistd.h>
#include <pup.h>
#include "user/libc/heap.h"
#include "user/libc/pages.h"
#include "user/libc/trap.h"

_Static_assert(TRAP_VECTOR == PUP_SYSCALL_VECTOR, "trap.h's door is pup's");

void _exit(int status)
{
	for (;;)
		trap(PUP_SYS_EXIT, U(status), 0, 0, 0, 0);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return call3(PUP_SYS_WRITE, U(fd), U(buf), U(len));
}

ssize_t read(int fd, void *buf, size_t len)
{
	return call3(PUP_SYS_READ, U(fd), U(buf), U(len));
}

int open(const char *path, int flags)
{
	return call3(PUP_SYS_OPEN, U(path), U(flags), 0);
}

int close(int fd)
{
	return call3(PUP_SYS_CLOSE, U(fd), 0, 0);
}

off_t lseek(int fd, off_t offset, int whence)
{
	return call3(PUP_SYS_SEEK, U(fd), U(offset), U(whence));
}

pid_t getpid(void)
{
	return call3(PUP_SYS_GETPID, 0, 0, 0);
}

int fork(void)
{
	return call3(PUP_SYS_FORK, 0, 0, 0);
}

int exec(const char *path, char *const argv[])
{
	return call3(PUP_SYS_EXEC, U(path), U(argv), 0);
}

int waitpid(int pid, int *status)
{
	return call3(PUP_SYS_WAIT, U(pid), U(status), 0);
}

int wait(int *status)
{
	return waitpid(-1, status);
}

int kill(int pid, int sig)
{
	return call3(PUP_SYS_KILL, U(pid), U(sig), 0);
}

int signal(int sig, int action)
{
	return call3(PUP_SYS_SIGNAL, U(sig), U(action), 0);
}

int setpgid(int pid, int pgid)
{
	return call3(PUP_SYS_SETPGID, U(pid), U(pgid), 0);
}

int setfg(int pgid)
{
	return call3(PUP_SYS_SETFG, U(pgid), 0, 0);
}

int pipe(int fds[2])
{
	return call3(PUP_SYS_PIPE, U(fds), 0, 0);
}

int dup2(int fd, int newfd)
{
	return call3(PUP_SYS_DUP2, U(fd), U(newfd), 0);
}

int sleep_ms(uint32_t ms)
{
	return call3(PUP_SYS_SLEEP, ms, 0, 0);
}

int ps(int index, struct pup_procinfo *info)
{
	return call3(PUP_SYS_PS, U(index), U(info), 0);
}

int readdir(const char *dir, int index, struct pup_dirent *ent)
{
	return call3(PUP_SYS_READDIR, U(dir), U(index), U(ent));
}

int stat(const char *path, struct pup_stat *st)
{
	return call3(PUP_SYS_STAT, U(path), U(st), 0);
}

int mkdir(const char *path)
{
	return call3(PUP_SYS_MKDIR, U(path), 0, 0);
}

int unlink(const char *path)
{
	return call3(PUP_SYS_UNLINK, U(path), 0, 0);
}

int rmdir(const char *path)
{
	return call3(PUP_SYS_RMDIR, U(path), 0, 0);
}

int chdir(const char *path)
{
	return call3(PUP_SYS_CHDIR, U(path), 0, 0);
}

char *getcwd(char *buf, size_t size)
{
	return call3(PUP_SYS_GETCWD, U(buf), U(size), 0) < 0 ? NULL : buf;
}

void *sbrk(intptr_t increment)
{
	long r = trap(PUP_SYS_SBRK, U(increment), 0, 0, 0, 0);

	if (failed(r)) {
		errno = (int)-r;
		return SBRK_FAILED;
	}
	return (void *)r;
}

int meminfo(struct pup_meminfo *info)
{
	return call3(PUP_SYS_MEMINFO, U(info), 0, 0);
}

int uptime(uint64_t *ms)
{
	return call3(PUP_SYS_UPTIME, U(ms), 0, 0);
}

int sysinfo(struct pup_sysinfo *info)
{
	return call3(PUP_SYS_SYSINFO, U(info), 0, 0);
}

void poweroff(void)
{
	for (;;)
		trap(PUP_SYS_POWEROFF, 0, 0, 0, 0, 0);
}

void *pages_map(size_t len)
{
	char *brk = sbrk(0);
	size_t pad;

	if (brk == SBRK_FAILED)
		return NULL;
	pad = (HEAP_ALIGN - (uintptr_t)brk % HEAP_ALIGN) % HEAP_ALIGN;
	if (len > (size_t)INTPTR_MAX - pad || sbrk((intptr_t)(pad + len)) == SBRK_FAILED)
		return NULL;
	return brk + pad;
}

/* Never called while pages_large_bytes says "never"; correct anyway. */
void pages_unmap(void *addr, size_t len)
{
	if ((char *)addr + len == sbrk(0))
		sbrk(-(intptr_t)len);
}

size_t pages_large_bytes(void)
{
	return (size_t)-1;
}
