/*T:760 tests/guests/fuzz.c: hypercalls drawn at random.
 *
 *   fuzz.elf SEED CALLS
 *
 * makes up to CALLS hypercalls, each drawn from a xorshift generator
 * seeded with SEED: the call number (mostly a real one, sometimes one
 * past the last or a huge one), and each argument from a dictionary of
 * values at the edges of what the host checks (0, +-1, the ends of guest
 * memory, the Switcher's pages, slot and vector numbers at the ends of
 * their ranges, selectors of every ring, descriptor and gate words of
 * every type) or a plain random word. A call goes through "int $0x1f" or,
 * for one the ring may carry, into the asynchronous ring. Mixed in:
 * loading a random descriptor or gate and then trapping (int3, ud2, a
 * read of a random address), and random page-table updates of an address
 * space of its own followed by an access through them. Calls that would
 * end the guest on purpose (shutdown) or stop it waiting forever (halt
 * with no timer) are left out; console writes are made only with
 * printable bytes.
 *
 * Most runs end in a kill: that is the point, and the kill's reason is
 * the host's finding. A run that survives CALLS calls says
 *
 *   fuzz: seed S: C calls survived
 *
 * and powers off. The host's side, every fuzz guest's "--stats"
 * hypercall counts and the Launcher's kill lines, is what scripts/fuzz.py
 * (make fuzz) adds up. Next: T:770. */
#include "lib/string.h"
#include "host/switcher.h"
#include "tests/guests/lib/guest.h"

static uint32_t rng_state;

static uint32_t rnd(void)
{
	uint32_t x = rng_state;

	x ^= x << 13, x ^= x >> 17, x ^= x << 5;
	return rng_state = x;
}

static uint32_t pick(uint32_t n)
{
	return rnd() % n;
}

static uint32_t scratch_page, calls_made;

static uint32_t boundary(void)
{
	const uint32_t limit = memory_limit();
	const struct desc code1 = desc_flat(1, 1), data0 = desc_flat(0, 0);
	const struct desc gate = gate_make(stub_address(48), GUEST_CS, GATE_TRAP, 3);
	const uint32_t values[] = {
		0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 2, 3, 4,
		limit - 1, limit, limit + 1, limit - PAGE_SIZE, limit - 16, limit + PAGE_SIZE,
		(limit / PAGE_SIZE) - 1, limit / PAGE_SIZE,
		SWITCHER_ADDR - 1, SWITCHER_ADDR, SWITCHER_ADDR + 1, SWITCHER_REGS_PAGE,
		SWITCHER_STATE_PAGE, SWITCHER_REGS_PAGE + PAGE_SIZE, 0xfffff000u, 0xfffffff0u,
		GDT_USER_CS, GDT_GUEST_CS, GDT_GUEST_DS, GDT_GUEST_FIRST, 15, 16, 5, 1,
		2, 8, KH_TRAP_VECTOR, 32, 47, 48, 0x80, 255, 256, 1023, 1024,
		GUEST_CS, GUEST_DS, USER_CS, USER_DS, SEL(GDT_GUEST_FIRST, 1), 0x8, 0x10, 0x28,
		code1.lo, code1.hi, data0.lo, data0.hi, gate.lo, gate.hi,
		gate.hi & ~0x8000u, (gate.hi & ~0x1f00u) | 0x0500u, 0x00cf8900u,
		scratch_page, scratch_page + 0xffc, trap_stack_top(), USER_BASE, KERNEL_BASE,
		USER_PAGE, KERNEL_PAGE, scratch_page | USER_PAGE, scratch_page | USER_PAGE | PTE_PSE,
		limit | USER_PAGE,
	};

	return values[pick(sizeof(values) / sizeof(values[0]))];
}

/* Most calls are well formed, so that a guest lives long enough to reach
 * the host's deeper states; one argument in HOSTILE_ONE_IN is replaced by
 * a boundary value or a random word. */
#define HOSTILE_ONE_IN	96

static uint32_t dir;

static uint32_t hostile(void)
{
	return pick(4) ? boundary() : rnd();
}

static uint32_t maybe(uint32_t benign)
{
	return pick(HOSTILE_ONE_IN) ? benign : hostile();
}

static struct desc benign_desc(void)
{
	return desc_flat((int)pick(2), pick(2) ? 1 : 3);
}

static struct desc benign_gate(uint32_t vector)
{
	return gate_make(stub_address(vector), GUEST_CS, pick(2) ? GATE_TRAP : GATE_INTERRUPT,
			 pick(2) ? 1 : 3);
}

static uint32_t benign_vector(void)
{
	uint32_t v = 48 + pick(200);

	return v == RING3_EXIT_VECTOR ? 49 : v;
}

/* The calls drawn, with well-formed arguments; which may be batched. */
enum { ASYNC_NO, ASYNC_OK };

static void one_call(void)
{
	uint32_t r = pick(1024), nr, a1 = 0, a2 = 0, a3 = 0, v;
	struct desc d;
	bool batchable = true;

	if (r == 0) {
		hcall(KH_NR_CALLS + pick(4), hostile(), hostile(), hostile(), hostile());
		return;
	}
	if (r == 1) {
		hcall(KH_INIT, hostile(), 0, 0, 0);
		return;
	}
	switch (pick(11)) {
	case 0:
		nr = KH_FLUSH_ASYNC;
		break;
	case 1:
		d = benign_desc();
		nr = KH_LOAD_GDT_ENTRY, a1 = GDT_GUEST_FIRST + 1 + pick(7), a2 = d.lo, a3 = d.hi;
		break;
	case 2:
		v = benign_vector(), d = benign_gate(v);
		nr = KH_LOAD_IDT_ENTRY, a1 = v, a2 = d.lo, a3 = d.hi;
		break;
	case 3:
		nr = KH_SET_STACK, a1 = GUEST_DS, a2 = trap_stack_top();
		break;
	case 4:
		nr = KH_SET_TIMER, a1 = pick(20000);
		break;
	case 5:
		nr = KH_SEND_INTERRUPTS, batchable = false;
		break;
	case 6:
		nr = KH_TS, a1 = pick(2);
		break;
	case 7:
		nr = KH_NEW_PGTABLE, a1 = dir;
		break;
	case 8:
		nr = KH_SET_PTE, a1 = dir, a2 = USER_BASE + pick(64) * PAGE_SIZE;
		a3 = pick(2) ? scratch_page | USER_PAGE : 0;
		break;
	case 9:
		nr = KH_SET_PDE, a1 = dir, a2 = pick(SWITCHER_PGD), a3 = 0;
		break;
	default:
		nr = KH_FLUSH_TLB, a1 = pick(2);
	}
	a1 = maybe(a1), a2 = maybe(a2), a3 = maybe(a3);
	if (batchable && pick(3) == 0)
		batch_hcall(nr, a1, a2, a3);
	else
		hcall(nr, a1, a2, a3, maybe(0));
	calls_made++;
}

/* A descriptor or gate loaded, then a trap that may meet it. */
static void table_then_trap(void)
{
	if (pick(2))
		kh_load_gdt_entry(GDT_GUEST_FIRST + 1 + pick(7),
				  (struct desc){ maybe(benign_desc().lo), maybe(benign_desc().hi) });
	else
		kh_load_idt_entry(maybe(benign_vector()), (struct desc){ hostile(), hostile() });
	switch (pick(3)) {
	case 0:
		run_ring1(probe_int3, 0);
		break;
	case 1:
		run_ring1(probe_ud2, 0);
		break;
	default:
		run_ring1(probe_read, hostile());
	}
}

/* Entries of the guest's own address space changed at random (told to the
 * host or not), then an access through them. */
static void pte_then_access(void)
{
	uint32_t va = USER_BASE + pick(64) * PAGE_SIZE;
	uint32_t pte = maybe(scratch_page | USER_PAGE);

	*space_pte(dir, va) = pte;
	if (pick(2))
		kh_set_pte(dir, va, pte);
	run_ring1(pick(2) ? probe_read : probe_write, va);
}

void test_main(void)
{
	uint32_t seed = cmdline_number(0, 1), n = cmdline_number(1, 1000);

	rng_state = seed * 2654435761u | 1;
	paging_init();
	scratch_page = page_alloc();
	dir = space_new();
	space_switch(dir);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t what = pick(32);

		if (what == 0)
			table_then_trap();
		else if (what == 1)
			pte_then_access();
		else
			one_call();
	}
	print("fuzz: seed %u: %u rounds survived, %u hypercalls drawn\n", seed, n, calls_made);
	test_finish();
}
