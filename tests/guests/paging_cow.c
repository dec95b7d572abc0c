/*T:630 tests/guests/paging_cow.c: copy-on-write, done by the guest.
 *
 * The way a kernel shares a page between two processes after a fork:
 * both map it read-only, marked copy-on-write in a bit of the page-table
 * entry the CPU ignores (PTE_COW, bit 9, the first of the three left to
 * software), and a page count says how many map it. A write faults to the
 * guest; its fault handler finds the mark, copies the page, maps the copy
 * writable in the writer's space with KH_SET_PTE, and returns to the
 * write, which now goes through. The last space to write to a page it
 * no longer shares needs no copy, just a writable entry.
 *
 * Three spaces, A, B and C, share one page, which all three have read
 * (so every shadow holds it, read-only). Then:
 *
 *   - ring 3 in A writes: one fault, a copy; A sees its write, B and C
 *     still see the original, and the original is untouched;
 *   - ring 1 in C writes (a kernel storing into a user page): one fault,
 *     with the error code of a ring-1 write, and a copy of C's own;
 *   - ring 3 in B writes: one fault, no copy, since B is now the page's
 *     only user; the original page itself changes;
 *   - writes after that fault no more, and each space still reads its own
 *     value back. Next: T:640, accessed and dirty bits. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define PTE_COW		0x200u
#define COW_VA		(USER_BASE + 0x5000)
#define COW_WORD	17
#define ORIGINAL	0x0dd0beefu
#define A_VALUE		0xa11ceu
#define B_VALUE		0xb0bu
#define C_VALUE		0xc0ffeeu
#define SPACES		3
#define MAX_PAGES	4096		/* users[] covers 16 MiB of guest memory */

enum { A, B, C };

static uint32_t dirs[SPACES];
static uint32_t original;			/* gpa of the shared page */
static uint8_t users[MAX_PAGES];		/* how many spaces map each page, by pfn */
static volatile uint32_t cow_faults, copies, last_errcode, last_cr2;

static volatile uint32_t *cow_word(void)
{
	return (volatile uint32_t *)(uintptr_t)(COW_VA + COW_WORD * 4);
}

static uint32_t copy_of(uint32_t gpa)
{
	uint32_t copy = page_alloc();

	memcpy((void *)(uintptr_t)copy, (const void *)(uintptr_t)gpa, PAGE_SIZE);
	users[gpa / PAGE_SIZE]--;
	users[copy / PAGE_SIZE] = 1;
	copies++;
	return copy;
}

/* The guest's page-fault handler: copy-on-write, or not ours at all. */
static void cow_fault(struct trap_frame *f)
{
	uint32_t va = kennel_data.cr2, dir = current_space();
	volatile uint32_t *pte = space_pte(dir, va);
	uint32_t gpa = pte_frame(*pte);

	if (!(f->errcode & PF_WRITE) ||
	    (*pte & (PTE_COW | PTE_PRESENT)) != (PTE_COW | PTE_PRESENT)) {
		catch_trap(f);
		test_error("page fault at 0x%x (error code 0x%x) is not copy-on-write",
			   va, f->errcode);
	}
	cow_faults++;
	last_errcode = f->errcode;
	last_cr2 = va;
	if (users[gpa / PAGE_SIZE] > 1)
		gpa = copy_of(gpa);
	space_map(dir, page_round_down(va), gpa, USER_PAGE);
}

static void share_page(void)
{
	if (memory_limit() > MAX_PAGES * PAGE_SIZE)
		test_error("more guest memory than the page counts cover");
	original = page_alloc();
	((uint32_t *)(uintptr_t)original)[COW_WORD] = ORIGINAL;
	for (uint32_t i = 0; i < SPACES; i++) {
		dirs[i] = space_new();
		space_map(dirs[i], COW_VA, original, PTE_PRESENT | PTE_USER | PTE_COW);
	}
	users[original / PAGE_SIZE] = SPACES;
}

static void check_reads(uint32_t space, uint32_t want, const char *what)
{
	struct outcome o;

	space_switch(dirs[space]);
	o = run_ring3(probe_read, (uint32_t)(uintptr_t)cow_word());
	if (check_no_trap(&o, what))
		check(o.result == want, "%s: space %c reads 0x%x, want 0x%x", what, 'A' + space,
		      o.result, want);
}

static uint32_t store_cow_word(uint32_t value)
{
	*cow_word() = value;
	return *cow_word();
}

/* Write value in space from ring 3 (or ring 1), and check the fault it
 * took: exactly one, at the word, with errcode, copying or not. */
static void write_once(uint32_t space, bool ring3, uint32_t value, uint32_t errcode, bool copy)
{
	uint32_t faults = cow_faults, copied = copies;
	struct outcome o;

	space_switch(dirs[space]);
	o = ring3 ? run_ring3(store_cow_word, value) : run_ring1(store_cow_word, value);
	if (!check_no_trap(&o, "a copy-on-write store"))
		return;
	check(o.result == value, "space %c read 0x%x back after storing 0x%x", 'A' + space,
	      o.result, value);
	check(cow_faults == faults + 1, "space %c's store took %u faults, want 1", 'A' + space,
	      cow_faults - faults);
	check(copies == copied + copy, "space %c's store made %u copies, want %u", 'A' + space,
	      copies - copied, copy);
	check_eq(last_errcode, errcode, "error code of the copy-on-write fault");
	check_eq(last_cr2, (uint32_t)(uintptr_t)cow_word(), "cr2 of the copy-on-write fault");
}

static void check_original(uint32_t want, const char *what)
{
	check(kernel_view(original)[COW_WORD] == want, "%s: the original page holds 0x%x, want 0x%x",
	      what, kernel_view(original)[COW_WORD], want);
}

void test_main(void)
{
	static const uint32_t values[SPACES] = { A_VALUE, B_VALUE, C_VALUE };

	paging_init();
	share_page();
	set_handler(14, cow_fault);
	for (uint32_t i = 0; i < SPACES; i++)
		check_reads(i, ORIGINAL, "before any write");
	write_once(A, true, A_VALUE, PF_PRESENT | PF_WRITE | PF_USER, true);
	check_reads(B, ORIGINAL, "B after A's write");
	check_reads(C, ORIGINAL, "C after A's write");
	check_original(ORIGINAL, "after A's write");
	write_once(C, false, C_VALUE, PF_PRESENT | PF_WRITE, true);
	check_reads(B, ORIGINAL, "B after C's write");
	check_original(ORIGINAL, "after C's write");
	write_once(B, true, B_VALUE, PF_PRESENT | PF_WRITE | PF_USER, false);
	check_original(B_VALUE, "after B's write, B's own");
	for (uint32_t i = 0; i < SPACES; i++) {
		uint32_t faults = cow_faults;

		check_reads(i, values[i], "after every write");
		run_ring3(store_cow_word, 0x600d + i);
		check(cow_faults == faults, "a second store in space %c faulted again", 'A' + (int)i);
	}
	set_handler(14, NULL);
	print("paging_cow: %u copy-on-write faults, %u copies, %u failed checks\n", cow_faults,
	      copies, failures());
	test_finish();
}
