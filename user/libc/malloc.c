/*U:590 user/libc/malloc.c: malloc, free, calloc and realloc, one heap per
 * process on top of SYS_MMAP. Arenas are mapped 64 KiB at a time and never
 * returned; a request of 64 KiB or more gets its own mapping, which free
 * unmaps at once, so a program that churns through big buffers does not
 * keep them. A damaged heap (a double free, a pointer malloc never gave
 * out) ends the program with a message rather than letting it go on
 * corrupting memory. Next: the programs themselves, starting with
 * user/bin/hello.c (U:600). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <kennel.h>
#include "user/libc/heap.h"

static void *map_pages(size_t len)
{
	void *p = mmap(len);

	return p == MAP_FAILED ? NULL : p;
}

static void unmap_pages(void *addr, size_t len)
{
	munmap(addr, len);
}

static void heap_damaged(const char *why, const void *ptr)
{
	fprintf(stderr, "malloc: %s (%p)\n", why, ptr);
	abort();
}

static struct heap heap = {
	.map = map_pages,
	.unmap = unmap_pages,
	.corrupt = heap_damaged,
	.arena_bytes = 64 * 1024,
	.large_bytes = 64 * 1024,
};

static void *check(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	return check(heap_alloc(&heap, size));
}

void free(void *ptr)
{
	heap_free(&heap, ptr);
}

void *calloc(size_t count, size_t size)
{
	return check(heap_calloc(&heap, count, size));
}

void *realloc(void *ptr, size_t size)
{
	void *p = heap_realloc(&heap, ptr, size);

	if (!p && size)
		errno = ENOMEM;
	return p;
}
