/*P:130 arch/x86/paging.h: two-level (non-PAE) paging, as the CPU sees it.
 *
 * A 32-bit virtual address splits into a page-directory index (bits 31-22),
 * a page-table index (21-12) and an offset (11-0). Each level is one 4 KiB
 * page of 1024 entries. The top directory slot, 1023, covers 0xFFC00000 and
 * up: that 4 MiB belongs to the Switcher in every address space, host and
 * guest. Next: arch/x86/multiboot.h. */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include <stdint.h>

#define PAGE_SIZE	4096u
#define PAGE_SHIFT	12
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PTRS_PER_TABLE	1024u
#define PGDIR_SHIFT	22
#define BIGPAGE_SIZE	(1u << PGDIR_SHIFT)	/* 4 MiB */

#define PTE_PRESENT	0x001u
#define PTE_RW		0x002u
#define PTE_USER	0x004u
#define PTE_PWT		0x008u
#define PTE_PCD		0x010u
#define PTE_ACCESSED	0x020u
#define PTE_DIRTY	0x040u
#define PTE_PSE		0x080u	/* in a directory entry: a 4 MiB page */
#define PTE_GLOBAL	0x100u
#define PTE_FLAGS	0xfffu

/* Page-fault error code bits. */
#define PF_PRESENT	0x1u	/* 0: not present; 1: protection */
#define PF_WRITE	0x2u
#define PF_USER		0x4u

#define SWITCHER_ADDR	0xFFC00000u
#define SWITCHER_PGD	1023u

static inline uint32_t pgd_index(uint32_t va)
{
	return va >> PGDIR_SHIFT;
}

static inline uint32_t pte_index(uint32_t va)
{
	return (va >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
}

static inline uint32_t pte_frame(uint32_t pte)
{
	return pte & PAGE_MASK;
}

static inline uint32_t page_round_up(uint32_t x)
{
	return (x + PAGE_SIZE - 1) & PAGE_MASK;
}

static inline uint32_t page_round_down(uint32_t x)
{
	return x & PAGE_MASK;
}

#endif
