/*G:310 guest/kernel/paging.c: address spaces.
 *
 * Every process has a page directory whose kernel half (slots 832 to
 * 1022, from KERNEL_BASE up) is the same as the kernel's: the direct map
 * of RAM that the entry code built, in page tables no one ever changes.
 * Its user half holds the process's own pages. kennel_data.kernel_address
 * tells the host about that split, so it can share its shadow of the
 * kernel half among all of pup's address spaces. Slot 1023 stays empty:
 * kennel keeps that 4 MiB for its Switcher (kennel_data.reserve_mem).
 *
 * pup writes its page tables itself, always through pv.set_pte and
 * pv.set_pde, because under kennel the CPU runs on the host's shadows of
 * them, which must hear about each change; natively the same calls only
 * invalidate the TLB. Tearing an address space down reports each page
 * directory slot it empties (KH_SET_PDE, which drops the host's whole
 * shadow of that slot): that matters even for a directory no longer in
 * use, because the host caches shadows by the directory's address, and a
 * later directory in the same frame must not inherit stale mappings.
 * Next: how the kernel touches user memory, G:320. */
#include "lib/string.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"

#define USER_PDE	(PTE_PRESENT | PTE_RW | PTE_USER)

extern uint32_t boot_pgdir[];
uint32_t *kernel_pgdir = boot_pgdir;

/* The entry code mapped RAM at 0 as well, to survive turning paging on;
 * now that pup runs high, that copy goes. */
void paging_init(const struct boot_params *bp)
{
	uint32_t tables = (bp->map_bytes + BIGPAGE_SIZE - 1) / BIGPAGE_SIZE;

	pv.lazy_begin();
	for (uint32_t slot = 0; slot < tables; slot++)
		pv.set_pde(kernel_pgdir, slot, 0);
	pv.lazy_end();
}

uint32_t *pgdir_create(void)
{
	uint32_t pa = frame_alloc();
	uint32_t *pgdir = phys_to_virt(pa);

	if (!pa)
		return NULL;
	for (uint32_t slot = KERNEL_PGD; slot < SWITCHER_PGD; slot++)
		pgdir[slot] = kernel_pgdir[slot];
	return pgdir;
}

static uint32_t *table_of(uint32_t pde)
{
	return phys_to_virt(pte_frame(pde));
}

uint32_t *pgdir_pte(uint32_t *pgdir, uint32_t va)
{
	uint32_t pde = pgdir[pgd_index(va)];

	if (va >= KERNEL_BASE || !(pde & PTE_PRESENT))
		return NULL;
	return &table_of(pde)[pte_index(va)];
}

static uint32_t *pte_for_mapping(uint32_t *pgdir, uint32_t va)
{
	uint32_t *pte = pgdir_pte(pgdir, va), table;

	if (pte || va >= KERNEL_BASE)
		return pte;
	if (!(table = frame_alloc()))
		return NULL;
	pv.set_pde(pgdir, pgd_index(va), table | USER_PDE);
	return pgdir_pte(pgdir, va);
}

/* A fresh zeroed page at va; its frame, or 0 when memory is out. */
uint32_t map_user_page(uint32_t *pgdir, uint32_t va, uint32_t flags)
{
	uint32_t *pte = pte_for_mapping(pgdir, va), frame;

	if (!pte)
		return 0;
	BUG_ON(*pte & PTE_PRESENT);
	if (!(frame = frame_alloc()))
		return 0;
	pv.set_pte(pgdir, page_round_down(va), pte, frame | flags);
	return frame;
}

void unmap_user_page(uint32_t *pgdir, uint32_t va)
{
	uint32_t *pte = pgdir_pte(pgdir, va);

	if (!pte || !(*pte & PTE_PRESENT))
		return;
	frame_free(pte_frame(*pte));
	pv.set_pte(pgdir, page_round_down(va), pte, 0);
}

/*G:311 Tearing down, one slot at a time: free its pages and its table,
 * and report the empty slot. The callers make it a lazy section. */
static void free_slot(uint32_t *pgdir, uint32_t slot)
{
	uint32_t *table = table_of(pgdir[slot]);

	for (uint32_t i = 0; i < PTRS_PER_TABLE; i++)
		if (table[i] & PTE_PRESENT)
			frame_free(pte_frame(table[i]));
	frame_free(pte_frame(pgdir[slot]));
	pv.set_pde(pgdir, slot, 0);
}

void pgdir_destroy(uint32_t *pgdir)
{
	pv.lazy_begin();
	for (uint32_t slot = 0; slot < KERNEL_PGD; slot++)
		if (pgdir[slot] & PTE_PRESENT)
			free_slot(pgdir, slot);
	pv.lazy_end();
	frame_free(virt_to_phys(pgdir));
}

/*G:312 fork's copy, eager: every page of the parent is copied into a
 * new frame of the child's at once, through the direct map. A
 * copy-on-write fork would share the frames read-only and copy on the
 * first write; that saves memory and time, but needs reference counts on
 * frames and a fault path that copies (exercise, M:). The child's tables
 * are new, so their updates can all wait in one batch. */
static int32_t copy_page(uint32_t *dst, uint32_t va, uint32_t pte)
{
	uint32_t frame = map_user_page(dst, va, pte & (USER_PTE_RW));

	if (!frame)
		return -ENOMEM;
	memcpy(phys_to_virt(frame), phys_to_virt(pte_frame(pte)), PAGE_SIZE);
	return 0;
}

int32_t copy_user_pages(uint32_t *dst, uint32_t *src)
{
	int32_t err = 0;

	pv.lazy_begin();
	for (uint32_t slot = 0; slot < KERNEL_PGD && !err; slot++) {
		if (!(src[slot] & PTE_PRESENT))
			continue;
		for (uint32_t i = 0; i < PTRS_PER_TABLE && !err; i++) {
			uint32_t pte = table_of(src[slot])[i];

			if (pte & PTE_PRESENT)
				err = copy_page(dst, (slot << PGDIR_SHIFT) | (i << PAGE_SHIFT), pte);
		}
	}
	pv.lazy_end();
	return err;
}

uint32_t count_user_pages(uint32_t *pgdir)
{
	uint32_t pages = 0;

	for (uint32_t slot = 0; slot < KERNEL_PGD; slot++)
		for (uint32_t i = 0; (pgdir[slot] & PTE_PRESENT) && i < PTRS_PER_TABLE; i++)
			pages += table_of(pgdir[slot])[i] & PTE_PRESENT;
	return pages;
}

/*G:313 The user stack grows on demand: a program starts with one page
 * of it, and a touch of any absent page in the USER_STACK_MAX below
 * PUP_USER_STACK_TOP gets a fresh zeroed one, from the page-fault
 * handler or from the kernel's own checks of user pointers (G:320). */
bool grow_stack(uint32_t *pgdir, uint32_t va)
{
	uint32_t *pte = pgdir_pte(pgdir, va);

	if (va < USER_STACK_LOW || va >= PUP_USER_STACK_TOP)
		return false;
	if (pte && (*pte & PTE_PRESENT))
		return false;
	return map_user_page(pgdir, va, USER_PTE_RW) != 0;
}
