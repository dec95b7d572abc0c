/*T:910 tests/unit/test_scan.c: the scan of page categories
 * (host/memory/scan.c, V:400), natively, over a table of pages.
 *
 * A fake guest of PAGES pages holds each page's categories; arming a page
 * clears WRITTEN and sets WPALLOWED, as gmap does, and the written index
 * follows WRITTEN. The tests hold the walk to Linux's PAGEMAP_SCAN: every
 * error of the argument checks, the matching rule (inverted, all of mask,
 * any of anyof), return_mask and coalescing, stopping at a full vector or
 * at max_pages with the last region trimmed, walk_end, re-arming only what
 * was reported, a pure reset with no vector, and resumption: calls of
 * vec_len 7 or max_pages 100 resumed at walk_end give exactly the set of
 * one unlimited call. The fast path (the index) must answer what the slow
 * one does. Next: T:920, the same against the real ioctl. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "host/memory/scan.h"
#include "arch/x86/syscall.h"

#define PAGES		16384u		/* 64 MiB */
#define LIMIT		((uint64_t)PAGES * SCAN_PAGE)
#define USER_END	0xC0000000ull
#define VEC_ADDR	0x10000000ull	/* a pretend user address for vec */
#define OUT_MAX		(PAGES + 1)

struct fake {
	uint64_t cats[PAGES];
	struct scan_index index;
	uint32_t bits[SCAN_INDEX_WORDS(PAGES)], summary[SCAN_SUMMARY_WORDS(PAGES)];
	struct page_region out[OUT_MAX];
	uint64_t stored;
	uint32_t armed_calls;
	bool fail_emit, use_index;
};

static struct fake *f;

static uint64_t fake_categories(void *ctx, uint32_t gpfn)
{
	return ((struct fake *)ctx)->cats[gpfn];
}

static uint32_t fake_next_written(void *ctx, uint32_t from, uint32_t to)
{
	return scan_index_next(&((struct fake *)ctx)->index, from, to);
}

static void fake_write_protect(void *ctx, uint32_t gpfn)
{
	struct fake *x = ctx;

	x->cats[gpfn] = (x->cats[gpfn] & ~PAGE_IS_WRITTEN) | PAGE_IS_WPALLOWED;
	scan_index_clear(&x->index, gpfn);
	x->armed_calls++;
}

static int32_t fake_emit(void *ctx, uint64_t n, const struct page_region *r)
{
	struct fake *x = ctx;

	if (x->fail_emit)
		return -EFAULT;
	assert_true(n < OUT_MAX);
	assert_int_equal(n, x->stored);
	x->out[n] = *r;
	x->stored++;
	return 0;
}

static struct scan_ops ops(void)
{
	return (struct scan_ops){ fake_categories, f->use_index ? fake_next_written : NULL,
				  fake_write_protect, fake_emit, f };
}

/* Page n written (by any path): the category and the index together. */
static void write_page(uint32_t n)
{
	f->cats[n] |= PAGE_IS_WRITTEN;
	scan_index_set(&f->index, n);
}

static int setup(void **state)
{
	(void)state;
	f = calloc(1, sizeof(*f));
	f->index = (struct scan_index){ f->bits, f->summary, PAGES };
	f->use_index = true;
	for (uint32_t n = 0; n < PAGES; n++)
		f->cats[n] = PAGE_IS_PRESENT | PAGE_IS_WPALLOWED;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(f);
	return 0;
}

static struct pm_scan_arg arg(uint64_t start, uint64_t end, uint64_t vec_len)
{
	return (struct pm_scan_arg){ .size = sizeof(struct pm_scan_arg), .start = start,
		.end = end, .vec = vec_len ? VEC_ADDR : 0, .vec_len = vec_len,
		.category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN };
}

/* Check, then walk, as the ioctl does. */
static int64_t scan(struct pm_scan_arg *a)
{
	struct scan_ops o = ops();
	int32_t err = pm_scan_check(a, LIMIT, USER_END);

	f->stored = 0;
	return err ? err : pm_scan_walk(&o, a);
}

static void test_errors(void **state)
{
	struct pm_scan_arg a;

	(void)state;
	a = arg(0, LIMIT, 8), a.size = 88;
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.size = 104;
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.flags = 1u << 2;
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.category_mask = 1u << 7;		/* SOFT_DIRTY */
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.category_inverted = 1ull << 20;
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.category_anyof_mask = 1ull << 63;
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.return_mask = 1ull << 8;		/* GUARD */
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0x800, LIMIT, 8);
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT + SCAN_PAGE, 8);
	assert_int_equal(scan(&a), -EFAULT);
	a = arg(0, LIMIT + 1, 8);
	assert_int_equal(scan(&a), -EFAULT);
	a = arg(2 * SCAN_PAGE, SCAN_PAGE, 8);			/* end before start */
	assert_int_equal(scan(&a), -EFAULT);
	a = arg(0, LIMIT, 8), a.vec = 0;
	assert_int_equal(scan(&a), -EINVAL);
	/* 0x0aaaaaab * 24 is 0x100000008: 8 bytes once truncated to 32 bits. */
	a = arg(0, LIMIT, 0x0aaaaaabull);
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 1ull << 62);
	assert_int_equal(scan(&a), -EINVAL);
	a = arg(0, LIMIT, 8), a.vec = USER_END - 8 * 24 + 1;
	assert_int_equal(scan(&a), -EFAULT);
	a = arg(0, LIMIT, 8), a.vec = 1ull << 40;
	assert_int_equal(scan(&a), -EFAULT);
	/* The edges that are fine. */
	a = arg(0, LIMIT, 8), a.vec = USER_END - 8 * 24;
	assert_int_equal(scan(&a), 0);
	a = arg(LIMIT, LIMIT, 8);
	assert_int_equal(scan(&a), 0);
	assert_int_equal(a.walk_end, LIMIT);
	a = arg(0, LIMIT, 0x0aaaaaaaull);			/* 0xfffffff0 bytes */
	a.vec = 0;
	assert_int_equal(pm_scan_check(&a, LIMIT, 1ull << 33), -EINVAL);
	a.vec = 1;
	assert_int_equal(pm_scan_check(&a, LIMIT, 1ull << 33), 0);
}

static void test_matching(void **state)
{
	uint64_t c = PAGE_IS_PRESENT | PAGE_IS_WRITTEN;
	struct pm_scan_arg a = arg(0, 0, 0);

	(void)state;
	a.category_mask = PAGE_IS_WRITTEN;
	assert_true(pm_scan_matches(&a, c));
	a.category_mask = PAGE_IS_WRITTEN | PAGE_IS_PFNZERO;
	assert_false(pm_scan_matches(&a, c));
	a.category_inverted = PAGE_IS_PFNZERO;			/* excluded */
	assert_true(pm_scan_matches(&a, c));
	assert_false(pm_scan_matches(&a, c | PAGE_IS_PFNZERO));
	a = arg(0, 0, 0), a.category_mask = 0;
	a.category_anyof_mask = PAGE_IS_SWAPPED | PAGE_IS_MISSING;
	assert_false(pm_scan_matches(&a, c));
	assert_true(pm_scan_matches(&a, c | PAGE_IS_MISSING));
	a.category_anyof_mask = 0;
	assert_true(pm_scan_matches(&a, 0));			/* no mask: everything */
}

/* Pages 10-12 written, 13 written and pinned, 20 written: with return
 * WRITTEN, 10-14 would be one region if 13 were like the others; with
 * return WRITTEN|PINNED, 13 stands alone. */
static void test_coalescing_and_return_mask(void **state)
{
	struct pm_scan_arg a = arg(0, LIMIT, 16);

	(void)state;
	for (uint32_t n = 10; n <= 13; n++)
		write_page(n);
	f->cats[13] |= PAGE_IS_PINNED;
	write_page(20);
	assert_int_equal(scan(&a), 2);
	assert_int_equal(f->out[0].start, 10 * SCAN_PAGE);
	assert_int_equal(f->out[0].end, 14 * SCAN_PAGE);
	assert_int_equal(f->out[0].categories, PAGE_IS_WRITTEN);
	assert_int_equal(f->out[1].start, 20 * SCAN_PAGE);
	assert_int_equal(a.walk_end, LIMIT);
	a = arg(0, LIMIT, 16), a.return_mask = PAGE_IS_WRITTEN | PAGE_IS_PINNED;
	assert_int_equal(scan(&a), 3);
	assert_int_equal(f->out[0].end, 13 * SCAN_PAGE);
	assert_int_equal(f->out[1].start, 13 * SCAN_PAGE);
	assert_int_equal(f->out[1].end, 14 * SCAN_PAGE);
	assert_int_equal(f->out[1].categories, PAGE_IS_WRITTEN | PAGE_IS_PINNED);
	a = arg(0, LIMIT, 16), a.return_mask = 0;
	assert_int_equal(scan(&a), 2);
	assert_int_equal(f->out[0].categories, 0);
}

static void test_full_vector_and_max_pages(void **state)
{
	struct pm_scan_arg a = arg(0, LIMIT, 2);

	(void)state;
	for (uint32_t n = 100; n < 110; n++)
		write_page(n);
	write_page(200);
	write_page(300);
	assert_int_equal(scan(&a), 2);
	assert_int_equal(a.walk_end, 300 * SCAN_PAGE);	/* the region with no room */
	a = arg(0, LIMIT, 3);				/* exactly enough: complete */
	assert_int_equal(scan(&a), 3);
	assert_int_equal(a.walk_end, LIMIT);
	a = arg(0, LIMIT, 16), a.max_pages = 4;		/* the first region trimmed */
	assert_int_equal(scan(&a), 1);
	assert_int_equal(f->out[0].start, 100 * SCAN_PAGE);
	assert_int_equal(f->out[0].end, 104 * SCAN_PAGE);
	assert_int_equal(a.walk_end, 104 * SCAN_PAGE);
	a = arg(0, LIMIT, 16), a.max_pages = 12;		/* exactly all: complete */
	assert_int_equal(scan(&a), 3);
	assert_int_equal(a.walk_end, LIMIT);
	a = arg(0, 105 * SCAN_PAGE - 100, 16);		/* end is rounded up */
	assert_int_equal(scan(&a), 1);
	assert_int_equal(f->out[0].end, 105 * SCAN_PAGE);
	assert_int_equal(a.walk_end, 105 * SCAN_PAGE);
	a = arg(0, LIMIT, 0), a.vec = VEC_ADDR;		/* a vector of none: no output */
	assert_int_equal(scan(&a), 0);
	assert_int_equal(a.walk_end, LIMIT);
	f->fail_emit = true;
	a = arg(0, LIMIT, 16);
	assert_int_equal(scan(&a), -EFAULT);
}

static void test_wp_matching(void **state)
{
	struct pm_scan_arg a = arg(0, LIMIT, 1);

	(void)state;
	for (uint32_t n = 0; n < 8; n++)
		write_page(n * 2);
	a.flags = PM_SCAN_WP_MATCHING;
	assert_int_equal(scan(&a), 1);			/* page 0 only */
	assert_int_equal(a.walk_end, 2 * SCAN_PAGE);
	assert_int_equal(f->armed_calls, 1);		/* nothing beyond walk_end */
	assert_true(f->cats[2] & PAGE_IS_WRITTEN);
	assert_false(f->cats[0] & PAGE_IS_WRITTEN);
	a = arg(0, LIMIT, 0), a.flags = PM_SCAN_WP_MATCHING;	/* a pure reset */
	assert_int_equal(scan(&a), 0);
	assert_int_equal(f->armed_calls, 8);
	a = arg(0, LIMIT, 16);
	assert_int_equal(scan(&a), 0);
	write_page(5);
	assert_int_equal(scan(&a), 1);
	assert_int_equal(f->out[0].start, 5 * SCAN_PAGE);
	/* Never-armed pages are armed by a matching scan even if clean. */
	f->cats[7] &= ~PAGE_IS_WPALLOWED;
	a = arg(0, LIMIT, 0), a.flags = PM_SCAN_WP_MATCHING, a.category_mask = 0;
	assert_int_equal(scan(&a), 0);
	assert_true(f->cats[7] & PAGE_IS_WPALLOWED);
}

/* A pseudo-random pattern, the same every run. */
static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void random_pattern(uint32_t k)
{
	for (uint32_t i = 0; i < k; i++) {
		uint32_t n = rnd() % PAGES;

		write_page(n);
		if (rnd() % 4 == 0)
			f->cats[n] |= PAGE_IS_PINNED;
	}
}

/* The pages of out[0..n), each once, in order, into seen (a bitmap). */
static uint32_t collect(uint64_t n, uint8_t *seen, uint64_t *last_end)
{
	uint32_t pages = 0;

	for (uint64_t i = 0; i < n; i++) {
		assert_true(f->out[i].start < f->out[i].end);
		assert_true(f->out[i].start >= *last_end);
		*last_end = f->out[i].end;
		for (uint64_t p = f->out[i].start; p < f->out[i].end; p += SCAN_PAGE) {
			assert_int_equal(seen[p / SCAN_PAGE], 0);
			seen[p / SCAN_PAGE] = 1 + (f->out[i].categories != PAGE_IS_WRITTEN);
			pages++;
		}
	}
	return pages;
}

static void resume_and_compare(uint64_t vec_len, uint64_t max_pages, uint64_t ret)
{
	static uint8_t once[PAGES], pieces[PAGES];
	uint64_t last_end = 0, at = 0;
	struct pm_scan_arg a = arg(0, LIMIT, OUT_MAX - 1);
	int calls = 0;

	memset(once, 0, sizeof(once));
	memset(pieces, 0, sizeof(pieces));
	a.return_mask = ret;
	collect((uint64_t)scan(&a), once, &last_end);
	assert_int_equal(a.walk_end, LIMIT);
	last_end = 0;
	do {
		int64_t n;
		uint32_t got;

		a = arg(at, LIMIT, vec_len), a.max_pages = max_pages, a.return_mask = ret;
		n = scan(&a);
		assert_true(n >= 0 && (uint64_t)n <= vec_len);
		got = collect((uint64_t)n, pieces, &last_end);
		if (max_pages)
			assert_true(got <= max_pages);
		assert_true(a.walk_end > at || a.walk_end == LIMIT);
		assert_true(a.walk_end >= last_end);
		at = a.walk_end;
		calls++;
	} while (at != LIMIT);
	assert_memory_equal(once, pieces, PAGES);
	assert_true(calls > 1);
}

static void test_resumption(void **state)
{
	(void)state;
	random_pattern(1000);
	resume_and_compare(7, 0, PAGE_IS_WRITTEN | PAGE_IS_PINNED);
	resume_and_compare(OUT_MAX - 1, 100, PAGE_IS_WRITTEN | PAGE_IS_PINNED);
	resume_and_compare(7, 100, PAGE_IS_WRITTEN);
	resume_and_compare(1, 1, PAGE_IS_WRITTEN);
}

/* The index and a walk of every page must answer the same. */
static void test_fast_path_equals_slow(void **state)
{
	static struct page_region slow[OUT_MAX];
	struct pm_scan_arg a = arg(0, LIMIT, OUT_MAX - 1);
	int64_t n;

	(void)state;
	random_pattern(3000);
	f->use_index = false;
	n = scan(&a);
	memcpy(slow, f->out, sizeof(slow));
	f->use_index = true;
	assert_int_equal(scan(&a), n);
	assert_memory_equal(slow, f->out, (size_t)n * sizeof(slow[0]));
	a.start = 77 * SCAN_PAGE, a.end = 9000 * SCAN_PAGE;
	f->use_index = false;
	n = scan(&a);
	memcpy(slow, f->out, sizeof(slow));
	f->use_index = true;
	assert_int_equal(scan(&a), n);
	assert_memory_equal(slow, f->out, (size_t)n * sizeof(slow[0]));
}

static void test_index(void **state)
{
	struct scan_index *x = &f->index;

	(void)state;
	assert_int_equal(scan_index_next(x, 0, PAGES), PAGES);
	scan_index_set(x, 0);
	scan_index_set(x, 31);
	scan_index_set(x, 32);
	scan_index_set(x, 1024 * 5 + 7);
	scan_index_set(x, PAGES - 1);
	scan_index_set(x, PAGES);			/* beyond: ignored */
	assert_int_equal(scan_index_next(x, 0, PAGES), 0);
	assert_int_equal(scan_index_next(x, 1, PAGES), 31);
	assert_int_equal(scan_index_next(x, 32, PAGES), 32);
	assert_int_equal(scan_index_next(x, 33, PAGES), 1024 * 5 + 7);
	assert_int_equal(scan_index_next(x, 33, 1024 * 5 + 7), 1024 * 5 + 7);
	assert_int_equal(scan_index_next(x, 1024 * 5 + 8, PAGES), PAGES - 1);
	scan_index_clear(x, 32);
	scan_index_clear(x, 31);
	assert_int_equal(scan_index_next(x, 1, PAGES), 1024 * 5 + 7);
	assert_int_equal(f->summary[0], 1u);		/* word 1 is clean again */
	scan_index_fill(x);
	for (uint32_t n = 0; n < PAGES; n += 997)
		assert_int_equal(scan_index_next(x, n, PAGES), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalescing_and_return_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_vector_and_max_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wp_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resumption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_path_equals_slow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
