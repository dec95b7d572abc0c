/*T:130 tests/unit/test_frames.c: the physical frame allocator,
 * host/kernel/frames.c.
 *
 * A frame handed out twice is two owners scribbling on one page, the kind
 * of bug that shows up far from its cause; so these tests are strict about
 * ownership. Released ranges round inward (a partial frame is not usable
 * RAM) and reserved ranges round outward (a partial frame is still taken).
 * Frame 0 is never handed out, even if released, because 0 means "no
 * memory". Double frees and frees of nonsense addresses are refused, and
 * after every step the free count must equal the clear bits actually in the
 * bitmap. The bitmap here holds 100 frames, deliberately not a multiple of
 * 32, with a guard word behind it. Poisoning (B:115) is checked on frames
 * that are plain memory here: a freed frame holds the pattern, a clean
 * reuse reports nothing, a write after the free is reported once, with
 * the frame, the word and its value. Next: tests/unit/test_bootinfo.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/bitmap.h"
#include "host/kernel/frames.h"

#define NFRAMES		100u
#define PAGE		4096u
#define WORDS		BITMAP_WORDS(NFRAMES)
#define GUARD		0x5a5a5a5au

static uint32_t map[WORDS + 1];

/* Every free frame is a clear bit below NFRAMES, and the count agrees. */
static void check_consistent(void)
{
	assert_int_equal(frames_free_count(), NFRAMES - bitmap_count_set(map, NFRAMES));
	assert_true(bitmap_test(map, 0));
	assert_int_equal(map[WORDS], GUARD);
}

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < WORDS; i++)
		map[i] = 0x12345678u;	/* garbage: init must overwrite it */
	map[WORDS] = GUARD;
	frames_init(map, NFRAMES);
	return 0;
}

static void release_all(void)
{
	frames_release_range(0, (uint64_t)NFRAMES * PAGE);
	assert_int_equal(frames_free_count(), NFRAMES - 1);
}

static void test_init_marks_everything_used(void **state)
{
	(void)state;
	for (unsigned i = 0; i < WORDS; i++)
		assert_int_equal(map[i], 0xffffffffu);
	assert_int_equal(frames_free_count(), 0);
	assert_int_equal(frames_total(), NFRAMES);
	assert_int_equal(frame_alloc(), 0);
	assert_int_equal(frames_alloc_contig(1), 0);
	check_consistent();
}

static void test_release_rounds_inward(void **state)
{
	(void)state;
	/* [0x1001, 0x5fff): only frames 2, 3 and 4 lie wholly inside. */
	frames_release_range(0x1001, 0x5fff);
	assert_int_equal(frames_free_count(), 3);
	assert_true(bitmap_test(map, 1));
	assert_false(bitmap_test(map, 2));
	assert_false(bitmap_test(map, 4));
	assert_true(bitmap_test(map, 5));
	check_consistent();

	/* Less than a whole frame, or a range inside one frame: nothing. */
	frames_release_range(0x6000, 0x6fff);
	frames_release_range(0x7100, 0x7200);
	frames_release_range(0x9000, 0x9000);
	assert_int_equal(frames_free_count(), 3);

	/* Aligned ends: [0x8000, 0xa000) is frames 8 and 9, not 10. */
	frames_release_range(0x8000, 0xa000);
	assert_int_equal(frames_free_count(), 5);
	assert_false(bitmap_test(map, 9));
	assert_true(bitmap_test(map, 10));

	/* Releasing again does not count twice. */
	frames_release_range(0x1000, 0x5000);
	assert_int_equal(frames_free_count(), 6);	/* frame 1 is new */
	check_consistent();
}

static void test_reserve_rounds_outward(void **state)
{
	(void)state;
	release_all();
	/* [0x2fff, 0x3001) touches frames 2 and 3. */
	frames_reserve_range(0x2fff, 0x3001);
	assert_int_equal(frames_free_count(), NFRAMES - 3);
	assert_false(bitmap_test(map, 1));
	assert_true(bitmap_test(map, 2));
	assert_true(bitmap_test(map, 3));
	assert_false(bitmap_test(map, 4));

	/* An empty range takes nothing; one byte takes its frame. */
	frames_reserve_range(0x5000, 0x5000);
	assert_int_equal(frames_free_count(), NFRAMES - 3);
	frames_reserve_range(0x5000, 0x5001);
	assert_true(bitmap_test(map, 5));
	assert_false(bitmap_test(map, 6));
	assert_int_equal(frames_free_count(), NFRAMES - 4);

	/* Reserving what is already reserved does not count twice. */
	frames_reserve_range(0x2000, 0x6000);
	assert_int_equal(frames_free_count(), NFRAMES - 5);	/* frame 4 is new */
	check_consistent();
}

static void test_frame_zero_is_never_handed_out(void **state)
{
	(void)state;
	frames_release_range(0, 3 * PAGE);
	assert_true(bitmap_test(map, 0));
	assert_int_equal(frames_free_count(), 2);
	assert_int_equal(frame_alloc(), 0x1000);
	assert_int_equal(frame_alloc(), 0x2000);
	assert_int_equal(frame_alloc(), 0);
	assert_int_equal(frame_free(0), -1);
	assert_int_equal(frames_free_count(), 0);
	/* Nor as the start of a contiguous run. */
	frames_release_range(0, 2 * PAGE);
	assert_int_equal(frames_free_count(), 1);
	assert_int_equal(frames_alloc_contig(2), 0);
	assert_int_equal(frames_alloc_contig(1), 0x1000);
	check_consistent();
}

static void test_alloc_until_exhausted(void **state)
{
	uint32_t seen[BITMAP_WORDS(NFRAMES)] = { 0 };

	(void)state;
	release_all();
	for (unsigned i = 0; i < NFRAMES - 1; i++) {
		uint32_t pa = frame_alloc();

		assert_int_not_equal(pa, 0);
		assert_int_equal(pa % PAGE, 0);
		assert_in_range(pa / PAGE, 1, NFRAMES - 1);
		assert_false(bitmap_test(seen, pa / PAGE));	/* never twice */
		bitmap_set(seen, pa / PAGE);
		assert_int_equal(frames_free_count(), NFRAMES - 2 - i);
	}
	assert_int_equal(frame_alloc(), 0);
	assert_int_equal(frame_alloc(), 0);
	assert_int_equal(frames_free_count(), 0);
	check_consistent();
}

static void test_free_then_realloc(void **state)
{
	(void)state;
	release_all();
	while (frame_alloc())
		;
	/* A frame below the allocator's last position comes back: the
	 * search wraps around to the start. */
	assert_int_equal(frame_free(7 * PAGE), 0);
	assert_int_equal(frames_free_count(), 1);
	assert_false(bitmap_test(map, 7));
	check_consistent();
	assert_int_equal(frame_alloc(), 7 * PAGE);
	assert_int_equal(frames_free_count(), 0);
	assert_int_equal(frame_alloc(), 0);

	assert_int_equal(frame_free(99 * PAGE), 0);	/* the last frame */
	assert_int_equal(frame_alloc(), 99 * PAGE);
	check_consistent();
}

static void test_double_free_is_refused(void **state)
{
	uint32_t pa;

	(void)state;
	frames_release_range(10 * PAGE, 20 * PAGE);
	pa = frame_alloc();
	assert_int_equal(pa, 10 * PAGE);
	assert_int_equal(frames_free_count(), 9);
	assert_int_equal(frame_free(pa), 0);
	assert_int_equal(frames_free_count(), 10);
	assert_int_equal(frame_free(pa), -1);
	assert_int_equal(frames_free_count(), 10);
	/* A frame that was released but never allocated is free already. */
	assert_int_equal(frame_free(15 * PAGE), -1);
	assert_int_equal(frames_free_count(), 10);
	check_consistent();
}

static void test_bad_frees_are_refused(void **state)
{
	uint32_t pa;

	(void)state;
	frames_release_range(PAGE, 4 * PAGE);
	pa = frame_alloc();
	assert_int_equal(pa, PAGE);
	assert_int_equal(frames_free_count(), 2);

	assert_int_equal(frame_free(pa + 4), -1);		/* unaligned */
	assert_int_equal(frame_free(pa + PAGE - 1), -1);
	assert_true(bitmap_test(map, 1));			/* still ours */
	assert_int_equal(frame_free(NFRAMES * PAGE), -1);	/* past the end */
	assert_int_equal(frame_free(0xfffff000u), -1);
	assert_int_equal(frame_free(0), -1);			/* frame 0 */
	assert_int_equal(frames_free_count(), 2);
	check_consistent();
	assert_int_equal(frame_free(pa), 0);
	assert_int_equal(frames_free_count(), 3);
	check_consistent();
}

static void test_alloc_contig(void **state)
{
	(void)state;
	frames_release_range(1 * PAGE, 4 * PAGE);	/* hole: frames 1..3 */
	frames_release_range(5 * PAGE, 13 * PAGE);	/* run: frames 5..12 */
	frames_release_range(30 * PAGE, 36 * PAGE);	/* run across words: 30..35 */
	assert_int_equal(frames_free_count(), 3 + 8 + 6);

	/* Too big for the first hole, so the run after it. */
	assert_int_equal(frames_alloc_contig(5), 5 * PAGE);
	assert_int_equal(frames_free_count(), 12);
	for (unsigned f = 5; f < 10; f++)
		assert_true(bitmap_test(map, f));
	assert_false(bitmap_test(map, 10));
	check_consistent();

	/* Six frames: only the run spanning the word boundary fits. */
	assert_int_equal(frames_alloc_contig(6), 30 * PAGE);
	assert_int_equal(frames_free_count(), 6);
	assert_int_equal(frames_alloc_contig(4), 0);	/* holes of 3 and 3 */
	assert_int_equal(frames_free_count(), 6);
	assert_int_equal(frames_alloc_contig(0), 0);
	assert_int_equal(frames_free_count(), 6);
	/* A huge count fails rather than wrapping round. */
	assert_int_equal(frames_alloc_contig(UINT32_MAX), 0);
	assert_int_equal(frames_alloc_contig(3), 1 * PAGE);
	assert_int_equal(frames_alloc_contig(3), 10 * PAGE);
	assert_int_equal(frames_free_count(), 0);
	assert_int_equal(frames_alloc_contig(1), 0);
	check_consistent();

	/* Frames of a contiguous run are freed one by one. */
	assert_int_equal(frame_free(31 * PAGE), 0);
	assert_int_equal(frame_free(32 * PAGE), 0);
	assert_int_equal(frames_free_count(), 2);
	assert_int_equal(frames_alloc_contig(2), 31 * PAGE);
	check_consistent();
}

static void test_ranges_beyond_nframes_clamp(void **state)
{
	(void)state;
	/* A memory map reaching 1 TiB frees only the frames we track. */
	frames_release_range(0, 1ULL << 40);
	assert_int_equal(frames_free_count(), NFRAMES - 1);
	/* The unused bits of the last word stay set. */
	assert_int_equal(map[WORDS - 1] >> (NFRAMES % 32), 0xffffffffu >> (NFRAMES % 32));
	check_consistent();

	/* Entirely above: nothing happens, in either direction. */
	frames_reserve_range(200 * PAGE, 300 * PAGE);
	assert_int_equal(frames_free_count(), NFRAMES - 1);
	frames_release_range(200 * PAGE, 300 * PAGE);
	assert_int_equal(frames_free_count(), NFRAMES - 1);

	/* Straddling the end: frames 90..99 only. */
	frames_reserve_range(90 * PAGE, 1ULL << 40);
	assert_int_equal(frames_free_count(), NFRAMES - 11);
	assert_false(bitmap_test(map, 89));
	assert_true(bitmap_test(map, 90));
	check_consistent();

	/* Above 4 GiB, where a 32-bit frame number would wrap to low frames. */
	frames_reserve_range((1ULL << 32) + 2 * PAGE, (1ULL << 32) + 5 * PAGE);
	assert_int_equal(frames_free_count(), NFRAMES - 11);
	assert_false(bitmap_test(map, 2));
	check_consistent();
}

static uint32_t memory[NFRAMES][PAGE / 4];
static uint32_t poison_map[WORDS];
static uint32_t reports, report_pa, report_word, report_value;

static uint32_t *view(uint32_t pa)
{
	assert_true(pa / PAGE < NFRAMES && !(pa % PAGE));
	return memory[pa / PAGE];
}

static void report(uint32_t pa, uint32_t word, uint32_t value)
{
	reports++;
	report_pa = pa;
	report_word = word;
	report_value = value;
}

static void poison_setup(void)
{
	release_all();
	reports = 0;
	frames_poison_enable(poison_map, view, report);
}

static void test_poison_fills_freed_frames(void **state)
{
	uint32_t pa;

	(void)state;
	poison_setup();
	pa = frame_alloc();
	memory[pa / PAGE][0] = 1;
	assert_int_equal(frame_free(pa), 0);
	for (unsigned i = 0; i < PAGE / 4; i++)
		assert_int_equal(memory[pa / PAGE][i], POISON_WORD);
	assert_int_equal(frames_alloc_contig(1), pa);	/* the lowest free frame */
	assert_int_equal(reports, 0);
	check_consistent();
}

static void test_poison_reports_a_write_after_free(void **state)
{
	uint32_t pa;

	(void)state;
	poison_setup();
	pa = frames_alloc_contig(1);
	assert_int_equal(frame_free(pa), 0);
	memory[pa / PAGE][9] = 0x1234u;
	memory[pa / PAGE][10] = 0x5678u;
	assert_int_equal(frames_alloc_contig(1), pa);
	assert_int_equal(reports, 1);
	assert_int_equal(report_pa, pa);
	assert_int_equal(report_word, 9);
	assert_int_equal(report_value, 0x1234u);
	/* Handed out and checked: freeing and reusing it cleanly is quiet. */
	assert_int_equal(frame_free(pa), 0);
	assert_int_equal(frames_alloc_contig(1), pa);
	assert_int_equal(reports, 1);
	check_consistent();
}

static void test_poison_is_checked_by_frame_alloc_too(void **state)
{
	uint32_t pa, again = 0;

	(void)state;
	poison_setup();
	pa = frame_alloc();
	assert_int_equal(frame_free(pa), 0);
	memory[pa / PAGE][PAGE / 4 - 1] = 0;
	/* frame_alloc goes round from its hint: every free frame, once. */
	for (unsigned i = 0; i < NFRAMES - 1 && again != pa; i++)
		again = frame_alloc();
	assert_int_equal(again, pa);
	assert_int_equal(reports, 1);
	assert_int_equal(report_word, PAGE / 4 - 1);
}

static void test_unpoisoned_frames_are_not_checked(void **state)
{
	uint32_t pa;

	(void)state;
	poison_setup();
	pa = frame_alloc();		/* free since boot: never filled */
	assert_int_equal(reports, 0);
	assert_int_equal(frame_free(pa), 0);
	frames_reserve_range(pa, pa + PAGE);	/* taken back by the OS itself */
	memory[pa / PAGE][0] = 7;
	frames_release_range(pa, pa + PAGE);
	assert_int_equal(frames_alloc_contig(1), pa);
	assert_int_equal(reports, 0);
	check_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_marks_everything_used, setup),
		cmocka_unit_test_setup(test_release_rounds_inward, setup),
		cmocka_unit_test_setup(test_reserve_rounds_outward, setup),
		cmocka_unit_test_setup(test_frame_zero_is_never_handed_out, setup),
		cmocka_unit_test_setup(test_alloc_until_exhausted, setup),
		cmocka_unit_test_setup(test_free_then_realloc, setup),
		cmocka_unit_test_setup(test_double_free_is_refused, setup),
		cmocka_unit_test_setup(test_bad_frees_are_refused, setup),
		cmocka_unit_test_setup(test_alloc_contig, setup),
		cmocka_unit_test_setup(test_ranges_beyond_nframes_clamp, setup),
		cmocka_unit_test_setup(test_poison_fills_freed_frames, setup),
		cmocka_unit_test_setup(test_poison_reports_a_write_after_free, setup),
		cmocka_unit_test_setup(test_poison_is_checked_by_frame_alloc_too, setup),
		cmocka_unit_test_setup(test_unpoisoned_frames_are_not_checked, setup),
	};

	return cmocka_run_group_tests_name("frames", tests, NULL, NULL);
}
