/*V:100 host/memory/shadow.c: the page tables a guest really runs on.
 *
 * The CPU must never walk a page table the guest can write: a guest entry
 * could name any frame in the machine. So the page directory in CR3 while
 * a guest runs is always the host's own, a "shadow" of the guest's, whose
 * entries hold host frame numbers the host got itself, with a reference,
 * from the guest memory object (gmap_get, V:320), after walking the
 * guest's own tables (V:120) and checking what it found. Slot 1023 holds the Switcher (S:100); nothing of the
 * host's kernel is mapped at all.
 *
 * A guest starts in linear mode: no page tables of its own, and every
 * virtual page X below pfn_limit is guest-physical page X, present,
 * writable and user-accessible (H:030). Its first KH_NEW_PGTABLE ends
 * that; from then on the shadows start empty and fill on demand, one page
 * fault at a time. Next: that fault, V:110. */
#include "lib/string.h"
#include "arch/x86/kennel_userfault.h"
#include "arch/x86/paging.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/memory/guest_walk.h"
#include "host/kernel/layout.h"
#include "host/kernel/frames.h"
#include "host/kernel/console.h"

#define SHADOW_PDE_FLAGS	(PTE_PRESENT | PTE_RW | PTE_USER)
#define LINEAR_PTE_FLAGS	(PTE_PRESENT | PTE_RW | PTE_USER)
/* The guest PTE flags a shadow PTE keeps: the rest are the host's. */
#define GUEST_PTE_FLAGS		(PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY)
#define NO_GPGDIR		0xffffffffu

/*V:172 What shadows may cost. A guest's shadows could otherwise grow to
 * SHADOW_DIRS directories of 1,023 tables each, 16 MiB of host memory for
 * a guest of 2 MiB. So each guest has a budget of shadow pages in
 * proportion to its memory, one page per SHADOW_BUDGET_RATIO of its own
 * plus SHADOW_BUDGET_MIN, and never more than its share of a host-wide cap
 * (a quarter of all frames, split among GUESTS_MAX guests, so that the
 * budgets of all guests together fit the cap). A guest at its budget is
 * not refused: the host reclaims, forgetting shadows it can fault back in
 * (V:174), and only a guest that still cannot map the one page it needs
 * is killed. */
#define SHADOW_BUDGET_RATIO	8
#define SHADOW_BUDGET_MIN	16	/* 4 directories, a few tables each */
#define SHADOW_HOST_SHARE	4	/* the cap: total frames / this */

static uint32_t shadow_pages_total;	/* all guests' */

static uint32_t shadow_host_cap(void)
{
	return frames_total() / SHADOW_HOST_SHARE;
}

static uint32_t shadow_budget(const struct guest *g)
{
	uint32_t wanted = g->pfn_limit / SHADOW_BUDGET_RATIO + SHADOW_BUDGET_MIN;
	uint32_t share = shadow_host_cap() / GUESTS_MAX;

	return wanted < share ? wanted : share;
}

/* A shadow page of the guest's budget; zeroed unless the caller writes
 * each word before reading it (a gpfn page, V:176). */
static uint32_t *page_alloc(struct guest *g, bool zero)
{
	uint32_t pa;

	if (g->stats.page_tables >= g->shadow_budget || !(pa = frame_alloc()))
		return NULL;
	if (zero)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	g->stats.page_tables++;
	shadow_pages_total++;
	BUG_ON(shadow_pages_total > shadow_host_cap());
	return phys_to_virt(pa);
}

static void page_free(struct guest *g, uint32_t pa)
{
	BUG_ON(frame_free(pa) != 0);
	g->stats.page_tables--;
	shadow_pages_total--;
}

/*V:176 Every shadow entry remembers which guest page it maps, so that
 * it can give back the reference it holds (V:320) without ever turning a
 * host frame into a guest page. A shadow directory is two neighbouring
 * frames, the directory and its link page; the link of slot s holds the
 * physical address of the gpfn page of the table in slot s, whose word i
 * is the gpfn entry i of that table maps, and, in its low 12 bits, how
 * many of the table's entries are present, so that freeing a table stops
 * at its last reference instead of reading all 1,024 entries. Tables and
 * their gpfn pages are single frames (the allocator's quick path); a gpfn
 * page is not zeroed, since its word i is written whenever entry i is
 * filled and read only while entry i is present. Everything counts
 * against the budget. */
#define DIR_PAGES	2
#define TABLE_PAGES	2
#define LINK_COUNT	0xfffu
#define ENTRIES		(PAGE_SIZE / sizeof(uint32_t))
#define GROUP		8

_Static_assert(ENTRIES <= LINK_COUNT, "a link counts every entry of its table");
_Static_assert(ENTRIES % GROUP == 0, "a table is whole groups");

struct stable {
	uint32_t *pte;			/* the shadow table, NULL: none */
	uint32_t *gpfn;			/* its gpfn page */
	uint32_t *link;			/* the directory's link to it */
};

static uint32_t *dir_links(uint32_t *pgdir)
{
	return pgdir + ENTRIES;
}

static struct stable slot_table(uint32_t *pgdir, uint32_t slot)
{
	uint32_t *link = &dir_links(pgdir)[slot];

	return (struct stable){ phys_to_virt(pte_frame(pgdir[slot])),
				phys_to_virt(*link & PAGE_MASK), link };
}

/* Forget entry i of a table, giving back its page's reference. */
static void clear_spte(struct guest *g, struct stable t, uint32_t i)
{
	if (t.pte[i] & PTE_PRESENT) {
		gmap_put(g, t.gpfn[i]);
		(*t.link)--;
	}
	t.pte[i] = 0;
}

/* spte is present: it holds the reference just taken on gpfn. */
static void set_spte(struct guest *g, struct stable t, uint32_t i, uint32_t spte, uint32_t gpfn)
{
	clear_spte(g, t, i);
	t.pte[i] = spte;
	t.gpfn[i] = gpfn;
	(*t.link)++;
}

static bool table_alloc(struct guest *g, uint32_t *pgdir, uint32_t slot)
{
	uint32_t *table, *gpfns;

	if (g->stats.page_tables + TABLE_PAGES > g->shadow_budget || !(table = page_alloc(g, true)))
		return false;
	if (!(gpfns = page_alloc(g, false))) {
		page_free(g, virt_to_phys(table));
		return false;
	}
	pgdir[slot] = virt_to_phys(table) | SHADOW_PDE_FLAGS;
	dir_links(pgdir)[slot] = virt_to_phys(gpfns);
	return true;
}

/* Freeing reads the table eight entries at a time, skipping a group in
 * which nothing is present (most of a table, usually). */
static bool group_empty(const uint32_t *pte)
{
	uint32_t any = 0;

	for (uint32_t i = 0; i < GROUP; i++)
		any |= pte[i];
	return !(any & PTE_PRESENT);
}

static void table_free(struct guest *g, uint32_t *pgdir, uint32_t slot)
{
	struct stable t = slot_table(pgdir, slot);

	for (uint32_t i = 0; i < ENTRIES && (*t.link & LINK_COUNT); i += GROUP) {
		if (group_empty(&t.pte[i]))
			continue;
		for (uint32_t j = i; j < i + GROUP; j++)
			clear_spte(g, t, j);
	}
	BUG_ON(*t.link & LINK_COUNT);
	page_free(g, virt_to_phys(t.pte));
	page_free(g, virt_to_phys(t.gpfn));
	*t.link = 0;
}

/*V:170 A shadow directory's page tables are freed slot by slot: releasing
 * a slot is how every kind of "forget what you knew" is done, from one
 * changed page-directory entry to a whole flush. Each present entry of
 * the table gives its guest page's reference back to the gmap (V:176);
 * the frames themselves are the Launcher's and stay where they are. */
static void release_slot(struct guest *g, uint32_t *pgdir, uint32_t slot)
{
	if (pgdir[slot] & PTE_PRESENT)
		table_free(g, pgdir, slot);
	pgdir[slot] = 0;
}

static void release_slots(struct guest *g, uint32_t *pgdir, uint32_t from, uint32_t to)
{
	for (uint32_t slot = from; slot < to; slot++)
		release_slot(g, pgdir, slot);
}

static uint32_t *new_shadow_dir(struct guest *g)
{
	uint32_t pa, *pgdir;

	if (g->stats.page_tables + DIR_PAGES > g->shadow_budget ||
	    !(pa = frames_alloc_contig(DIR_PAGES)))
		return NULL;
	pgdir = phys_to_virt(pa);
	memset(pgdir, 0, DIR_PAGES * PAGE_SIZE);
	g->stats.page_tables += DIR_PAGES;
	shadow_pages_total += DIR_PAGES;
	BUG_ON(shadow_pages_total > shadow_host_cap());
	pgdir[SWITCHER_PGD] = switcher_guest_pde();
	return pgdir;
}

/*V:174 Reclaiming, when a guest is at its budget: first the tables of
 * every cached directory but the one in use, then those of the one in use
 * except the slot being filled. Everything forgotten faults back in on
 * demand, so this costs the guest time, never correctness. Linear mode is
 * never reclaimed: it was built whole at KN_INIT and has nothing to fault
 * back in. True if anything was freed. */
static bool reclaim(struct guest *g, const uint32_t *keep_dir, uint32_t keep_slot)
{
	uint32_t held = g->stats.page_tables;

	for (uint32_t i = 0; i < SHADOW_DIRS; i++) {
		uint32_t *pgdir = g->shadows[i].pgdir;

		if (pgdir && pgdir != keep_dir)
			release_slots(g, pgdir, 0, SWITCHER_PGD);
	}
	if (g->stats.page_tables < held)
		return true;
	for (uint32_t i = 0; i < SHADOW_DIRS && keep_dir; i++)
		if (g->shadows[i].pgdir == keep_dir) {
			release_slots(g, g->shadows[i].pgdir, 0, keep_slot);
			release_slots(g, g->shadows[i].pgdir, keep_slot + 1, SWITCHER_PGD);
		}
	return g->stats.page_tables < held;
}

static struct stable shadow_table(struct guest *g, uint32_t *pgdir, uint32_t va)
{
	uint32_t slot = pgd_index(va);

	if (!(pgdir[slot] & PTE_PRESENT) && !table_alloc(g, pgdir, slot) &&
	    pgdir != g->linear_pgdir && reclaim(g, pgdir, slot))
		table_alloc(g, pgdir, slot);
	if (!(pgdir[slot] & PTE_PRESENT))
		return (struct stable){ NULL, NULL, NULL };
	return slot_table(pgdir, slot);
}

/*V:160 Linear mode, built once at KN_INIT, after the gmap (V:310): every
 * present guest page is mapped writable, each entry holding its page's
 * reference. A page armed for write tracking while the guest is still in
 * linear mode loses RW at the next sweep (V:178) and gets it back on its
 * first write fault (linear_write_fault). A page that is not there yet
 * (V:560) is mapped at its first fault, read-only if it must be. */
static int32_t map_linear(struct guest *g, uint32_t pfn, bool write)
{
	struct stable table = shadow_table(g, g->linear_pgdir, pfn * PAGE_SIZE);
	uint32_t frame, flags = LINEAR_PTE_FLAGS;
	int32_t err;

	if (!table.pte)
		return -ENOMEM;
	err = gmap_get(g, pfn, write ? GMAP_WRITE : GMAP_READ, &frame);
	if (err)
		return err;
	if (gmap_protected(g, pfn))
		flags &= ~PTE_RW;
	set_spte(g, table, pte_index(pfn * PAGE_SIZE), frame | flags, pfn);
	return 0;
}

int32_t shadow_init(struct guest *g)
{
	int32_t err = 0;

	g->shadow_budget = shadow_budget(g);
	for (uint32_t i = 0; i < SHADOW_DIRS; i++)
		g->shadows[i].gpgdir = NO_GPGDIR;
	g->linear_pgdir = new_shadow_dir(g);
	if (!g->linear_pgdir)
		return -ENOMEM;
	for (uint32_t pfn = 0; pfn < g->pfn_limit && g->gmap_live && !err; pfn++)
		if (!gmap_missing(g, pfn))
			err = map_linear(g, pfn, true);
	if (err)
		shadow_destroy(g);
	return err;
}

static void destroy_dir(struct guest *g, uint32_t **pgdir)
{
	if (!*pgdir)
		return;
	release_slots(g, *pgdir, 0, SWITCHER_PGD);
	for (uint32_t n = 0; n < DIR_PAGES; n++)
		page_free(g, virt_to_phys(*pgdir) + n * PAGE_SIZE);
	*pgdir = NULL;
}

void shadow_destroy(struct guest *g)
{
	destroy_dir(g, &g->linear_pgdir);
	for (uint32_t i = 0; i < SHADOW_DIRS; i++) {
		destroy_dir(g, &g->shadows[i].pgdir);
		g->shadows[i].gpgdir = NO_GPGDIR;
	}
}

uint32_t shadow_cr3(struct guest *g)
{
	if (g->linear_pgdir)
		return virt_to_phys(g->linear_pgdir);
	return virt_to_phys(g->shadows[g->shadow_now].pgdir);
}

/* The shadow of what the walk found: the host frame, with the guest's
 * rights, except that a page the guest has not dirtied yet is read-only
 * (V:130), and so is a page armed for write tracking and not written
 * since (V:340); a write fault marks it written first, through the
 * reference it takes. 0 with the error if the gmap refuses the page. */
static int32_t shadow_pte(struct guest *g, const struct walk *w, bool write, uint32_t *spte)
{
	uint32_t flags = w->pte & w->pde & GUEST_PTE_FLAGS, gpfn = pte_frame(w->pte) / PAGE_SIZE;
	uint32_t frame;
	int32_t err = gmap_get(g, gpfn, write ? GMAP_WRITE : GMAP_READ, &frame);

	if (err == -EAGAIN)
		userfault_raise(g, pte_frame(w->pte), write ? KN_UF_FLAG_WRITE : 0);
	if (err)
		return err;
	if (!(w->pte & PTE_DIRTY) || gmap_protected(g, gpfn))
		flags &= ~PTE_RW;
	flags |= w->pte & (PTE_ACCESSED | PTE_DIRTY);
	*spte = frame | flags;
	return 0;
}

/*V:110 demand_page: a guest page fault the shadow can fix without the
 * guest knowing. run_guest sends every guest #PF here first, with the
 * address from CR2 (H:240). If the guest's own tables allow the access
 * (walk_guest, V:120), the host updates their accessed and dirty bits
 * (V:130), installs the shadow entry, whose frame comes with a reference
 * from the gmap (V:320), and lets the guest retry the instruction;
 * otherwise the fault is the guest's, and its error code must say what
 * the guest's tables say, not the shadow's: "present" when both of the
 * guest's entries are, even if the shadow had nothing yet. In linear mode
 * every page is mapped already, so every fault is the guest's.:*/
static void guest_error_code(struct guest *g, bool present)
{
	if (present)
		g->regs->errcode |= PF_PRESENT;
	else
		g->regs->errcode &= ~PF_PRESENT;
}

/* In linear mode the host fixes two faults: a write to a page armed for
 * write tracking, which the sweep (V:178) left read-only, and the first
 * touch of a page that was not there at KN_INIT, or was mapped read-only
 * as a zero page or for a userfault handle (V:160), which is mapped now
 * as the gmap says, or waits for the page (V:570). */
static uint32_t linear_entry(struct guest *g, uint32_t va)
{
	uint32_t pde = g->linear_pgdir[pgd_index(va)];

	return (pde & PTE_PRESENT) ? ((uint32_t *)phys_to_virt(pte_frame(pde)))[pte_index(va)] : 0;
}

static bool linear_fault(struct guest *g, uint32_t va, uint32_t errcode)
{
	uint32_t gpfn = va / PAGE_SIZE, entry;
	bool write = errcode & PF_WRITE;
	int32_t err;

	if (va >= guest_limit(g))
		return false;
	entry = linear_entry(g, va);
	if ((entry & PTE_PRESENT) && (!write || (entry & PTE_RW)))
		return false;
	if ((entry & PTE_PRESENT) && gmap_protected(g, gpfn) &&
	    !(gpage_at(g, gpfn)->flags & (GPAGE_UFWP | GPAGE_COW))) {
		gmap_mark_written(g, gpfn);
		shadow_table(g, g->linear_pgdir, va).pte[pte_index(va)] |= PTE_RW;
		return true;
	}
	err = map_linear(g, gpfn, write);
	if (err == -EAGAIN)
		userfault_raise(g, va, write ? KN_UF_FLAG_WRITE : 0);
	else if (err)
		kill_guest(g, "linear page 0x%x cannot be mapped (out of host memory)", va);
	return true;
}

/* *present: whether both of the guest's entries for va are present. */
static bool fill_shadow(struct guest *g, uint32_t va, uint32_t errcode, bool *present)
{
	struct walk w;
	struct stable table;
	uint32_t spte;

	*present = walk_guest(g, va, &w);
	if (guest_waits(g))
		return false;		/* its page table is not there yet */
	if (!*present || !access_allowed(&w, errcode) || !pte_frame_ok(g, va, w.pte))
		return false;
	mark_accessed(g, &w, errcode & PF_WRITE);
	table = shadow_table(g, g->shadows[g->shadow_now].pgdir, va);
	if (!table.pte && g->stats.page_tables + TABLE_PAGES > g->shadow_budget) {
		kill_guest(g, "shadow page tables: 0x%x cannot be mapped within the budget of "
			   "%u pages", va, g->shadow_budget);
		return false;
	}
	if (!table.pte) {
		kill_guest(g, "out of host memory for shadow page tables");
		return false;
	}
	if (shadow_pte(g, &w, errcode & PF_WRITE, &spte)) {
		if (!guest_waits(g))
			kill_guest(g, "page 0x%x: guest page 0x%x cannot be mapped (held too "
				   "often, or the guest is going)", va, pte_frame(w.pte));
		return false;
	}
	set_spte(g, table, pte_index(va), spte, pte_frame(w.pte) / PAGE_SIZE);
	return true;
}

bool demand_page(struct guest *g, uint32_t vaddr, uint32_t errcode)
{
	bool present;

	if (g->linear_pgdir)
		return linear_fault(g, vaddr, errcode);
	if (fill_shadow(g, vaddr, errcode, &present) || guest_waits(g))
		return true;		/* fixed, or waiting for the page (V:570) */
	guest_error_code(g, present);
	return false;
}
/*:*/

/*V:150 The cache of shadow directories. Switching among a guest's
 * processes must not rebuild everything, so the last SHADOW_DIRS guest
 * directories keep their shadows, keyed by the guest-physical address of
 * the guest's directory. A new one takes a free slot or evicts the next
 * victim in turn, which bounds what one guest's address spaces can cost
 * the host: SHADOW_DIRS directories and their page tables. */
static int32_t find_shadow(struct guest *g, uint32_t gpgdir)
{
	for (uint32_t i = 0; i < SHADOW_DIRS; i++)
		if (g->shadows[i].gpgdir == gpgdir)
			return (int32_t)i;
	return -1;
}

static uint32_t evict_shadow(struct guest *g, uint32_t gpgdir)
{
	uint32_t i = g->shadow_victim;
	struct shadow_dir *s = &g->shadows[i];

	g->shadow_victim = (i + 1) % SHADOW_DIRS;
	if (s->pgdir)
		release_slots(g, s->pgdir, 0, SWITCHER_PGD);
	else if (!(s->pgdir = new_shadow_dir(g)) && reclaim(g, NULL, 0))
		s->pgdir = new_shadow_dir(g);
	s->gpgdir = s->pgdir ? gpgdir : NO_GPGDIR;
	return i;
}

/* KH_NEW_PGTABLE, once its argument is checked: leave linear mode if
 * still in it, then run on this directory's shadow. */
void shadow_switch(struct guest *g, uint32_t gpgdir)
{
	int32_t found = find_shadow(g, gpgdir);

	gmap_mark_pagetable(g, gpgdir / PAGE_SIZE);
	if (g->linear_pgdir)
		destroy_dir(g, &g->linear_pgdir);
	if (found < 0)
		found = (int32_t)evict_shadow(g, gpgdir);
	if (!g->shadows[found].pgdir) {
		kill_guest(g, "out of host memory for shadow page tables");
		return;
	}
	g->shadow_now = (uint32_t)found;
	g->kernel_slot = pgd_index(g->kernel_address ? g->kernel_address : SWITCHER_ADDR);
}

/*V:180 The guest's changes. A guest changes its own tables freely but
 * must tell the host (KH_SET_PTE, KH_SET_PDE) or flush (KH_FLUSH_TLB), just
 * as native code must invalidate the TLB. The host forgets the shadow
 * entry and lets the next access fault it back in. A kernel address (at
 * or above kennel_data.kernel_address) is mapped the same in every
 * address space, so a change there reaches every cached shadow. */
static bool applies_to(struct guest *g, uint32_t i, uint32_t gpgdir, uint32_t slot)
{
	return g->shadows[i].pgdir &&
	       (g->shadows[i].gpgdir == gpgdir || slot >= g->kernel_slot);
}

void shadow_set_pte(struct guest *g, uint32_t gpgdir, uint32_t va)
{
	uint32_t slot = pgd_index(va);

	for (uint32_t i = 0; i < SHADOW_DIRS; i++) {
		uint32_t *pgdir = g->shadows[i].pgdir;

		if (applies_to(g, i, gpgdir, slot) && (pgdir[slot] & PTE_PRESENT))
			clear_spte(g, slot_table(pgdir, slot), pte_index(va));
	}
}

void shadow_set_pde(struct guest *g, uint32_t gpgdir, uint32_t slot)
{
	for (uint32_t i = 0; i < SHADOW_DIRS; i++)
		if (applies_to(g, i, gpgdir, slot))
			release_slot(g, g->shadows[i].pgdir, slot);
}

/* KH_FLUSH_TLB: 0 forgets the current address space's user half, 1
 * everything in every cached shadow. */
void shadow_flush(struct guest *g, bool all)
{
	for (uint32_t i = 0; i < SHADOW_DIRS; i++) {
		uint32_t *pgdir = g->shadows[i].pgdir;

		if (pgdir && all)
			release_slots(g, pgdir, 0, SWITCHER_PGD);
		else if (pgdir && i == g->shadow_now)
			release_slots(g, pgdir, 0, g->kernel_slot);
	}
}

/*V:190 Direct traps (H:435) let the CPU push a frame on the guest's
 * kernel stack with no host in between, so that stack must be in the
 * shadow before the guest runs: the host faults it in, as a write. If
 * the guest's stack is not mapped at all, there is nothing to pin, and
 * the first trap onto it faults to the host like any other.
 * Next: the host's copies to and from guest memory, V:200. */
void shadow_pin_stack(struct guest *g)
{
	uint32_t va = g->stack_esp - 4, *pgdir, *table;
	bool present;

	if (g->linear_pgdir || !direct_trap(g, g->syscall_vector))
		return;
	pgdir = g->shadows[g->shadow_now].pgdir;
	if (pgdir[pgd_index(va)] & PTE_PRESENT) {
		table = phys_to_virt(pte_frame(pgdir[pgd_index(va)]));
		if ((table[pte_index(va)] & (PTE_PRESENT | PTE_RW)) == (PTE_PRESENT | PTE_RW))
			return;
	}
	fill_shadow(g, va, PF_WRITE, &present);
}

/*V:178 The write-protect sweep (V:340): before the guest runs after
 * pages were armed, every shadow table of the guest, the linear directory
 * and every cached directory alike, loses RW on each entry whose page is
 * protected, which covers a page mapped at several addresses and in
 * several address spaces. Its cost is one pass over the entries the
 * guest holds (at most its budget of tables), once per batch of arming,
 * not per page. The same pass drops every entry still pointing at the
 * zero frame for a page that has been copied since (V:575). The Switcher
 * loads CR3 on every entry, so no stale translation survives in the TLB. */
static void protect_table(struct guest *g, struct stable t)
{
	for (uint32_t i = 0; i < ENTRIES; i++) {
		if (!(t.pte[i] & PTE_PRESENT))
			continue;
		if (gmap_stale(g, t.gpfn[i], t.pte[i]))
			clear_spte(g, t, i);	/* a zero page since copied (V:575) */
		else if ((t.pte[i] & PTE_RW) && gmap_protected(g, t.gpfn[i]))
			t.pte[i] &= ~PTE_RW;
	}
}

static void protect_dir(struct guest *g, uint32_t *pgdir)
{
	for (uint32_t slot = 0; pgdir && slot < SWITCHER_PGD; slot++)
		if (pgdir[slot] & PTE_PRESENT)
			protect_table(g, slot_table(pgdir, slot));
}

void shadow_write_protect(struct guest *g)
{
	if (!g->wp_pending)
		return;
	protect_dir(g, g->linear_pgdir);
	for (uint32_t i = 0; i < SHADOW_DIRS; i++)
		protect_dir(g, g->shadows[i].pgdir);
	g->wp_pending = false;
}
