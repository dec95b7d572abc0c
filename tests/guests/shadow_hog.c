/*T:715 tests/guests/shadow_hog.c: a small guest that asks for a lot of
 * shadow.
 *
 * A guest pays for its page tables with its own memory, but the host
 * pays for their shadows (V:172). One page table of the guest's, put in
 * every slot of a directory, costs the guest one page and the host a
 * table per slot, and the host caches SHADOW_DIRS such directories. This
 * guest (meant for --mem 2M) makes four address spaces, points slots 1 to
 * 767 of each at the same table, which maps one page holding a marker,
 * and reads the marker through every slot of every space, twice round.
 * Without a budget that is over 3,000 host pages held for a 2 MiB guest;
 * with one (V:172) the host must reclaim as it goes and the guest must
 * still see every read succeed. It prints
 *
 *   shadow_hog: 4 spaces, N reads, 0 wrong
 *
 * and the boot test reads from --stats what the host held at the end.
 * Next: T:720. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define SPACES		4
#define FIRST_SLOT	1
#define LAST_SLOT	768		/* exclusive: KERNEL_BASE's slot */
#define ROUNDS		2
#define MARKER		0x5ad0a11u

void test_main(void)
{
	uint32_t spaces[SPACES], table, data, reads = 0, wrong = 0;

	paging_init();
	data = page_alloc();
	table = page_alloc();
	*(volatile uint32_t *)(uintptr_t)data = MARKER;
	((volatile uint32_t *)(uintptr_t)table)[0] = data | USER_PAGE;
	for (int i = 0; i < SPACES; i++) {
		spaces[i] = space_new();
		for (uint32_t slot = FIRST_SLOT; slot < LAST_SLOT; slot++)
			*space_pde(spaces[i], slot << 22) = table | USER_PAGE;
	}
	for (int round = 0; round < ROUNDS; round++)
		for (int i = 0; i < SPACES; i++) {
			space_switch(spaces[i]);
			for (uint32_t slot = FIRST_SLOT; slot < LAST_SLOT; slot++, reads++)
				wrong += *(volatile uint32_t *)(uintptr_t)(slot << 22) != MARKER;
		}
	print("shadow_hog: %d spaces, %u reads, %u wrong\n", SPACES, reads, wrong);
	check_eq(wrong, 0, "reads through the shared table that missed the marker");
	test_finish();
}
