/*V:300 host/memory/gmap.c: the guest memory object, what a guest page is.
 *
 * Each guest has one array of struct gpage, one entry per guest-physical
 * page below pfn_limit (guest_memory.h). It says which host frame is
 * behind the page, in what state the page is, how many users hold it and
 * what has happened to it since write tracking was last armed. Every host
 * user of a guest page names it by (guest, gpfn) and comes here: the
 * shadow page tables (V:100) take a reference for each entry they fill
 * and drop it when they forget the entry, the host's copies (V:200) take
 * one for the length of a copy, the shared page (V:205) one for the
 * guest's life, and the Launcher's device code one for an I/O buffer
 * (GMAP_IO). Nobody keeps a host frame number it did not get from here,
 * and nobody turns a host frame back into a guest page: a shadow table
 * remembers the gpfn of each of its entries beside it (V:176).
 *
 * A PRESENT page is the Launcher's page at mem_base + X * 4096 for
 * guest-physical page X, which the OS keeps from being unmapped while the
 * guest lives (the pin, U:145). The Launcher's mapping is each page's
 * base reference, so a page that nobody else uses has ref 1, and PINNED
 * (ref > 1) means "in use by the host or by a shadow". A page of memory
 * the Launcher reserved without frames starts MISSING, with no frame and
 * no reference, and comes later through its userfault handle, as its own
 * frame or as the shared zero frame (gmap_lazy.c, V:560). Next: V:310. */
#include "lib/string.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"
#include "host/kernel/uspace.h"

#define GPAGE_REF_MAX	0xffffu

_Static_assert(sizeof(struct gpage) == 8, "a guest of 1 GiB has a 2 MiB gmap, no more");
_Static_assert((uint16_t)GPAGE_REF_MAX == GPAGE_REF_MAX, "ref is 16 bits");

/*V:310 Building the gmap at KN_INIT, after the pin: every page must be a
 * present, writable page of the Launcher's, or reserved without a frame
 * (U:920), which starts MISSING. A present page starts WRITTEN and not
 * armed: as in Linux's PAGEMAP_SCAN, a page nobody has write-protected
 * counts as written (the Launcher wrote the kernel into it), and only
 * gmap_write_protect (V:340) starts tracking. Memory reserved whole is
 * all MISSING, which the zeroed array already says, so it costs nothing
 * per page: a lazily restored guest starts in the same time whatever its
 * size. The caller tears down whatever was built if this fails. */
static int32_t gmap_page_init(struct guest *g, uint32_t gpfn)
{
	uint32_t va = g->mem_base + gpfn * PAGE_SIZE, frame = user_frame(g->launcher, va);

	if (!frame)
		return uspace_reserved(g->launcher, va, PAGE_SIZE) ? 0 : -EFAULT;
	g->gpages[gpfn] = (struct gpage){ frame, 1, GPAGE_PRESENT, GPAGE_WRITTEN };
	g->gmap_live++;
	return 0;
}

static uint32_t gmap_pages(const struct guest *g)
{
	return (g->pfn_limit * sizeof(struct gpage) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The array is whole frames of its own, not the heap's: a guest gone
 * leaves nothing behind, not even a slab page. */
int32_t gmap_init(struct guest *g)
{
	uint32_t pa = frames_alloc_contig(gmap_pages(g));

	if (!pa)
		return -ENOMEM;
	g->gpages = phys_to_virt(pa);
	_Static_assert(GPAGE_MISSING == 0, "a zeroed gpage is a missing page");
	if (uspace_reserved(g->launcher, g->mem_base, guest_limit(g)) &&
	    !uspace_has_frames(g->launcher, g->mem_base, guest_limit(g)))
		return gmap_lazy_attach(g);	/* no frame of the array ready (V:315) */
	memset(g->gpages, 0, gmap_pages(g) * PAGE_SIZE);
	memset(g->gmap_ready, 1, gmap_pages(g));
	for (uint32_t gpfn = 0; gpfn < g->pfn_limit; gpfn++)
		if (gmap_page_init(g, gpfn))
			return -EFAULT;
	return g->gmap_live == g->pfn_limit ? 0 : gmap_lazy_attach(g);
}

/* The first write to an entry of a frame of the array not yet ready (V:315)
 * clears that frame. */
const struct gpage gmap_missing_page;

_Static_assert(GPAGES_PER_FRAME * sizeof(struct gpage) == PAGE_SIZE, "entries fill a frame");
_Static_assert(sizeof(((struct guest *)0)->gmap_ready) * GPAGES_PER_FRAME >=
	       0x40000000u / PAGE_SIZE, "gmap_ready covers a guest of 1 GiB");

struct gpage *gmap_ready_frame(struct guest *g, uint32_t gpfn)
{
	uint32_t f = gpfn / GPAGES_PER_FRAME;

	memset(&g->gpages[f * GPAGES_PER_FRAME], 0, PAGE_SIZE);
	g->gmap_ready[f] = 1;
	return &g->gpages[gpfn];
}

/*V:320 gmap_get and gmap_put: the one way to use a guest page. A request
 * is checked against pfn_limit, refused with -ESHUTDOWN once teardown has
 * begun (an ordinary error, as any other: the caller kills or gives up),
 * and with -EAGAIN for a page with no frame (no such page yet: room for
 * the pager and userfaults; gmap_get_slow, V:565, says which, and makes a
 * zero page a page of its own on its first write). A write through the reference marks the page
 * WRITTEN here, before the frame is handed out, so no write can happen
 * unrecorded; any use marks it ACCESSED. The count is 16 bits: a page
 * held 65,535 times is refused with -ERANGE (a guest mapping one page
 * at that many addresses is killed by the shadow code). */
static inline int32_t take_ref(struct guest *g, struct gpage *p, uint32_t gpfn,
			       enum gmap_intent intent, uint32_t *frame)
{
	if (p->ref == GPAGE_REF_MAX)
		return -ERANGE;
	p->ref++;
	p->flags |= GPAGE_ACCESSED | (intent == GMAP_WRITE ? GPAGE_WRITTEN : 0);
	if (intent == GMAP_WRITE)
		pm_scan_note_written(g, gpfn);	/* the scan's index (V:420) */
	*frame = p->frame;
	return 0;
}

static inline int32_t get_present(struct guest *g, uint32_t gpfn, enum gmap_intent intent,
				  uint32_t *frame)
{
	struct gpage *p;

	if (gpfn >= g->pfn_limit)
		return -EINVAL;
	if (g->gmap_dying)
		return -ESHUTDOWN;
	p = &g->gpages[gpfn];
	if (!gpage_ready(g, gpfn) || p->state != GPAGE_PRESENT ||
	    (intent != GMAP_READ && (p->flags & GPAGE_UFWP)))
		return -EAGAIN;
	return take_ref(g, p, gpfn, intent, frame);
}

/* The same for any page: a zero page is fine to read and copied for a
 * write (V:565). The words below use get_present alone, so that the walks'
 * reads stay short, and leave anything else to the general copy. */
static inline __attribute__((always_inline)) int32_t
get_page(struct guest *g, uint32_t gpfn, enum gmap_intent intent, uint32_t *frame)
{
	int32_t err = get_present(g, gpfn, intent, frame);

	if (err == -EAGAIN && !(err = gmap_get_slow(g, gpfn, intent)))
		err = take_ref(g, &g->gpages[gpfn], gpfn, intent, frame);
	return err;
}

/* A put without a get is a host bug. The last reference of a page goes
 * only at teardown (the Launcher's, V:360); a frame the gmap owned itself
 * would be freed here. */
static inline void put_page(struct guest *g, uint32_t gpfn)
{
	struct gpage *p;

	BUG_ON(gpfn >= g->pfn_limit);
	p = &g->gpages[gpfn];
	BUG_ON(p->ref == 0);
	if (--p->ref == 0)
		g->gmap_live--;
}

int32_t gmap_get(struct guest *g, uint32_t gpfn, enum gmap_intent intent, uint32_t *frame)
{
	return get_page(g, gpfn, intent, frame);
}

void gmap_put(struct guest *g, uint32_t gpfn)
{
	put_page(g, gpfn);
}

/* The host's copies (V:200) in one call per page: n bytes at gpa, inside
 * one guest page, with the page held for the copy and marked WRITTEN
 * before a byte lands. 0, or gmap_get's error. */
int32_t gmap_copy(struct guest *g, uint32_t gpa, void *buf, uint32_t n, bool write)
{
	uint32_t gpfn = gpa / PAGE_SIZE, frame;
	int32_t err = get_page(g, gpfn, write ? GMAP_WRITE : GMAP_READ, &frame);
	uint8_t *view;

	if (err)
		return err;
	view = (uint8_t *)phys_to_virt(frame) + (gpa & ~PAGE_MASK);
	if (write)
		memcpy(view, buf, n);
	else
		memcpy(buf, view, n);
	put_page(g, gpfn);
	return 0;
}

/* The same for one aligned word, the walks' and the interrupt frames'
 * most common access. */
bool gmap_read_u32(struct guest *g, uint32_t gpa, uint32_t *value)
{
	uint32_t gpfn = gpa / PAGE_SIZE, frame;

	if ((gpa & 3) || get_present(g, gpfn, GMAP_READ, &frame))
		return false;
	*value = *(uint32_t *)phys_to_virt(frame + (gpa & ~PAGE_MASK));
	put_page(g, gpfn);
	return true;
}

bool gmap_write_u32(struct guest *g, uint32_t gpa, uint32_t value)
{
	uint32_t gpfn = gpa / PAGE_SIZE, frame;

	if ((gpa & 3) || get_present(g, gpfn, GMAP_WRITE, &frame))
		return false;
	*(uint32_t *)phys_to_virt(frame + (gpa & ~PAGE_MASK)) = value;
	put_page(g, gpfn);
	return true;
}

/*V:330 What KN_PM_SCAN reports of a page (the PAGE_IS_* bits of
 * arch/x86/kennel_dev.h): a few tests of one entry, cheap enough to ask
 * for every page of a range. The shared page (GPAGE_SPECIAL) is written
 * by the host on every entry and exit, so it is never armed and always
 * reported WRITTEN; a scan of what a guest wrote between two points sees
 * it every time, and a caller counting its own pages leaves out the
 * shared page's address (the guest told the host where it is). */
uint64_t gmap_categories(struct guest *g, uint32_t gpfn)
{
	const struct gpage *p;
	uint64_t c = 0;

	if (gpfn >= g->pfn_limit)
		return 0;
	p = gpage_at(g, gpfn);
	if (p->state == GPAGE_PRESENT)
		c |= PAGE_IS_PRESENT;
	else if (p->state == GPAGE_ZERO)
		c |= PAGE_IS_PRESENT | PAGE_IS_PFNZERO;
	else if (p->state == GPAGE_MISSING)
		c |= PAGE_IS_MISSING;
	else
		c |= PAGE_IS_SWAPPED;
	if (p->flags & GPAGE_WP)
		c |= PAGE_IS_WPALLOWED;
	if (p->flags & (GPAGE_WRITTEN | GPAGE_SPECIAL))
		c |= PAGE_IS_WRITTEN;
	if (p->flags & GPAGE_ACCESSED)
		c |= PAGE_IS_ACCESSED;
	if (p->flags & GPAGE_PAGETABLE)
		c |= PAGE_IS_PAGETABLE;
	if (p->ref > 1)
		c |= PAGE_IS_PINNED;
	return c;
}

/*V:340 Write tracking. Arming a page clears WRITTEN and ACCESSED and sets
 * WP; from then on the page is "protected" (gmap_protected) until the
 * first write by any path sets WRITTEN again. WP stays set: the page is
 * still tracked, and the next arming starts a new round. A scan arms many
 * pages in one ioctl while the guest is stopped, so taking the write
 * permission from the shadows is batched: arming only sets wp_pending,
 * and before the guest next runs one sweep of every shadow table takes
 * RW from each entry whose page is protected (shadow_write_protect,
 * V:178). A fill never installs a writable entry for a protected page
 * except on a write fault, which marks it WRITTEN first (V:110). The
 * invariant, once the sweep has run: a shadow entry is writable only if
 * its page is not protected. */
void gmap_write_protect(struct guest *g, uint32_t gpfn)
{
	struct gpage *p;

	if (gpfn >= g->pfn_limit)
		return;
	p = gpage_mut(g, gpfn);
	if (p->flags & GPAGE_SPECIAL)
		return;
	p->flags = (uint8_t)((p->flags & ~(GPAGE_WRITTEN | GPAGE_ACCESSED)) | GPAGE_WP);
	g->wp_pending = true;
}

void gmap_mark_written(struct guest *g, uint32_t gpfn)
{
	if (gpfn < g->pfn_limit)
		gpage_mut(g, gpfn)->flags |= GPAGE_WRITTEN | GPAGE_ACCESSED;
	pm_scan_note_written(g, gpfn);
}

/*V:350 The shared page: KH_INIT takes a reference to it for the guest's
 * life and marks it SPECIAL (V:205). The view it returns is the host's
 * direct map of the frame, good while that reference is held. */
uint8_t *gmap_hold_special(struct guest *g, uint32_t gpfn)
{
	uint32_t frame;

	if (get_page(g, gpfn, GMAP_WRITE, &frame))
		return NULL;
	g->gpages[gpfn].flags |= GPAGE_SPECIAL;
	g->special_gpfn = gpfn;
	g->special_held = true;
	return phys_to_virt(frame);
}

/*V:360 Teardown, in the order memory.md's review asks for: gmap_dying
 * first, so that any request still coming fails as an ordinary error;
 * then the caller drops every shadow (their puts, V:170); then here the
 * shared page's reference and the Launcher's base references. I/O
 * references are taken and put within one ioctl of the Launcher that
 * owns the guest, and the file's release cannot run during one of its
 * own ioctls, so none can be outstanding now. What is left must be
 * nothing: a count above zero is a leak, a host bug, and stops the
 * machine. Only after this does the caller unpin the Launcher's memory,
 * so the OS can never free a frame the gmap still holds: the invariant is
 * "pinned while gmap_live > 0", and before the base reference goes each
 * page is checked to be still the Launcher's page at its address. That
 * is the end of the chapter; the guest that runs on all this comes next,
 * in a chapter of its own. Next: G:010. */
/* The frame the Launcher's page table has at gpfn's address, a borrowed
 * zero frame included (user_frame asks for a writable page). */
static uint32_t launcher_frame(struct guest *g, uint32_t gpfn)
{
	return uspace_frame_at(g->launcher, g->mem_base + gpfn * PAGE_SIZE);
}

void gmap_begin_teardown(struct guest *g)
{
	g->gmap_dying = true;
}

void gmap_destroy(struct guest *g)
{
	if (!g->gpages)
		return;
	BUG_ON(!g->gmap_dying);
	if (g->special_held)
		put_page(g, g->special_gpfn);
	g->special_held = false;
	g->data_view = NULL;
	for (uint32_t gpfn = 0; gpfn < g->pfn_limit; gpfn++) {
		struct gpage *p = &g->gpages[gpfn];

		if (!gpage_ready(g, gpfn)) {
			gpfn += GPAGES_PER_FRAME - 1;	/* a frame never written: all missing */
			continue;
		}
		if (p->state != GPAGE_MISSING && p->ref) {
			BUG_ON(launcher_frame(g, gpfn) != p->frame);
			put_page(g, gpfn);
		}
		BUG_ON(p->ref != 0);
	}
	gmap_lazy_detach(g);
	BUG_ON(g->gmap_live != 0);
	for (uint32_t n = 0; n < gmap_pages(g); n++)
		BUG_ON(frame_free(virt_to_phys(g->gpages) + n * PAGE_SIZE) != 0);
	g->gpages = NULL;
}
