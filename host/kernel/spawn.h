/* host/kernel/spawn.h: starting a program (host/kernel/spawn.c, U:120). */
#ifndef HOST_SPAWN_H
#define HOST_SPAWN_H

#include <stdint.h>
#include "arch/x86/syscall.h"
#include "host/kernel/proc.h"

/* A program's arguments, gathered in the kernel: argv[i] point into
 * strings, which holds them back to back with their NULs. */
struct spawn_args {
	uint32_t argc;
	uint32_t used;			/* bytes of strings in use */
	const char *argv[K_ARGV_MAX];
	char strings[K_ARG_BYTES];
};

void spawn_args_init(struct spawn_args *a);
/* Append a kernel string of n bytes (no NUL needed): 0 or -E2BIG. */
int32_t spawn_args_add(struct spawn_args *a, const char *s, uint32_t n);
/* Append the user string at ustr: 0, -E2BIG or -EFAULT. */
int32_t spawn_args_add_user(struct spawn_args *a, uint32_t ustr);

/* Start the program at path as a child of parent (NULL: the host). The
 * new pid, or -ENOENT, -EISDIR, -ENOEXEC (the reason is printed), -EAGAIN
 * (too many processes), -ENOMEM. */
int32_t spawn(const char *path, const struct spawn_args *args, struct process *parent);

#endif
