/*T:670 tests/guests/paging_churn.c: hundreds of address spaces.
 *
 * A guest kernel running many processes has many page directories, and
 * the host keeps shadows of only a few of them (V:150): each new one
 * evicts the oldest, and all the host memory behind the victim must come
 * back. This guest makes as many address spaces as its command line says
 * (500 if it says nothing), each a directory, a page table and a page of
 * its own at USER_BASE, all at different guest-physical addresses. It
 * switches to each in turn, once, and touches it: ring 1 writes the
 * space's number into its page and reads it back, ring 3 reads it too,
 * and ring 1 reads it once more through the kernel's shared view. At the
 * end every page must hold its own space's stamp, and a few spaces evicted
 * long ago, visited again, must still show theirs.
 *
 * What the host spent is for the boot test to judge, from outside: the
 * Launcher's --stats says how many shadow page tables the guest held at
 * the end (page_tables), which the cache bounds whatever the number of
 * spaces, and the host's free-frame count must be the same after the
 * guest as before it. Next: T:680, a timer that switches processes. */
#include "tests/guests/lib/guest.h"

#define DEFAULT_SPACES	500
#define MAX_SPACES	1000
#define PAGES_PER_SPACE	3	/* directory, page table, page */
#define REVISITS	8

struct space {
	uint32_t dir, page;
};

static struct space spaces[MAX_SPACES];

static uint32_t stamp(uint32_t i)
{
	return 0x5ace0000u + i;
}

static volatile uint32_t *user_word(void)
{
	return (volatile uint32_t *)(uintptr_t)USER_BASE;
}

static bool check_space_shows(uint32_t i, const char *what)
{
	struct outcome o = run_ring3(probe_read, USER_BASE);

	if (!check(*user_word() == stamp(i), "%s: space %u shows 0x%x, want 0x%x", what, i,
		   *user_word(), stamp(i)))
		return false;
	if (!check_no_trap(&o, what))
		return false;
	return check(o.result == stamp(i), "%s: ring 3 in space %u reads 0x%x", what, i, o.result);
}

static bool make_and_touch(uint32_t i)
{
	struct space *s = &spaces[i];

	s->dir = space_new();
	s->page = page_alloc();
	space_map(s->dir, USER_BASE, s->page, USER_PAGE);
	space_switch(s->dir);
	*user_word() = stamp(i);
	if (!check_space_shows(i, "a new space"))
		return false;
	return check(*kernel_view(s->page) == stamp(i),
		     "space %u: the kernel's view of its page shows 0x%x", i, *kernel_view(s->page));
}

static void check_all_pages(uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (!check(*kernel_view(spaces[i].page) == stamp(i),
			   "space %u's page holds 0x%x at the end", i, *kernel_view(spaces[i].page)))
			return;
}

static void revisit(uint32_t count)
{
	for (uint32_t n = 0; n < REVISITS; n++) {
		uint32_t i = n * (count - 1) / (REVISITS - 1);

		space_switch(spaces[i].dir);
		check_space_shows(i, "a space visited again");
	}
}

void test_main(void)
{
	uint32_t count = cmdline_number(0, DEFAULT_SPACES), made = 0;

	if (count < 2 || count > MAX_SPACES)
		test_error("%u address spaces: between 2 and %u, please", count, MAX_SPACES);
	paging_init();
	if (pages_free() < count * PAGES_PER_SPACE)
		test_error("%u pages free, not enough for %u address spaces", pages_free(), count);
	while (made < count && make_and_touch(made))
		made++;
	check_all_pages(made);
	revisit(made);
	print("paging_churn: %u address spaces made and touched, %u pages left\n", made,
	      pages_free());
	test_finish();
}
