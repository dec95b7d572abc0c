/*L:250 tests/unit/test_launcher_virtqueue.c: the virtqueue walker,
 * launcher/virtqueue.c, natively, playing a hostile guest.
 *
 * Guest memory is a 64 KiB buffer with a ring of KN_QUEUE_SIZE entries at
 * 0x8000. The test writes descriptors and available entries the way a
 * guest driver would, then takes them as the Launcher does. First what a
 * working guest does: a chain of readable and writable buffers, several
 * chains in a row, the used ring filling and wrapping, avail.idx wrapping
 * at 65536, and a guest scribbling on the used index (we keep our own).
 * Then one attack per test: a head or a "next" past the ring, chains that
 * loop (onto themselves, or in a circle), a buffer past the end of memory,
 * addresses that only fit if you forget the top 32 bits, a length that
 * wraps, an avail.idx more than a ring ahead, and rings that do not fit in
 * memory. Each limit is tried from both sides: a buffer ending exactly at
 * the end of memory, a chain exactly as long as the ring and exactly a
 * ring's worth of entries waiting are all fine. Last, lazy memory: the
 * ring and each buffer are filled before they become pointers, a range
 * outside memory never is, and a range that cannot be filled is refused.
 * Next: the output
 * prefixer, tests/unit/test_launcher_output.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "launcher/virtqueue.h"

#define MEM_SIZE	0x10000u
#define RING		0x8000u
#define NUM		KN_QUEUE_SIZE
#define IRQ		1

static struct guest_mem mem;
static struct vq vq;
static struct vq_chain chain;
static char why[160];

/* The guest's view of its ring. */
static struct vring_desc *desc(void)
{
	return (struct vring_desc *)(mem.base + RING);
}

static struct vring_avail *avail(void)
{
	return (struct vring_avail *)(mem.base + RING + vring_avail_offset(NUM));
}

static struct vring_used *used(void)
{
	return (struct vring_used *)(mem.base + RING + vring_used_offset(NUM));
}

static void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc()[i] = (struct vring_desc){ .addr = addr, .len = len, .flags = flags, .next = next };
}

static void offer(uint16_t head)
{
	avail()->ring[avail()->idx % NUM] = head;
	avail()->idx++;
}

static int setup(void **state)
{
	(void)state;
	mem = (struct guest_mem){ .base = aligned_alloc(4096, MEM_SIZE), .size = MEM_SIZE };
	if (!mem.base)
		return -1;
	memset(mem.base, 0, MEM_SIZE);
	memset(why, 0, sizeof(why));
	memset(&chain, 0xa5, sizeof(chain));
	return vq_attach(&vq, &mem, RING, NUM, IRQ, why, sizeof(why));
}

static int teardown(void **state)
{
	(void)state;
	free(mem.base);
	return 0;
}

static int take(void)
{
	memset(why, 0, sizeof(why));
	return vq_take_chain(&vq, &mem, &chain, why, sizeof(why));
}

static void assert_bad(const char *message)
{
	assert_int_equal(take(), -1);
	assert_string_equal(why, message);
}

static void test_attach(void **state)
{
	(void)state;
	assert_int_equal(vq.gpa, RING);
	assert_int_equal(vq.num, NUM);
	assert_int_equal(vq.irq, IRQ);
	assert_int_equal(vq.next_avail, 0);
	assert_int_equal(vq.next_used, 0);
	assert_ptr_equal(vq.desc, desc());
	assert_ptr_equal(vq.avail, avail());
	assert_ptr_equal(vq.used, used());
}

static void test_nothing_offered(void **state)
{
	(void)state;
	assert_int_equal(take(), 0);
	assert_string_equal(why, "");
}

static void test_good_chain(void **state)
{
	(void)state;
	set_desc(3, 0x1000, 16, VRING_DESC_F_NEXT, 7);
	set_desc(7, 0x2000, 8, VRING_DESC_F_NEXT, 0);
	set_desc(0, 0x3000, 32, VRING_DESC_F_WRITE, 9);	/* no NEXT: 9 is ignored */
	offer(3);
	assert_int_equal(take(), 1);
	assert_int_equal(chain.head, 3);
	assert_int_equal(chain.count, 3);
	assert_ptr_equal(chain.bufs[0].data, mem.base + 0x1000);
	assert_int_equal(chain.bufs[0].len, 16);
	assert_false(chain.bufs[0].writable);
	assert_ptr_equal(chain.bufs[1].data, mem.base + 0x2000);
	assert_int_equal(chain.bufs[1].len, 8);
	assert_false(chain.bufs[1].writable);
	assert_ptr_equal(chain.bufs[2].data, mem.base + 0x3000);
	assert_int_equal(chain.bufs[2].len, 32);
	assert_true(chain.bufs[2].writable);
	assert_int_equal(take(), 0);			/* and nothing more */
}

static void test_chains_in_order(void **state)
{
	(void)state;
	set_desc(1, 0x1000, 1, 0, 0);
	set_desc(2, 0x1100, 2, 0, 0);
	offer(2);
	offer(1);
	assert_int_equal(take(), 1);
	assert_int_equal(chain.head, 2);
	assert_int_equal(chain.bufs[0].len, 2);
	assert_int_equal(take(), 1);
	assert_int_equal(chain.head, 1);
	assert_int_equal(chain.count, 1);
	assert_int_equal(take(), 0);
}

static void test_used_ring(void **state)
{
	(void)state;
	vq_put_used(&vq, 5, 100);
	vq_put_used(&vq, 9, 0);
	assert_int_equal(used()->idx, 2);
	assert_int_equal(used()->ring[0].id, 5);
	assert_int_equal(used()->ring[0].len, 100);
	assert_int_equal(used()->ring[1].id, 9);
	assert_int_equal(used()->ring[1].len, 0);
	/* After a ring's worth, the ring wraps but the index does not. */
	for (int i = 2; i < NUM + 1; i++)
		vq_put_used(&vq, (uint16_t)i, (uint32_t)i);
	assert_int_equal(used()->idx, NUM + 1);
	assert_int_equal(used()->ring[0].id, NUM);
	assert_int_equal(used()->ring[1].id, 9);
}

static void test_guest_scribbles_on_used_idx(void **state)
{
	(void)state;
	vq_put_used(&vq, 5, 1);
	used()->idx = 40000;			/* the guest's write */
	vq_put_used(&vq, 6, 2);
	assert_int_equal(used()->idx, 2);	/* our count, not theirs */
	assert_int_equal(used()->ring[1].id, 6);
}

static void test_avail_idx_wraps(void **state)
{
	(void)state;
	set_desc(4, 0x1000, 1, 0, 0);
	vq.next_avail = 0xFFFF;
	avail()->idx = 0xFFFF;
	offer(4);
	offer(4);				/* idx is now 1, wrapped */
	assert_int_equal(avail()->idx, 1);
	assert_int_equal(take(), 1);
	assert_int_equal(take(), 1);
	assert_int_equal(vq.next_avail, 1);
	assert_int_equal(take(), 0);
}

static void test_full_ring_is_fine(void **state)
{
	(void)state;
	set_desc(0, 0x1000, 1, 0, 0);
	for (int i = 0; i < NUM; i++)
		offer(0);
	for (int i = 0; i < NUM; i++)
		assert_int_equal(take(), 1);
	assert_int_equal(take(), 0);
}

static void test_absurd_avail_idx(void **state)
{
	(void)state;
	set_desc(0, 0x1000, 1, 0, 0);
	avail()->idx = NUM + 1;
	assert_bad("avail.idx 65 is 65 entries past 0 (queue size 64)");
	/* A guest that moves the index backwards is as far off. */
	vq.next_avail = 10;
	avail()->idx = 9;
	assert_bad("avail.idx 9 is 65535 entries past 10 (queue size 64)");
}

static void test_head_out_of_range(void **state)
{
	(void)state;
	offer(NUM);
	assert_bad("descriptor index 64 out of range (queue size 64)");
	offer(0xFFFF);
	assert_bad("descriptor index 65535 out of range (queue size 64)");
}

static void test_next_out_of_range(void **state)
{
	(void)state;
	set_desc(0, 0x1000, 1, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x1000, 1, VRING_DESC_F_NEXT, 200);
	offer(0);
	assert_bad("descriptor index 200 out of range (queue size 64)");
}

static void test_self_loop(void **state)
{
	(void)state;
	set_desc(5, 0x1000, 1, VRING_DESC_F_NEXT, 5);
	offer(5);
	assert_bad("descriptor chain from 5 is longer than the queue (64): a loop");
}

static void test_circle(void **state)
{
	(void)state;
	set_desc(0, 0x1000, 1, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x1000, 1, VRING_DESC_F_NEXT, 2);
	set_desc(2, 0x1000, 1, VRING_DESC_F_NEXT, 0);
	offer(1);
	assert_bad("descriptor chain from 1 is longer than the queue (64): a loop");
}

/* Every descriptor once: the longest honest chain. */
static void test_longest_chain(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < NUM - 1; i++)
		set_desc(i, 0x1000 + i, 1, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
	set_desc(NUM - 1, 0x2000, 1, 0, 0);
	offer(0);
	assert_int_equal(take(), 1);
	assert_int_equal(chain.count, NUM);
	assert_ptr_equal(chain.bufs[NUM - 1].data, mem.base + 0x2000);
}

static void test_buffer_outside_memory(void **state)
{
	(void)state;
	set_desc(0, MEM_SIZE - 8, 16, 0, 0);
	offer(0);
	assert_bad("buffer 0xfff8 len 0x10 is outside guest memory (0x10000 bytes)");
	set_desc(0, MEM_SIZE, 1, 0, 0);
	offer(0);
	assert_bad("buffer 0x10000 len 0x1 is outside guest memory (0x10000 bytes)");
}

static void test_buffer_at_the_end_is_fine(void **state)
{
	(void)state;
	set_desc(0, MEM_SIZE - 16, 16, 0, 0);
	set_desc(1, MEM_SIZE, 0, 0, 0);		/* empty, touches nothing */
	offer(0);
	offer(1);
	assert_int_equal(take(), 1);
	assert_int_equal(chain.bufs[0].len, 16);
	assert_int_equal(take(), 1);
	assert_int_equal(chain.bufs[0].len, 0);
}

/* Numbers that look fine if you only keep 32 bits, or add before you
 * compare. */
static void test_buffer_overflow(void **state)
{
	(void)state;
	set_desc(0, 0x100001000ull, 16, 0, 0);		/* 0x1000, 4 GiB up */
	offer(0);
	assert_bad("buffer 0x100001000 len 0x10 is outside guest memory (0x10000 bytes)");
	set_desc(0, 0xFFFFFFFFFFFFFFF0ull, 0x20, 0, 0);	/* addr + len wraps to 0x10 */
	offer(0);
	assert_bad("buffer 0xfffffffffffffff0 len 0x20 is outside guest memory (0x10000 bytes)");
	set_desc(0, 0x1000, 0xFFFFFFFFu, 0, 0);		/* 32-bit wrap */
	offer(0);
	assert_bad("buffer 0x1000 len 0xffffffff is outside guest memory (0x10000 bytes)");
	set_desc(0, 0xFFFFFFF0u, 0x20, 0, 0);
	offer(0);
	assert_bad("buffer 0xfffffff0 len 0x20 is outside guest memory (0x10000 bytes)");
}

static void test_bad_buffer_mid_chain(void **state)
{
	(void)state;
	set_desc(0, 0x1000, 1, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x2000, 1, VRING_DESC_F_NEXT, 2);
	set_desc(2, 0x20000, 1, 0, 0);
	offer(0);
	assert_bad("buffer 0x20000 len 0x1 is outside guest memory (0x10000 bytes)");
}

static void test_ring_must_fit(void **state)
{
	struct vq other;

	(void)state;
	assert_int_equal(vq_attach(&other, &mem, MEM_SIZE - 0x1000, NUM, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x0000f000 (0x1206 bytes) is outside guest memory");
	assert_int_equal(vq_attach(&other, &mem, 0xFFFFF000u, NUM, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0xfffff000 (0x1206 bytes) is outside guest memory");
	assert_int_equal(vq_attach(&other, &mem, RING + 8, NUM, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x00008008 is not page-aligned");
	assert_int_equal(vq_attach(&other, &mem, RING, 48, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x00008000: bad size 48");
	assert_int_equal(vq_attach(&other, &mem, RING, 0, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x00008000: bad size 0");
	assert_int_equal(vq_attach(&other, &mem, RING, 128, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x00008000: bad size 128");
	/* The last place a ring fits. */
	assert_int_equal(vq_attach(&other, &mem, MEM_SIZE - 0x2000, NUM, IRQ, why, sizeof(why)), 0);
}

/* Lazy memory (launcher/lazy.c): guest_access has every range filled
 * before it becomes a pointer, and only a range inside memory. The fake
 * filler records the ranges and refuses the one page it is told to. */
static struct { uint64_t gpa, len; } fills[8];
static unsigned nfills;
static uint64_t refuse = UINT64_MAX;

static int fake_fill(void *ctx, uint64_t gpa, uint64_t len)
{
	assert_ptr_equal(ctx, &fills);
	if (nfills < 8)
		fills[nfills].gpa = gpa, fills[nfills].len = len;
	nfills++;
	return gpa <= refuse && refuse < gpa + len ? -1 : 0;
}

static void lazy_memory(void)
{
	mem.fill = fake_fill;
	mem.fill_ctx = &fills;
	nfills = 0;
	refuse = UINT64_MAX;
}

static void assert_fill(unsigned i, uint64_t gpa, uint64_t len)
{
	assert_true(i < nfills);
	assert_int_equal(fills[i].gpa, gpa);
	assert_int_equal(fills[i].len, len);
}

static void test_lazy_ring_and_buffers_are_filled(void **state)
{
	struct vq lazy;

	(void)state;
	lazy_memory();
	assert_int_equal(vq_attach(&lazy, &mem, RING, NUM, IRQ, why, sizeof(why)), 0);
	assert_int_equal(nfills, 1);
	assert_fill(0, RING, vring_size(NUM));
	set_desc(0, 0x1000, 16, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x3ff8, 0x10, VRING_DESC_F_WRITE, 0);	/* across a page */
	avail()->ring[0] = 0;
	avail()->idx = 1;
	assert_int_equal(vq_take_chain(&lazy, &mem, &chain, why, sizeof(why)), 1);
	assert_int_equal(nfills, 3);
	assert_fill(1, 0x1000, 16);
	assert_fill(2, 0x3ff8, 0x10);
	assert_ptr_equal(chain.bufs[1].data, mem.base + 0x3ff8);
}

static void test_lazy_outside_is_never_filled(void **state)
{
	(void)state;
	lazy_memory();
	set_desc(0, MEM_SIZE - 8, 16, 0, 0);
	offer(0);
	assert_bad("buffer 0xfff8 len 0x10 is outside guest memory (0x10000 bytes)");
	assert_int_equal(nfills, 0);
}

static void test_lazy_unfilled(void **state)
{
	struct vq other;

	(void)state;
	lazy_memory();
	refuse = 0x4000;
	set_desc(0, 0x1000, 1, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x3ff8, 0x10, 0, 0);
	offer(0);
	assert_bad("buffer 0x3ff8 len 0x10: its memory could not be filled");
	refuse = RING + 0x1000;
	assert_int_equal(vq_attach(&other, &mem, RING, NUM, IRQ, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x00008000: its memory could not be filled");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_attach),
		T(test_nothing_offered),
		T(test_good_chain),
		T(test_chains_in_order),
		T(test_used_ring),
		T(test_guest_scribbles_on_used_idx),
		T(test_avail_idx_wraps),
		T(test_full_ring_is_fine),
		T(test_absurd_avail_idx),
		T(test_head_out_of_range),
		T(test_next_out_of_range),
		T(test_self_loop),
		T(test_circle),
		T(test_longest_chain),
		T(test_buffer_outside_memory),
		T(test_buffer_at_the_end_is_fine),
		T(test_buffer_overflow),
		T(test_bad_buffer_mid_chain),
		T(test_ring_must_fit),
		T(test_lazy_ring_and_buffers_are_filled),
		T(test_lazy_outside_is_never_filled),
		T(test_lazy_unfilled),
	};

	return cmocka_run_group_tests_name("launcher virtqueue", tests, NULL, NULL);
}
