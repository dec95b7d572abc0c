/*V:100 host/pgtable.c: the page tables a guest really runs on.
 *
 * The CPU must never walk a page table the guest can write: a guest entry
 * could point anywhere in the machine. So the page directory in CR3 while
 * a guest runs is always the host's own, a "shadow" whose entries hold
 * host frame numbers the host looked up itself: for guest-physical page X,
 * the frame behind the Launcher's address mem_base + X. Slot 1023 holds
 * the Switcher (S:150); nothing of the host's kernel is mapped at all.
 *
 * For now the shadow is built once, at KN_INIT: a linear map in which
 * every guest-virtual page X below pfn_limit is guest-physical page X,
 * present, writable and user-accessible. That is all a guest needs until
 * it brings its own page tables (KH_NEW_PGTABLE), which is the next step
 * of this chapter; the three calls the rest of the host uses —
 * pgtable_cr3, demand_page and guest_virt_to_phys — keep their meaning
 * when the shadow starts being filled on demand. Next: V:110. */
#include "lib/string.h"
#include "arch/x86/paging.h"
#include "host/guest.h"
#include "host/layout.h"
#include "host/frames.h"
#include "host/usercopy.h"
#include "host/console.h"

#define SHADOW_PDE_FLAGS	(PTE_PRESENT | PTE_RW | PTE_USER)
#define SHADOW_PTE_FLAGS	(PTE_PRESENT | PTE_RW | PTE_USER)

static uint32_t *shadow_table(struct guest *g, uint32_t va)
{
	uint32_t *pde = &g->shadow_pgdir[pgd_index(va)];
	uint32_t pa;

	if (*pde & PTE_PRESENT)
		return phys_to_virt(pte_frame(*pde));
	pa = frame_alloc();
	if (!pa)
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	*pde = pa | SHADOW_PDE_FLAGS;
	g->stats.page_tables++;
	return phys_to_virt(pa);
}

/* Map guest page pfn at the same virtual address. */
static int32_t map_linear(struct guest *g, uint32_t pfn)
{
	uint32_t va = pfn * PAGE_SIZE;
	uint32_t frame = user_frame(g->launcher, g->mem_base + va);
	uint32_t *table;

	if (!frame)
		return -EFAULT;
	table = shadow_table(g, va);
	if (!table)
		return -ENOMEM;
	table[pte_index(va)] = frame | SHADOW_PTE_FLAGS;
	return 0;
}

/*V:110 Building the linear shadow. Every guest frame must already be a
 * present, writable page of the Launcher's (KN_INIT checked the range is
 * user memory; this checks each page), and the Launcher cannot unmap them
 * while the guest lives (the range is pinned: U:145). */
int32_t pgtable_init(struct guest *g)
{
	uint32_t pa = frame_alloc();
	int32_t err = 0;

	if (!pa)
		return -ENOMEM;
	g->shadow_pgdir = phys_to_virt(pa);
	memset(g->shadow_pgdir, 0, PAGE_SIZE);
	g->stats.page_tables = 1;
	for (uint32_t pfn = 0; pfn < g->pfn_limit && !err; pfn++)
		err = map_linear(g, pfn);
	g->shadow_pgdir[SWITCHER_PGD] = switcher_guest_pde();
	if (err)
		pgtable_destroy(g);
	return err;
}

/* Frees the shadow's tables and directory, never the guest's frames:
 * those belong to the Launcher. */
void pgtable_destroy(struct guest *g)
{
	if (!g->shadow_pgdir)
		return;
	for (uint32_t slot = 0; slot < SWITCHER_PGD; slot++)
		if (g->shadow_pgdir[slot] & PTE_PRESENT)
			BUG_ON(frame_free(pte_frame(g->shadow_pgdir[slot])) != 0);
	BUG_ON(frame_free(virt_to_phys(g->shadow_pgdir)) != 0);
	g->shadow_pgdir = NULL;
	g->stats.page_tables = 0;
}

uint32_t pgtable_cr3(struct guest *g)
{
	return virt_to_phys(g->shadow_pgdir);
}

/* A page fault the shadow could fix without the guest knowing. The linear
 * map is complete from the start, so every fault is the guest's own. */
bool demand_page(struct guest *g, uint32_t vaddr, uint32_t errcode)
{
	(void)g, (void)vaddr, (void)errcode;
	return false;
}

bool guest_virt_to_phys(struct guest *g, uint32_t vaddr, bool write, uint32_t *gpa)
{
	(void)write;
	if (vaddr >= guest_limit(g))
		return false;
	*gpa = vaddr;
	return true;
}
