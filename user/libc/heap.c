/*U:580 user/libc/heap.c: first fit with coalescing. heap_alloc walks the
 * free list for the first block big enough, splits off what it does not
 * need (when the rest can still hold a header and a little data) and marks
 * the block in use. heap_free puts a block back at its place in address
 * order and merges it with a neighbour it touches, so freed memory does not
 * crumble into pieces too small to use. Arenas mapped one after the other
 * merge too. Every operation is O(free blocks), which is plenty for
 * programs of this size. Next: malloc.c, the heap that programs use. */
#include <string.h>
#include "user/libc/heap.h"

#define HEADER sizeof(struct heap_block)
#define MIN_BLOCK (HEADER + HEAP_ALIGN)
#define MAX_REQUEST ((size_t)-1 / 2)

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static char *end_of(struct heap_block *b)
{
	return (char *)b + b->size;
}

static void report(struct heap *h, const char *why, const void *ptr)
{
	if (h->corrupt)
		h->corrupt(why, ptr);
}

/* Insert b into the free list at its address, merging with neighbours. */
static void insert_free(struct heap *h, struct heap_block *b)
{
	struct heap_block **link = &h->free_list, *prev = NULL, *next;

	while (*link && *link < b) {
		prev = *link;
		link = &prev->next;
	}
	next = *link;
	if ((prev && end_of(prev) > (char *)b) || (next && end_of(b) > (char *)next)) {
		report(h, "freed block overlaps a free block", b + 1);
		return;
	}
	b->magic = HEAP_MAGIC_FREE;
	b->next = next;
	*link = b;
	if (next && end_of(b) == (char *)next) {
		b->size += next->size;
		b->next = next->next;
		next->magic = 0;
	}
	if (prev && end_of(prev) == (char *)b) {
		prev->size += b->size;
		prev->next = b->next;
		b->magic = 0;
	}
}

/* Cut b down to "size" bytes and free the tail, if the tail is worth it. */
static void trim(struct heap *h, struct heap_block *b, size_t size)
{
	struct heap_block *tail;

	if (b->size - size < MIN_BLOCK)
		return;
	tail = (struct heap_block *)((char *)b + size);
	tail->size = b->size - size;
	b->size = size;
	insert_free(h, tail);
}

static void *take_first_fit(struct heap *h, size_t need)
{
	struct heap_block **link, *b;

	for (link = &h->free_list; (b = *link); link = &b->next) {
		if (b->size < need)
			continue;
		*link = b->next;
		b->magic = HEAP_MAGIC_USED;
		b->next = NULL;
		trim(h, b, need);
		return b + 1;
	}
	return NULL;
}

static bool grow(struct heap *h, size_t need)
{
	size_t len = round_up(need > h->arena_bytes ? need : h->arena_bytes, HEAP_PAGE);
	struct heap_block *b = h->map(len);

	if (!b)
		return false;
	b->size = len;
	h->arena_total += len;
	insert_free(h, b);
	return true;
}

static void *alloc_large(struct heap *h, size_t need)
{
	size_t len = round_up(need, HEAP_PAGE);
	struct heap_block *b = h->map(len);

	if (!b)
		return NULL;
	b->magic = HEAP_MAGIC_LARGE;
	b->size = len;
	b->next = NULL;
	h->large_total += len;
	return b + 1;
}

void *heap_alloc(struct heap *h, size_t n)
{
	size_t need;
	void *p;

	if (n > MAX_REQUEST)
		return NULL;
	need = round_up((n ? n : 1) + HEADER, HEAP_ALIGN);
	if (need >= h->large_bytes)
		return alloc_large(h, need);
	while (!(p = take_first_fit(h, need)))
		if (!grow(h, need))
			return NULL;
	return p;
}

/* The header of an allocated pointer, or NULL (reported) if p is not one. */
static struct heap_block *block_of(struct heap *h, void *p)
{
	struct heap_block *b = (struct heap_block *)p - 1;

	if ((uintptr_t)p % HEAP_ALIGN) {
		report(h, "pointer not from malloc", p);
		return NULL;
	}
	if (b->magic == HEAP_MAGIC_USED || b->magic == HEAP_MAGIC_LARGE)
		return b;
	report(h, b->magic == HEAP_MAGIC_FREE ? "double free" : "pointer not from malloc", p);
	return NULL;
}

void heap_free(struct heap *h, void *p)
{
	struct heap_block *b;

	if (!p || !(b = block_of(h, p)))
		return;
	if (b->magic == HEAP_MAGIC_LARGE) {
		b->magic = 0;
		h->large_total -= b->size;
		h->unmap(b, b->size);
		return;
	}
	insert_free(h, b);
}

void *heap_calloc(struct heap *h, size_t count, size_t size)
{
	void *p;

	if (size && count > MAX_REQUEST / size)
		return NULL;
	p = heap_alloc(h, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *heap_realloc(struct heap *h, void *p, size_t n)
{
	struct heap_block *b;
	void *q;

	if (!p)
		return heap_alloc(h, n);
	if (!(b = block_of(h, p)))
		return NULL;
	if (n == 0) {
		heap_free(h, p);
		return NULL;
	}
	if (n <= b->size - HEADER) {
		if (b->magic == HEAP_MAGIC_USED)
			trim(h, b, round_up(n + HEADER, HEAP_ALIGN));
		return p;
	}
	q = heap_alloc(h, n);
	if (q) {
		memcpy(q, p, b->size - HEADER);
		heap_free(h, p);
	}
	return q;
}

size_t heap_usable_size(const void *p)
{
	return ((const struct heap_block *)p - 1)->size - HEADER;
}

bool heap_check(const struct heap *h, struct heap_stats *stats)
{
	struct heap_stats s = { 0, 0 };
	const struct heap_block *b;
	bool ok = true;

	for (b = h->free_list; b; b = b->next) {
		if (b->magic != HEAP_MAGIC_FREE || b->size < MIN_BLOCK ||
		    b->size % HEAP_ALIGN || (uintptr_t)b % HEAP_ALIGN)
			ok = false;
		else if (b->next && (const char *)b + b->size >= (const char *)b->next)
			ok = false;	/* out of order, overlapping or unmerged */
		s.free_blocks++;
		s.free_bytes += b->size;
		if (!ok)
			break;
	}
	if (stats)
		*stats = s;
	return ok;
}
