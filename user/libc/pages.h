/*G:615 user/libc/pages.h: where malloc's memory comes from, the one thing
 * the allocator needs from the operating system. The system's own file
 * supplies it: on kennel's host (sys_kennel.c) pages_map is SYS_MMAP and
 * pages_unmap gives the pages back; on pup (guest/user/libc/sys_pup.c) the
 * memory comes from moving the program break up with sbrk, and a break
 * can only give back what is at its very top.
 *
 * pages_large_bytes is the size from which an allocation gets pages of its
 * own that free hands straight back (struct heap's large_bytes): 64 KiB on
 * the host, and "never" on pup, where a big block in the middle of the
 * break could not be returned and is better kept in the heap for reuse.
 * malloc.c (U:590) builds the heap on these three. Next:
 * guest/user/libc/sys_pup.c, pup's side of all this. */
#ifndef USER_LIBC_PAGES_H
#define USER_LIBC_PAGES_H

#include <stddef.h>

/* len fresh bytes, 16-byte aligned, or NULL. */
void *pages_map(size_t len);
/* Give back what pages_map gave. */
void pages_unmap(void *addr, size_t len);
size_t pages_large_bytes(void);

#endif
