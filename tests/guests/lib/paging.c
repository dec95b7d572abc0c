/*T:600 tests/guests/lib/paging.c: address spaces for the paging guests.
 *
 * The guests of T:610 to T:680 check the host's shadow paging (V:120), so
 * they need page tables of their own, built the way a small kernel would
 * build them. Each address space is a page directory in guest memory, and
 * every directory has the same three kinds of mapping (guest.h names the
 * addresses):
 *
 *   - below USER_BASE, the identity map: virtual X is guest-physical X for
 *     all X below pfn_limit, present, writable and user, exactly what
 *     linear mode gave. The runtime was linked for it and keeps running as
 *     it did: its code, stacks, shared page and ring-3 trampoline are all
 *     where they were, and a gpa is still a usable pointer (gpa_of);
 *   - from USER_BASE, private pages, each directory its own page tables;
 *   - from KERNEL_BASE, which the guest gives the host as
 *     kennel_data.kernel_address, the shared kernel half: a supervisor-only
 *     view of all guest memory at KERNEL_BASE + gpa, and KERNEL_WINDOW, a
 *     shared slot whose page table starts empty.
 *
 * The page tables of the identity map and of the kernel half are built
 * once, in linear mode, and every directory's entries point at the same
 * ones: a template directory holds them, and each new directory starts as
 * a copy. Pages come from a pool between the guest's image and the end of
 * its RAM and are never given back: a test guest lives a short life.
 *
 * The rule the host sets is that of the TLB: whoever changes an entry a
 * cached shadow may hold tells the host (KH_SET_PTE, KH_SET_PDE) or
 * flushes (KH_FLUSH_TLB). space_map always tells; a new page table in an
 * empty directory slot needs no word, because no shadow can hold anything
 * for a slot the guest never had. Next: the guests, from T:610. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

static uint32_t pool_next, pool_end;
static uint32_t template_dir, current_dir;

static uint32_t *page_at(uint32_t gpa)
{
	return (uint32_t *)(uintptr_t)gpa;	/* the identity map */
}

uint32_t pages_free(void)
{
	return (pool_end - pool_next) / PAGE_SIZE;
}

uint32_t page_alloc(void)
{
	uint32_t gpa = pool_next;

	if (pool_next >= pool_end)
		test_error("out of guest memory for pages (%u bytes of RAM)", boot_info.mem_bytes);
	pool_next += PAGE_SIZE;
	memset(page_at(gpa), 0, PAGE_SIZE);
	return gpa;
}

static uint32_t memory_slots(void)
{
	return (memory_limit() + BIGPAGE_SIZE - 1) / BIGPAGE_SIZE;
}

/* One page table mapping the 4 MiB of guest memory from slot * 4 MiB. */
static uint32_t memory_table(uint32_t slot, uint32_t flags)
{
	uint32_t table = page_alloc(), *pte = page_at(table);

	for (uint32_t i = 0; i < PTRS_PER_TABLE; i++) {
		uint32_t gpa = slot * BIGPAGE_SIZE + i * PAGE_SIZE;

		if (gpa < memory_limit())
			pte[i] = gpa | flags;
	}
	return table;
}

static void map_memory_at(uint32_t base, uint32_t flags)
{
	uint32_t *dir = page_at(template_dir);

	for (uint32_t slot = 0; slot < memory_slots(); slot++)
		dir[pgd_index(base) + slot] = memory_table(slot, flags) | flags;
}

void paging_init(void)
{
	pool_next = page_round_up(image_end());
	pool_end = page_round_down(boot_info.mem_bytes);
	if (KERNEL_BASE + memory_slots() * BIGPAGE_SIZE > KERNEL_WINDOW)
		test_error("%u bytes of guest memory do not fit below KERNEL_WINDOW", memory_limit());
	template_dir = page_alloc();
	map_memory_at(0, USER_PAGE);
	map_memory_at(KERNEL_BASE, KERNEL_PAGE);
	page_at(template_dir)[pgd_index(KERNEL_WINDOW)] = page_alloc() | KERNEL_PAGE;
	kennel_data.kernel_address = KERNEL_BASE;
}

uint32_t space_new(void)
{
	uint32_t dir = page_alloc();

	memcpy(page_at(dir), page_at(template_dir), PAGE_SIZE);
	return dir;
}

void space_switch(uint32_t dir)
{
	current_dir = dir;
	kh_new_pgtable(dir);
}

uint32_t current_space(void)
{
	return current_dir;
}

volatile uint32_t *space_pde(uint32_t dir, uint32_t va)
{
	return &page_at(dir)[pgd_index(va)];
}

volatile uint32_t *space_pte(uint32_t dir, uint32_t va)
{
	volatile uint32_t *pde = space_pde(dir, va);

	if (va >= SWITCHER_ADDR)
		test_error("no page table of the guest's covers 0x%x", va);
	if (!(*pde & PTE_PRESENT))
		*pde = page_alloc() | USER_PAGE;
	return &page_at(pte_frame(*pde))[pte_index(va)];
}

void space_map(uint32_t dir, uint32_t va, uint32_t gpa, uint32_t flags)
{
	uint32_t pte = gpa | flags;

	*space_pte(dir, va) = pte;
	kh_set_pte(dir, va, pte);
}

volatile uint32_t *kernel_view(uint32_t gpa)
{
	return (volatile uint32_t *)(uintptr_t)(KERNEL_BASE + gpa);
}

/* A slot the host has not run yet must not be overwritten: if the next
 * one is still READY, a synchronous call drains the ring first (H:020). */
void batch_hcall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t slot = kennel_data.async_next;

	if (kennel_data.async_status[slot] != KH_ASYNC_DONE)
		kh_flush_async();
	kennel_data.async_calls[slot] = (struct kh_args){ nr, a1, a2, a3, 0 };
	compiler_barrier();
	kennel_data.async_status[slot] = KH_ASYNC_READY;
	kennel_data.async_next = (slot + 1) % KH_ASYNC_SLOTS;
}
