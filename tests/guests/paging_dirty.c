/*T:640 tests/guests/paging_dirty.c: accessed and dirty bits the guest can trust.
 *
 * A kernel reads the accessed and dirty bits of its own page-table entries
 * to decide what to swap out and what to write back; under shadow paging
 * the CPU sets them in the host's shadow, not in the guest's tables, so
 * the host must keep the guest's true by hand (V:130). This guest reads
 * them back from its own entries after each kind of access, on pages at
 * addresses never used before:
 *
 *   - a read sets accessed, and not dirty, in the page-table entry, and
 *     accessed in the directory entry above it; a neighbour nobody touched
 *     keeps both clear;
 *   - a write sets both;
 *   - a read and then a write: dirty appears at the write, not before (so
 *     the shadow must not have made the page writable on the read);
 *   - the same from ring 1, and a read of a read-only page;
 *   - bits the guest clears, telling the host with KH_SET_PTE (or
 *     KH_SET_PDE for the directory entry), are set again by the next
 *     access of the kind that sets them, and only by it: several rounds of
 *     clear accessed and dirty, read, write; clear dirty alone, read, write;
 *   - the host's own writes through the guest's tables count too: a trap
 *     from ring 3 onto a stack in a fresh page sets that page's bits.
 *
 * Next: T:650, system calls that never leave the guest. */
#include "tests/guests/lib/guest.h"

#define AD		(PTE_ACCESSED | PTE_DIRTY)
#define ROUNDS		5

static uint32_t space;
static uint32_t next_va = USER_BASE;

static uint32_t fresh_page(uint32_t flags)
{
	uint32_t va = next_va;

	next_va += PAGE_SIZE;
	space_map(space, va, page_alloc(), flags);
	return va;
}

static uint32_t pte_bits(uint32_t va)
{
	return *space_pte(space, va) & AD;
}

static void check_bits(uint32_t va, uint32_t want, const char *what)
{
	uint32_t got = pte_bits(va);

	check(got == want, "%s: the entry for 0x%x has accessed %u, dirty %u; want %u, %u", what,
	      va, !!(got & PTE_ACCESSED), !!(got & PTE_DIRTY), !!(want & PTE_ACCESSED),
	      !!(want & PTE_DIRTY));
}

static void touch(uint32_t va, bool write, bool ring3, const char *what)
{
	probe_fn *probe = write ? probe_write : probe_read;
	struct outcome o = ring3 ? run_ring3(probe, va) : run_ring1(probe, va);

	check_no_trap(&o, what);
}

static void clear_bits(uint32_t va, uint32_t bits)
{
	volatile uint32_t *pte = space_pte(space, va);

	*pte &= ~bits;
	kh_set_pte(space, va, *pte);
}

static void check_first_access(bool ring3)
{
	const char *ring = ring3 ? "ring 3" : "ring 1";
	uint32_t read = fresh_page(USER_PAGE), untouched = fresh_page(USER_PAGE);
	uint32_t written = fresh_page(USER_PAGE), both = fresh_page(USER_PAGE);

	touch(read, false, ring3, ring);
	check_bits(read, PTE_ACCESSED, ring3 ? "ring-3 read" : "ring-1 read");
	check_bits(untouched, 0, "a page nobody touched");
	touch(written, true, ring3, ring);
	check_bits(written, AD, ring3 ? "ring-3 write" : "ring-1 write");
	touch(both, false, ring3, ring);
	check_bits(both, PTE_ACCESSED,
		   ring3 ? "ring-3 read before a write" : "ring-1 read before a write");
	touch(both, true, ring3, ring);
	check_bits(both, AD, ring3 ? "ring-3 write after a read" : "ring-1 write after a read");
	touch(both, false, ring3, ring);
	check_bits(both, AD, "a read after the write");
}

static void check_directory_entry(void)
{
	uint32_t va = USER_BASE + 5 * BIGPAGE_SIZE;
	volatile uint32_t *pde;

	space_map(space, va, page_alloc(), USER_PAGE);
	pde = space_pde(space, va);
	check(!(*pde & PTE_ACCESSED), "a new directory entry is accessed before any access");
	touch(va, false, true, "a read in a new slot");
	check(*pde & PTE_ACCESSED, "the directory entry above a read page is not accessed");
	*pde &= ~PTE_ACCESSED;
	kh_set_pde(space, pgd_index(va), *pde);
	touch(va + PAGE_SIZE - 4, false, true, "a read after clearing the directory entry's bit");
	check(*pde & PTE_ACCESSED, "accessed, cleared with KH_SET_PDE, is not set again by a read");
}

static void check_read_only(void)
{
	uint32_t va = fresh_page(PTE_PRESENT | PTE_USER);

	touch(va, false, true, "a read of a read-only page");
	check_bits(va, PTE_ACCESSED, "a read of a read-only page");
}

static void check_cleared_bits(void)
{
	uint32_t va = fresh_page(USER_PAGE);

	touch(va, true, true, "the first write");
	for (uint32_t round = 0; round < ROUNDS; round++) {
		clear_bits(va, AD);
		check_bits(va, 0, "after clearing both bits");
		touch(va, false, round % 2, "a read after clearing");
		check_bits(va, PTE_ACCESSED, "a read after clearing both bits");
		touch(va, true, round % 2, "a write after clearing");
		check_bits(va, AD, "a write after clearing both bits and a read");
		clear_bits(va, PTE_DIRTY);
		touch(va, false, true, "a read after clearing dirty");
		check_bits(va, PTE_ACCESSED, "a read after clearing dirty alone");
		touch(va, true, true, "a write after clearing dirty");
		check_bits(va, AD, "a write after clearing dirty alone");
		clear_bits(va, PTE_ACCESSED);
		touch(va, true, true, "a write after clearing accessed");
		check_bits(va, AD, "a write after clearing accessed alone");
	}
}

/* The host pushes the frame of a trap from ring 3 through the guest's
 * tables, onto the stack KH_SET_STACK named: a write, by the host. */
static void check_host_writes(void)
{
	uint32_t stack = fresh_page(KERNEL_PAGE);
	struct outcome o;

	kh_set_stack(GUEST_DS, stack + PAGE_SIZE);
	o = run_ring3(probe_int3, 0);
	kh_set_stack(GUEST_DS, trap_stack_top());
	check_trap(&o, 3, SITE(probe_int3) + INT3_LEN, "int3 onto a stack in a fresh page");
	check(o.frame_end == stack + PAGE_SIZE, "the int3 frame ends at 0x%x, want 0x%x",
	      o.frame_end, stack + PAGE_SIZE);
	check_bits(stack, AD, "a trap frame the host pushed");
}

void test_main(void)
{
	paging_init();
	space = space_new();
	space_switch(space);
	check_first_access(true);
	check_first_access(false);
	check_directory_entry();
	check_read_only();
	check_cleared_bits();
	check_host_writes();
	print("paging_dirty: %u failed checks\n", failures());
	test_finish();
}
