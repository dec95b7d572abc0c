/* guest/kernel/exec.h: loading a program (exec.c, G:370). */
#ifndef GUEST_KERNEL_EXEC_H
#define GUEST_KERNEL_EXEC_H

#include <stdint.h>
#include "guest/include/pup/syscall.h"
#include "guest/kernel/proc.h"

/* A program's arguments, gathered before the old image goes: argc
 * NUL-terminated strings, back to back. */
struct exec_args {
	uint32_t argc;
	uint32_t used;
	char strings[PUP_ARG_BYTES];
};

void exec_args_init(struct exec_args *a);
int32_t exec_args_add(struct exec_args *a, const char *s);
/* Replace p's program with the one at path (absolute). 0, or an error
 * and why, with p as it was. */
int32_t exec_into(struct proc *p, const char *path, const struct exec_args *a,
		  char *why, uint32_t whylen);
/* A new child of parent running path, with the console as fds 0-2. */
int32_t spawn(const char *path, const struct exec_args *a, struct proc *parent,
	      char *why, uint32_t whylen);

#endif
