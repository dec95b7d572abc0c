/*V:100 host/memory/shadow.c: the page tables a guest really runs on.
 *
 * The CPU must never walk a page table the guest can write: a guest entry
 * could name any frame in the machine. So the page directory in CR3 while
 * a guest runs is always the host's own, a "shadow" of the guest's, whose
 * entries hold host frame numbers the host looked up itself, from
 * guest_page_frame (V:140), after walking the guest's own tables (V:120)
 * and checking what it found. Slot 1023 holds the Switcher (S:100); nothing of the
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

static uint32_t *page_zalloc(struct guest *g)
{
	uint32_t pa = frame_alloc();

	if (!pa)
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	g->stats.page_tables++;
	return phys_to_virt(pa);
}

static void page_free(struct guest *g, uint32_t pa)
{
	BUG_ON(frame_free(pa) != 0);
	g->stats.page_tables--;
}

/*V:170 A shadow directory's page tables are freed slot by slot: releasing
 * a slot is how every kind of "forget what you knew" is done, from one
 * changed page-directory entry to a whole flush. The guest's frames the
 * tables pointed at are the Launcher's and stay where they are. */
static void release_slot(struct guest *g, uint32_t *pgdir, uint32_t slot)
{
	if (pgdir[slot] & PTE_PRESENT)
		page_free(g, pte_frame(pgdir[slot]));
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

static uint32_t *shadow_table(struct guest *g, uint32_t *pgdir, uint32_t va)
{
	uint32_t *pde = &pgdir[pgd_index(va)];
	uint32_t *table;

	if (*pde & PTE_PRESENT)
		return phys_to_virt(pte_frame(*pde));
	table = page_zalloc(g);
	if (table)
		*pde = virt_to_phys(table) | SHADOW_PDE_FLAGS;
	return table;
}

/*V:160 Linear mode, built once at KN_INIT. Every guest frame must already
 * be a present, writable page of the Launcher's (KN_INIT checked that the
 * range is user memory; this checks each page), and the Launcher cannot
 * unmap them while the guest lives (the range is pinned: U:145). */
static int32_t map_linear(struct guest *g, uint32_t pfn)
{
	uint32_t frame = guest_page_frame(g, pfn), *table;

	if (!frame)
		return -EFAULT;
	table = shadow_table(g, g->linear_pgdir, pfn * PAGE_SIZE);
	if (!table)
		return -ENOMEM;
	table[pte_index(pfn * PAGE_SIZE)] = frame | LINEAR_PTE_FLAGS;
	return 0;
}

int32_t shadow_init(struct guest *g)
{
	int32_t err = 0;

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
 * (V:130). 0 if the page has no frame. */
static uint32_t shadow_pte(struct guest *g, const struct walk *w)
{
	uint32_t flags = w->pte & w->pde & GUEST_PTE_FLAGS;
	uint32_t frame = guest_page_frame(g, pte_frame(w->pte) / PAGE_SIZE);

	if (!(w->pte & PTE_DIRTY))
		flags &= ~PTE_RW;
	flags |= w->pte & (PTE_ACCESSED | PTE_DIRTY);
	return frame ? frame | flags : 0;
}

/*V:110 demand_page: a guest page fault the shadow can fix without the
 * guest knowing. run_guest sends every guest #PF here first, with the
 * address from CR2 (H:240). If the guest's own tables allow the access
 * (walk_guest, V:120), the host updates their accessed and dirty bits
 * (V:130), installs the shadow entry, whose frame comes from
 * guest_page_frame (V:140), and lets the guest retry the instruction;
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
	spte = shadow_pte(g, &w);
	if (!table || !spte) {
		kill_guest(g, "out of host memory for shadow page tables");
		return false;
	}
	table[pte_index(va)] = spte;
	return true;
}

bool demand_page(struct guest *g, uint32_t vaddr, uint32_t errcode)
{
	bool present;

	if (g->linear_pgdir)
		return false;
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
	else
		s->pgdir = new_shadow_dir(g);
	s->gpgdir = s->pgdir ? gpgdir : NO_GPGDIR;
	return i;
}

/* KH_NEW_PGTABLE, once its argument is checked: leave linear mode if
 * still in it, then run on this directory's shadow. */
void shadow_switch(struct guest *g, uint32_t gpgdir)
{
	int32_t found = find_shadow(g, gpgdir);

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
			((uint32_t *)phys_to_virt(pte_frame(pgdir[slot])))[pte_index(va)] = 0;
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
