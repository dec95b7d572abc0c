/*V:430 host/memory/pm_scan.c: KN_PM_SCAN, the scan of a guest's pages
 * for whoever may ask: its Launcher through /dev/kennel (H:150's
 * neighbours) and the monitor through /dev/kennelctl (V:450).
 *
 * The argument is Linux's struct pm_scan_arg, copied in whole; the walk
 * is scan.c's (V:400), over the guest's memory object: a page's
 * categories come from gmap_categories and arming is gmap_write_protect
 * (V:300). The vector is the caller's memory, written a region at a time
 * with copy_to_user; only walk_end is written back into the argument, as
 * Linux does. The guest does not run while this runs (its Launcher is in
 * this ioctl, or the monitor is, and the host is not preempted inside
 * the kernel), so a report and the re-arming that goes with it happen
 * with no guest write between them.
 *
 * The written index (V:420) is the guest's: every page starts in it,
 * since a page never armed counts as written, and every path that marks
 * a page written puts it back (pm_scan_note_written). Next: V:440. */
#include "lib/string.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/memory/scan.h"
#include "host/kernel/heap.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/uspace.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"

/* Regions go out SCAN_BATCH at a time: one copy_to_user (and its check
 * of the caller's page tables) per batch instead of one per region. */
#define SCAN_BATCH	32

struct scan_ctx {
	struct guest *g;
	uint32_t vec;			/* the caller's struct page_region[] */
	uint32_t held;			/* regions in batch, not yet copied out */
	uint64_t first;			/* the number of batch[0] */
	struct page_region batch[SCAN_BATCH];
};

static uint64_t ctx_categories(void *ctx, uint32_t gpfn)
{
	return gmap_categories(((struct scan_ctx *)ctx)->g, gpfn);
}

static uint32_t ctx_next_written(void *ctx, uint32_t from, uint32_t to)
{
	return scan_index_next(&((struct scan_ctx *)ctx)->g->written, from, to);
}

/* Arming takes the write from both mappings of the page: the guest's
 * shadow PTEs (gmap) and the Launcher's own (the OS's write watch,
 * U:900). A page gmap will not protect (the shared page) stays written,
 * and so stays in the index. */
static void ctx_write_protect(void *ctx, uint32_t gpfn)
{
	struct guest *g = ((struct scan_ctx *)ctx)->g;

	gmap_write_protect(g, gpfn);
	if (gmap_categories(g, gpfn) & PAGE_IS_WRITTEN)
		return;
	uspace_watch_arm(g->launcher, g->mem_base + gpfn * PAGE_SIZE);
	scan_index_clear(&g->written, gpfn);
}

static int32_t flush_batch(struct scan_ctx *c)
{
	uint32_t at = c->vec + (uint32_t)c->first * sizeof(c->batch[0]);
	int32_t err = c->held ? copy_to_user(at, c->batch, c->held * sizeof(c->batch[0])) : 0;

	c->first += c->held;
	c->held = 0;
	return err ? -EFAULT : 0;
}

static int32_t ctx_emit(void *ctx, uint64_t n, const struct page_region *r)
{
	struct scan_ctx *c = ctx;

	BUG_ON(n != c->first + c->held);
	c->batch[c->held++] = *r;
	return c->held == SCAN_BATCH ? flush_batch(c) : 0;
}

/*V:440 The index lives as long as the guest: npages bits and a summary,
 * 2 KiB and 64 bytes for 64 MiB of guest. The Launcher's mapping of the
 * guest is watched for as long (U:900): a write through it to an armed
 * page comes here, as the page, and marks it written like any other. */
static void launcher_wrote(void *ctx, uint32_t va)
{
	struct guest *g = ctx;
	uint32_t gpfn = (va - g->mem_base) / PAGE_SIZE;

	gmap_mark_written(g, gpfn);	/* and the index: V:420 */
}

/* Both levels in one block of whole frames (the heap's blocks above 2 KiB
 * are whole frames), so that the guest's end gives the frames back and
 * no size class keeps one. */
#define INDEX_MIN_BYTES	(2048 + 1)

int32_t pm_scan_init(struct guest *g)
{
	uint32_t n = g->pfn_limit, words = SCAN_INDEX_WORDS(n);
	uint32_t bytes = (words + SCAN_SUMMARY_WORDS(n)) * sizeof(uint32_t);

	g->written.npages = n;
	g->written.bits = kzalloc(bytes > INDEX_MIN_BYTES ? bytes : INDEX_MIN_BYTES);
	g->written.summary = g->written.bits ? g->written.bits + words : NULL;
	if (!g->written.bits ||
	    uspace_watch(g->launcher, g->mem_base, guest_limit(g), launcher_wrote, g)) {
		pm_scan_destroy(g);
		return -ENOMEM;
	}
	g->watched = true;
	if (g->gmap_live)		/* all missing: nothing written yet (V:560) */
		scan_index_fill(&g->written);
	return 0;
}

void pm_scan_destroy(struct guest *g)
{
	if (g->watched)
		uspace_unwatch(g->launcher, g->mem_base, guest_limit(g));
	g->watched = false;
	kfree(g->written.bits);
	g->written = (struct scan_index){ 0 };
}

void pm_scan_note_written(struct guest *g, uint32_t gpfn)
{
	if (g->written.bits)
		scan_index_set(&g->written, gpfn);
}

/* PM_SCAN_CHECK_WPASYNC: every page of the range armed, or -EPERM. It
 * asks every page: the one part of a scan that costs the range's size. */
static int32_t check_armed(struct guest *g, const struct pm_scan_arg *a)
{
	uint32_t last = (uint32_t)((a->end + SCAN_PAGE - 1) / SCAN_PAGE);

	for (uint32_t pfn = (uint32_t)(a->start / SCAN_PAGE); pfn < last; pfn++)
		if (!(gmap_categories(g, pfn) & PAGE_IS_WPALLOWED))
			return -EPERM;
	return 0;
}

/* The ioctl, for a guest already found: uarg is the caller's struct
 * pm_scan_arg. The number of regions, or a negative errno. */
int32_t pm_scan_ioctl(struct guest *g, uint32_t uarg)
{
	struct pm_scan_arg a;
	struct scan_ctx ctx;		/* 800 bytes of the kernel stack */
	struct scan_ops ops = { ctx_categories, ctx_next_written, ctx_write_protect,
				ctx_emit, &ctx };
	int64_t n;
	int32_t err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = pm_scan_check(&a, guest_limit(g), USER_SPACE_END);
	if (!err && (a.flags & PM_SCAN_CHECK_WPASYNC))
		err = check_armed(g, &a);
	if (err)
		return err;
	ctx = (struct scan_ctx){ .g = g, .vec = (uint32_t)a.vec };
	n = pm_scan_walk(&ops, &a);
	if (n >= 0 && flush_batch(&ctx))
		n = -EFAULT;
	if (copy_to_user(uarg + offsetof(struct pm_scan_arg, walk_end), &a.walk_end,
			 sizeof(a.walk_end)))
		return -EFAULT;
	return (int32_t)n;
}
