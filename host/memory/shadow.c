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

static uint32_t *page_zalloc(struct guest *g)
{
	uint32_t pa;

	if (g->stats.page_tables >= g->shadow_budget || !(pa = frame_alloc()))
		return NULL;
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

/*V:176 A shadow page table comes with a second page beside it, its gpfn
 * page: entry i of the table maps guest page gpfns[i] when it is present.
 * That is how a shadow entry gives back the reference it holds (V:320)
 * without ever turning a host frame into a guest page. The two are one
 * allocation of two neighbouring frames, so the gpfn page is found from
 * the table by address, and both count against the budget. */
#define TABLE_PAGES	2

static uint32_t *table_gpfns(uint32_t *table)
{
	return table + PAGE_SIZE / sizeof(uint32_t);
}

static uint32_t *table_zalloc(struct guest *g)
{
	uint32_t pa;

	if (g->stats.page_tables + TABLE_PAGES > g->shadow_budget ||
	    !(pa = frames_alloc_contig(TABLE_PAGES)))
		return NULL;
	memset(phys_to_virt(pa), 0, TABLE_PAGES * PAGE_SIZE);
	g->stats.page_tables += TABLE_PAGES;
	shadow_pages_total += TABLE_PAGES;
	BUG_ON(shadow_pages_total > shadow_host_cap());
	return phys_to_virt(pa);
}

/* Forget entry i of a table, giving back its page's reference. */
static void clear_spte(struct guest *g, uint32_t *table, uint32_t i)
{
	if (table[i] & PTE_PRESENT)
		gmap_put(g, table_gpfns(table)[i]);
	table[i] = 0;
}

static void set_spte(struct guest *g, uint32_t *table, uint32_t i, uint32_t spte, uint32_t gpfn)
{
	clear_spte(g, table, i);
	table[i] = spte;
	table_gpfns(table)[i] = gpfn;
}

static void table_free(struct guest *g, uint32_t pa)
{
	uint32_t *table = phys_to_virt(pa);

	for (uint32_t i = 0; i < PAGE_SIZE / sizeof(uint32_t); i++)
		clear_spte(g, table, i);
	for (uint32_t n = 0; n < TABLE_PAGES; n++)
		page_free(g, pa + n * PAGE_SIZE);
}

/*V:170 A shadow directory's page tables are freed slot by slot: releasing
 * a slot is how every kind of "forget what you knew" is done, from one
 * changed page-directory entry to a whole flush. Each present entry of
 * the table gives its guest page's reference back to the gmap (V:176);
 * the frames themselves are the Launcher's and stay where they are. */
static void release_slot(struct guest *g, uint32_t *pgdir, uint32_t slot)
{
	if (pgdir[slot] & PTE_PRESENT)
		table_free(g, pte_frame(pgdir[slot]));
	pgdir[slot] = 0;
}

static void release_slots(struct guest *g, uint32_t *pgdir, uint32_t from, uint32_t to)
{
	for (uint32_t slot = from; slot < to; slot++)
		release_slot(g, pgdir, slot);
}

static uint32_t *new_shadow_dir(struct guest *g)
{
	uint32_t *pgdir = page_zalloc(g);

	if (pgdir)
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

static uint32_t *shadow_table(struct guest *g, uint32_t *pgdir, uint32_t va)
{
	uint32_t *pde = &pgdir[pgd_index(va)];
	uint32_t *table;

	if (*pde & PTE_PRESENT)
		return phys_to_virt(pte_frame(*pde));
	table = table_zalloc(g);
	if (!table && pgdir != g->linear_pgdir && reclaim(g, pgdir, pgd_index(va)))
		table = table_zalloc(g);
	if (table)
		*pde = virt_to_phys(table) | SHADOW_PDE_FLAGS;
	return table;
}

/*V:160 Linear mode, built once at KN_INIT, after the gmap (V:310): every
 * guest page is mapped writable, each entry holding its page's
 * reference. A page armed for write tracking while the guest is still in
 * linear mode loses RW at the next sweep (V:178) and gets it back on its
 * first write fault (linear_write_fault). */
static int32_t map_linear(struct guest *g, uint32_t pfn)
{
	uint32_t *table = shadow_table(g, g->linear_pgdir, pfn * PAGE_SIZE), frame;
	int32_t err;

	if (!table)
		return -ENOMEM;
	err = gmap_get(g, pfn, GMAP_WRITE, &frame);
	if (err)
		return err;
	set_spte(g, table, pte_index(pfn * PAGE_SIZE), frame | LINEAR_PTE_FLAGS, pfn);
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
	for (uint32_t pfn = 0; pfn < g->pfn_limit && !err; pfn++)
		err = map_linear(g, pfn);
	if (err)
		shadow_destroy(g);
	return err;
}

static void destroy_dir(struct guest *g, uint32_t **pgdir)
{
	if (!*pgdir)
		return;
	release_slots(g, *pgdir, 0, SWITCHER_PGD);
	page_free(g, virt_to_phys(*pgdir));
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

/* In linear mode the only fault the host fixes is a write to a page
 * armed for write tracking, which the sweep (V:178) left read-only. */
static bool linear_write_fault(struct guest *g, uint32_t va, uint32_t errcode)
{
	uint32_t *pde = &g->linear_pgdir[pgd_index(va)], *table, gpfn = va / PAGE_SIZE;

	if (!(errcode & PF_WRITE) || va >= guest_limit(g) || !(*pde & PTE_PRESENT))
		return false;
	table = phys_to_virt(pte_frame(*pde));
	if ((table[pte_index(va)] & (PTE_PRESENT | PTE_RW)) != PTE_PRESENT ||
	    !gmap_protected(g, gpfn))
		return false;
	gmap_mark_written(g, gpfn);
	table[pte_index(va)] |= PTE_RW;
	return true;
}

/* *present: whether both of the guest's entries for va are present. */
static bool fill_shadow(struct guest *g, uint32_t va, uint32_t errcode, bool *present)
{
	struct walk w;
	uint32_t *table, spte;

	*present = walk_guest(g, va, &w);
	if (!*present || !access_allowed(&w, errcode) || !pte_frame_ok(g, va, w.pte))
		return false;
	mark_accessed(g, &w, errcode & PF_WRITE);
	table = shadow_table(g, g->shadows[g->shadow_now].pgdir, va);
	if (!table && g->stats.page_tables + TABLE_PAGES > g->shadow_budget) {
		kill_guest(g, "shadow page tables: 0x%x cannot be mapped within the budget of "
			   "%u pages", va, g->shadow_budget);
		return false;
	}
	if (!table) {
		kill_guest(g, "out of host memory for shadow page tables");
		return false;
	}
	if (shadow_pte(g, &w, errcode & PF_WRITE, &spte)) {
		kill_guest(g, "page 0x%x: guest page 0x%x cannot be mapped (held too often, "
			   "or the guest is going)", va, pte_frame(w.pte));
		return false;
	}
	set_spte(g, table, pte_index(va), spte, pte_frame(w.pte) / PAGE_SIZE);
	return true;
}

bool demand_page(struct guest *g, uint32_t vaddr, uint32_t errcode)
{
	bool present;

	if (g->linear_pgdir)
		return linear_write_fault(g, vaddr, errcode);
	if (fill_shadow(g, vaddr, errcode, &present))
		return true;
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
			clear_spte(g, phys_to_virt(pte_frame(pgdir[slot])), pte_index(va));
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
 * not per page. The Switcher loads CR3 on every entry, so no stale
 * writable translation survives in the TLB. */
static void protect_table(struct guest *g, uint32_t *table)
{
	uint32_t *gpfns = table_gpfns(table);

	for (uint32_t i = 0; i < PAGE_SIZE / sizeof(uint32_t); i++)
		if ((table[i] & (PTE_PRESENT | PTE_RW)) == (PTE_PRESENT | PTE_RW) &&
		    gmap_protected(g, gpfns[i]))
			table[i] &= ~PTE_RW;
}

static void protect_dir(struct guest *g, uint32_t *pgdir)
{
	for (uint32_t slot = 0; pgdir && slot < SWITCHER_PGD; slot++)
		if (pgdir[slot] & PTE_PRESENT)
			protect_table(g, phys_to_virt(pte_frame(pgdir[slot])));
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
