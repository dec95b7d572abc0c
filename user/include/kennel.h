/*U:530 user/include/kennel.h: the system calls that only kennel has.
 * Files are described by struct k_stat and directory entries by struct
 * k_dirent (arch/x86/syscall.h); readdir asks for entry number "index" of a
 * directory and fails with ENOENT past the last one. Processes are started
 * with spawn(path, argv) and reaped with waitpid; a process the host killed
 * exits with EXIT_KILLED or EXIT_FAULTED. mmap takes only a length and
 * returns zeroed read-write pages, or MAP_FAILED. Like unistd.h, each call
 * returns -1 and sets errno on failure. kennel_syscall is the raw door for
 * tests that must pass the host arguments no wrapper would: it too returns
 * -1 and sets errno. Next: sys_kennel.c. */
#ifndef USER_KENNEL_H
#define USER_KENNEL_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/syscall.h"

#define MAP_FAILED ((void *)-1)

int stat(const char *path, struct k_stat *st);
int fstat(int fd, struct k_stat *st);
int readdir(const char *dir, int index, struct k_dirent *ent);
void *mmap(size_t len);
/* Address space with no memory behind it: touching it faults, until a
 * guest's userfault handle fills its pages (L:700). */
void *mmap_reserve(size_t len);
int munmap(void *addr, size_t len);
int spawn(const char *path, char *const argv[]);
int waitpid(int pid, int *status);	/* pid -1: any child */
int wait(int *status);
int sleep_ms(uint32_t ms);
int yield(void);
int clock_get(uint64_t *ms);
uint64_t clock_ms(void);		/* milliseconds since boot */
int ioctl(int fd, uint32_t request, void *arg);
int kill(int pid);
int ps(int index, struct k_procinfo *info);
int meminfo(struct k_meminfo *info);
/* Files on /var, the host's disk (everywhere else is read-only). */
int ftruncate(int fd, uint32_t size);
int fsync(int fd);
int unlink(const char *path);
int mkdir(const char *path);
int rmdir(const char *path);
int rename(const char *from, const char *to);
int statfs(const char *path, struct k_statfs *st);
int fsck(int repair);			/* problems found in /var */
long kennel_syscall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3,
		    uint32_t a4, uint32_t a5);

#endif
