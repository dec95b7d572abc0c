/*T:120 tests/unit/test_bitmap.c: lib/bitmap.c, the bit arrays under the
 * frame allocator.
 *
 * The searches take a shortcut (a full 32-bit word is skipped in one step),
 * and shortcuts are where off-by-one errors live, so the interesting cases
 * are at word boundaries: ranges that start in one word and end in the
 * next, a clear bit just after a full word, a run of clear bits that spans
 * two words, a bitmap whose size is not a multiple of 32. Each test keeps a
 * guard word after the bitmap to catch writes past its end. Next:
 * tests/unit/test_frames.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/bitmap.h"

#define GUARD 0x5a5a5a5au

static void test_words_macro(void **state)
{
	(void)state;
	assert_int_equal(BITMAP_WORDS(0), 0);
	assert_int_equal(BITMAP_WORDS(1), 1);
	assert_int_equal(BITMAP_WORDS(32), 1);
	assert_int_equal(BITMAP_WORDS(33), 2);
	assert_int_equal(BITMAP_WORDS(65536), 2048);
}

static void test_set_clear_test_single_bits(void **state)
{
	uint32_t map[3] = { 0, 0, GUARD };

	(void)state;
	bitmap_set(map, 0);
	bitmap_set(map, 31);
	bitmap_set(map, 32);
	bitmap_set(map, 63);
	assert_int_equal(map[0], 0x80000001u);
	assert_int_equal(map[1], 0x80000001u);
	assert_true(bitmap_test(map, 0));
	assert_true(bitmap_test(map, 31));
	assert_true(bitmap_test(map, 32));
	assert_true(bitmap_test(map, 63));
	assert_false(bitmap_test(map, 1));
	assert_false(bitmap_test(map, 30));
	assert_false(bitmap_test(map, 33));

	/* Setting twice is idempotent; clearing touches only its own bit. */
	bitmap_set(map, 31);
	assert_int_equal(map[0], 0x80000001u);
	bitmap_clear(map, 31);
	assert_int_equal(map[0], 0x00000001u);
	assert_false(bitmap_test(map, 31));
	assert_true(bitmap_test(map, 32));
	bitmap_clear(map, 31);
	assert_int_equal(map[0], 0x00000001u);
	assert_int_equal(map[2], GUARD);
}

static void test_ranges_cross_word_boundaries(void **state)
{
	uint32_t map[4] = { 0, 0, 0, GUARD };

	(void)state;
	bitmap_set_range(map, 30, 4);		/* bits 30..33 */
	assert_int_equal(map[0], 0xc0000000u);
	assert_int_equal(map[1], 0x00000003u);
	assert_int_equal(map[2], 0);

	bitmap_set_range(map, 40, 56);		/* bits 40..95: into the last word */
	assert_int_equal(map[1], 0xffffff03u);
	assert_int_equal(map[2], 0xffffffffu);
	assert_int_equal(map[3], GUARD);

	bitmap_clear_range(map, 31, 42);	/* bits 31..72 */
	assert_int_equal(map[0], 0x40000000u);
	assert_int_equal(map[1], 0);
	assert_int_equal(map[2], 0xfffffe00u);
	assert_int_equal(map[3], GUARD);

	/* A zero-length range changes nothing. */
	bitmap_set_range(map, 5, 0);
	bitmap_clear_range(map, 30, 0);
	assert_int_equal(map[0], 0x40000000u);
}

static void test_find_clear(void **state)
{
	uint32_t map[3] = { 0xffffffffu, 0xffffffffu, GUARD };

	(void)state;
	/* Full: the answer is nbits, whatever the starting point. */
	assert_int_equal(bitmap_find_clear(map, 64, 0), 64);
	assert_int_equal(bitmap_find_clear(map, 64, 17), 64);
	assert_int_equal(bitmap_find_clear(map, 64, 64), 64);

	/* The first bit of the second word, right after a skipped full word. */
	bitmap_clear(map, 32);
	assert_int_equal(bitmap_find_clear(map, 64, 0), 32);
	assert_int_equal(bitmap_find_clear(map, 64, 32), 32);
	assert_int_equal(bitmap_find_clear(map, 64, 33), 64);

	/* The last bit of the first word. */
	bitmap_clear(map, 31);
	assert_int_equal(bitmap_find_clear(map, 64, 0), 31);
	assert_int_equal(bitmap_find_clear(map, 64, 31), 31);
	assert_int_equal(bitmap_find_clear(map, 64, 32), 32);

	/* A start in the middle of a word skips clear bits before it. */
	map[0] = 0xfffffffeu;			/* bit 0 clear */
	assert_int_equal(bitmap_find_clear(map, 64, 0), 0);
	assert_int_equal(bitmap_find_clear(map, 64, 1), 32);

	/* The last bit of the bitmap. */
	map[0] = map[1] = 0xffffffffu;
	bitmap_clear(map, 63);
	assert_int_equal(bitmap_find_clear(map, 64, 0), 63);
	assert_int_equal(map[2], GUARD);
}

static void test_find_clear_ignores_bits_past_nbits(void **state)
{
	/* 40 bits: the second word's bits 8..31 are outside the bitmap. */
	uint32_t map[2] = { 0xffffffffu, 0x000000ffu };

	(void)state;
	assert_int_equal(bitmap_find_clear(map, 40, 0), 40);
	bitmap_clear(map, 39);
	assert_int_equal(bitmap_find_clear(map, 40, 0), 39);
	/* A bitmap of a single word's worth is still bounded by nbits. */
	map[0] = 0x0000000fu;
	assert_int_equal(bitmap_find_clear(map, 4, 0), 4);
	assert_int_equal(bitmap_find_clear(map, 5, 0), 4);
}

static void test_find_clear_run(void **state)
{
	uint32_t map[4] = { 0xffffffffu, 0xffffffffu, 0xffffffffu, GUARD };

	(void)state;
	/* Full: no run of any positive length. */
	assert_int_equal(bitmap_find_clear_run(map, 96, 1), 96);

	/* A run of 8 spanning words 0 and 1: bits 28..35. */
	bitmap_clear_range(map, 28, 8);
	assert_int_equal(bitmap_find_clear_run(map, 96, 1), 28);
	assert_int_equal(bitmap_find_clear_run(map, 96, 8), 28);
	assert_int_equal(bitmap_find_clear_run(map, 96, 9), 96);

	/* A longer hole later is found once the first one is too short. */
	bitmap_clear_range(map, 50, 20);	/* bits 50..69 */
	assert_int_equal(bitmap_find_clear_run(map, 96, 9), 50);
	assert_int_equal(bitmap_find_clear_run(map, 96, 20), 50);
	assert_int_equal(bitmap_find_clear_run(map, 96, 21), 96);

	/* A run that ends exactly at nbits. */
	bitmap_clear_range(map, 90, 6);
	assert_int_equal(bitmap_find_clear_run(map, 96, 6), 28);
	assert_int_equal(bitmap_find_clear_run(map, 96, 21), 96);
	bitmap_set_range(map, 28, 8);
	assert_int_equal(bitmap_find_clear_run(map, 96, 6), 50);
	bitmap_set_range(map, 50, 20);
	assert_int_equal(bitmap_find_clear_run(map, 96, 6), 90);
	assert_int_equal(bitmap_find_clear_run(map, 96, 7), 96);
	/* ...but not past it, even when the bits beyond are clear. */
	assert_int_equal(bitmap_find_clear_run(map, 94, 4), 90);
	assert_int_equal(bitmap_find_clear_run(map, 94, 5), 94);

	/* Count 0: the empty run is found at once, at bit 0. */
	assert_int_equal(bitmap_find_clear_run(map, 96, 0), 0);
	assert_int_equal(map[3], GUARD);
}

static void test_find_clear_run_longer_than_bitmap(void **state)
{
	uint32_t map[2] = { 0, 0 };

	(void)state;
	/* An empty bitmap holds a run of exactly nbits, not one more. */
	assert_int_equal(bitmap_find_clear_run(map, 64, 64), 0);
	assert_int_equal(bitmap_find_clear_run(map, 64, 65), 64);
	/* A count so large that start + count wraps around must still fail
	 * rather than loop or claim a run. With bit 0 set (as frame 0 always
	 * is) the search starts at 1, where 1 + UINT32_MAX wraps to 0. */
	assert_int_equal(bitmap_find_clear_run(map, 64, UINT32_MAX), 64);
	bitmap_set(map, 0);
	assert_int_equal(bitmap_find_clear_run(map, 64, UINT32_MAX), 64);
	assert_int_equal(bitmap_find_clear_run(map, 64, UINT32_MAX - 1), 64);
	assert_int_equal(bitmap_find_clear_run(map, 64, 63), 1);
	assert_int_equal(bitmap_find_clear_run(map, 64, 64), 64);
}

static void test_count_set(void **state)
{
	uint32_t map[3] = { 0, 0, GUARD };

	(void)state;
	assert_int_equal(bitmap_count_set(map, 64), 0);
	bitmap_set_range(map, 30, 4);
	assert_int_equal(bitmap_count_set(map, 64), 4);
	bitmap_set(map, 63);
	assert_int_equal(bitmap_count_set(map, 64), 5);
	/* Only bits below nbits count. */
	assert_int_equal(bitmap_count_set(map, 63), 4);
	assert_int_equal(bitmap_count_set(map, 32), 2);
	assert_int_equal(bitmap_count_set(map, 0), 0);
	map[0] = map[1] = 0xffffffffu;
	assert_int_equal(bitmap_count_set(map, 64), 64);
	assert_int_equal(bitmap_count_set(map, 33), 33);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_macro),
		cmocka_unit_test(test_set_clear_test_single_bits),
		cmocka_unit_test(test_ranges_cross_word_boundaries),
		cmocka_unit_test(test_find_clear),
		cmocka_unit_test(test_find_clear_ignores_bits_past_nbits),
		cmocka_unit_test(test_find_clear_run),
		cmocka_unit_test(test_find_clear_run_longer_than_bitmap),
		cmocka_unit_test(test_count_set),
	};

	return cmocka_run_group_tests_name("bitmap", tests, NULL, NULL);
}
