/*V:120 host/memory/guest_walk.c: walking the guest's own page tables, as
 * the CPU would, with the host's checks at each step.
 *
 * Two callers need it: demand paging (V:110), which copies what the walk
 * finds into the shadow, and the host's own accesses at guest-virtual
 * addresses (V:210, V:220). A guest's page-directory entry must point at a
 * page table inside its memory and may not be a 4 MiB page (the shadows
 * have only 4 KiB pages); a page-table entry must name a frame below
 * pfn_limit. Any of those is not a fault the guest could handle but a
 * broken promise: the guest is killed, naming the address. Nothing at or
 * above the Switcher's slot is the guest's to map. The guest's tables are
 * guest memory like any other, read and written through V:200; the pages
 * the walk reads are marked PAGETABLE in the gmap (V:330). Next:
 * V:130, then the guest memory object behind every guest page, V:300. */
#include "arch/x86/paging.h"
#include "host/memory/guest_memory.h"
#include "host/memory/guest_walk.h"

bool walk_guest(struct guest *g, uint32_t va, struct walk *w)
{
	uint32_t gpgdir = g->shadows[g->shadow_now].gpgdir;

	if (va >= SWITCHER_ADDR)
		return false;
	w->pde_gpa = gpgdir + pgd_index(va) * 4;
	w->pde = guest_read_u32(g, w->pde_gpa);
	if (!(w->pde & PTE_PRESENT))
		return false;
	if (w->pde & PTE_PSE) {
		kill_guest(g, "page directory entry for 0x%x is a 4 MiB page", va);
		return false;
	}
	if (pte_frame(w->pde) >= guest_limit(g)) {
		kill_guest(g, "page table for 0x%x at 0x%x is beyond pfn_limit", va,
			   pte_frame(w->pde));
		return false;
	}
	w->pte_gpa = pte_frame(w->pde) + pte_index(va) * 4;
	w->pte = guest_read_u32(g, w->pte_gpa);
	gmap_mark_pagetable(g, w->pte_gpa / PAGE_SIZE);
	return (w->pte & PTE_PRESENT) && !g->dead;
}

bool pte_frame_ok(struct guest *g, uint32_t va, uint32_t pte)
{
	if (pte_frame(pte) < guest_limit(g))
		return true;
	kill_guest(g, "page 0x%x maps frame 0x%x, beyond pfn_limit", va, pte_frame(pte));
	return false;
}

/* May an access of this kind go through both levels? */
bool access_allowed(const struct walk *w, uint32_t errcode)
{
	uint32_t both = w->pde & w->pte;

	if ((errcode & PF_WRITE) && !(both & PTE_RW))
		return false;
	return !(errcode & PF_USER) || (both & PTE_USER);
}

/*V:130 The accessed and dirty bits are the guest's to read, and later
 * work (dirty-page scanning, snapshots, migration) trusts them, so the
 * host keeps them truthful: any access sets accessed, a write sets dirty,
 * and a page is mapped writable in the shadow only once its guest PTE is
 * dirty. A read therefore maps the page read-only; the first write faults
 * again, and that fault sets dirty. */
void mark_accessed(struct guest *g, struct walk *w, bool write)
{
	uint32_t pte = w->pte | PTE_ACCESSED | (write ? PTE_DIRTY : 0);

	if (!(w->pde & PTE_ACCESSED)) {
		w->pde |= PTE_ACCESSED;
		guest_write_u32(g, w->pde_gpa, w->pde);
	}
	if (pte != w->pte) {
		w->pte = pte;
		guest_write_u32(g, w->pte_gpa, pte);
	}
}

/*V:220 The host's own accesses to guest-virtual memory (interrupt frames,
 * instruction bytes) go through the guest's tables too, at ring 1's
 * privilege, and count as accesses. In linear mode (V:160) there are no
 * tables: virtual is physical. Under all of it is the object that owns
 * the guest's pages. Next: V:300. */
bool guest_virt_to_phys(struct guest *g, uint32_t vaddr, bool write, uint32_t *gpa)
{
	struct walk w;

	if (g->linear_pgdir) {
		*gpa = vaddr;
		return vaddr < guest_limit(g);
	}
	if (!walk_guest(g, vaddr, &w) || !access_allowed(&w, write ? PF_WRITE : 0) ||
	    !pte_frame_ok(g, vaddr, w.pte))
		return false;
	mark_accessed(g, &w, write);
	*gpa = pte_frame(w.pte) | (vaddr & ~PAGE_MASK);
	return true;
}
