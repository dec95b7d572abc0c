/* host/kernel/usercopy.h: reaching user memory safely (host/kernel/usercopy.c, U:200).
 *
 * The two predicates here are pure, so the unit tests in
 * tests/unit/test_usercopy.c check their edge cases natively. */
#ifndef HOST_USERCOPY_H
#define HOST_USERCOPY_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86/paging.h"
#include "arch/x86/syscall.h"

/* [addr, addr+len) lies wholly below USER_SPACE_END, computed without
 * overflow. A zero length touches nothing and is fine anywhere up to and
 * including USER_SPACE_END. */
static inline bool user_range_ok(uint32_t addr, uint32_t len)
{
	return len <= USER_SPACE_END && addr <= USER_SPACE_END - len;
}

/* A software bit of a user PTE (one the CPU ignores): the page is
 * writable, but made read-only for now so that its next write is heard
 * of (a write watch, U:900). */
#define PTE_WATCHED	0x200u
/* Another: the frame is not the process's (the host's shared zero frame,
 * put in read-only by uspace_install, U:930); teardown leaves it alone. */
#define PTE_BORROWED	0x400u

/* A page-table entry a user program may read through (and, if write, write
 * through): present and user, and writable when asked, a watched page
 * included (the write is heard of first: copy_to_user, U:910). */
static inline bool user_pte_ok(uint32_t pte, bool write)
{
	if ((pte & (PTE_PRESENT | PTE_USER)) != (PTE_PRESENT | PTE_USER))
		return false;
	return !write || (pte & (PTE_RW | PTE_WATCHED));
}

struct process;

/* 0 if current may read (write) every byte of [addr, addr+len), else
 * -EFAULT. Nothing is touched. */
int32_t user_check(uint32_t addr, uint32_t len, bool write);
/* 0 or -EFAULT; on -EFAULT nothing was copied. */
int32_t copy_from_user(void *dst, uint32_t usrc, uint32_t len);
int32_t copy_to_user(uint32_t udst, const void *src, uint32_t len);
/* The string's length, or -EFAULT if it runs into memory the program
 * cannot read, or -ENAMETOOLONG if no NUL comes within size bytes. */
int32_t copy_string_from_user(char *dst, uint32_t usrc, uint32_t size);
/* The physical address of the page holding uva if p has it mapped
 * present, user and writable; else 0. */
uint32_t user_frame(struct process *p, uint32_t uva);

#endif
