/*G:610 user/libc/trap.h: the door into the kernel, shared by the two
 * operating systems the C library runs on. kennel's host and pup take
 * system calls the same way (arch/x86/syscall.h, guest/include/pup/
 * syscall.h): "int $0x80", the call number in eax, up to five arguments in
 * ebx, ecx, edx, esi and edi, and the result in eax, where a value between
 * -4095 and -1 is minus an error number. Only the call numbers differ, so
 * each system's own file (user/libc/sys_kennel.c, guest/user/libc/
 * sys_pup.c) includes this one and lists its calls.
 *
 * failed tests the unsigned value because a call may return an address
 * above 2 GiB (kennel's SYS_MMAP, pup's SYS_SBRK), which is negative as an
 * int but not an error. answer turns a failure into C's convention:
 * errno set, -1 returned. Next: user/libc/pages.h, the other thing the
 * library needs from its system. */
#ifndef USER_LIBC_TRAP_H
#define USER_LIBC_TRAP_H

#include <stdbool.h>
#include <stdint.h>
#include <errno.h>

#define MAX_ERRNO	4095
#define TRAP_VECTOR	0x80

/* An argument register's value, whatever C type it started as. */
#define U(x) ((uint32_t)(x))

static inline long trap(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3,
			uint32_t a4, uint32_t a5)
{
	long r;

	asm volatile("int %[vector]"
		     : "=a"(r)
		     : [vector] "i"(TRAP_VECTOR), "a"(nr), "b"(a1), "c"(a2),
		       "d"(a3), "S"(a4), "D"(a5)
		     : "memory", "cc");
	return r;
}

static inline bool failed(long r)
{
	return (unsigned long)r >= (unsigned long)-MAX_ERRNO;
}

/* The C convention: -1 and errno for a failure, the result otherwise. */
static inline long answer(long r)
{
	if (failed(r)) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static inline long call3(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return answer(trap(nr, a1, a2, a3, 0, 0));
}

#endif
