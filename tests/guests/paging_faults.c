/*T:620 tests/guests/paging_faults.c: the faults that are the guest's.
 *
 * With shadow paging on, most page faults are the host's business: the
 * shadow is filled on demand (V:110), and the guest never hears of them.
 * A fault the guest's own tables do not allow is different: it must
 * arrive at the guest's handler exactly as the CPU would deliver it from
 * those tables, with kennel_data.cr2 at the address and an error code
 * whose bits say not present (0) or protection (PF_PRESENT), read or
 * write (PF_WRITE), ring 1 or ring 3 (PF_USER). Ring 1 counts as
 * supervisor, with write protection on: a read-only page stays read-only
 * to the guest kernel too.
 *
 * Each case gets a page at an address never used before, so the shadow
 * holds nothing for it and the host must decide from the guest's tables
 * alone; the cases that matter are repeated after a read that did go
 * through, when the shadow does hold the page. Rights are checked at both
 * levels: a read-only or supervisor page-table entry, and a read-only or
 * supervisor directory entry over a permissive page-table entry (the
 * rights that count are the AND of the two). The kernel's shared view
 * (KERNEL_BASE) is supervisor-only, so ring 3 cannot read it.
 *
 * Last, the guest does demand paging itself: ring 3 writes to pages that
 * are not there, and the guest's fault handler maps each one and returns
 * to the write, which then goes through. Next: T:630, copy-on-write. */
#include "tests/guests/lib/guest.h"

#define MARK(va)	((va) ^ 0x5eed0000u)
#define LAZY_PAGES	8

static uint32_t space;
static uint32_t next_page_va = USER_BASE;
static uint32_t next_slot_va = USER_BASE + BIGPAGE_SIZE;

/* A page at an address never used before, holding MARK(va) in its first
 * word; flags 0 leaves it not present (its page table exists). */
static uint32_t fresh_page(uint32_t flags)
{
	uint32_t va = next_page_va, gpa = page_alloc();

	next_page_va += PAGE_SIZE;
	*kernel_view(gpa) = MARK(va);
	if (flags)
		space_map(space, va, gpa, flags);
	else
		space_pte(space, va);
	return va;
}

/* A page alone in a slot of its own, whose directory entry has pde_flags. */
static uint32_t page_under_pde(uint32_t pde_flags, uint32_t pte_flags)
{
	uint32_t va = next_slot_va, gpa = page_alloc();
	volatile uint32_t *pde;

	next_slot_va += BIGPAGE_SIZE;
	*kernel_view(gpa) = MARK(va);
	space_map(space, va, gpa, pte_flags);
	pde = space_pde(space, va);
	*pde = pte_frame(*pde) | pde_flags;
	kh_set_pde(space, pgd_index(va), *pde);
	return va;
}

static void check_fault(const struct outcome *o, uint32_t va, uint32_t errcode,
			probe_fn *probe, const char *what)
{
	uint32_t site = probe == probe_read ? SITE(probe_read) : SITE(probe_write);

	if (check_trap_code(o, 14, errcode, site, what))
		check(o->cr2 == va, "%s: cr2 0x%x, want 0x%x", what, o->cr2, va);
}

static void check_ring3_fault(probe_fn *probe, uint32_t va, uint32_t errcode, const char *what)
{
	struct outcome o = run_ring3(probe, va);

	check_fault(&o, va, errcode, probe, what);
}

static void check_ring1_fault(probe_fn *probe, uint32_t va, uint32_t errcode, const char *what)
{
	struct outcome o = run_ring1(probe, va);

	check_fault(&o, va, errcode, probe, what);
}

static void check_reads_mark(struct outcome o, uint32_t va, const char *what)
{
	if (check_no_trap(&o, what))
		check(o.result == MARK(va), "%s: read 0x%x, want 0x%x", what, o.result, MARK(va));
}

/* probe_write stores 0x5a5a5a5a; look for it in the page behind. */
static void check_writes(struct outcome o, uint32_t gpa, const char *what)
{
	if (check_no_trap(&o, what))
		check(*kernel_view(gpa) == 0x5a5a5a5a, "%s: the page holds 0x%x after the write",
		      what, *kernel_view(gpa));
}

static uint32_t gpa_behind(uint32_t va)
{
	return pte_frame(*space_pte(space, va));
}

static void check_ring3_not_present(void)
{
	uint32_t va = fresh_page(0);

	check_ring3_fault(probe_read, va, PF_USER, "ring-3 read of a not-present page");
	check_ring3_fault(probe_write, va + 8, PF_USER | PF_WRITE,
			  "ring-3 write to a not-present page");
	va = next_slot_va + 0x123;
	check_ring3_fault(probe_read, va, PF_USER, "ring-3 read with no page table");
}

static void check_ring3_read_only(void)
{
	const uint32_t protection = PF_PRESENT | PF_USER | PF_WRITE;
	uint32_t va = fresh_page(PTE_PRESENT | PTE_USER);

	check_ring3_fault(probe_write, va, protection, "ring-3 write to a fresh read-only page");
	va = fresh_page(PTE_PRESENT | PTE_USER);
	check_reads_mark(run_ring3(probe_read, va), va, "ring-3 read of a read-only page");
	check_ring3_fault(probe_write, va, protection, "ring-3 write to a read-only page it read");
	va = page_under_pde(PTE_PRESENT | PTE_USER, USER_PAGE);
	check_ring3_fault(probe_write, va, protection,
			  "ring-3 write under a read-only directory entry");
	check_reads_mark(run_ring3(probe_read, va), va,
			 "ring-3 read under a read-only directory entry");
	check_ring3_fault(probe_write, va, protection,
			  "ring-3 write under a read-only directory entry, after a read");
}

static void check_ring3_supervisor(void)
{
	const uint32_t protection = PF_PRESENT | PF_USER;
	uint32_t va = fresh_page(KERNEL_PAGE);

	check_ring3_fault(probe_read, va, protection, "ring-3 read of a fresh supervisor page");
	check_ring3_fault(probe_write, va, protection | PF_WRITE,
			  "ring-3 write to a supervisor page");
	va = fresh_page(KERNEL_PAGE);
	check_reads_mark(run_ring1(probe_read, va), va, "ring-1 read of a supervisor page");
	check_ring3_fault(probe_read, va, protection,
			  "ring-3 read of a supervisor page ring 1 has read");
	va = page_under_pde(KERNEL_PAGE, USER_PAGE);
	check_ring3_fault(probe_read, va, protection,
			  "ring-3 read under a supervisor directory entry");
	va = (uint32_t)(uintptr_t)kernel_view(gpa_of(&kennel_data));
	check_ring3_fault(probe_read, va, protection, "ring-3 read of the kernel's shared view");
}

static void check_ring1_rights(void)
{
	uint32_t va = fresh_page(0), gpa;

	check_ring1_fault(probe_read, va, 0, "ring-1 read of a not-present page");
	check_ring1_fault(probe_write, va, PF_WRITE, "ring-1 write to a not-present page");
	va = fresh_page(PTE_PRESENT | PTE_USER);
	check_ring1_fault(probe_write, va, PF_PRESENT | PF_WRITE,
			  "ring-1 write to a fresh read-only page");
	check_reads_mark(run_ring1(probe_read, va), va, "ring-1 read of a read-only page");
	check_ring1_fault(probe_write, va, PF_PRESENT | PF_WRITE,
			  "ring-1 write to a read-only page it read");
	va = page_under_pde(PTE_PRESENT | PTE_USER, USER_PAGE);
	check_ring1_fault(probe_write, va, PF_PRESENT | PF_WRITE,
			  "ring-1 write under a read-only directory entry");
	va = fresh_page(KERNEL_PAGE);
	gpa = gpa_behind(va);
	check_writes(run_ring1(probe_write, va), gpa, "ring-1 write to a supervisor page");
	va = page_under_pde(KERNEL_PAGE, USER_PAGE);
	gpa = gpa_behind(va);
	check_writes(run_ring1(probe_write, va), gpa,
		     "ring-1 write under a supervisor directory entry");
}

/* The guest repairs what faulted, tells the host, and the retry works. */
static void check_repairs(void)
{
	uint32_t va = fresh_page(PTE_PRESENT | PTE_USER), gpa = gpa_behind(va);

	check_ring3_fault(probe_write, va, PF_PRESENT | PF_USER | PF_WRITE,
			  "ring-3 write before the page is made writable");
	space_map(space, va, gpa, USER_PAGE);
	check_writes(run_ring3(probe_write, va), gpa,
		     "ring-3 write after KH_SET_PTE made the page writable");
	va = fresh_page(0);
	check_ring3_fault(probe_read, va, PF_USER, "ring-3 read before the page is mapped");
	space_map(space, va, page_alloc(), USER_PAGE);
	*kernel_view(gpa_behind(va)) = MARK(va);
	check_reads_mark(run_ring3(probe_read, va), va, "ring-3 read after KH_SET_PTE mapped it");
}

static uint32_t lazy_base, lazy_faults;

static void map_on_demand(struct trap_frame *f)
{
	uint32_t va = kennel_data.cr2;

	if (va < lazy_base || va >= lazy_base + LAZY_PAGES * PAGE_SIZE ||
	    f->errcode != (PF_USER | PF_WRITE)) {
		catch_trap(f);
		test_error("page fault at 0x%x (error code 0x%x) outside the lazy pages",
			   va, f->errcode);
	}
	lazy_faults++;
	space_map(space, page_round_down(va), page_alloc(), USER_PAGE);
}

/* Ring 3: write each lazy page's address into it, and read it back. */
static uint32_t write_lazy_pages(uint32_t base)
{
	uint32_t good = 0;

	for (uint32_t i = 0; i < LAZY_PAGES; i++) {
		volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(base + i * PAGE_SIZE + 12);

		*p = base + i;
		good += *p == base + i;
	}
	return good;
}

static void check_demand_paging(void)
{
	struct outcome o;

	lazy_base = next_slot_va;
	next_slot_va += BIGPAGE_SIZE;
	set_handler(14, map_on_demand);
	o = run_ring3(write_lazy_pages, lazy_base);
	set_handler(14, NULL);
	if (check_no_trap(&o, "ring 3 writing pages the guest maps on demand"))
		check_eq(o.result, LAZY_PAGES, "lazy pages that read back what ring 3 wrote");
	check_eq(lazy_faults, LAZY_PAGES, "faults the guest's handler saw for the lazy pages");
	for (uint32_t i = 0; i < LAZY_PAGES; i++) {
		uint32_t gpa = gpa_behind(lazy_base + i * PAGE_SIZE);

		check_eq(kernel_view(gpa)[3], lazy_base + i, "a lazy page seen through the kernel's view");
	}
}

void test_main(void)
{
	paging_init();
	space = space_new();
	space_switch(space);
	check_ring3_not_present();
	check_ring3_read_only();
	check_ring3_supervisor();
	check_ring1_rights();
	check_repairs();
	check_demand_paging();
	print("paging_faults: %u failed checks\n", failures());
	test_finish();
}
