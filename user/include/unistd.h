/*U:520 user/include/unistd.h: the POSIX-looking half of the system calls:
 * files and descriptors, process id, and _exit. Every call returns -1 and
 * sets errno when the host refuses it, so programs read like ordinary Unix
 * C. The constants (O_RDONLY, SEEK_SET, STDOUT_FILENO) are the host's own,
 * from arch/x86/syscall.h. The calls that only kennel has are in kennel.h;
 * both are implemented in user/libc/sys_kennel.c. Next: kennel.h. */
#ifndef USER_UNISTD_H
#define USER_UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/syscall.h"

typedef int ssize_t;
typedef int32_t off_t;
typedef int pid_t;

ssize_t write(int fd, const void *buf, size_t len);
ssize_t read(int fd, void *buf, size_t len);
int open(const char *path, int flags);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
pid_t getpid(void);
void _exit(int status) __attribute__((noreturn));

#endif
