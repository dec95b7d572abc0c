/*T:961 tests/guests/ufault.c: lazy memory, seen from the guest.
 *
 * Run with `launcher --lazy-memory` (L:725): the Launcher filled only the
 * guest's image, its boot information and its device pages before it
 * started, and every other page gets a frame on its first touch. The
 * guest cannot see a fault coming, only its effect, so each case takes
 * the host's counters (KH_GET_STATS, struct kn_stats) before and after one
 * touch of a page nobody has touched yet ("fresh": taken from the top of
 * RAM down, far above the pages paging_init took) and demands the exact
 * change of uf_guest_faults, uf_host_faults and uf_zero_copies:
 *
 *   - a read of a fresh page: one guest fault, and it reads zeroes (the
 *     Launcher answered with the shared zero frame);
 *   - a write to that page afterwards: one zero copy and no fault;
 *   - a write to another fresh page: one guest fault, no zero copy (the
 *     Launcher, told it was a write, copied in a page of zeroes);
 *   - KH_GET_STATS into a fresh page: one host fault; the call is started
 *     again once the page is there, and its answer is right;
 *   - a trap from ring 3 onto a KH_SET_STACK stack in a fresh page: one
 *     host fault, the delivery done again;
 *   - a fresh page as a page table: the host's walk faults on it (one
 *     host fault), then finds it empty, and the guest gets its page fault;
 *   - a fresh page read through one mapping, then written through another:
 *     the write copies the zero frame, and the first mapping must see it.
 *
 * With the word "failfast" (`--lazy-memory=failfast`) the guest says which
 * page it touches and touches it: the host must kill it there, so its
 * result line must never come. Next: the boot test, T:962. */
#include "arch/x86/kennel_dev.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define MAGIC		0x1a2b3c4du
#define TABLE_VA	(USER_BASE + 0x01000000u)	/* a private slot of its own */

static struct kn_stats before, after;
static uint32_t fresh_next;

/* A page no one has touched: from the top of RAM down. */
static uint32_t fresh_page(void)
{
	if (!fresh_next)
		fresh_next = page_round_down(boot_info.mem_bytes);
	fresh_next -= PAGE_SIZE;
	if (fresh_next < page_round_up(image_end()) + 64 * PAGE_SIZE)
		test_error("out of fresh pages");
	return fresh_next;
}

static volatile uint32_t *word(uint32_t va)
{
	return (volatile uint32_t *)(uintptr_t)va;
}

static void get_stats(struct kn_stats *s)
{
	hcall(KH_GET_STATS, gpa_of(s), sizeof(*s), 0, 0);
}

static void check_delta(const char *what, uint32_t guest, uint32_t host, uint32_t zero)
{
	uint32_t g, h, z;

	get_stats(&after);
	g = (uint32_t)(after.uf_guest_faults - before.uf_guest_faults);
	h = (uint32_t)(after.uf_host_faults - before.uf_host_faults);
	z = (uint32_t)(after.uf_zero_copies - before.uf_zero_copies);
	check(g == guest && h == host && z == zero, "%s: %u guest faults, %u host faults, "
	      "%u zero copies; want %u, %u, %u", what, g, h, z, guest, host, zero);
}

/* The words from va to the end of its page. */
static bool zero_to_page_end(uint32_t va)
{
	for (uint32_t a = va; a < page_round_down(va) + PAGE_SIZE; a += 4)
		if (*word(a))
			return false;
	return true;
}

static void read_then_write(void)
{
	uint32_t page = fresh_page();

	get_stats(&before);
	check(zero_to_page_end(page), "a fresh page read other than zeroes");
	check_delta("a read of a fresh page", 1, 0, 0);
	get_stats(&before);
	*word(page + 8) = MAGIC;
	check_eq(*word(page + 8), MAGIC, "the word written to the zero page");
	check_delta("a write to the zero page", 0, 0, 1);
}

static void write_fresh(void)
{
	uint32_t page = fresh_page();

	get_stats(&before);
	*word(page + 12) = MAGIC;
	check_eq(*word(page + 12), MAGIC, "the word written to a fresh page");
	check(zero_to_page_end(page + 16), "a fresh page written has other than zeroes");
	check_delta("a write to a fresh page", 1, 0, 0);
}

/* The host writes the answer into a page that is not there: it must come
 * back with the page filled and the call made once. */
static void stats_into_fresh(void)
{
	struct kn_stats *answer = (struct kn_stats *)(uintptr_t)fresh_page();

	get_stats(&before);
	get_stats(answer);
	check_delta("KH_GET_STATS into a fresh page", 0, 1, 0);
	check_eq((uint32_t)(answer->uf_host_faults - before.uf_host_faults), 1,
		 "the restarted KH_GET_STATS's own uf_host_faults");
	check_eq((uint32_t)(answer->uf_guest_faults - before.uf_guest_faults), 0,
		 "the restarted KH_GET_STATS's uf_guest_faults");
	check_eq((uint32_t)(answer->hypercalls[KH_GET_STATS] - before.hypercalls[KH_GET_STATS]),
		 1, "KH_GET_STATS calls counted for the restarted one");
	check_eq((uint32_t)(after.hypercalls[KH_GET_STATS] - answer->hypercalls[KH_GET_STATS]),
		 1, "KH_GET_STATS calls counted after it");
}

/* Ring 3's return to ring 1 is a trap (RING3_EXIT_VECTOR) whose frame the
 * host pushes on the KH_SET_STACK stack: here a fresh page. */
static void trap_onto_fresh_stack(void)
{
	uint32_t stack = fresh_page();
	struct outcome o;

	get_stats(&before);
	o = run_ring3(probe_read, gpa_of(&before.uf_guest_faults));
	if (check_no_trap(&o, "a ring-3 read with the usual trap stack"))
		check_eq(o.result, (uint32_t)before.uf_guest_faults, "what ring 3 read, usually");
	kh_set_stack(GUEST_DS, stack + PAGE_SIZE);
	o = run_ring3(probe_read, gpa_of(&before.uf_guest_faults));
	kh_set_stack(GUEST_DS, trap_stack_top());
	if (check_no_trap(&o, "a ring-3 read with the trap stack in a fresh page"))
		check_eq(o.result, (uint32_t)before.uf_guest_faults,
			 "what ring 3 read, its return onto a fresh stack");
	check_delta("a trap delivered onto a fresh stack", 0, 1, 0);
}

/* An empty slot of the directory pointed at a fresh page: the host's walk
 * reads it (and faults), finds no entry, and reflects a page fault. */
static void fresh_page_table(void)
{
	uint32_t table = fresh_page();
	struct outcome o;

	*space_pde(current_space(), TABLE_VA) = table | USER_PAGE;
	get_stats(&before);
	o = run_ring1(probe_read, TABLE_VA);
	check_delta("a walk through a fresh page table", 0, 1, 0);
	if (check_trap_code(&o, 14, 0, SITE(probe_read), "a read through a fresh page table"))
		check_eq(o.cr2, TABLE_VA, "cr2 of the read through a fresh page table");
	*space_pde(current_space(), TABLE_VA) = 0;
	kh_set_pde(current_space(), pgd_index(TABLE_VA), 0);
}

/* Read through the identity map (the zero frame, read-only), write through
 * the kernel's view: the copy must replace the zero frame in both. */
static void zero_page_alias(void)
{
	uint32_t page = fresh_page();

	get_stats(&before);
	check_eq(*word(page + 16), 0, "a fresh page read through the identity map");
	*kernel_view(page + 16) = MAGIC;
	check_eq(*word(page + 16), MAGIC, "the identity map after a write through the kernel's");
	check_eq(*kernel_view(page + 16), MAGIC, "the kernel's view after its write");
	check_delta("read through one mapping, written through another", 1, 0, 1);
}

static void failfast(void)
{
	uint32_t page = fresh_page();

	print("ufault: touching 0x%08x\n", page);
	(void)*word(page);
	check(false, "the guest was not stopped at its first touch of 0x%08x", page);
	test_finish();
}

void test_main(void)
{
	char mode[16];

	if (cmdline_word(0, mode, sizeof(mode)) && strcmp(mode, "failfast") == 0)
		failfast();
	paging_init();
	space_switch(space_new());
	read_then_write();
	write_fresh();
	stats_into_fresh();
	trap_onto_fresh_stack();
	fresh_page_table();
	zero_page_alias();
	print("ufault: %u failed checks\n", failures());
	test_finish();
}
