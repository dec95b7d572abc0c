/*B:130 host/kernel/heap.c: kmalloc and kfree.
 *
 * Small requests come from power-of-two size classes (32 bytes to 2 KiB):
 * each class keeps a free list, refilled by carving a fresh frame into
 * equal blocks. Larger requests get whole contiguous frames. Every block
 * starts with a header naming its class and a magic word, so kfree knows
 * where to put it back and catches double frees and wild pointers, which
 * are host bugs and stop the machine. */
#include "arch/x86/paging.h"
#include "lib/string.h"
#include "host/kernel/heap.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"

#define MIN_SHIFT	5	/* 32 bytes */
#define MAX_SHIFT	11	/* 2 KiB */
#define NCLASSES	(MAX_SHIFT - MIN_SHIFT + 1)
#define MAGIC_USED	0x6b656e6eu	/* "kenn" */
#define MAGIC_FREE	0x66726565u	/* "free" */
#define BIG_CLASS	0xffu

struct header {
	uint32_t magic;
	uint32_t class;		/* size class index, or BIG_CLASS */
	uint32_t pages;		/* for big blocks */
	uint32_t unused;	/* keeps the payload 16-byte aligned */
};

struct free_block {
	struct header h;
	struct free_block *next;
};

static struct free_block *free_lists[NCLASSES];
static uint32_t bytes_in_use;

static unsigned class_for(size_t total)
{
	unsigned c = 0;

	while ((1u << (c + MIN_SHIFT)) < total)
		c++;
	return c;
}

static int refill(unsigned c)
{
	uint32_t pa = frame_alloc();
	uint32_t size = 1u << (c + MIN_SHIFT);
	char *page;

	if (!pa)
		return -1;
	page = phys_to_virt(pa);
	for (uint32_t off = 0; off + size <= PAGE_SIZE; off += size) {
		struct free_block *b = (struct free_block *)(page + off);

		b->h.magic = MAGIC_FREE;
		b->h.class = c;
		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return 0;
}

static void *alloc_big(size_t total)
{
	uint32_t pages = (uint32_t)((total + PAGE_SIZE - 1) / PAGE_SIZE);
	uint32_t pa = frames_alloc_contig(pages);
	struct header *h;

	if (!pa)
		return NULL;
	h = phys_to_virt(pa);
	h->magic = MAGIC_USED;
	h->class = BIG_CLASS;
	h->pages = pages;
	bytes_in_use += pages * PAGE_SIZE;
	return h + 1;
}

void *kmalloc(size_t size)
{
	size_t total = size + sizeof(struct header);
	struct free_block *b;
	unsigned c;

	if (size > DIRECT_MAP_SIZE)
		return NULL;
	if (total > (1u << MAX_SHIFT))
		return alloc_big(total);
	c = class_for(total);
	if (!free_lists[c] && refill(c) != 0)
		return NULL;
	b = free_lists[c];
	free_lists[c] = b->next;
	BUG_ON(b->h.magic != MAGIC_FREE);
	b->h.magic = MAGIC_USED;
	bytes_in_use += 1u << (c + MIN_SHIFT);
	return &b->h + 1;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

static void free_big(struct header *h)
{
	uint32_t pa = virt_to_phys(h), pages = h->pages;

	/* The header is in the first frame, gone (and poisoned, B:115) once
	 * that frame is freed: read it first. */
	bytes_in_use -= pages * PAGE_SIZE;
	h->magic = MAGIC_FREE;
	for (uint32_t i = 0; i < pages; i++)
		BUG_ON(frame_free(pa + i * PAGE_SIZE) != 0);
}

void kfree(void *p)
{
	struct header *h = (struct header *)p - 1;
	struct free_block *b = (struct free_block *)h;

	if (!p)
		return;
	BUG_ON(h->magic != MAGIC_USED);
	if (h->class == BIG_CLASS) {
		free_big(h);
		return;
	}
	BUG_ON(h->class >= NCLASSES);
	h->magic = MAGIC_FREE;
	bytes_in_use -= 1u << (h->class + MIN_SHIFT);
	b->next = free_lists[h->class];
	free_lists[h->class] = b;
}

uint32_t heap_bytes_in_use(void)
{
	return bytes_in_use;
}
