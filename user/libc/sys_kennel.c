/*U:540 user/libc/sys_kennel.c: the only file of the C library that knows
 * how to reach the host. Each wrapper passes the call number and its
 * arguments through "int $0x80" (user/libc/trap.h, the door this file
 * shares with pup's version of it) and turns the host's answer into the C
 * convention: a result between -4095 and -1 is minus an error number,
 * which goes into errno while the wrapper returns -1 (or MAP_FAILED). The
 * test is on the unsigned value because SYS_MMAP may return an address
 * above 2 GiB, which is negative as an int but not an error.
 *
 * Everything else in user/libc sits on top of these functions and of
 * pages_map and pages_unmap (user/libc/pages.h: malloc's memory, here
 * SYS_MMAP's pages), so another operating system (pup, the guest) reuses
 * the library by supplying its own version of this one file,
 * guest/user/libc/sys_pup.c. Next: stdio.h, printing. */
#include <stdbool.h>
#include <errno.h>
#include <unistd.h>
#include <kennel.h>
#include "user/libc/pages.h"
#include "user/libc/trap.h"

#define HOST_LARGE_BYTES (64 * 1024)

_Static_assert(TRAP_VECTOR == SYSCALL_VECTOR, "trap.h's door is the host's");

long kennel_syscall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3,
		    uint32_t a4, uint32_t a5)
{
	return answer(trap(nr, a1, a2, a3, a4, a5));
}

void _exit(int status)
{
	for (;;)
		trap(SYS_EXIT, U(status), 0, 0, 0, 0);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return call3(SYS_WRITE, U(fd), U(buf), U(len));
}

ssize_t read(int fd, void *buf, size_t len)
{
	return call3(SYS_READ, U(fd), U(buf), U(len));
}

int open(const char *path, int flags)
{
	return call3(SYS_OPEN, U(path), U(flags), 0);
}

int close(int fd)
{
	return call3(SYS_CLOSE, U(fd), 0, 0);
}

off_t lseek(int fd, off_t offset, int whence)
{
	return call3(SYS_SEEK, U(fd), U(offset), U(whence));
}

int stat(const char *path, struct k_stat *st)
{
	return call3(SYS_STAT, U(path), U(st), 0);
}

int fstat(int fd, struct k_stat *st)
{
	return call3(SYS_FSTAT, U(fd), U(st), 0);
}

int readdir(const char *dir, int index, struct k_dirent *ent)
{
	return call3(SYS_READDIR, U(dir), U(index), U(ent));
}

int ftruncate(int fd, uint32_t size)
{
	return call3(SYS_TRUNCATE, U(fd), size, 0);
}

int fsync(int fd)
{
	return call3(SYS_FSYNC, U(fd), 0, 0);
}

int unlink(const char *path)
{
	return call3(SYS_UNLINK, U(path), 0, 0);
}

int mkdir(const char *path)
{
	return call3(SYS_MKDIR, U(path), 0, 0);
}

int rmdir(const char *path)
{
	return call3(SYS_RMDIR, U(path), 0, 0);
}

int rename(const char *from, const char *to)
{
	return call3(SYS_RENAME, U(from), U(to), 0);
}

int statfs(const char *path, struct k_statfs *st)
{
	return call3(SYS_STATFS, U(path), U(st), 0);
}

int fsck(int repair)
{
	return call3(SYS_FSCK, U(repair), 0, 0);
}

static void *mmap_flags(size_t len, uint32_t flags)
{
	long r = trap(SYS_MMAP, U(len), U(flags), 0, 0, 0);

	if (failed(r)) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

void *mmap(size_t len)
{
	return mmap_flags(len, 0);
}

void *mmap_reserve(size_t len)
{
	return mmap_flags(len, MMAP_RESERVE);
}

int munmap(void *addr, size_t len)
{
	return call3(SYS_MUNMAP, U(addr), U(len), 0);
}

void *pages_map(size_t len)
{
	void *p = mmap(len);

	return p == MAP_FAILED ? NULL : p;
}

void pages_unmap(void *addr, size_t len)
{
	munmap(addr, len);
}

size_t pages_large_bytes(void)
{
	return HOST_LARGE_BYTES;
}

int spawn(const char *path, char *const argv[])
{
	return call3(SYS_SPAWN, U(path), U(argv), 0);
}

int waitpid(int pid, int *status)
{
	return call3(SYS_WAIT, U(pid), U(status), 0);
}

int wait(int *status)
{
	return waitpid(-1, status);
}

int sleep_ms(uint32_t ms)
{
	return call3(SYS_SLEEP, ms, 0, 0);
}

int yield(void)
{
	return call3(SYS_YIELD, 0, 0, 0);
}

int clock_get(uint64_t *ms)
{
	return call3(SYS_CLOCK, U(ms), 0, 0);
}

uint64_t clock_ms(void)
{
	uint64_t ms = 0;

	clock_get(&ms);
	return ms;
}

int ioctl(int fd, uint32_t request, void *arg)
{
	return call3(SYS_IOCTL, U(fd), request, U(arg));
}

pid_t getpid(void)
{
	return call3(SYS_GETPID, 0, 0, 0);
}

int kill(int pid)
{
	return call3(SYS_KILL, U(pid), 0, 0);
}

int ps(int index, struct k_procinfo *info)
{
	return call3(SYS_PS, U(index), U(info), 0);
}

int meminfo(struct k_meminfo *info)
{
	return call3(SYS_MEMINFO, U(info), 0, 0);
}
