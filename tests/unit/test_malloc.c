/*T:250 tests/unit/test_malloc.c: user/libc/heap.c, the allocator behind
 * every host program's malloc.
 *
 * The heap gets its memory from a fake "map" that carves pages out of a
 * static pool, so a test can decide whether two arenas touch (and must
 * merge) or not, make mapping fail, and see exactly which large mappings
 * were given back. After nearly every step heap_check walks the free list:
 * sorted, fully merged, headers intact. The last test is a long random run
 * that keeps a pattern in every live block and checks none was overwritten.
 * The system calls get theirs from user/bin/badptr.c (U:630). Next: the
 * hypervisor's pure checks, T:260. */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "user/libc/heap.h"

#define POOL_BYTES (4u << 20)
#define PAGE HEAP_PAGE

static unsigned char pool[POOL_BYTES] __attribute__((aligned(PAGE)));
static bool page_used[POOL_BYTES / PAGE];
static bool gap_after_map;	/* keep a page unused after each mapping */
static int map_fails;		/* this many next maps fail */
static int maps, unmaps;
static void *last_unmap;
static size_t last_unmap_len;
static int corruptions;
static const char *last_why;

/* First fit over the pool's pages, like a real mmap that reuses space. */
static void *fake_map(size_t len)
{
	size_t pages = len / PAGE, run = 0, want = pages + gap_after_map;

	assert_int_equal(len % PAGE, 0);
	if (map_fails) {
		map_fails--;
		return NULL;
	}
	for (size_t i = 0; i < POOL_BYTES / PAGE; i++) {
		run = page_used[i] ? 0 : run + 1;
		if (run < want)
			continue;
		i -= want - 1;
		memset(page_used + i, true, want);
		memset(pool + i * PAGE, 0, len);
		maps++;
		return pool + i * PAGE;
	}
	return NULL;
}

static void fake_unmap(void *addr, size_t len)
{
	size_t first = (size_t)((unsigned char *)addr - pool) / PAGE;

	assert_int_equal(len % PAGE, 0);
	for (size_t i = first; i < first + len / PAGE; i++) {
		assert_true(page_used[i]);
		page_used[i] = false;
	}
	unmaps++;
	last_unmap = addr;
	last_unmap_len = len;
}

static void fake_corrupt(const char *why, const void *ptr)
{
	(void)ptr;
	corruptions++;
	last_why = why;
}

static struct heap heap;

static int setup(void **state)
{
	(void)state;
	memset(page_used, 0, sizeof(page_used));
	gap_after_map = false;
	map_fails = maps = unmaps = corruptions = 0;
	last_unmap = NULL;
	last_why = NULL;
	memset(&heap, 0, sizeof(heap));
	heap.map = fake_map;
	heap.unmap = fake_unmap;
	heap.corrupt = fake_corrupt;
	heap.arena_bytes = 4 * PAGE;
	heap.large_bytes = 8 * PAGE;
	return 0;
}

static struct heap_stats stats_of(void)
{
	struct heap_stats s;

	assert_true(heap_check(&heap, &s));
	return s;
}

static void test_alloc_is_aligned_and_usable(void **state)
{
	void *p[300];

	(void)state;
	for (size_t n = 0; n < 300; n++) {
		p[n] = heap_alloc(&heap, n);
		assert_non_null(p[n]);
		assert_int_equal((uintptr_t)p[n] % HEAP_ALIGN, 0);
		assert_true(heap_usable_size(p[n]) >= n);
		memset(p[n], 0xee, heap_usable_size(p[n]));
		stats_of();
	}
	for (size_t n = 0; n < 300; n++)
		heap_free(&heap, p[n]);
	assert_int_equal(corruptions, 0);
	assert_int_equal(stats_of().free_bytes, heap.arena_total);
}

static void test_first_fit_reuses_freed_block(void **state)
{
	void *a, *b, *c;

	(void)state;
	a = heap_alloc(&heap, 100);
	b = heap_alloc(&heap, 100);
	assert_true((char *)b > (char *)a);
	heap_free(&heap, a);
	c = heap_alloc(&heap, 50);
	assert_ptr_equal(c, a);
	assert_int_equal(maps, 1);
	heap_free(&heap, b);
	heap_free(&heap, c);
	assert_int_equal(stats_of().free_blocks, 1);
}

/* Three neighbours freed in every order end as one free block. */
static void test_free_merges_neighbours_in_any_order(void **state)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};

	(void)state;
	for (int o = 0; o < 6; o++) {
		void *p[3];

		for (int i = 0; i < 3; i++)
			p[i] = heap_alloc(&heap, 200);
		for (int i = 0; i < 3; i++) {
			heap_free(&heap, p[orders[o][i]]);
			stats_of();
		}
		assert_int_equal(stats_of().free_blocks, 1);
		assert_int_equal(stats_of().free_bytes, heap.arena_total);
	}
	assert_int_equal(maps, 1);
	assert_int_equal(corruptions, 0);
}

static void test_split_leaves_rest_free(void **state)
{
	void *p;
	struct heap_stats s;

	(void)state;
	p = heap_alloc(&heap, 64);
	s = stats_of();
	assert_int_equal(s.free_blocks, 1);
	assert_int_equal(s.free_bytes + heap_usable_size(p) + sizeof(struct heap_block),
			 4 * PAGE);
	heap_free(&heap, p);
}

/* Arenas mapped back to back merge, so the leftover of one arena and the
 * next arena together hold a block neither could: eight 3-page blocks fit
 * in seven 4-page arenas. */
static void test_touching_arenas_merge(void **state)
{
	void *p[8];

	(void)state;
	for (int i = 0; i < 8; i++)
		p[i] = heap_alloc(&heap, 3 * PAGE);
	assert_int_equal(maps, 7);
	for (int i = 0; i < 8; i++)
		heap_free(&heap, p[i]);
	assert_int_equal(stats_of().free_blocks, 1);
	p[0] = heap_alloc(&heap, 7 * PAGE);
	assert_int_equal(maps, 7);
	heap_free(&heap, p[0]);
}

static void test_separate_arenas_stay_apart(void **state)
{
	void *a, *b;

	(void)state;
	gap_after_map = true;
	a = heap_alloc(&heap, 3 * PAGE);
	b = heap_alloc(&heap, 3 * PAGE);
	assert_int_equal(maps, 2);
	heap_free(&heap, b);
	heap_free(&heap, a);
	assert_int_equal(stats_of().free_blocks, 2);
}

static void test_big_request_grows_by_more_than_an_arena(void **state)
{
	void *p;

	(void)state;
	p = heap_alloc(&heap, 6 * PAGE);	/* below large_bytes, above arena_bytes */
	assert_non_null(p);
	assert_int_equal(heap.arena_total, 7 * PAGE);
	heap_free(&heap, p);
}

static void test_large_block_has_own_mapping(void **state)
{
	unsigned char *p;
	void *small;

	(void)state;
	small = heap_alloc(&heap, 10);
	p = heap_alloc(&heap, 8 * PAGE);
	assert_non_null(p);
	assert_int_equal(maps, 2);
	assert_int_equal(heap.large_total, 9 * PAGE);
	memset(p, 1, 8 * PAGE);
	heap_free(&heap, p);
	assert_int_equal(unmaps, 1);
	assert_ptr_equal(last_unmap, p - sizeof(struct heap_block));
	assert_int_equal(last_unmap_len, 9 * PAGE);
	assert_int_equal(heap.large_total, 0);
	heap_free(&heap, small);
	assert_int_equal(unmaps, 1);	/* arenas are kept */
	assert_int_equal(corruptions, 0);
}

static void test_double_free_is_reported(void **state)
{
	void *a, *b;

	(void)state;
	a = heap_alloc(&heap, 40);
	b = heap_alloc(&heap, 40);
	heap_free(&heap, a);
	heap_free(&heap, a);
	assert_int_equal(corruptions, 1);
	assert_string_equal(last_why, "double free");
	heap_free(&heap, b);
	assert_int_equal(stats_of().free_blocks, 1);
}

static void test_foreign_pointers_are_reported(void **state)
{
	char *a;

	(void)state;
	a = heap_alloc(&heap, 100);
	heap_free(&heap, a + 1);		/* misaligned */
	assert_int_equal(corruptions, 1);
	heap_free(&heap, a + 32);		/* aligned, inside a block */
	assert_int_equal(corruptions, 2);
	assert_string_equal(last_why, "pointer not from malloc");
	assert_null(heap_realloc(&heap, a + 16, 10));
	assert_int_equal(corruptions, 3);
	heap_free(&heap, NULL);			/* allowed, does nothing */
	assert_int_equal(corruptions, 3);
	heap_free(&heap, a);
	assert_int_equal(stats_of().free_blocks, 1);
}

static void test_realloc_keeps_data(void **state)
{
	unsigned char *p, *q;

	(void)state;
	assert_null(heap_realloc(&heap, heap_alloc(&heap, 10), 0));
	p = heap_realloc(&heap, NULL, 100);
	for (int i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	q = heap_realloc(&heap, p, 20);		/* shrinks in place */
	assert_ptr_equal(q, p);
	stats_of();
	q = heap_realloc(&heap, q, 5000);	/* moves */
	assert_non_null(q);
	for (int i = 0; i < 20; i++)
		assert_int_equal(q[i], i);
	q = heap_realloc(&heap, q, 40000);	/* becomes a large block */
	assert_non_null(q);
	for (int i = 0; i < 20; i++)
		assert_int_equal(q[i], i);
	q = heap_realloc(&heap, q, 100);	/* a large block stays put */
	assert_non_null(q);
	heap_free(&heap, q);
	assert_int_equal(heap.large_total, 0);
	assert_int_equal(stats_of().free_blocks, 1);
	assert_int_equal(corruptions, 0);
}

static void test_calloc_zeroes_and_checks_overflow(void **state)
{
	unsigned char *p;

	(void)state;
	p = heap_alloc(&heap, 256);
	memset(p, 0xaa, 256);
	heap_free(&heap, p);
	p = heap_calloc(&heap, 16, 16);
	for (int i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	heap_free(&heap, p);
	assert_null(heap_calloc(&heap, (size_t)-1 / 2, 4));
	assert_null(heap_calloc(&heap, 4, (size_t)-1 / 2));
	assert_null(heap_alloc(&heap, (size_t)-1));
	assert_null(heap_alloc(&heap, (size_t)-1 - 8));
}

static void test_map_failure_returns_null(void **state)
{
	void *p;

	(void)state;
	map_fails = 1;
	assert_null(heap_alloc(&heap, 10));
	map_fails = 1;
	assert_null(heap_alloc(&heap, 100 * PAGE));
	assert_int_equal(heap.arena_total, 0);
	assert_null(heap.free_list);
	p = heap_alloc(&heap, 10);
	assert_non_null(p);
	heap_free(&heap, p);
}

/* A long random run: every live block carries a pattern derived from its
 * slot, and every step checks the free list and some pattern. */
static void test_random_run_keeps_every_block_intact(void **state)
{
	enum { SLOTS = 64, STEPS = 20000 };
	unsigned char *slot[SLOTS] = { 0 };
	size_t size[SLOTS] = { 0 };
	uint32_t x = 12345;

	(void)state;
	heap.arena_bytes = 16 * PAGE;
	heap.large_bytes = 24 * PAGE;
	for (int step = 0; step < STEPS; step++) {
		int i;
		size_t n;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		i = x % SLOTS;
		n = (x >> 8) % 4 == 0 ? (x >> 12) % (30 * PAGE) : (x >> 12) % 600;
		for (size_t k = 0; k < size[i]; k++)
			assert_int_equal(slot[i][k], (unsigned char)(i + k));
		if (slot[i] && (x >> 6) % 2) {
			heap_free(&heap, slot[i]);
			slot[i] = NULL;
			size[i] = 0;
		} else {
			unsigned char *p = heap_realloc(&heap, slot[i], n);

			if (n == 0) {	/* realloc(NULL, 0) is malloc(0) */
				heap_free(&heap, p);
				slot[i] = NULL;
				size[i] = 0;
				continue;
			}
			assert_non_null(p);
			for (size_t k = size[i]; k < n; k++)
				p[k] = (unsigned char)(i + k);
			slot[i] = p;
			size[i] = n;
		}
		assert_true(heap_check(&heap, NULL));
	}
	for (int i = 0; i < SLOTS; i++)
		heap_free(&heap, slot[i]);
	assert_int_equal(corruptions, 0);
	assert_int_equal(heap.large_total, 0);
	/* Large mappings came and went between the arenas, so the arenas
	 * need not touch: all their bytes are free, in however many blocks. */
	assert_int_equal(stats_of().free_bytes, heap.arena_total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alloc_is_aligned_and_usable, setup),
		cmocka_unit_test_setup(test_first_fit_reuses_freed_block, setup),
		cmocka_unit_test_setup(test_free_merges_neighbours_in_any_order, setup),
		cmocka_unit_test_setup(test_split_leaves_rest_free, setup),
		cmocka_unit_test_setup(test_touching_arenas_merge, setup),
		cmocka_unit_test_setup(test_separate_arenas_stay_apart, setup),
		cmocka_unit_test_setup(test_big_request_grows_by_more_than_an_arena, setup),
		cmocka_unit_test_setup(test_large_block_has_own_mapping, setup),
		cmocka_unit_test_setup(test_double_free_is_reported, setup),
		cmocka_unit_test_setup(test_foreign_pointers_are_reported, setup),
		cmocka_unit_test_setup(test_realloc_keeps_data, setup),
		cmocka_unit_test_setup(test_calloc_zeroes_and_checks_overflow, setup),
		cmocka_unit_test_setup(test_map_failure_returns_null, setup),
		cmocka_unit_test_setup(test_random_run_keeps_every_block_intact, setup),
	};

	return cmocka_run_group_tests_name("malloc", tests, NULL, NULL);
}
