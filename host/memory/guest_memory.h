/*V:005 host/memory/guest_memory.h: the one seam between the hypervisor and
 * a guest's memory.
 *
 * Every host user of a guest page comes through the functions declared
 * here, and they all reach the page through one object, the guest memory
 * object (host/memory/gmap.c, V:300): per guest-physical page its host
 * frame, a state, a reference count and what has happened to it (written,
 * accessed, used as a page table). Nobody holds a host frame without a
 * reference from it, so what a guest page *is* (today: the Launcher's
 * frame, always present; later: missing, paged out, shared) is decided
 * in one place, and write tracking for KN_PM_SCAN sees every write.
 *
 * This chapter follows the Switcher's: the guest you watched cross into
 * ring 1 was running on a page directory the host built, a shadow of its
 * own. The folder's files, in reading order, each caller before what it
 * calls:
 *
 *   shadow.c      the shadow page tables the guest really runs on (V:100),
 *                 filled by demand_page on a guest's page fault (V:110)
 *   guest_walk.c  the walk of the guest's own page tables (V:120)
 *   access.c      checked copies to and from guest memory (V:200)
 *   gmap.c        the guest memory object: frames, references, write
 *                 tracking, teardown (V:300)
 *   scan.c        KN_PM_SCAN's walk, pure logic, and the index of
 *                 written pages (V:400)
 *   pm_scan.c     KN_PM_SCAN itself, for the Launcher and the monitor (V:430)
 *
 * Next: V:100. */
#ifndef HOST_MEMORY_GUEST_MEMORY_H
#define HOST_MEMORY_GUEST_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "host/guest.h"

/* gmap.c: the guest memory object, one per guest. Every host user
 * of a guest page names it by (guest, gpfn) and holds a reference while it
 * uses the frame: each shadow PTE holds one from fill to release, a host
 * copy for its duration, a Launcher I/O buffer until completion; the
 * Launcher's own mapping of a present page is the base reference. A frame
 * goes back to the OS only when its count reaches zero. */
enum gpage_state {
	GPAGE_MISSING,			/* no frame yet (userfault, #16) */
	GPAGE_PRESENT,			/* a frame of its own */
	GPAGE_ZERO,			/* the shared zero frame, copied on write */
	GPAGE_PAGING_OUT, GPAGE_PAGED, GPAGE_PAGING_IN,	/* reserved: the pager */
};

#define GPAGE_WP	0x01		/* write tracking armed */
#define GPAGE_WRITTEN	0x02		/* written since armed, by any path */
#define GPAGE_ACCESSED	0x04		/* used since armed */
#define GPAGE_PAGETABLE	0x08		/* shadowed as a guest page table */
#define GPAGE_SPECIAL	0x10		/* the shared page: never write-protected */
#define GPAGE_UFWP	0x20		/* KN_UF_WRITEPROTECT: a write waits (V:580) */
#define GPAGE_COW	0x40		/* GPAGE_ZERO: mapped read-only, copied on write */

struct gpage {
	uint32_t frame;			/* host physical address, 0: none */
	uint16_t ref;			/* users, the Launcher's mapping included */
	uint8_t state;			/* enum gpage_state */
	uint8_t flags;			/* GPAGE_* */
};

enum gmap_intent { GMAP_READ, GMAP_WRITE, GMAP_IO };

/* The frame behind gpfn with a reference taken: 0, or -EINVAL beyond
 * pfn_limit, -ESHUTDOWN once the guest is being torn down, -EAGAIN for a
 * page that is not there (missing, paged). GMAP_WRITE marks it written. */
int32_t gmap_get(struct guest *g, uint32_t gpfn, enum gmap_intent intent, uint32_t *frame);
void gmap_put(struct guest *g, uint32_t gpfn);
/* Its PAGE_IS_* categories (arch/x86/kennel_dev.h), for KN_PM_SCAN. */
uint64_t gmap_categories(struct guest *g, uint32_t gpfn);
/* Arm write tracking: clear WRITTEN and ACCESSED, set WP, and take write
 * permission from every shadow PTE mapping gpfn (aliases and cached
 * directories included) before the guest next runs. */
void gmap_write_protect(struct guest *g, uint32_t gpfn);
/* A write reached gpfn by a path that is not a shadow PTE. */
void gmap_mark_written(struct guest *g, uint32_t gpfn);

/* gmap_lazy.c: pages that come later (V:560). The host's one zero frame,
 * allocated at boot; the slow part of gmap_get (a page that is not
 * simply present); filling a missing page from the caller's memory or
 * with the zero frame (0, -EEXIST, -ENOMEM, -EFAULT); the Launcher's
 * faults in its reserved guest memory; userfault write protection. */
extern uint32_t gmap_zero_frame;
void gmap_lazy_init(void);
int32_t gmap_get_slow(struct guest *g, uint32_t gpfn, enum gmap_intent intent);
int32_t gmap_fill_copy(struct guest *g, uint32_t gpfn, uint32_t usrc, bool wp);
int32_t gmap_fill_zero(struct guest *g, uint32_t gpfn);
int32_t gmap_lazy_attach(struct guest *g);
void gmap_lazy_detach(struct guest *g);
void gmap_uf_protect(struct guest *g, uint32_t gpfn, bool protect);

/*V:315 The array is built a frame of it at a time. A guest whose every
 * page is missing starts with none of its frames cleared (clearing 2 MiB
 * for a 1 GiB guest would make its start grow with its size): a frame of
 * the array is cleared, and marked ready, the first time one of its 512
 * entries is to be written (gpage_mut); until then each of them reads as
 * the one missing page below (gpage_at). An eager guest has every frame
 * ready from KN_INIT. Only a ready entry can be PRESENT, so the hot path
 * checks readiness and then the state, and takes a reference only from a
 * ready entry. */
#define GPAGES_PER_FRAME	(PAGE_SIZE / sizeof(struct gpage))
extern const struct gpage gmap_missing_page;
struct gpage *gmap_ready_frame(struct guest *g, uint32_t gpfn);

static inline bool gpage_ready(const struct guest *g, uint32_t gpfn)
{
	return g->gmap_ready[gpfn / GPAGES_PER_FRAME];
}

/* gpfn below pfn_limit, both: read, or about to be written. */
static inline const struct gpage *gpage_at(const struct guest *g, uint32_t gpfn)
{
	return gpage_ready(g, gpfn) ? &g->gpages[gpfn] : &gmap_missing_page;
}

static inline struct gpage *gpage_mut(struct guest *g, uint32_t gpfn)
{
	return gpage_ready(g, gpfn) ? &g->gpages[gpfn] : gmap_ready_frame(g, gpfn);
}

static inline bool gmap_missing(const struct guest *g, uint32_t gpfn)
{
	return gpfn < g->pfn_limit && gpage_at(g, gpfn)->state == GPAGE_MISSING;
}

/* gmap.c's own, for the host's memory code and kennel_dev.c: build the
 * gmap at KN_INIT (after the pin), begin and finish its teardown (V:360),
 * whether a page is armed and not yet written again (V:340), a page seen
 * as a guest page table, the shared page's lifelong reference (V:350). */
int32_t gmap_init(struct guest *g);
void gmap_begin_teardown(struct guest *g);
void gmap_destroy(struct guest *g);
uint8_t *gmap_hold_special(struct guest *g, uint32_t gpfn);
int32_t gmap_copy(struct guest *g, uint32_t gpa, void *buf, uint32_t n, bool write);
bool gmap_read_u32(struct guest *g, uint32_t gpa, uint32_t *value);
bool gmap_write_u32(struct guest *g, uint32_t gpa, uint32_t value);

/* Whether a shadow entry for gpfn must be read-only: armed for write
 * tracking and not written since, write-protected for a userfault
 * handle, or the shared zero frame. Asked on every shadow fill and walk,
 * so inline. */
static inline bool gmap_protected(const struct guest *g, uint32_t gpfn)
{
	uint8_t f;

	if (gpfn >= g->pfn_limit)
		return false;
	f = gpage_at(g, gpfn)->flags;
	return (f & (GPAGE_WP | GPAGE_WRITTEN | GPAGE_SPECIAL)) == GPAGE_WP ||
	       (f & (GPAGE_UFWP | GPAGE_COW));
}

/* A shadow entry still pointing at the zero frame for a page that has
 * since been copied (V:575): the sweep drops it. */
static inline bool gmap_stale(const struct guest *g, uint32_t gpfn, uint32_t spte)
{
	return gpfn < g->pfn_limit && !(gpage_at(g, gpfn)->flags & GPAGE_COW) &&
	       (spte & PAGE_MASK) == gmap_zero_frame;
}

static inline void gmap_mark_pagetable(struct guest *g, uint32_t gpfn)
{
	if (gpfn < g->pfn_limit)
		gpage_mut(g, gpfn)->flags |= GPAGE_PAGETABLE;
}

/* pm_scan.c: KN_PM_SCAN (V:430). The index of written pages lives from
 * pm_scan_init to pm_scan_destroy; every path that marks a page written
 * notes it with pm_scan_note_written. */
int32_t pm_scan_init(struct guest *g);
void pm_scan_destroy(struct guest *g);
void pm_scan_note_written(struct guest *g, uint32_t gpfn);
int32_t pm_scan_ioctl(struct guest *g, uint32_t uarg);

/* access.c: copy between the host and guest-physical memory. Any failure
 * kills the guest ("bad read address 0x... len ...") and a failed read
 * fills buf with zeroes, so callers carry on without checking. */
/* The shared page's view: where [gpa, gpa+len) is in the host's direct
 * map, if it is inside one guest page, with that page held for the
 * guest's life; NULL otherwise (V:205). Once per guest, at KH_INIT. */
uint8_t *guest_page_view(struct guest *g, uint32_t gpa, uint32_t len);
void guest_read(struct guest *g, uint32_t gpa, void *buf, uint32_t len);
void guest_write(struct guest *g, uint32_t gpa, const void *buf, uint32_t len);
uint32_t guest_read_u32(struct guest *g, uint32_t gpa);
void guest_write_u32(struct guest *g, uint32_t gpa, uint32_t value);

/* The same through the guest's own page tables, at a virtual address. */
void guest_read_virt(struct guest *g, uint32_t va, void *buf, uint32_t len);
void guest_write_virt(struct guest *g, uint32_t va, const void *buf, uint32_t len);

/* guest_walk.c: translate a guest-virtual address as the guest's tables
 * say, at ring 1's privilege, marking it accessed (and dirty for a
 * write). False if the guest has it unmapped or forbidden; a broken
 * table kills the guest. */
bool guest_virt_to_phys(struct guest *g, uint32_t vaddr, bool write, uint32_t *gpa);

/* shadow.c: the shadow page tables (V:100). */
int32_t shadow_init(struct guest *g);
void shadow_destroy(struct guest *g);
uint32_t shadow_cr3(struct guest *g);
bool demand_page(struct guest *g, uint32_t vaddr, uint32_t errcode);
void shadow_switch(struct guest *g, uint32_t gpgdir);
void shadow_set_pte(struct guest *g, uint32_t gpgdir, uint32_t va);
void shadow_set_pde(struct guest *g, uint32_t gpgdir, uint32_t slot);
void shadow_flush(struct guest *g, bool all);
void shadow_pin_stack(struct guest *g);
void shadow_write_protect(struct guest *g);

#endif
