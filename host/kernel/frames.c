/*B:110 host/kernel/frames.c: who owns each 4 KiB frame of physical memory.
 *
 * One bit per frame, set when the frame is in use. Everything starts in
 * use; the usable ranges of the memory map are then released and the
 * kernel image, the Multiboot modules and the first megabyte (BIOS data,
 * the boot loader's structures) reserved again. The allocator never hands
 * out frame 0, so 0 can mean "no memory". Pure logic: see
 * tests/unit/test_frames.c. Next: host/kernel/vm.c, the kernel's page tables. */
#include <stddef.h>
#include "lib/bitmap.h"
#include "host/kernel/frames.h"

#define FRAME_SHIFT 12

static uint32_t *map;
static uint32_t nframes, nfree, next_hint;

/*B:115 Poisoning (poison=1 on the command line, B:140): a debug mode in
 * which every frame freed is filled with POISON_WORD and remembered, and
 * every frame allocated again is checked to still hold it. A word that
 * changed means somebody wrote to a frame after giving it back — a
 * stale mapping, a reference dropped too soon (the guest memory object,
 * V:360, is what this watches most) — and is reported, loudly, with the
 * frame, by the report function the caller gave; the frame is handed out
 * anyway. With poisoning off (poisoned == NULL) each hook is one test.
 * Frames free since boot were never filled and are not checked. */
#define FRAME_WORDS	((1u << FRAME_SHIFT) / sizeof(uint32_t))

static uint32_t *poisoned;		/* bit f: frame f filled since its free */
static uint32_t *(*poison_view)(uint32_t pa);
static void (*poison_report)(uint32_t pa, uint32_t word, uint32_t value);

void frames_poison_enable(uint32_t *bitmap, uint32_t *(*view)(uint32_t pa),
			  void (*report)(uint32_t pa, uint32_t word, uint32_t value))
{
	for (uint32_t w = 0; w < BITMAP_WORDS(nframes); w++)
		bitmap[w] = 0;
	poison_view = view;
	poison_report = report;
	poisoned = bitmap;
}

static void poison_fill(uint32_t f)
{
	uint32_t *words;

	if (!poisoned)
		return;
	words = poison_view(f << FRAME_SHIFT);
	for (uint32_t i = 0; i < FRAME_WORDS; i++)
		words[i] = POISON_WORD;
	bitmap_set(poisoned, f);
}

/* The first changed word of a frame is reported; one line per frame. */
static void poison_check(uint32_t f)
{
	const uint32_t *words;

	if (!poisoned || !bitmap_test(poisoned, f))
		return;
	bitmap_clear(poisoned, f);
	words = poison_view(f << FRAME_SHIFT);
	for (uint32_t i = 0; i < FRAME_WORDS; i++)
		if (words[i] != POISON_WORD) {
			poison_report(f << FRAME_SHIFT, i, words[i]);
			return;
		}
}

static void poison_forget(uint32_t f)
{
	if (poisoned)
		bitmap_clear(poisoned, f);
}

void frames_init(uint32_t *bitmap, uint32_t count)
{
	map = bitmap;
	nframes = count;
	nfree = 0;
	next_hint = 1;
	poisoned = NULL;
	for (uint32_t w = 0; w < BITMAP_WORDS(count); w++)
		map[w] = 0xffffffffu;
}

static uint64_t clamp(uint64_t frame)
{
	return frame < nframes ? frame : nframes;
}

void frames_release_range(uint64_t start, uint64_t end)
{
	uint64_t first = clamp((start + (1u << FRAME_SHIFT) - 1) >> FRAME_SHIFT);
	uint64_t last = clamp(end >> FRAME_SHIFT);

	for (uint64_t f = first; f < last; f++) {
		if (f != 0 && bitmap_test(map, (uint32_t)f)) {
			bitmap_clear(map, (uint32_t)f);
			nfree++;
		}
	}
}

void frames_reserve_range(uint64_t start, uint64_t end)
{
	uint64_t first = clamp(start >> FRAME_SHIFT);
	uint64_t last = clamp((end + (1u << FRAME_SHIFT) - 1) >> FRAME_SHIFT);

	for (uint64_t f = first; f < last; f++) {
		if (!bitmap_test(map, (uint32_t)f)) {
			bitmap_set(map, (uint32_t)f);
			poison_forget((uint32_t)f);
			nfree--;
		}
	}
}

uint32_t frame_alloc(void)
{
	uint32_t f = bitmap_find_clear(map, nframes, next_hint);

	if (f == nframes)
		f = bitmap_find_clear(map, nframes, 1);
	if (f == nframes || f == 0)
		return 0;
	bitmap_set(map, f);
	poison_check(f);
	nfree--;
	next_hint = f + 1;
	return f << FRAME_SHIFT;
}

uint32_t frames_alloc_contig(uint32_t count)
{
	uint32_t f = bitmap_find_clear_run(map, nframes, count);

	if (count == 0 || f == nframes || f == 0)
		return 0;
	bitmap_set_range(map, f, count);
	for (uint32_t i = 0; i < count; i++)
		poison_check(f + i);
	nfree -= count;
	return f << FRAME_SHIFT;
}

int frame_free(uint32_t pa)
{
	uint32_t f = pa >> FRAME_SHIFT;

	if ((pa & ((1u << FRAME_SHIFT) - 1)) || f == 0 || f >= nframes || !bitmap_test(map, f))
		return -1;
	bitmap_clear(map, f);
	poison_fill(f);
	nfree++;
	return 0;
}

uint32_t frames_free_count(void)
{
	return nfree;
}

uint32_t frames_total(void)
{
	return nframes;
}
