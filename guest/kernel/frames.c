/*G:300 guest/kernel/frames.c: who owns each page of RAM.
 *
 * One bit per 4 KiB frame of the direct map, set while the frame is in
 * use. At boot every frame is taken; then the usable ranges the backend
 * found (the Multiboot memory map natively, [0, mem_bytes) under kennel)
 * are given back, minus everything below the end of pup's image: the low
 * megabyte, boot information, pup itself and its bss. Under kennel the
 * device page and the queues lie above mem_bytes, so they are never
 * handed out. Every frame comes out zeroed: a program never sees what
 * another left behind. Next: address spaces, G:310. */
#include "lib/bitmap.h"
#include "lib/string.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"

#define MAX_FRAMES	(MAP_MAX_BYTES / PAGE_SIZE)

extern char kernel_end[];

static uint32_t used[BITMAP_WORDS(MAX_FRAMES)];
static uint32_t total, free_count;

void frames_init(const struct boot_params *bp)
{
	uint32_t first_free = virt_to_phys(kernel_end) / PAGE_SIZE;

	bitmap_set_range(used, 0, MAX_FRAMES);
	for (uint32_t r = 0; r < bp->nranges; r++) {
		uint32_t from = page_round_up(bp->ranges[r].start) / PAGE_SIZE;
		uint32_t to = page_round_down(bp->ranges[r].end) / PAGE_SIZE;

		total += to > from ? to - from : 0;
		from = from > first_free ? from : first_free;
		if (to > from) {
			bitmap_clear_range(used, from, to - from);
			free_count += to - from;
		}
	}
}

uint32_t frames_alloc_run(uint32_t count)
{
	uint32_t flags = pv_irq_save(), first = bitmap_find_clear_run(used, MAX_FRAMES, count);

	if (first == MAX_FRAMES) {
		pv_irq_restore(flags);
		return 0;
	}
	bitmap_set_range(used, first, count);
	free_count -= count;
	pv_irq_restore(flags);
	memset(phys_to_virt(first * PAGE_SIZE), 0, count * PAGE_SIZE);
	return first * PAGE_SIZE;
}

uint32_t frame_alloc(void)
{
	return frames_alloc_run(1);
}

void frames_free_run(uint32_t pa, uint32_t count)
{
	uint32_t flags = pv_irq_save();

	for (uint32_t n = pa / PAGE_SIZE; n < pa / PAGE_SIZE + count; n++)
		BUG_ON(!bitmap_test(used, n));
	bitmap_clear_range(used, pa / PAGE_SIZE, count);
	free_count += count;
	pv_irq_restore(flags);
}

void frame_free(uint32_t pa)
{
	frames_free_run(pa, 1);
}

uint32_t frames_total(void)
{
	return total;
}

uint32_t frames_free(void)
{
	return free_count;
}
