/*U:590 user/libc/malloc.c: malloc, free, calloc and realloc, one heap per
 * process on top of the system's pages (user/libc/pages.h: SYS_MMAP on
 * the host). Arenas are mapped 64 KiB at a time and never returned; a
 * request of pages_large_bytes() or more (64 KiB on the host) gets its own
 * mapping, which free unmaps at once, so a program that churns through big
 * buffers does not keep them. The heap learns that size on its first use,
 * since it comes from a function. A damaged heap (a double free, a pointer
 * malloc never gave out) ends the program with a message rather than
 * letting it go on corrupting memory. Next: the programs themselves, starting with
 * user/bin/hello.c (U:600). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "user/libc/heap.h"
#include "user/libc/pages.h"

static void heap_damaged(const char *why, const void *ptr)
{
	fprintf(stderr, "malloc: %s (%p)\n", why, ptr);
	abort();
}

static struct heap heap = {
	.map = pages_map,
	.unmap = pages_unmap,
	.corrupt = heap_damaged,
	.arena_bytes = 64 * 1024,
};

static struct heap *the_heap(void)
{
	if (!heap.large_bytes)
		heap.large_bytes = pages_large_bytes();
	return &heap;
}

static void *check(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	return check(heap_alloc(the_heap(), size));
}

void free(void *ptr)
{
	heap_free(the_heap(), ptr);
}

void *calloc(size_t count, size_t size)
{
	return check(heap_calloc(the_heap(), count, size));
}

void *realloc(void *ptr, size_t size)
{
	void *p = heap_realloc(the_heap(), ptr, size);

	if (!p && size)
		errno = ENOMEM;
	return p;
}
