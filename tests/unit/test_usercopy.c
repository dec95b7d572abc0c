/*U:470 tests/unit/test_usercopy.c: the checks every user pointer passes,
 * from host/kernel/usercopy.h, natively.
 *
 * user_range_ok is arithmetic that must hold at the edges: a zero length,
 * the last byte of user space, one byte past it, a range ending exactly
 * at USER_SPACE_END, and lengths chosen so that addr + len wraps around
 * 2^32 to look small. user_pte_ok is the page-table half: a page a program
 * may read must be present and user; one it may write, writable too.
 * Next: the boot tests that run real programs, tests/boot/
 * test_userland.py (U:480). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "host/kernel/usercopy.h"

#define END USER_SPACE_END

static void test_zero_length(void **state)
{
	(void)state;
	assert_true(user_range_ok(0, 0));
	assert_true(user_range_ok(0x1000, 0));
	assert_true(user_range_ok(END - 1, 0));
	assert_true(user_range_ok(END, 0));		/* touches nothing */
	assert_false(user_range_ok(END + 1, 0));	/* but points at the kernel */
	assert_false(user_range_ok(0xFFFFFFFFu, 0));
}

static void test_ordinary_ranges(void **state)
{
	(void)state;
	assert_true(user_range_ok(0x00400000u, 4096));
	assert_true(user_range_ok(0, 1));
	assert_true(user_range_ok(USER_STACK_TOP - 16, 16));
}

static void test_last_byte(void **state)
{
	(void)state;
	assert_true(user_range_ok(END - 1, 1));		/* the last user byte */
	assert_true(user_range_ok(END - 4096, 4096));	/* the last page */
	assert_true(user_range_ok(0, END));		/* all of user space */
}

static void test_one_past(void **state)
{
	(void)state;
	assert_false(user_range_ok(END, 1));
	assert_false(user_range_ok(END - 1, 2));
	assert_false(user_range_ok(END - 4096, 4097));
	assert_false(user_range_ok(0, END + 1));
	assert_false(user_range_ok(0xC0100000u, 16));	/* the kernel's code */
}

static void test_wrap_around(void **state)
{
	(void)state;
	/* addr + len overflows to a small number that looks harmless. */
	assert_false(user_range_ok(0x1000, 0xFFFFF000u));	/* sum is 0 */
	assert_false(user_range_ok(0x1000, 0xFFFFF010u));	/* sum is 0x10 */
	assert_false(user_range_ok(0xFFFFFFF0u, 0x20));	/* sum is 0x10 */
	assert_false(user_range_ok(0x08000000u, 0xFFFFFFFFu));
	assert_false(user_range_ok(0xFFFFFFFFu, 0xFFFFFFFFu));
}

static void test_pte_rights(void **state)
{
	(void)state;
	assert_true(user_pte_ok(0x1000 | PTE_PRESENT | PTE_USER, false));
	assert_false(user_pte_ok(0x1000 | PTE_PRESENT | PTE_USER, true));
	assert_true(user_pte_ok(0x1000 | PTE_PRESENT | PTE_USER | PTE_RW, true));
	assert_false(user_pte_ok(0x1000 | PTE_USER | PTE_RW, false));		/* absent */
	assert_false(user_pte_ok(0x1000 | PTE_PRESENT | PTE_RW, false));	/* kernel's */
	assert_false(user_pte_ok(0, false));
	/* A watched page (U:900) is writable to a copy, which resolves the
	 * watch first; but only if it is a present user page. */
	assert_true(user_pte_ok(0x1000 | PTE_PRESENT | PTE_USER | PTE_WATCHED, true));
	assert_false(user_pte_ok(0x1000 | PTE_USER | PTE_WATCHED, true));
	assert_false(user_pte_ok(0x1000 | PTE_PRESENT | PTE_WATCHED, true));
	assert_false(PTE_WATCHED & (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY |
				    PTE_PSE | PTE_GLOBAL));	/* a bit the CPU ignores */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_ordinary_ranges),
		cmocka_unit_test(test_last_byte),
		cmocka_unit_test(test_one_past),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_pte_rights),
	};

	return cmocka_run_group_tests_name("host/kernel/usercopy.h", tests, NULL, NULL);
}
