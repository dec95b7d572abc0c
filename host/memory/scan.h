/* host/memory/scan.h: the scan of guest-physical page categories
 * (host/memory/scan.c, V:400). Pure logic: no host service is called, so
 * tests/unit/test_scan.c drives it natively. */
#ifndef HOST_MEMORY_SCAN_H
#define HOST_MEMORY_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/kennel_dev.h"

#define SCAN_PAGE	4096u

/* What the walk asks of the memory it scans. */
struct scan_ops {
	/* gpfn's PAGE_IS_* categories. */
	uint64_t (*categories)(void *ctx, uint32_t gpfn);
	/* The first gpfn in [from, to) that may be WRITTEN (a superset is
	 * fine: each candidate is asked its categories), or to. NULL: every
	 * page is a candidate. */
	uint32_t (*next_written)(void *ctx, uint32_t from, uint32_t to);
	/* Arm write tracking of gpfn (WP_MATCHING). */
	void (*write_protect)(void *ctx, uint32_t gpfn);
	/* Store region number n of the answer: 0, or -EFAULT. */
	int32_t (*emit)(void *ctx, uint64_t n, const struct page_region *r);
	void *ctx;
};

/* The checks Linux's PAGEMAP_SCAN makes before it walks, in its order:
 * 0, -EINVAL or -EFAULT. limit: the guest's memory in bytes; user_end:
 * where the caller's address space ends (vec must lie below it). */
int32_t pm_scan_check(const struct pm_scan_arg *a, uint64_t limit, uint64_t user_end);
/* The walk over a checked argument: the number of regions stored, or
 * -EFAULT from emit; a->walk_end says where it stopped. */
int64_t pm_scan_walk(const struct scan_ops *ops, struct pm_scan_arg *a);
/* Does a page of categories cats match a's masks? */
bool pm_scan_matches(const struct pm_scan_arg *a, uint64_t cats);

/* The index of pages that may be written: a bitmap with a summary level,
 * one bit per word of it that is not zero, so that a walk skips 1,024
 * clean pages with one word. */
struct scan_index {
	uint32_t *bits;			/* BITMAP words of npages bits */
	uint32_t *summary;		/* bit w: bits[w] != 0 */
	uint32_t npages;
};

#define SCAN_INDEX_WORDS(n)	(((n) + 31) / 32)
#define SCAN_SUMMARY_WORDS(n)	((SCAN_INDEX_WORDS(n) + 31) / 32)

void scan_index_set(struct scan_index *x, uint32_t n);
void scan_index_clear(struct scan_index *x, uint32_t n);
void scan_index_fill(struct scan_index *x);	/* every page a candidate */
/* The first set bit in [from, to), or to. */
uint32_t scan_index_next(const struct scan_index *x, uint32_t from, uint32_t to);

#endif
