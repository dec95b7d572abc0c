/*V:400 host/memory/scan.c: which guest pages are what, in the shape of
 * Linux's PAGEMAP_SCAN.
 *
 * KN_PM_SCAN (V:430) takes Linux's struct pm_scan_arg unchanged, over
 * guest-physical addresses, and this file does what Linux's walk does:
 * every page in [start, end) whose categories (gmap_categories, V:300)
 * match the masks is reported, consecutive pages with the same reported
 * categories as one struct page_region, until the range ends, the vector
 * is full or max_pages pages are out; walk_end says where to resume.
 * With PM_SCAN_WP_MATCHING each page reported is armed again in the same
 * walk, before the guest can run, so no write falls between its report
 * and its re-arming. With no vector the walk only re-arms: Windows'
 * ResetWriteWatch.
 *
 * Nothing here knows what a guest is: the walk asks through struct
 * scan_ops, so tests/unit/test_scan.c (T:910) drives it over a table.
 * What makes it cheap is the index of pages that may have been written
 * (V:420): when the masks demand WRITTEN, the walk visits only those,
 * and its cost follows the regions it reports rather than the memory's
 * size. Next: V:410, the checks that come before the walk. */
#include "host/memory/scan.h"
#include "arch/x86/syscall.h"

#define PAGE_OFFSET_MASK	((uint64_t)SCAN_PAGE - 1)

/*V:410 The checks, in Linux's order, so that a caller probing for a
 * feature (CRIU probes each category bit) learns what Linux would tell
 * it: a wrong size, an unknown flag or category bit in any of the four
 * masks, or an unaligned start is -EINVAL; a range that is not inside the
 * guest's memory is -EFAULT; a vec_len without a vec is -EINVAL, and so
 * is one whose size in bytes (vec_len * 24) would not fit 32 bits: the
 * product is formed in 64 bits, where it cannot wrap, and compared. A
 * vector that is not inside the caller's memory is -EFAULT. */
int32_t pm_scan_check(const struct pm_scan_arg *a, uint64_t limit, uint64_t user_end)
{
	uint64_t masks = a->category_inverted | a->category_mask |
			 a->category_anyof_mask | a->return_mask;
	uint64_t vec_bytes;

	if (a->size != sizeof(struct pm_scan_arg))
		return -EINVAL;
	if ((a->flags & ~PM_SCAN_FLAGS) || (masks & ~PM_SCAN_CATEGORIES))
		return -EINVAL;
	if (a->start & PAGE_OFFSET_MASK)
		return -EINVAL;
	if (a->end < a->start || a->end > limit)
		return -EFAULT;
	if (!a->vec && a->vec_len)
		return -EINVAL;
	if (a->vec_len > UINT32_MAX / sizeof(struct page_region))
		return -EINVAL;
	vec_bytes = a->vec_len * sizeof(struct page_region);
	if (a->vec && (a->vec > user_end || vec_bytes > user_end - a->vec))
		return -EFAULT;
	return 0;
}

/* c = categories ^ inverted; all of mask, and one of anyof if it has any. */
bool pm_scan_matches(const struct pm_scan_arg *a, uint64_t cats)
{
	uint64_t c = cats ^ a->category_inverted;

	return (c & a->category_mask) == a->category_mask &&
	       (!a->category_anyof_mask || (c & a->category_anyof_mask));
}

/* Only pages with WRITTEN can match: the walk may visit the index's. */
static bool needs_written(const struct pm_scan_arg *a)
{
	uint64_t want = PAGE_IS_WRITTEN;

	if (a->category_inverted & want)
		return false;
	return (a->category_mask & want) || a->category_anyof_mask == want;
}

/* A page is armed again if it was written or was never armed. */
static bool needs_arming(uint64_t cats)
{
	return (cats & PAGE_IS_WRITTEN) || !(cats & PAGE_IS_WPALLOWED);
}

/*V:415 The answer is built one region at a time: cur is the region still
 * growing, regions the number already stored. A page extends cur if it
 * follows it with the same reported categories; otherwise cur is stored
 * and a new one begins, unless that would be region vec_len + 1, or the
 * page would be one beyond max_pages: then the walk stops at that page,
 * which is where the caller resumes. Stopping only when a page cannot be
 * reported means that a walk whose last page filled the vector or the
 * cap exactly still runs to the end, and walk_end == end says "complete"
 * exactly when it is.:*/
struct scan_walk {
	const struct scan_ops *ops;
	const struct pm_scan_arg *a;
	bool output;			/* a vector of at least one region */
	bool open;			/* cur holds a region */
	struct page_region cur;
	uint64_t regions;		/* stored through ops->emit */
	uint64_t pages;			/* reported, cur's included */
	int32_t err;
};

/* 1: reported; 0: no room, stop here; -EFAULT: the store failed. */
static int32_t report(struct scan_walk *w, uint32_t gpfn, uint64_t cats)
{
	uint64_t addr = (uint64_t)gpfn * SCAN_PAGE, shown = cats & w->a->return_mask;

	if (!w->output)
		return 1;
	if (w->a->max_pages && w->pages == w->a->max_pages)
		return 0;
	if (w->open && w->cur.end == addr && w->cur.categories == shown) {
		w->cur.end += SCAN_PAGE;
		w->pages++;
		return 1;
	}
	if (w->open) {
		if (w->regions + 1 == w->a->vec_len)
			return 0;
		if (w->ops->emit(w->ops->ctx, w->regions, &w->cur))
			return -EFAULT;
		w->regions++;
	}
	w->cur = (struct page_region){ addr, addr + SCAN_PAGE, shown };
	w->open = true;
	w->pages++;
	return 1;
}
/*:*/

/*V:418 The walk itself. A page that matches is reported, then (with
 * WP_MATCHING) armed; one that cannot be reported is neither, so the
 * next call finds it as it was. */
static uint32_t next_candidate(const struct scan_walk *w, uint32_t pfn, uint32_t last, bool fast)
{
	return fast ? w->ops->next_written(w->ops->ctx, pfn, last) : pfn;
}

static int64_t finish(struct scan_walk *w)
{
	if (w->open && !w->err) {
		if (w->ops->emit(w->ops->ctx, w->regions, &w->cur))
			return -EFAULT;
		w->regions++;
	}
	return w->err ? w->err : (int64_t)w->regions;
}

int64_t pm_scan_walk(const struct scan_ops *ops, struct pm_scan_arg *a)
{
	struct scan_walk w = { .ops = ops, .a = a, .output = a->vec && a->vec_len };
	uint32_t pfn = (uint32_t)(a->start / SCAN_PAGE);
	uint32_t last = (uint32_t)((a->end + PAGE_OFFSET_MASK) / SCAN_PAGE);
	bool fast = ops->next_written && needs_written(a);
	bool arm = a->flags & PM_SCAN_WP_MATCHING;

	a->walk_end = (uint64_t)last * SCAN_PAGE;
	for (; (pfn = next_candidate(&w, pfn, last, fast)) < last; pfn++) {
		uint64_t cats = ops->categories(ops->ctx, pfn);
		int32_t done;

		if (!pm_scan_matches(a, cats))
			continue;
		done = report(&w, pfn, cats);
		if (done <= 0) {
			w.err = done;
			a->walk_end = (uint64_t)pfn * SCAN_PAGE;
			break;
		}
		if (arm && needs_arming(cats))
			ops->write_protect(ops->ctx, pfn);
	}
	return finish(&w);
}

/*V:420 The index of pages that may be written: one bit per page, and a
 * summary with one bit per word of those bits that is not zero. Whoever
 * marks a page written sets its bit; arming clears it. Finding the next
 * candidate skips 32 words of clean pages (32,768 pages) per summary
 * word and then 32 pages per word, so a walk over 64 MiB with nothing
 * written reads 1 summary word, and one with K written pages reads about
 * K words. */
void scan_index_set(struct scan_index *x, uint32_t n)
{
	if (n >= x->npages)
		return;
	x->bits[n / 32] |= 1u << (n % 32);
	x->summary[n / 1024] |= 1u << (n / 32 % 32);
}

void scan_index_clear(struct scan_index *x, uint32_t n)
{
	uint32_t w = n / 32;

	if (n >= x->npages)
		return;
	x->bits[w] &= ~(1u << (n % 32));
	if (!x->bits[w])
		x->summary[w / 32] &= ~(1u << (w % 32));
}

/* A word at a time: every page, and no bit beyond the last. */
void scan_index_fill(struct scan_index *x)
{
	uint32_t words = SCAN_INDEX_WORDS(x->npages), tail = x->npages % 32;

	for (uint32_t w = 0; w < words; w++)
		x->bits[w] = ~0u;
	if (tail)
		x->bits[words - 1] = (1u << tail) - 1;
	for (uint32_t s = 0; s < SCAN_SUMMARY_WORDS(x->npages); s++)
		x->summary[s] = ~0u;
	if (words % 32)
		x->summary[SCAN_SUMMARY_WORDS(x->npages) - 1] = (1u << (words % 32)) - 1;
}

/* The first word at or after w whose bits are not all zero, or words. */
static uint32_t next_word(const struct scan_index *x, uint32_t w, uint32_t words)
{
	while (w < words) {
		uint32_t s = x->summary[w / 32] >> (w % 32);

		if (s)
			return w + (uint32_t)__builtin_ctz(s);
		w = (w / 32 + 1) * 32;
	}
	return words;
}

uint32_t scan_index_next(const struct scan_index *x, uint32_t from, uint32_t to)
{
	uint32_t words = SCAN_INDEX_WORDS(x->npages), stop = to < x->npages ? to : x->npages;

	while (from < stop) {
		uint32_t w = from / 32, bits = x->bits[w] >> (from % 32);

		if (bits) {
			from += (uint32_t)__builtin_ctz(bits);
			return from < stop ? from : to;
		}
		from = next_word(x, w + 1, words) * 32;
	}
	return to;
}
