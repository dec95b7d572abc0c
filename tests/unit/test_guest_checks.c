/*T:260 tests/unit/test_guest_checks.c: the host's checks on what a guest
 * hands it, natively: host/guest_descriptors.c and guest_range_ok (host/guest.h).
 *
 * Each check guards the host's own integrity, so each refusal is tested
 * on its own: GDT slots a guest may not load, DPL 0 and DPL 2, system
 * descriptors, conforming code; IDT vectors the host keeps, out-of-range
 * vectors, gates that are neither interrupt nor trap gates; the DPL the
 * Switcher's stubs get; the selectors checked before every entry; eflags
 * as the guest will run with it; and guest-memory ranges at the edges,
 * including lengths that would wrap 32-bit arithmetic. Next: T:300, the
 * test guests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arch/x86/cpu.h"
#include "host/guest.h"

static struct guest g;

static int setup(void **state)
{
	(void)state;
	memset(&g, 0, sizeof(g));
	guest_gdt_init(&g);
	return 0;
}

static struct desc code(int dpl)
{
	return desc_flat(1, dpl);
}

static struct desc data(int dpl)
{
	return desc_flat(0, dpl);
}

static void test_gdt_slots(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 20; i++) {
		bool loadable = i == 3 || i == 4 || i == 6 || i == 7 || (i >= 8 && i < 16);

		assert_int_equal(gdt_entry_problem(i, data(3)) == NULL, loadable);
	}
	assert_non_null(gdt_entry_problem(0xffffffffu, data(3)));
}

static void test_gdt_descriptor_kinds(void **state)
{
	struct desc tss = desc_make(0x1000, 103, DESC_PRESENT | DESC_TYPE_TSS32 | DESC_DPL(3), 0);
	struct desc conforming = code(3);

	(void)state;
	assert_null(gdt_entry_problem(8, code(1)));
	assert_null(gdt_entry_problem(8, data(1)));
	assert_null(gdt_entry_problem(8, code(3)));
	assert_non_null(gdt_entry_problem(8, code(0)));
	assert_non_null(gdt_entry_problem(8, data(0)));
	assert_non_null(gdt_entry_problem(8, data(2)));
	assert_non_null(gdt_entry_problem(8, tss));
	conforming.hi |= DESC_CONFORMING << 8;
	assert_non_null(gdt_entry_problem(8, conforming));
	assert_null(gdt_entry_problem(8, (struct desc){ 0, 0 }));	/* empties the slot */
}

static void test_gdt_entries_are_stored_accessed(void **state)
{
	struct desc d = data(3);

	(void)state;
	d.hi &= ~(DESC_ACCESSED << 8);
	set_gdt_entry(&g, 9, d);
	assert_true(desc_access(g.gdt[9]) & DESC_ACCESSED);
	set_gdt_entry(&g, 9, (struct desc){ 0x1234, 0x5600 });	/* not present */
	assert_int_equal(g.gdt[9].lo, 0);
	assert_int_equal(g.gdt[9].hi, 0);
}

static void test_idt_entries(void **state)
{
	struct desc gate = gate_make(0x100000, 0x08, GATE_INTERRUPT, 0);
	struct desc task = gate;

	(void)state;
	task.hi = (task.hi & ~0x1f00u) | (0x5u << 8);
	assert_null(idt_entry_problem(0, gate));
	assert_null(idt_entry_problem(255, gate));
	assert_null(idt_entry_problem(14, gate_make(0x100000, 0x08, GATE_TRAP, 3)));
	assert_non_null(idt_entry_problem(2, gate));
	assert_non_null(idt_entry_problem(8, gate));
	assert_non_null(idt_entry_problem(KH_TRAP_VECTOR, gate));
	assert_non_null(idt_entry_problem(256, gate));
	assert_non_null(idt_entry_problem(0x80, task));
	assert_null(idt_entry_problem(0x80, (struct desc){ 0, 0 }));
	set_idt_entry(&g, 0x80, gate);
	assert_int_equal(g.idt[0x80].lo >> 16, GUEST_CS);
	assert_int_equal(gate_offset(g.idt[0x80]), 0x100000);
}

static void test_stub_dpl(void **state)
{
	(void)state;
	assert_int_equal(guest_stub_dpl(&g, KH_TRAP_VECTOR), 1);
	assert_int_equal(guest_stub_dpl(&g, 0x80), 0);		/* no gate yet */
	set_idt_entry(&g, 0x80, gate_make(0x1000, 0, GATE_TRAP, 3));
	assert_int_equal(guest_stub_dpl(&g, 0x80), 3);
	set_idt_entry(&g, 14, gate_make(0x1000, 0, GATE_TRAP, 3));
	assert_int_equal(guest_stub_dpl(&g, 14), 0);		/* error code vector */
	set_idt_entry(&g, 32, gate_make(0x1000, 0, GATE_INTERRUPT, 3));
	assert_int_equal(guest_stub_dpl(&g, 32), 0);		/* a host IRQ vector */
	set_idt_entry(&g, 3, gate_make(0x1000, 0, GATE_TRAP, 3));
	assert_int_equal(guest_stub_dpl(&g, 3), 3);
}

static struct guest_regs ring1_regs(void)
{
	return (struct guest_regs){ .cs = GUEST_CS, .ss = GUEST_DS, .ds = GUEST_DS,
				    .es = GUEST_DS, .eflags = EFLAGS_IF };
}

static void assert_regs_refused(struct guest_regs r, const char *reason)
{
	const char *why;

	assert_false(guest_selectors_ok(&g, &r, &why));
	assert_non_null(strstr(why, reason));
}

static void test_selectors(void **state)
{
	struct guest_regs r = ring1_regs();
	const char *why;

	(void)state;
	assert_true(guest_selectors_ok(&g, &r, &why));
	r.cs = USER_CS, r.ss = USER_DS, r.ds = r.es = r.fs = r.gs = USER_DS;
	assert_true(guest_selectors_ok(&g, &r, &why));
	r = ring1_regs(), r.cs = KERNEL_CS;
	assert_regs_refused(r, "cs 0x8");
	r = ring1_regs(), r.cs = SEL(GDT_GUEST_CS, 3);
	assert_regs_refused(r, "cs");
	r = ring1_regs(), r.cs = SEL(GDT_GUEST_DS, 1);
	assert_regs_refused(r, "cs");
	r = ring1_regs(), r.ss = USER_DS;
	assert_regs_refused(r, "ss");
	r = ring1_regs(), r.ss = SEL(GDT_GUEST_CS, 1);
	assert_regs_refused(r, "ss");
	r = ring1_regs(), r.fs = KERNEL_DS;
	assert_regs_refused(r, "fs");
	r = ring1_regs(), r.gs = SEL(9, 1);			/* an empty slot */
	assert_regs_refused(r, "gs");
	r = ring1_regs(), r.ds = GUEST_DS | 4;			/* the LDT */
	assert_regs_refused(r, "ds");
	r = ring1_regs(), r.cs = USER_CS, r.ss = USER_DS, r.ds = GUEST_DS;
	assert_regs_refused(r, "ds");				/* ring 3 using ring-1 data */
	r = ring1_regs(), r.es = 0x10000 | GUEST_DS;
	assert_regs_refused(r, "es");
}

static void test_selectors_follow_gdt_changes(void **state)
{
	struct guest_regs r = ring1_regs();

	(void)state;
	set_gdt_entry(&g, GDT_GUEST_DS, (struct desc){ 0, 0 });
	assert_regs_refused(r, "ss");
	assert_non_null(stack_selector_problem(&g, GUEST_DS));
	set_gdt_entry(&g, GDT_GUEST_DS, data(1));
	assert_null(stack_selector_problem(&g, GUEST_DS));
	assert_non_null(stack_selector_problem(&g, USER_DS));
}

static void test_eflags(void **state)
{
	uint32_t bad = EFLAGS_IOPL | EFLAGS_NT | EFLAGS_VM | EFLAGS_TF | EFLAGS_RF;

	(void)state;
	assert_int_equal(guest_eflags(0), EFLAGS_IF | EFLAGS_RESERVED);
	assert_int_equal(guest_eflags(bad | EFLAGS_CF), EFLAGS_IF | EFLAGS_RESERVED | EFLAGS_CF);
}

static void test_guest_ranges(void **state)
{
	(void)state;
	g.pfn_limit = 16;					/* 64 KiB */
	assert_true(guest_range_ok(&g, 0, 0x10000));
	assert_true(guest_range_ok(&g, 0x10000, 0));
	assert_true(guest_range_ok(&g, 0xffff, 1));
	assert_false(guest_range_ok(&g, 0xffff, 2));
	assert_false(guest_range_ok(&g, 0x10000, 1));
	assert_false(guest_range_ok(&g, 0x10001, 0));
	assert_false(guest_range_ok(&g, 0x1000, 0xfffff001u));	/* wraps in 32 bits */
	assert_false(guest_range_ok(&g, 0xfffff000u, 0x2000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gdt_slots, setup),
		cmocka_unit_test_setup(test_gdt_descriptor_kinds, setup),
		cmocka_unit_test_setup(test_gdt_entries_are_stored_accessed, setup),
		cmocka_unit_test_setup(test_idt_entries, setup),
		cmocka_unit_test_setup(test_stub_dpl, setup),
		cmocka_unit_test_setup(test_selectors, setup),
		cmocka_unit_test_setup(test_selectors_follow_gdt_changes, setup),
		cmocka_unit_test_setup(test_eflags, setup),
		cmocka_unit_test_setup(test_guest_ranges, setup),
	};

	return cmocka_run_group_tests_name("guest checks", tests, NULL, NULL);
}
