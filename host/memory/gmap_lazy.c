/*V:560 host/memory/gmap_lazy.c: guest pages that come later.
 *
 * A Launcher that reserved its guest's memory without frames (mmap_reserve,
 * U:920) starts the guest with every page MISSING (V:310). Each page
 * then arrives through the guest's userfault handle (V:500, the ABI at
 * L:710): KN_UF_COPY gives it a frame of its own filled from the
 * Launcher's buffer, KN_UF_ZERO the host's one shared zero frame, read-only,
 * copied the first time anyone writes it. Either way the page is filled
 * and mapped in the Launcher before it is marked present, and nothing
 * maps a page that is not present (gmap_get refuses it, V:565), so no
 * shadow entry, host copy or Launcher access can see a half-filled frame.
 *
 * The frames are the Launcher's, as every guest page is: installed in its
 * page table (uspace_install), counted in its pages, and freed when it
 * exits; the zero frame is lent, never freed. The Launcher's own
 * accesses to a missing page fault in its address space and come here
 * too (V:578). Next: V:565. */
#include "lib/string.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/uspace.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/console.h"

uint32_t gmap_zero_frame;		/* all zeroes, for ever */

void gmap_lazy_init(void)
{
	gmap_zero_frame = frame_alloc();
	BUG_ON(!gmap_zero_frame);
	memset(phys_to_virt(gmap_zero_frame), 0, PAGE_SIZE);
}

static uint32_t launcher_va(const struct guest *g, uint32_t gpfn)
{
	return g->mem_base + gpfn * PAGE_SIZE;
}

/*V:575 The first write to a zero page, by anyone: a frame of its own,
 * zeroed, takes the zero frame's place in the Launcher's page table, and
 * the page is present. Shadow entries may still map the zero frame for
 * it (read-only: they were made for reads); they must not survive, or a
 * read through one would miss the write, so the sweep before the next
 * entry drops every entry left pointing at the zero frame for a page
 * that is no longer a zero page (gmap_stale, V:178). */
static int32_t break_zero(struct guest *g, uint32_t gpfn, struct gpage *p)
{
	uint32_t frame = frame_alloc();

	if (!frame)
		return -ENOMEM;
	memset(phys_to_virt(frame), 0, PAGE_SIZE);
	if (uspace_install(g->launcher, launcher_va(g, gpfn), frame, false)) {
		BUG_ON(frame_free(frame) != 0);
		return -ENOMEM;
	}
	p->frame = frame;
	p->state = GPAGE_PRESENT;
	p->flags &= (uint8_t)~GPAGE_COW;
	g->stats.uf_zero_copies++;
	if (p->ref > 1)
		g->wp_pending = true;
	return 0;
}

/*V:565 gmap_get's slow part (V:320): a page that is not simply present.
 * A zero page is fine to read, and becomes a page of its own for a write;
 * a missing page, or a write to a page under KN_UF_WRITEPROTECT, is
 * -EAGAIN, and the caller raises the fault (V:570). The pager's states
 * (paged out, coming in) are -EAGAIN too, for the pager to come. */
int32_t gmap_get_slow(struct guest *g, uint32_t gpfn, enum gmap_intent intent)
{
	const struct gpage *p = gpage_at(g, gpfn);
	bool write = intent != GMAP_READ;

	if (write && (p->flags & GPAGE_UFWP))
		return -EAGAIN;
	if (p->state == GPAGE_ZERO)
		return write ? break_zero(g, gpfn, &g->gpages[gpfn]) : 0;
	return p->state == GPAGE_PRESENT ? 0 : -EAGAIN;
}

/*V:572 KN_UF_COPY and KN_UF_ZERO, one page at a time (userfault.c
 * checks the request first, V:585). Filled, mapped in the Launcher, and
 * only then present: the order the file's overview promises. A copied
 * page counts as written (the Launcher wrote it), not as accessed: the
 * guest's first use of it says that. */
int32_t gmap_fill_copy(struct guest *g, uint32_t gpfn, uint32_t usrc, bool wp)
{
	struct gpage *p = gpage_mut(g, gpfn);
	uint32_t frame;
	int32_t err;

	if (p->state != GPAGE_MISSING)
		return -EEXIST;
	if (!(frame = frame_alloc()))
		return -ENOMEM;
	err = copy_from_user(phys_to_virt(frame), usrc, PAGE_SIZE);
	if (!err)
		err = uspace_install(g->launcher, launcher_va(g, gpfn), frame, false);
	if (err) {
		BUG_ON(frame_free(frame) != 0);
		return err;
	}
	*p = (struct gpage){ frame, 1, GPAGE_PRESENT, GPAGE_WRITTEN | (wp ? GPAGE_UFWP : 0) };
	g->gmap_live++;
	pm_scan_note_written(g, gpfn);
	return 0;
}

int32_t gmap_fill_zero(struct guest *g, uint32_t gpfn)
{
	struct gpage *p = gpage_mut(g, gpfn);

	if (p->state != GPAGE_MISSING)
		return -EEXIST;
	if (uspace_install(g->launcher, launcher_va(g, gpfn), gmap_zero_frame, true))
		return -ENOMEM;
	*p = (struct gpage){ gmap_zero_frame, 1, GPAGE_ZERO, GPAGE_COW };
	g->gmap_live++;
	return 0;
}

/*V:580 KN_UF_WRITEPROTECT's part here: a protected page keeps its frame,
 * but every write to it waits (gmap_get_slow) and every shadow entry
 * loses RW at the next sweep, as for write tracking (V:340). The shared
 * page is never protected: the host writes it on every entry. */
void gmap_uf_protect(struct guest *g, uint32_t gpfn, bool protect)
{
	struct gpage *p = gpage_mut(g, gpfn);

	if (p->flags & GPAGE_SPECIAL)
		return;
	if (protect) {
		p->flags |= GPAGE_UFWP;
		g->wp_pending = true;
	} else {
		p->flags &= (uint8_t)~GPAGE_UFWP;
	}
}

/*V:578 The Launcher's own touch of its guest's memory, a fault in its
 * reservation (U:935). A write to a zero page is copied as for the guest.
 * A missing page is told to the handle (LAUNCHER) but cannot be waited
 * for: the Launcher is its only resolver (L:715), so the touch fails and
 * the OS reports it. */
static bool launcher_touch(void *ctx, uint32_t va, bool write)
{
	struct guest *g = ctx;
	uint32_t gpfn = (va - g->mem_base) / PAGE_SIZE;
	struct gpage *p;

	if (va < g->mem_base || gpfn >= g->pfn_limit || g->gmap_dying)
		return false;
	p = gpage_mut(g, gpfn);
	if (p->state == GPAGE_ZERO && write)
		return break_zero(g, gpfn, p) == 0;
	if (p->state == GPAGE_MISSING)
		userfault_launcher_touch(g, gpfn * PAGE_SIZE, write);
	return false;
}

/* From KN_INIT (V:310) to teardown (V:360): the Launcher's faults in
 * this guest's memory are ours. */
int32_t gmap_lazy_attach(struct guest *g)
{
	int32_t err = uspace_on_fault(g->launcher, g->mem_base, guest_limit(g), launcher_touch, g);

	g->lazy = !err;
	return err;
}

void gmap_lazy_detach(struct guest *g)
{
	if (g->lazy)
		uspace_on_fault(g->launcher, g->mem_base, guest_limit(g), NULL, NULL);
	g->lazy = false;
}
