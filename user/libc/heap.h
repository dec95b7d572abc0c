/*U:570 user/libc/heap.h: the allocator behind malloc, kept apart from the
 * system calls so it can be tested natively (tests/unit/test_malloc.c).
 *
 * A heap is a list of free blocks in address order. Each block, free or in
 * use, starts with a header carrying a magic number and the block's size,
 * header included; sizes are multiples of HEAP_ALIGN, so every pointer
 * handed out is 16-byte aligned. Memory comes from the heap's map function
 * ("give me len fresh bytes"), an arena of at least arena_bytes at a time.
 * A request of large_bytes or more gets a mapping of its own, which free
 * gives straight back through unmap. When free finds a header that is not
 * one of its own, it calls corrupt instead of making things worse.
 * Next: heap.c. */
#ifndef USER_LIBC_HEAP_H
#define USER_LIBC_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN	16
#define HEAP_PAGE	4096

#define HEAP_MAGIC_USED		0xA110CA7Eu
#define HEAP_MAGIC_FREE		0xF4EEB10Cu
#define HEAP_MAGIC_LARGE	0xB16B10C5u

struct heap_block {
	uint32_t magic;
	size_t size;			/* bytes, this header included */
	struct heap_block *next;	/* free blocks only: the next one up */
} __attribute__((aligned(HEAP_ALIGN)));

struct heap {
	void *(*map)(size_t len);		/* page-aligned memory, or NULL */
	void (*unmap)(void *addr, size_t len);
	void (*corrupt)(const char *why, const void *ptr);
	size_t arena_bytes;			/* the least to map at once */
	size_t large_bytes;			/* blocks this big are mapped alone */
	struct heap_block *free_list;		/* in address order */
	size_t arena_total;			/* bytes mapped for arenas so far */
	size_t large_total;			/* bytes in large mappings now */
};

struct heap_stats {
	size_t free_blocks, free_bytes;
};

void *heap_alloc(struct heap *h, size_t n);
void heap_free(struct heap *h, void *p);
void *heap_calloc(struct heap *h, size_t count, size_t size);
void *heap_realloc(struct heap *h, void *p, size_t n);
size_t heap_usable_size(const void *p);
/* Walk the free list: true if it is sorted, fully merged and every header
 * is intact; fills *stats when it is not NULL. */
bool heap_check(const struct heap *h, struct heap_stats *stats);

#endif
