/*T:265 tests/unit/test_gmap.c: the guest memory object (V:300) and the
 * shadow page tables that hold its references (V:100), run natively.
 *
 * The host's memory code reaches frames through the direct map, physical
 * + 0xC0000000; so this test maps a small "machine" of its own at that
 * address and hands the real frame allocator (host/kernel/frames.c) its
 * frames. A guest of GUEST_PAGES pages gets frames of the machine as its
 * Launcher's memory (user_frame is a stub reading a table); the guest's
 * own page tables are written into its memory by the test, exactly as a
 * guest would. Then the rules are checked one by one: counts (the
 * Launcher's base reference, one per shadow entry, none left after a
 * teardown, every shadow frame back), the errors of gmap_get, the
 * categories, and write tracking: an armed page loses RW in every shadow
 * entry that maps it (two addresses, two cached directories, the linear
 * directory) before the guest runs again, and a write fault, a host copy
 * or a word written by the host marks it written. Then pages that come
 * later (V:560): a missing page makes the guest wait, in a fill and in a
 * host copy, and is mapped once filled; a zero page is mapped read-only,
 * copied at its first write, and the sweep drops the alias still on the
 * zero frame (V:575). AddressSanitizer keeps
 * its own shadow where the direct map must be, so this test runs under
 * UndefinedBehaviorSanitizer alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "lib/bitmap.h"
#include "arch/x86/kennel_userfault.h"
#include "arch/x86/paging.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/usercopy.h"

#define MACHINE_FRAMES	4096u			/* 16 MiB at the direct map */
#define GUEST_PAGES	64u
#define PTE_RWD		(PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY)

static uint32_t frame_map[BITMAP_WORDS(MACHINE_FRAMES)];
static uint32_t launcher_frames[GUEST_PAGES];
static struct guest *g;
static struct guest_regs regs;
static char killed[256];
static uint32_t baseline;

/* ---- what the memory code needs of the rest of the host ---- */

uint32_t user_frame(struct process *p, uint32_t uva)
{
	uint32_t i = (uva - g->mem_base) / PAGE_SIZE;

	(void)p;
	return uva >= g->mem_base && i < GUEST_PAGES ? launcher_frames[i] : 0;
}

uint32_t switcher_guest_pde(void)
{
	return 0;
}

bool direct_trap(const struct guest *guest, uint32_t vector)
{
	(void)guest;
	(void)vector;
	return false;
}

/* The scan's index of written pages (V:420) is told of every page that
 * becomes written; the tests check it is told exactly those. */
static bool noted[64];

void pm_scan_note_written(struct guest *guest, uint32_t gpfn)
{
	(void)guest;
	if (gpfn < 64)
		noted[gpfn] = true;
}

/* The OS's memory filled on demand (U:920): the Launcher's table is
 * launcher_frames, and what a fault raised is remembered. */
bool uspace_reserved(struct process *p, uint32_t va, uint32_t len)
{
	(void)p, (void)va, (void)len;
	return false;
}

bool uspace_has_frames(struct process *p, uint32_t va, uint32_t len)
{
	(void)p, (void)va, (void)len;
	return true;
}

int32_t uspace_on_fault(struct process *p, uint32_t va, uint32_t len, uspace_fault_fn fn,
			void *ctx)
{
	(void)p, (void)va, (void)len, (void)fn, (void)ctx;
	return 0;
}

uint32_t uspace_frame_at(struct process *p, uint32_t va)
{
	return user_frame(p, va);
}

int32_t uspace_install(struct process *p, uint32_t va, uint32_t frame, bool borrowed)
{
	(void)p, (void)borrowed;
	launcher_frames[(va - g->mem_base) / PAGE_SIZE] = frame;
	return 0;
}

int32_t copy_from_user(void *dst, uint32_t usrc, uint32_t len)
{
	memset(dst, (int)(usrc & 0xff), len);	/* a "buffer" of one byte value */
	return 0;
}

static uint32_t raised_gpa, raised_flags;

void userfault_raise(struct guest *guest, uint32_t gpa, uint32_t flags)
{
	raised_gpa = gpa;
	raised_flags = flags;
	guest->uf_waiting = true;
}

void userfault_launcher_touch(struct guest *guest, uint32_t gpa, bool write)
{
	(void)guest, (void)gpa, (void)write;
}

void kill_guest(struct guest *guest, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(killed, sizeof(killed), fmt, ap);
	va_end(ap);
	guest->dead = true;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fail_msg("the host panicked");
	abort();
}

/* ---- a machine and a guest ---- */

static int setup(void **state)
{
	void *at = mmap(phys_to_virt(0), MACHINE_FRAMES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	(void)state;
	if (at != phys_to_virt(0))
		return -1;
	frames_init(frame_map, MACHINE_FRAMES);
	frames_release_range(0, (uint64_t)MACHINE_FRAMES * PAGE_SIZE);
	gmap_lazy_init();
	baseline = frames_free_count();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(phys_to_virt(0), MACHINE_FRAMES * PAGE_SIZE);
	return 0;
}

/* What KN_INIT does (kennel_dev.c): the gmap, then linear mode. */
static int make_guest(void **state)
{
	(void)state;
	g = calloc(1, sizeof(*g));
	g->regs = &regs;
	g->mem_base = 0x10000000u;
	g->pfn_limit = GUEST_PAGES;
	killed[0] = '\0';
	for (uint32_t i = 0; i < GUEST_PAGES; i++)
		launcher_frames[i] = frame_alloc();
	assert_int_equal(gmap_init(g), 0);
	assert_int_equal(shadow_init(g), 0);
	return 0;
}

/* What kn_release does: every count must reach zero (gmap_destroy
 * panics otherwise) and every frame but the Launcher's come back. */
static int end_guest(void **state)
{
	(void)state;
	gmap_begin_teardown(g);
	shadow_destroy(g);
	gmap_destroy(g);
	assert_int_equal(g->stats.page_tables, 0);
	assert_int_equal(frames_free_count(), baseline - GUEST_PAGES);
	for (uint32_t i = 0; i < GUEST_PAGES; i++)
		assert_int_equal(frame_free(launcher_frames[i]), 0);
	assert_int_equal(frames_free_count(), baseline);
	free(g);
	return 0;
}

static uint16_t ref(uint32_t gpfn)
{
	return g->gpages[gpfn].ref;
}

static uint32_t *guest_word(uint32_t gpa)
{
	return (uint32_t *)phys_to_virt(launcher_frames[gpa / PAGE_SIZE]) + (gpa % PAGE_SIZE) / 4;
}

/* The shadow entry that maps va in the directory in use (or linear). */
static uint32_t *spte_of(uint32_t *pgdir, uint32_t va)
{
	uint32_t pde = pgdir[pgd_index(va)];

	if (!(pde & PTE_PRESENT))
		return NULL;
	return (uint32_t *)phys_to_virt(pte_frame(pde)) + pte_index(va);
}

static uint32_t *now_dir(void)
{
	return g->linear_pgdir ? g->linear_pgdir : g->shadows[g->shadow_now].pgdir;
}

static bool writable(uint32_t *pgdir, uint32_t va)
{
	uint32_t *e = spte_of(pgdir, va);

	return e && (*e & (PTE_PRESENT | PTE_RW)) == (PTE_PRESENT | PTE_RW);
}

/* ---- the tests ---- */

static void test_init_holds_the_launchers_and_the_linear_references(void **state)
{
	uint64_t c;

	(void)state;
	for (uint32_t i = 0; i < GUEST_PAGES; i++) {
		assert_int_equal(g->gpages[i].frame, launcher_frames[i]);
		assert_int_equal(g->gpages[i].state, GPAGE_PRESENT);
		assert_int_equal(ref(i), 2);	/* the Launcher's, the linear entry's */
	}
	c = gmap_categories(g, 3);
	assert_true(c & PAGE_IS_PRESENT);
	assert_true(c & PAGE_IS_WRITTEN);	/* never armed: written, as in Linux */
	assert_true(c & PAGE_IS_PINNED);
	assert_false(c & PAGE_IS_WPALLOWED);
	assert_int_equal(gmap_categories(g, GUEST_PAGES), 0);
	assert_int_equal(g->gmap_live, GUEST_PAGES);
}

static void test_get_checks_bounds_and_teardown(void **state)
{
	uint32_t frame = 0;

	(void)state;
	assert_int_equal(gmap_get(g, GUEST_PAGES, GMAP_READ, &frame), -EINVAL);
	assert_int_equal(gmap_get(g, 0xffffffffu, GMAP_READ, &frame), -EINVAL);
	assert_int_equal(gmap_get(g, 7, GMAP_IO, &frame), 0);
	assert_int_equal(frame, launcher_frames[7]);
	assert_int_equal(ref(7), 3);
	gmap_put(g, 7);
	assert_int_equal(ref(7), 2);
	g->gpages[9].state = GPAGE_MISSING;
	assert_int_equal(gmap_get(g, 9, GMAP_READ, &frame), -EAGAIN);
	g->gpages[9].state = GPAGE_PRESENT;
	g->gmap_dying = true;
	assert_int_equal(gmap_get(g, 7, GMAP_READ, &frame), -ESHUTDOWN);
	g->gmap_dying = false;
}

static void test_a_count_cannot_wrap(void **state)
{
	uint32_t frame, held = 0;

	(void)state;
	while (gmap_get(g, 5, GMAP_READ, &frame) == 0)
		held++;
	assert_int_equal(held, 0xffffu - 2);
	assert_int_equal(gmap_get(g, 5, GMAP_READ, &frame), -ERANGE);
	while (held--)
		gmap_put(g, 5);
	assert_int_equal(ref(5), 2);
}

static void test_linear_write_tracking(void **state)
{
	uint32_t va = 5 * PAGE_SIZE + 12;

	(void)state;
	gmap_write_protect(g, 5);
	assert_true(gmap_categories(g, 5) & PAGE_IS_WPALLOWED);
	assert_false(gmap_categories(g, 5) & PAGE_IS_WRITTEN);
	assert_true(writable(g->linear_pgdir, va));	/* until the next entry */
	shadow_write_protect(g);
	assert_false(g->wp_pending);
	assert_false(writable(g->linear_pgdir, va));
	assert_true(writable(g->linear_pgdir, 6 * PAGE_SIZE));
	/* A read fault is the guest's; a write fault the host's, once. */
	assert_false(demand_page(g, va, PF_PRESENT));
	assert_true(demand_page(g, va, PF_PRESENT | PF_WRITE));
	assert_true(writable(g->linear_pgdir, va));
	assert_true(gmap_categories(g, 5) & PAGE_IS_WRITTEN);
	assert_true(gmap_categories(g, 5) & PAGE_IS_WPALLOWED);	/* still tracked */
	assert_false(demand_page(g, va, PF_PRESENT | PF_WRITE));
}

static void test_host_writes_mark_written(void **state)
{
	uint8_t buf[64] = { 1 };
	uint32_t word;

	(void)state;
	for (uint32_t gpfn = 10; gpfn < 14; gpfn++) {
		gmap_write_protect(g, gpfn);
		noted[gpfn] = false;
	}
	guest_read(g, 10 * PAGE_SIZE, buf, sizeof(buf));
	word = guest_read_u32(g, 11 * PAGE_SIZE);
	(void)word;
	assert_false(gmap_categories(g, 10) & PAGE_IS_WRITTEN);
	assert_true(gmap_categories(g, 10) & PAGE_IS_ACCESSED);
	assert_false(gmap_categories(g, 11) & PAGE_IS_WRITTEN);
	guest_write(g, 12 * PAGE_SIZE - 8, buf, 16);	/* straddles 11 and 12 */
	assert_true(gmap_categories(g, 11) & PAGE_IS_WRITTEN);
	assert_true(gmap_categories(g, 12) & PAGE_IS_WRITTEN);
	guest_write_u32(g, 13 * PAGE_SIZE + 4, 99);
	assert_true(gmap_categories(g, 13) & PAGE_IS_WRITTEN);
	assert_int_equal(*guest_word(13 * PAGE_SIZE + 4), 99);
	assert_false(gmap_categories(g, 10) & PAGE_IS_WRITTEN);
	assert_int_equal(ref(12), 2);	/* the copies gave theirs back */
	assert_false(noted[10]);
	assert_true(noted[11] && noted[12] && noted[13]);
	assert_string_equal(killed, "");
}

static void test_shared_page_is_special(void **state)
{
	uint8_t *view;

	(void)state;
	view = guest_page_view(g, 20 * PAGE_SIZE + 64, sizeof(struct kennel_data));
	assert_non_null(view);
	assert_ptr_equal(view, (uint8_t *)phys_to_virt(launcher_frames[20]) + 64);
	assert_int_equal(ref(20), 3);
	gmap_write_protect(g, 20);
	assert_false(gmap_categories(g, 20) & PAGE_IS_WPALLOWED);
	assert_true(gmap_categories(g, 20) & PAGE_IS_WRITTEN);
	assert_null(guest_page_view(g, PAGE_SIZE - 4, 8));	/* straddles */
	g->data_gpa = 20 * PAGE_SIZE + 64;
	g->data_view = view;
}

/* Guest page tables in guest memory: directories at gpfn 1 and 4, both
 * using the page table at gpfn 2 for 0x400000; directory 1 also maps
 * 0x800000 through the table at gpfn 3. Every address maps gpfn 30. */
#define DIR_A	(1 * PAGE_SIZE)
#define DIR_B	(4 * PAGE_SIZE)
#define VA_1	0x400000u
#define VA_2	0x800000u

static void build_guest_tables(void)
{
	*guest_word(DIR_A + pgd_index(VA_1) * 4) = 2 * PAGE_SIZE | PTE_RWD;
	*guest_word(DIR_A + pgd_index(VA_2) * 4) = 3 * PAGE_SIZE | PTE_RWD;
	*guest_word(DIR_B + pgd_index(VA_1) * 4) = 2 * PAGE_SIZE | PTE_RWD;
	*guest_word(2 * PAGE_SIZE + pte_index(VA_1) * 4) = 30 * PAGE_SIZE | PTE_RWD;
	*guest_word(3 * PAGE_SIZE + pte_index(VA_2) * 4) = 30 * PAGE_SIZE | PTE_RWD;
}

static void test_aliases_and_cached_directories_lose_rw(void **state)
{
	uint32_t *dir_a, *dir_b;

	(void)state;
	build_guest_tables();
	shadow_switch(g, DIR_A);
	assert_null(g->linear_pgdir);
	assert_int_equal(ref(30), 1);		/* the linear entry went */
	assert_true(demand_page(g, VA_1, PF_WRITE));
	assert_true(demand_page(g, VA_2, PF_WRITE));
	dir_a = now_dir();
	shadow_switch(g, DIR_B);
	assert_true(demand_page(g, VA_1 + 8, PF_WRITE));
	dir_b = now_dir();
	assert_ptr_not_equal(dir_a, dir_b);
	assert_int_equal(ref(30), 4);		/* Launcher + three entries */
	assert_true(gmap_categories(g, 30) & PAGE_IS_PINNED);
	assert_true(gmap_categories(g, 2) & PAGE_IS_PAGETABLE);
	assert_true(gmap_categories(g, 1) & PAGE_IS_PAGETABLE);
	assert_false(gmap_categories(g, 30) & PAGE_IS_PAGETABLE);

	gmap_write_protect(g, 30);
	shadow_write_protect(g);
	assert_false(writable(dir_a, VA_1));
	assert_false(writable(dir_a, VA_2));
	assert_false(writable(dir_b, VA_1));
	assert_true(*spte_of(dir_a, VA_2) & PTE_PRESENT);	/* kept, read-only */

	/* A read fault on another address maps it read-only; a write fault
	 * makes it writable and the page written. */
	*guest_word(3 * PAGE_SIZE + pte_index(VA_2 + PAGE_SIZE) * 4) = 30 * PAGE_SIZE | PTE_RWD;
	shadow_switch(g, DIR_A);
	assert_true(demand_page(g, VA_2 + PAGE_SIZE, 0));
	assert_false(writable(dir_a, VA_2 + PAGE_SIZE));
	assert_false(gmap_categories(g, 30) & PAGE_IS_WRITTEN);
	assert_true(demand_page(g, VA_1, PF_PRESENT | PF_WRITE));
	assert_true(writable(dir_a, VA_1));
	assert_true(gmap_categories(g, 30) & PAGE_IS_WRITTEN);
	assert_int_equal(ref(30), 5);		/* refilled entries gave theirs back */

	/* KH_SET_PTE and a flush give their references back. */
	shadow_set_pte(g, DIR_A, VA_1);
	assert_int_equal(ref(30), 4);
	shadow_flush(g, true);
	assert_int_equal(ref(30), 1);
	assert_string_equal(killed, "");
}

/* Page 30 as a reserved page would be: no frame, no reference. */
static void make_missing(uint32_t gpfn)
{
	assert_int_equal(ref(gpfn), 1);
	assert_int_equal(frame_free(launcher_frames[gpfn]), 0);
	launcher_frames[gpfn] = 0;
	g->gpages[gpfn] = (struct gpage){ 0, 0, GPAGE_MISSING, 0 };
	g->gmap_live--;
}

static void test_missing_page_waits_then_maps(void **state)
{
	uint32_t word = 7;

	(void)state;
	build_guest_tables();
	shadow_switch(g, DIR_A);
	make_missing(30);
	assert_true(gmap_categories(g, 30) & PAGE_IS_MISSING);
	assert_true(demand_page(g, VA_1, PF_WRITE));		/* not the guest's fault */
	assert_true(g->uf_waiting);
	assert_int_equal(raised_gpa, 30 * PAGE_SIZE);
	assert_int_equal(raised_flags, KN_UF_FLAG_WRITE);
	assert_true(!spte_of(now_dir(), VA_1) || !(*spte_of(now_dir(), VA_1) & PTE_PRESENT));
	g->uf_waiting = false;
	word = guest_read_u32(g, 30 * PAGE_SIZE + 8);		/* the host, for the guest */
	assert_true(g->uf_waiting);
	assert_int_equal(raised_flags, KN_UF_FLAG_HOST);
	assert_int_equal(word, 0);
	g->uf_waiting = false;
	assert_int_equal(gmap_fill_copy(g, 30, 0xab, false), 0);
	assert_int_equal(gmap_fill_copy(g, 30, 0xab, false), -EEXIST);
	assert_int_equal(ref(30), 1);
	assert_true(demand_page(g, VA_1, PF_WRITE));
	assert_false(g->uf_waiting);
	assert_int_equal(pte_frame(*spte_of(now_dir(), VA_1)), launcher_frames[30]);
	assert_int_equal(guest_read_u32(g, 30 * PAGE_SIZE + 8), 0xabababab);
	assert_string_equal(killed, "");
}

static void test_zero_page_is_copied_and_its_alias_dropped(void **state)
{
	uint32_t *dir;

	(void)state;
	build_guest_tables();
	shadow_switch(g, DIR_A);
	make_missing(30);
	assert_int_equal(gmap_fill_zero(g, 30), 0);
	assert_int_equal(gmap_fill_zero(g, 30), -EEXIST);
	assert_true(gmap_categories(g, 30) & PAGE_IS_PFNZERO);
	assert_true(demand_page(g, VA_1, 0));		/* a read: the zero frame */
	dir = now_dir();
	assert_int_equal(pte_frame(*spte_of(dir, VA_1)), gmap_zero_frame);
	assert_false(writable(dir, VA_1));
	assert_int_equal(ref(30), 2);
	assert_true(demand_page(g, VA_2, PF_WRITE));		/* a write: a copy */
	assert_int_equal(g->gpages[30].state, GPAGE_PRESENT);
	assert_int_not_equal(g->gpages[30].frame, gmap_zero_frame);
	assert_int_equal(g->gpages[30].frame, launcher_frames[30]);
	assert_int_equal(g->stats.uf_zero_copies, 1);
	assert_true(writable(dir, VA_2));
	assert_true(g->wp_pending);
	shadow_write_protect(g);
	assert_false(*spte_of(dir, VA_1) & PTE_PRESENT);	/* the stale alias went */
	assert_true(*spte_of(dir, VA_2) & PTE_PRESENT);
	assert_int_equal(ref(30), 2);
	assert_true(demand_page(g, VA_1, 0));
	assert_int_equal(pte_frame(*spte_of(dir, VA_1)), launcher_frames[30]);
	assert_false(g->uf_waiting);
	assert_string_equal(killed, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_holds_the_launchers_and_the_linear_references,
						make_guest, end_guest),
		cmocka_unit_test_setup_teardown(test_get_checks_bounds_and_teardown, make_guest,
						end_guest),
		cmocka_unit_test_setup_teardown(test_a_count_cannot_wrap, make_guest, end_guest),
		cmocka_unit_test_setup_teardown(test_linear_write_tracking, make_guest, end_guest),
		cmocka_unit_test_setup_teardown(test_host_writes_mark_written, make_guest, end_guest),
		cmocka_unit_test_setup_teardown(test_shared_page_is_special, make_guest, end_guest),
		cmocka_unit_test_setup_teardown(test_aliases_and_cached_directories_lose_rw,
						make_guest, end_guest),
		cmocka_unit_test_setup_teardown(test_missing_page_waits_then_maps, make_guest,
						end_guest),
		cmocka_unit_test_setup_teardown(test_zero_page_is_copied_and_its_alias_dropped,
						make_guest, end_guest),
	};

	return cmocka_run_group_tests_name("gmap", tests, setup, teardown);
}
