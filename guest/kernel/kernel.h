/* guest/kernel/kernel.h: what every part of pup's kernel uses: printing,
 * panicking, and the compiler barrier (G:150). */
#ifndef GUEST_KERNEL_KERNEL_H
#define GUEST_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/syscall.h"
#include "guest/include/pup/syscall.h"

#define barrier()	asm volatile("" : : : "memory")
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define BUG_ON(cond) \
	do { if (cond) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

#endif
