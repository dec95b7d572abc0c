/*B:120 host/kernel/vm.c: the host's own page tables.
 *
 * boot.asm left us running on kernel_pgdir, with physical memory mapped
 * at 0xC0000000 in 4 MiB pages, plus an identity mapping of the first
 * 4 MiB that was only needed for the jump to high addresses. vm_init drops
 * it, so that a stray NULL pointer in the host faults instead of reading
 * the BIOS data area. User address spaces (the userland chapter) get their
 * own directories whose kernel half is a copy of this one: the direct map
 * never changes after boot, so the copies never go stale. */
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "lib/string.h"
#include "host/kernel/vm.h"
#include "host/kernel/layout.h"
#include "host/kernel/frames.h"
#include "host/kernel/console.h"

#define KERNEL_SLOT_FIRST (KERNEL_BASE >> PGDIR_SHIFT)

void vm_init(void)
{
	kernel_pgdir[0] = 0;
	write_cr3(virt_to_phys(kernel_pgdir));
}

uint32_t *vm_pgdir_create(void)
{
	uint32_t pa = frame_alloc();
	uint32_t *pgdir;

	if (!pa)
		return NULL;
	pgdir = phys_to_virt(pa);
	memset(pgdir, 0, KERNEL_SLOT_FIRST * sizeof(uint32_t));
	memcpy(pgdir + KERNEL_SLOT_FIRST, kernel_pgdir + KERNEL_SLOT_FIRST,
	       (1024 - KERNEL_SLOT_FIRST) * sizeof(uint32_t));
	return pgdir;
}

/* Frees the page tables of the user half, not the pages they map: the
 * owner of those (the process) frees them first. */
void vm_pgdir_destroy(uint32_t *pgdir)
{
	for (uint32_t slot = 0; slot < KERNEL_SLOT_FIRST; slot++)
		if (pgdir[slot] & PTE_PRESENT)
			BUG_ON(frame_free(pte_frame(pgdir[slot])) != 0);
	BUG_ON(frame_free(virt_to_phys(pgdir)) != 0);
}

static uint32_t *table_for(uint32_t *pgdir, uint32_t va, bool create)
{
	uint32_t *pde = &pgdir[pgd_index(va)];
	uint32_t pa;

	if (*pde & PTE_PRESENT)
		return phys_to_virt(pte_frame(*pde));
	if (!create || !(pa = frame_alloc()))
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	*pde = pa | PTE_PRESENT | PTE_RW | PTE_USER;
	return phys_to_virt(pa);
}

bool vm_map(uint32_t *pgdir, uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t *table;

	BUG_ON(va >= KERNEL_BASE);
	table = table_for(pgdir, va, true);
	if (!table)
		return false;
	table[pte_index(va)] = pa | flags | PTE_PRESENT;
	invlpg(va);
	return true;
}

uint32_t vm_lookup(const uint32_t *pgdir, uint32_t va)
{
	uint32_t pde = pgdir[pgd_index(va)];
	const uint32_t *table;

	if (!(pde & PTE_PRESENT) || (pde & PTE_PSE))
		return 0;
	table = phys_to_virt(pte_frame(pde));
	return table[pte_index(va)];
}

void vm_unmap(uint32_t *pgdir, uint32_t va)
{
	uint32_t *table = table_for(pgdir, va, false);

	if (table) {
		table[pte_index(va)] = 0;
		invlpg(va);
	}
}

void vm_switch(uint32_t *pgdir)
{
	write_cr3(virt_to_phys(pgdir));
}

void vm_set_kernel_slot(uint32_t slot, uint32_t pde)
{
	BUG_ON(slot < KERNEL_SLOT_FIRST);
	kernel_pgdir[slot] = pde;
	write_cr3(read_cr3());
}
