/*T:700 tests/guests/hostile.c: a guest that attacks the host on purpose.
 *
 * bad_hcall.c (T:470) and paging_bad.c (T:660) break the hypercall
 * contract one argument at a time. This guest goes after what those
 * leave: addresses that are valid numbers but point into the Switcher's
 * pages (a ring-1 stack on the regs page, a handler in the Switcher's
 * text, a segment whose base moves either there), an eip beyond its code
 * segment's limit, a stack the host cannot pin for a direct trap (after
 * which the guest must never run again), and what a guest can read that
 * it should not (the regs page, which must hold nothing but its own
 * registers). Like bad_hcall.c it runs the one case its command line
 * names and prints "hostile: CASE: about to ..." first. A kill case that
 * comes back says "the host accepted it" and fails; a probe case ends
 * with its own verdict. docs/hostile.md lists every case and what the
 * host must do; tests/boot/test_hostile.py (T:730) runs them. Next: T:710. */
#include "lib/string.h"
#include "host/switcher.h"
#include "tests/guests/lib/guest.h"

#define SLOT		GDT_GUEST_FIRST	/* a slot a guest may load */
#define VECTOR		48		/* a vector a guest may gate */
#define SYSCALL_VECTOR	0x80
#define BAD_VA		(USER_BASE + 0x3000)

struct hostile_case {
	const char *name;
	const char *what;
	void (*run)(void);
	bool kill;		/* the host must kill the guest for it */
};
_Static_assert(offsetof(struct hostile_case, name) == 0, "CMDLINE_CASE finds cases by name");

static char case_name[32];

static struct desc data_at(uint32_t base)
{
	return desc_make(base, 0xfffff, DESC_PRESENT | DESC_S | DESC_RW | DESC_DPL(1),
			 DESC_FLAG_DB | DESC_FLAG_G);
}

/* ---- stacks and handlers in the Switcher's pages ------------------------ */

/* The top of the regs page: a trap from ring 3 would push its frame onto
 * the guest's own saved registers. */
static void stack_regs_page(void)
{
	kh_set_stack(GUEST_DS, SWITCHER_REGS_PAGE + PAGE_SIZE);
}

/* A stack pointer so low that the frame below it wraps to the top of the
 * address space, into the state page. */
static void stack_wraps(void)
{
	kh_set_stack(GUEST_DS, 8);
}

/* esp is harmless, but ss's base puts it in the Switcher's text. */
static void stack_base_switcher(void)
{
	kh_load_gdt_entry(SLOT, data_at(SWITCHER_ADDR));
	kh_set_stack(SEL(SLOT, 1), 0x2000);
}

/* A good stack whose segment moves to the Switcher afterwards: the host
 * must notice where the stack is used, not only where it was set. */
static void stack_base_later(void)
{
	kh_load_gdt_entry(SLOT, data_at(0));
	kh_set_stack(SEL(SLOT, 1), trap_stack_top());
	print("hostile: stack_base_later: the stack was accepted; moving its segment\n");
	kh_load_gdt_entry(SLOT, data_at(SWITCHER_ADDR));
	kh_flush_async();
}

static void handler_switcher(void)
{
	kh_load_idt_entry(VECTOR, gate_make(SWITCHER_ADDR + 0x40, GUEST_CS, GATE_INTERRUPT, 1));
}

static void handler_top(void)
{
	kh_load_idt_entry(VECTOR, gate_make(0xfffffff0u, GUEST_CS, GATE_TRAP, 3));
}

/* ---- an eip beyond the code segment's limit ----------------------------- */

/* Shrink the guest's own code segment to 4 KiB while running far above
 * that: the host must refuse to enter (QEMU would not fault the iret). */
static void eip_beyond_limit(void)
{
	kh_load_gdt_entry(GDT_GUEST_CS, desc_make(0, 0xfff, DESC_PRESENT | DESC_S | DESC_EXEC |
						  DESC_RW | DESC_DPL(1), DESC_FLAG_DB));
}

/* ---- a kill is final ----------------------------------------------------- */

/* The direct-trap stack sits in a 4 MiB page, so pinning it before the
 * next entry kills the guest (V:190). The instruction after the hypercall
 * is a ud2 at a label the boot test finds in QEMU's interrupt log: if the
 * host entered the dead guest once more, the CPU ran it. */
extern const char hostile_after_kill[];

static void stack_unpinnable(void)
{
	uint32_t dir = current_space();

	*space_pde(dir, BAD_VA) = USER_PAGE | PTE_PSE;
	print("hostile: stack_unpinnable: a dead guest would trap at 0x%x\n",
	      (uint32_t)(uintptr_t)hostile_after_kill);
	asm volatile("int %0\n\t"
		     ".globl hostile_after_kill\n"
		     "hostile_after_kill:\n\t"
		     "ud2"
		     : : "i"(KH_TRAP_VECTOR), "a"(KH_SET_STACK), "b"(GUEST_DS),
		       "c"(BAD_VA + PAGE_SIZE) : "memory");
}

/* ---- what a guest may read ------------------------------------------------ */

/* Everything on the regs page below struct guest_regs must be zero: the
 * page is the guest's to read, so it may hold nothing but its registers. */
static void regs_page(void)
{
	const volatile uint8_t *page = (const volatile uint8_t *)(uintptr_t)SWITCHER_REGS_PAGE;
	uint32_t stale = 0, first = 0;

	for (uint32_t i = 0; i < SWITCHER_REGS - SWITCHER_REGS_PAGE; i++)
		if (page[i] && !stale++)
			first = i;
	print("hostile: regs_page: %u stale bytes below the registers%s", stale,
	      stale ? "" : "\n");
	if (stale)
		print(", the first at offset 0x%x: 0x%02x\n", first, page[first]);
	check_eq(stale, 0, "non-zero bytes on the regs page below struct guest_regs");
	test_finish();
}

/* The Switcher's text and state page are read-only to ring 1: stores of
 * every width fault (reflected #PF, present and write), and the text reads
 * back the same afterwards. Its checksum (FNV-1a over the page) is printed
 * so that the boot test can compare it with build/kennel.elf's. */
static uint32_t text_checksum(void)
{
	const volatile uint8_t *text = (const volatile uint8_t *)(uintptr_t)SWITCHER_TEXT;
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < PAGE_SIZE; i++)
		h = (h ^ text[i]) * 16777619u;
	return h;
}

static uint32_t store8(uint32_t va)
{
	*(volatile uint8_t *)(uintptr_t)va = 0x5a;
	return 0;
}

static uint32_t store16(uint32_t va)
{
	*(volatile uint16_t *)(uintptr_t)va = 0x5a5a;
	return 0;
}

static uint32_t store_rep(uint32_t va)
{
	uint32_t n = 16;

	asm volatile("cld\n\trep stosb" : "+D"(va), "+c"(n) : "a"(0x5a) : "memory");
	return 0;
}

static void switcher_pages(void)
{
	static const uint32_t targets[] = { SWITCHER_TEXT, SWITCHER_TEXT + 0x800,
					    SWITCHER_STATE_PAGE, SWITCHER_STATE_PAGE + 0xffc };
	probe_fn *const stores[] = { probe_write, store8, store16, store_rep };
	uint32_t before = text_checksum();

	for (unsigned t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
		for (unsigned w = 0; w < sizeof(stores) / sizeof(stores[0]); w++) {
			struct outcome o = run_ring1(stores[w], targets[t]);

			check(o.trapped && o.frame.vector == 14 &&
			      o.frame.errcode == (PF_PRESENT | PF_WRITE) &&
			      o.cr2 == targets[t] && (o.frame.cs & 3) == 1,
			      "store %u to 0x%x: trapped %d, vector %u, error 0x%x, cr2 0x%x", w,
			      targets[t], o.trapped, o.frame.vector, o.frame.errcode, o.cr2);
		}
	check_eq(text_checksum(), before, "the Switcher's text checksum after the stores");
	print("hostile: switcher_pages: text checksum 0x%08x\n", before);
	test_finish();
}

/* For user/bin/churn.c (T:750): a guest that powers off at once. */
static void quick(void)
{
	test_finish();
}

static const struct hostile_case cases[] = {
	{ "stack_regs_page", "call KH_SET_STACK with esp at the top of the regs page",
	  stack_regs_page, true },
	{ "stack_wraps", "call KH_SET_STACK with esp 8", stack_wraps, true },
	{ "stack_base_switcher", "call KH_SET_STACK on a segment based at the Switcher",
	  stack_base_switcher, true },
	{ "stack_base_later", "move the stack's segment to the Switcher", stack_base_later, true },
	{ "handler_switcher", "gate a vector to the Switcher's text", handler_switcher, true },
	{ "handler_top", "gate a vector to 0xfffffff0", handler_top, true },
	{ "eip_beyond_limit", "shrink the guest's code segment below its eip",
	  eip_beyond_limit, true },
	{ "stack_unpinnable", "name a direct-trap stack in a 4 MiB page", stack_unpinnable, true },
	{ "regs_page", "read the regs page", regs_page, false },
	{ "quick", "power off", quick, false },
	{ "switcher_pages", "write to the Switcher's text and state page", switcher_pages, false },
};

static const struct hostile_case *chosen_case(void)
{
	return CMDLINE_CASE(cases, case_name);
}

/* stack_unpinnable needs a direct trap, which is named before KH_INIT. */
void test_before_init(void)
{
	const struct hostile_case *c = chosen_case();

	if (c && c->run == stack_unpinnable)
		kennel_data.syscall_vector = SYSCALL_VECTOR;
}

void test_main(void)
{
	const struct hostile_case *c = chosen_case();

	if (!c)
		test_error("no such case '%s'", case_name);
	if (c->run == stack_unpinnable) {
		set_gate(SYSCALL_VECTOR, GATE_TRAP, 3);
		paging_init();
		space_switch(space_new());
	}
	print("hostile: %s: about to %s\n", c->name, c->what);
	c->run();
	if (c->kill) {
		print("hostile: %s: the host accepted it\n", c->name);
		test_result(RESULT_FAILURE);
	}
	test_error("case %s returned", c->name);
}
