/*T:610 tests/guests/paging_spaces.c: several address spaces, one guest.
 *
 * The guest builds SPACES page directories (lib/paging.c, T:600), each
 * with a page of its own at the same virtual address, USER_DATA, and all
 * sharing the kernel half from KERNEL_BASE. Before the first
 * KH_NEW_PGTABLE, USER_DATA is far beyond memory and a read there faults,
 * as linear mode says. Then, for a few rounds in changing order, the guest
 * switches to each space and checks that ring 1 and ring 3 see that
 * space's page at USER_DATA and nobody else's, and that the kernel's
 * shared view shows a kernel variable the guest changed just before the
 * switch. Writes through USER_DATA land in the space's own page.
 *
 * Then the rules for changing entries that cached shadows may hold (all
 * three spaces fit the host's cache of four, and each space has touched
 * what is changed, so a forgotten invalidation would show):
 *
 *   - a KH_SET_PTE at or above kernel_address, named for one space,
 *     reaches every space (the shared KERNEL_WINDOW is remapped);
 *   - a KH_SET_PTE for a space that is not the current one is seen when
 *     that space comes back, and not by the current one;
 *   - KH_SET_PDE: a space's private slot gets a new page table;
 *   - KH_FLUSH_TLB(0) after a silent change to the current space's user
 *     half, KH_FLUSH_TLB(1) after one to the kernel half;
 *   - KH_SET_PTE batched in the asynchronous ring, one per space.
 *
 * Next: T:620, the faults that are the guest's. */
#include "tests/guests/lib/guest.h"

#define SPACES		3
#define ROUNDS		4
#define USER_DATA	USER_BASE
#define WORDS		(PAGE_SIZE / 4)

struct space {
	uint32_t dir;
	uint32_t page;		/* gpa of its page at USER_DATA */
};

static struct space spaces[SPACES];
static volatile uint32_t kernel_word;
static uint32_t switches;

static uint32_t pattern(uint32_t tag, uint32_t word)
{
	return tag << 16 | word;
}

static volatile uint32_t *user_data(void)
{
	return (volatile uint32_t *)(uintptr_t)USER_DATA;
}

/* A new page whose every word is pattern(tag, word). */
static uint32_t patterned_page(uint32_t tag)
{
	uint32_t gpa = page_alloc();
	uint32_t *p = (uint32_t *)(uintptr_t)gpa;

	for (uint32_t i = 0; i < WORDS; i++)
		p[i] = pattern(tag, i);
	return gpa;
}

static void switch_to(uint32_t i)
{
	space_switch(spaces[i].dir);
	switches++;
}

static void build_spaces(void)
{
	for (uint32_t i = 0; i < SPACES; i++) {
		spaces[i].dir = space_new();
		spaces[i].page = patterned_page(i + 1);
		space_map(spaces[i].dir, USER_DATA, spaces[i].page, USER_PAGE);
	}
}

static void check_linear_mode_first(void)
{
	struct outcome o = run_ring1(probe_read, USER_DATA);

	if (check_trap_code(&o, 14, 0, SITE(probe_read), "reading USER_DATA in linear mode"))
		check_eq(o.cr2, USER_DATA, "cr2 of the linear-mode read at USER_DATA");
}

/* What the current space shows at USER_DATA, word by word, is tag's. */
static void check_sees(uint32_t tag, const char *what)
{
	uint32_t first = user_data()[0], last = user_data()[WORDS - 1];
	struct outcome o = run_ring3(probe_read, USER_DATA + 4 * 7);

	check(first == pattern(tag, 0) && last == pattern(tag, WORDS - 1),
	      "%s: USER_DATA holds 0x%x ... 0x%x, want page %u's", what, first, last, tag);
	if (check_no_trap(&o, what))
		check(o.result == pattern(tag, 7), "%s: ring 3 read 0x%x at USER_DATA + 28, want 0x%x",
		      what, o.result, pattern(tag, 7));
}

static void visit(uint32_t i, uint32_t round)
{
	uint32_t stamp = 0xabc00000u | round << 8 | i;

	kernel_word = stamp;
	switch_to(i);
	check_sees(i + 1, "a space's own page");
	check(*kernel_view(gpa_of(&kernel_word)) == stamp,
	      "space %u: the kernel's shared view shows 0x%x, want 0x%x", i,
	      *kernel_view(gpa_of(&kernel_word)), stamp);
	user_data()[2] = stamp;
}

static void check_rounds(void)
{
	for (uint32_t round = 0; round < ROUNDS; round++)
		for (uint32_t n = 0; n < SPACES; n++)
			visit(round % 2 ? SPACES - 1 - n : n, round);
	for (uint32_t i = 0; i < SPACES; i++) {
		uint32_t *p = (uint32_t *)(uintptr_t)spaces[i].page;

		check((p[2] & 0xff) == i && (p[2] >> 20) == 0xabc,
		      "space %u's page holds 0x%x, written in another space", i, p[2]);
		p[2] = pattern(i + 1, 2);
	}
}

static volatile uint32_t *window(void)
{
	return (volatile uint32_t *)(uintptr_t)KERNEL_WINDOW;
}

static void check_window_everywhere(uint32_t want, const char *what)
{
	for (uint32_t i = 0; i < SPACES; i++) {
		switch_to(i);
		check(*window() == want, "%s: space %u sees 0x%x in KERNEL_WINDOW, want 0x%x",
		      what, i, *window(), want);
	}
}

static void check_shared_changes(void)
{
	uint32_t a = patterned_page(0xa), b = patterned_page(0xb), c = patterned_page(0xc);
	volatile uint32_t *pte = space_pte(spaces[0].dir, KERNEL_WINDOW);

	space_map(spaces[0].dir, KERNEL_WINDOW, a, KERNEL_PAGE);
	check_window_everywhere(pattern(0xa, 0), "the window mapped once, for space 0");
	space_map(current_space(), KERNEL_WINDOW, b, KERNEL_PAGE);
	check_window_everywhere(pattern(0xb, 0), "one KH_SET_PTE in the kernel half");
	*pte = c | KERNEL_PAGE;
	kh_flush_tlb(1);
	check_window_everywhere(pattern(0xc, 0), "a silent change, then KH_FLUSH_TLB(1)");
}

static void check_other_space_change(void)
{
	uint32_t other = patterned_page(0xd);

	switch_to(1);
	check_sees(2, "space 1 before its page is replaced");
	switch_to(0);
	space_map(spaces[1].dir, USER_DATA, other, USER_PAGE);
	check_sees(1, "space 0 after space 1's KH_SET_PTE");
	switch_to(1);
	check_sees(0xd, "space 1 after its KH_SET_PTE, made from space 0");
	space_map(spaces[1].dir, USER_DATA, spaces[1].page, USER_PAGE);
	check_sees(2, "space 1 with its own page back");
}

static void check_new_page_table(void)
{
	uint32_t table = page_alloc(), page = patterned_page(0xe);
	volatile uint32_t *pde = space_pde(spaces[2].dir, USER_DATA);
	uint32_t old = *pde;

	switch_to(2);
	check_sees(3, "space 2 before its new page table");
	((uint32_t *)(uintptr_t)table)[pte_index(USER_DATA)] = page | USER_PAGE;
	*pde = table | USER_PAGE;
	kh_set_pde(spaces[2].dir, pgd_index(USER_DATA), *pde);
	check_sees(0xe, "space 2 after KH_SET_PDE gave it a new page table");
	*pde = old;
	kh_set_pde(spaces[2].dir, pgd_index(USER_DATA), old);
	check_sees(3, "space 2 with its page table back");
}

static void check_user_flush(void)
{
	uint32_t page = patterned_page(0xf);
	volatile uint32_t *pte = space_pte(spaces[0].dir, USER_DATA);

	switch_to(0);
	check_sees(1, "space 0 before a silent change");
	*pte = page | USER_PAGE;
	kh_flush_tlb(0);
	check_sees(0xf, "space 0 after a silent change and KH_FLUSH_TLB(0)");
	space_map(spaces[0].dir, USER_DATA, spaces[0].page, USER_PAGE);
}

static void check_batched_changes(void)
{
	uint32_t pages[SPACES];

	for (uint32_t i = 0; i < SPACES; i++) {
		switch_to(i);
		check_sees(i + 1, "a space before the batched changes");
		pages[i] = patterned_page(0x10 + i);
	}
	for (uint32_t i = 0; i < SPACES; i++) {
		*space_pte(spaces[i].dir, USER_DATA) = pages[i] | USER_PAGE;
		batch_hcall(KH_SET_PTE, spaces[i].dir, USER_DATA, pages[i] | USER_PAGE);
	}
	kh_flush_async();
	for (uint32_t i = 0; i < SPACES; i++) {
		switch_to(i);
		check_sees(0x10 + i, "a space after its batched KH_SET_PTE");
	}
}

void test_main(void)
{
	paging_init();
	build_spaces();
	check_linear_mode_first();
	check_rounds();
	check_shared_changes();
	check_other_space_change();
	check_new_page_table();
	check_user_flush();
	check_batched_changes();
	print("paging_spaces: %u spaces, %u switches, %u failed checks\n", SPACES, switches,
	      failures());
	test_finish();
}
