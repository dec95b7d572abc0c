/*T:660 tests/guests/paging_bad.c: the page-table entries that kill.
 *
 * Some page-table mistakes are faults the guest should handle (T:620);
 * others are broken promises, and the host kills the guest with a reason
 * that names the address (V:120, H:370): an entry that would reach beyond
 * the guest's memory, a 4 MiB page (the shadows have only 4 KiB pages),
 * anything in the Switcher's slot, a page directory that is not a page of
 * guest memory, a flush that is neither 0 nor 1, a kernel_address that is
 * not a 4 MiB boundary below the Switcher. Like bad_hcall.c (T:470), this
 * guest runs one case, the first word of its command line, prints
 * "paging_bad: CASE: about to ...", and should die of it; if it lives, it
 * says so and fails.
 *
 * Bad entries reach the host two ways, and both are tried: written into
 * the guest's tables silently and met by the host's walk when the guest
 * touches the address (or when the host pushes a trap frame there), and
 * handed over with KH_SET_PTE or KH_SET_PDE, directly or batched in the
 * asynchronous ring. Every case but the KH_NEW_PGTABLE ones first sets up
 * and switches to a healthy address space. Next: T:670, churning through
 * address spaces. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define BAD_VA		(USER_BASE + 0x3000)

struct bad_case {
	const char *name;
	const char *what;
	void (*run)(void);
	bool needs_space;
};
_Static_assert(offsetof(struct bad_case, name) == 0, "CMDLINE_CASE finds cases by name");

static uint32_t space;

/* The first frame beyond guest memory, as an entry's address. */
static uint32_t beyond(void)
{
	return memory_limit();
}

static uint32_t touch(uint32_t va)
{
	return *(volatile uint32_t *)(uintptr_t)va;
}

/* Silent entries, found by the host's walk. */
static void walk_table_beyond(void)
{
	*space_pde(space, BAD_VA) = beyond() | USER_PAGE;
	touch(BAD_VA);
}

static void walk_frame_beyond(void)
{
	*space_pte(space, BAD_VA) = (beyond() + 5 * PAGE_SIZE) | USER_PAGE;
	touch(BAD_VA);
}

static void walk_4mib(void)
{
	*space_pde(space, BAD_VA) = 0 | USER_PAGE | PTE_PSE;
	touch(BAD_VA);
}

/* The host's own write of a trap frame walks into the 4 MiB page. */
static void walk_4mib_stack(void)
{
	*space_pde(space, BAD_VA) = 0 | USER_PAGE | PTE_PSE;
	kh_set_stack(GUEST_DS, BAD_VA + PAGE_SIZE);
	run_ring3(probe_int3, 0);
}

/* Entries handed to the host. */
static void set_pte_beyond(void)
{
	kh_set_pte(space, BAD_VA, beyond() | USER_PAGE);
}

static void set_pte_switcher(void)
{
	kh_set_pte(space, SWITCHER_ADDR, 0);
}

static void set_pte_top(void)
{
	kh_set_pte(space, 0xfffff000u, 0x1000 | USER_PAGE);
}

static void set_pte_bad_dir(void)
{
	kh_set_pte(beyond(), BAD_VA, 0);
}

static void batched_set_pte_beyond(void)
{
	batch_hcall(KH_SET_PTE, space, BAD_VA, beyond() | USER_PAGE);
	kh_flush_async();
}

static void set_pde_beyond(void)
{
	kh_set_pde(space, pgd_index(BAD_VA), beyond() | USER_PAGE);
}

static void set_pde_4mib(void)
{
	kh_set_pde(space, pgd_index(BAD_VA), USER_PAGE | PTE_PSE);
}

static void set_pde_switcher(void)
{
	kh_set_pde(space, SWITCHER_PGD, 0);
}

static void set_pde_1024(void)
{
	kh_set_pde(space, PTRS_PER_TABLE, 0);
}

static void set_pde_bad_dir(void)
{
	kh_set_pde(space + 4, pgd_index(BAD_VA), 0);
}

static void new_pgtable_beyond(void)
{
	kh_new_pgtable(beyond());
}

static void new_pgtable_unaligned(void)
{
	kh_new_pgtable(space_new() + 0x800);
}

static void new_pgtable_wrap(void)
{
	kh_new_pgtable(0xfffff000u);
}

static void flush_tlb_two(void)
{
	kh_flush_tlb(2);
}

static void kernel_address_unaligned(void)
{
	kennel_data.kernel_address = KERNEL_BASE + PAGE_SIZE;
	kh_new_pgtable(space_new());
}

static void kernel_address_switcher(void)
{
	kennel_data.kernel_address = SWITCHER_ADDR;
	kh_new_pgtable(space_new());
}

/* Read at every switch, not just the first: a later one is bad. */
static void kernel_address_later(void)
{
	kennel_data.kernel_address = 0x00400001u;
	space_switch(space_new());
}

static const struct bad_case cases[] = {
	{ "walk_table_beyond", "touch a page whose page table is beyond memory",
	  walk_table_beyond, true },
	{ "walk_frame_beyond", "touch a page whose frame is beyond memory",
	  walk_frame_beyond, true },
	{ "walk_4mib", "touch a 4 MiB page", walk_4mib, true },
	{ "walk_4mib_stack", "trap onto a stack in a 4 MiB page", walk_4mib_stack, true },
	{ "set_pte_beyond", "KH_SET_PTE a frame beyond memory", set_pte_beyond, true },
	{ "set_pte_switcher", "KH_SET_PTE at 0xffc00000", set_pte_switcher, true },
	{ "set_pte_top", "KH_SET_PTE at 0xfffff000", set_pte_top, true },
	{ "set_pte_bad_dir", "KH_SET_PTE in a directory beyond memory", set_pte_bad_dir, true },
	{ "batched_set_pte_beyond", "batch a KH_SET_PTE of a frame beyond memory",
	  batched_set_pte_beyond, true },
	{ "set_pde_beyond", "KH_SET_PDE a page table beyond memory", set_pde_beyond, true },
	{ "set_pde_4mib", "KH_SET_PDE a 4 MiB page", set_pde_4mib, true },
	{ "set_pde_switcher", "KH_SET_PDE slot 1023", set_pde_switcher, true },
	{ "set_pde_1024", "KH_SET_PDE slot 1024", set_pde_1024, true },
	{ "set_pde_bad_dir", "KH_SET_PDE in an unaligned directory", set_pde_bad_dir, true },
	{ "new_pgtable_beyond", "KH_NEW_PGTABLE a directory beyond memory",
	  new_pgtable_beyond, false },
	{ "new_pgtable_unaligned", "KH_NEW_PGTABLE an unaligned directory",
	  new_pgtable_unaligned, false },
	{ "new_pgtable_wrap", "KH_NEW_PGTABLE at 0xfffff000", new_pgtable_wrap, false },
	{ "flush_tlb_two", "call KH_FLUSH_TLB(2)", flush_tlb_two, true },
	{ "kernel_address_unaligned", "switch with kernel_address 0xc0001000",
	  kernel_address_unaligned, false },
	{ "kernel_address_switcher", "switch with kernel_address 0xffc00000",
	  kernel_address_switcher, false },
	{ "kernel_address_later", "switch again with kernel_address 0x00400001",
	  kernel_address_later, true },
};

void test_main(void)
{
	char name[32];
	const struct bad_case *c = CMDLINE_CASE(cases, name);

	if (!c)
		test_error("no such case '%s'", name);
	paging_init();
	if (c->needs_space) {
		space = space_new();
		space_switch(space);
		space_pte(space, BAD_VA);
	}
	print("paging_bad: %s: about to %s (memory ends at 0x%x)\n", c->name, c->what,
	      memory_limit());
	c->run();
	print("paging_bad: %s: the host accepted it\n", c->name);
	test_result(RESULT_FAILURE);
}
