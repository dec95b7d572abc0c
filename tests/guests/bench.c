/*T:820 tests/guests/bench.c: what the hypervisor's own paths cost.
 *
 * pup's benchmark (G:730) compares whole operations with native pup; the
 * costs that have no native counterpart are measured here, from a test
 * guest, the same way: a loop of n iterations between two rdtscs, the
 * fastest of ROUNDS rounds, and the fastest empty loop of the same length
 * for the reader to subtract; the markers of arch/x86/bench_mark.h inside
 * each loop serve `make profile`. One line per operation,
 *
 *   bench: NAME OPS TOTAL EMPTY
 *
 * as pup's bench prints them. The guest runs paged, on an address space
 * of its own (T:600), as a guest kernel does:
 *
 *   hcall_null        KH_FLUSH_ASYNC with the ring empty: the round trip
 *   hcall_batched     KH_SET_PTE queued in the asynchronous ring, BATCH
 *                     at a time, then one KH_FLUSH_ASYNC: per call
 *   new_pgtable       KH_NEW_PGTABLE between two directories the host
 *                     has cached
 *   set_pte           KH_SET_PTE of a page, rewriting what it holds
 *   shadow_fault      a read of a page the guest maps but the shadow does
 *                     not yet: the host fills it in and the guest never
 *                     knows (each page's shadow is forgotten, by
 *                     KH_SET_PTE, before the round)
 *   trap_reflected    "int $0x82" from ring 3: the host takes it and
 *                     delivers it to the guest's handler
 *   trap_direct       "int $0x80" from ring 3 with syscall_vector 0x80:
 *                     the CPU goes straight to the guest's handler
 *
 * Every call and trap is also counted and checked, so a benchmark that
 * stopped doing its work fails instead of getting fast. The regression
 * check (T:840) reads these lines. Next: T:830, make bench. */
#include "arch/x86/bench_mark.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define ROUNDS		7
#define DIRECT_VECTOR	0x80
#define REFLECT_VECTOR	0x82
#define FAULT_PAGES	32
#define BATCH		8
#define BENCH_VA	(USER_BASE + 0x100000u)

enum op_id {
	OP_EMPTY = 0x100, OP_HCALL_NULL, OP_HCALL_BATCHED, OP_NEW_PGTABLE, OP_SET_PTE,
	OP_SHADOW_FAULT, OP_TRAP_REFLECTED, OP_TRAP_DIRECT,
};

static uint32_t dirs[2], pages[FAULT_PAGES];
static volatile uint32_t traps_seen;
static uint64_t ring3_total;

void test_before_init(void)
{
	kennel_data.syscall_vector = DIRECT_VECTOR;
}

#define BENCH_LOOP(fn, op, ...)						\
	static uint32_t fn(uint32_t n)					\
	{								\
		bench_mark_begin(op);					\
		for (uint32_t i = 0; i < n; i++) {			\
			__VA_ARGS__;					\
			compiler_barrier();				\
		}							\
		bench_mark_end(op);					\
		return 0;						\
	}

BENCH_LOOP(loop_empty, OP_EMPTY, (void)i)
BENCH_LOOP(loop_hcall_null, OP_HCALL_NULL, kh_flush_async())
BENCH_LOOP(loop_hcall_batched, OP_HCALL_BATCHED, {
	for (uint32_t b = 0; b < BATCH; b++)
		batch_hcall(KH_SET_PTE, dirs[0], BENCH_VA, pages[0] | USER_PAGE);
	kh_flush_async();
})
BENCH_LOOP(loop_new_pgtable, OP_NEW_PGTABLE, kh_new_pgtable(dirs[i & 1]))
BENCH_LOOP(loop_set_pte, OP_SET_PTE, kh_set_pte(dirs[0], BENCH_VA, pages[0] | USER_PAGE))
BENCH_LOOP(loop_shadow_fault, OP_SHADOW_FAULT,
	   (void)*(volatile uint32_t *)(uintptr_t)(BENCH_VA + i * PAGE_SIZE))
BENCH_LOOP(loop_trap_reflected, OP_TRAP_REFLECTED, asm volatile("int $0x82" : : : "memory"))
BENCH_LOOP(loop_trap_direct, OP_TRAP_DIRECT, asm volatile("int $0x80" : : : "memory"))

static void forget_shadows(void)
{
	for (uint32_t p = 0; p < FAULT_PAGES; p++)
		kh_set_pte(dirs[0], BENCH_VA + p * PAGE_SIZE, pages[p] | USER_PAGE);
}

static uint64_t fastest(probe_fn *loop, uint32_t n, void (*before)(void))
{
	uint64_t best = ~0ull;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t start;

		if (before)
			before();
		start = rdtsc();
		loop(n);
		start = rdtsc() - start;
		if (start < best)
			best = start;
	}
	return best;
}

/* Ring 3's half of the trap benchmarks: the same fastest-of, timed there. */
static probe_fn *ring3_loop;

static uint32_t time_in_ring3(uint32_t n)
{
	ring3_total = fastest(ring3_loop, n, NULL);
	return 0;
}

static void report(const char *name, uint32_t ops, uint64_t total, uint64_t empty)
{
	print("bench: %s %u %llu %llu\n", name, ops, total, empty);
}

static void bench(const char *name, probe_fn *loop, uint32_t n, uint32_t per,
		  void (*before)(void))
{
	uint64_t total = fastest(loop, n, before);

	report(name, n * per, total, fastest(loop_empty, n, NULL));
}

static uint64_t fastest_in_ring3(probe_fn *loop, uint32_t n)
{
	struct outcome o;

	ring3_loop = loop;
	o = run_ring3(time_in_ring3, n);
	check_no_trap(&o, "a ring-3 benchmark loop");
	return ring3_total;
}

static void bench_ring3(const char *name, probe_fn *loop, uint32_t n)
{
	uint32_t before = traps_seen;
	uint64_t total = fastest_in_ring3(loop, n);

	check_eq(traps_seen - before, n * ROUNDS, name);
	report(name, n, total, fastest_in_ring3(loop_empty, n));
}

static void count_trap(struct trap_frame *f)
{
	(void)f;
	traps_seen++;
}

static void set_up(void)
{
	paging_init();
	dirs[0] = space_new();
	dirs[1] = space_new();
	for (uint32_t p = 0; p < FAULT_PAGES; p++) {
		pages[p] = page_alloc();
		space_map(dirs[0], BENCH_VA + p * PAGE_SIZE, pages[p], USER_PAGE);
	}
	space_switch(dirs[1]);
	space_switch(dirs[0]);
	set_gate(DIRECT_VECTOR, GATE_TRAP, 3);
	set_gate(REFLECT_VECTOR, GATE_TRAP, 3);
	set_handler(DIRECT_VECTOR, count_trap);
	set_handler(REFLECT_VECTOR, count_trap);
}

void test_main(void)
{
	set_up();
	print("bench: begin kennel rounds %d\n", ROUNDS);
	bench("hcall_null", loop_hcall_null, 1000, 1, NULL);
	bench("hcall_batched", loop_hcall_batched, 100, BATCH, NULL);
	bench("new_pgtable", loop_new_pgtable, 1000, 1, NULL);
	kh_new_pgtable(dirs[0]);	/* the loop ended on dirs[1] */
	bench("set_pte", loop_set_pte, 1000, 1, NULL);
	bench("shadow_fault", loop_shadow_fault, FAULT_PAGES, 1, forget_shadows);
	bench_ring3("trap_reflected", loop_trap_reflected, 1000);
	bench_ring3("trap_direct", loop_trap_direct, 1000);
	print("bench: end\n");
	check_eq(current_space(), dirs[0], "the address space after the benchmarks");
	test_finish();
}
