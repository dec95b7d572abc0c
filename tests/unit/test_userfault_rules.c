/*T:990 tests/unit/test_userfault_rules.c: the userfault handle's rules,
 * natively (host/memory/userfault_rules.c, V:510).
 *
 * One test per rule of the ABI that does not need a running guest: the
 * two-step handshake (probe locks nothing, enabling locks, a second
 * enabling call and unknown bits are refused, the latter zeroing the
 * structure), registration (unaligned, empty, beyond pfn_limit, unknown
 * mode, WP without its feature: -EINVAL; overlap: -EBUSY; the ioctls a
 * range takes), unregistering that cuts a range in two, the queue
 * (-EAGAIN when empty, one message per page, full), the messages' shape,
 * and KN_UF_COPY's argument checks. Next: the boot tests of the handle. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arch/x86/syscall.h"
#include "host/memory/userfault_rules.h"

#define LIMIT	256u	/* pages of the pretend guest */
#define P(n)	((uint64_t)(n) * 4096u)
#define BIT(request)	(1ull << KN_UF_NR(request))

static void test_probe_then_enable(void **state)
{
	struct uf_handshake h = { 0 };
	struct kn_uf_api a = { KN_UF_API_VERSION, 0, 0 };

	(void)state;
	assert_int_equal(uf_api(&h, &a), 0);
	assert_int_equal(a.features, KN_UF_FEATURES);
	assert_true(a.ioctls & BIT(KN_UF_REGISTER));
	assert_true(a.ioctls & BIT(KN_UF_COPY));
	assert_false(h.locked);
	a = (struct kn_uf_api){ KN_UF_API_VERSION, 0, 0 };
	assert_int_equal(uf_api(&h, &a), 0);	/* probing twice is fine */
	a = (struct kn_uf_api){ KN_UF_API_VERSION, KN_UF_F_ZEROPAGE | KN_UF_F_VCPU_ID, 0 };
	assert_int_equal(uf_api(&h, &a), 0);
	assert_true(h.locked);
	assert_int_equal(h.features, KN_UF_F_ZEROPAGE | KN_UF_F_VCPU_ID);
}

static void test_second_enable_refused(void **state)
{
	struct uf_handshake h = { 0 };
	struct kn_uf_api a = { KN_UF_API_VERSION, KN_UF_F_WP, 0 };

	(void)state;
	assert_int_equal(uf_api(&h, &a), 0);
	a = (struct kn_uf_api){ KN_UF_API_VERSION, KN_UF_F_ZEROPAGE, 0 };
	assert_int_equal(uf_api(&h, &a), -EINVAL);
	a = (struct kn_uf_api){ KN_UF_API_VERSION, 0, 0 };
	assert_int_equal(uf_api(&h, &a), -EINVAL);	/* even a probe, once locked */
	assert_int_equal(h.features, KN_UF_F_WP);
}

static void test_unknown_bit_zeroes(void **state)
{
	struct uf_handshake h = { 0 };
	struct kn_uf_api a = { KN_UF_API_VERSION, KN_UF_F_WP | (1ull << 40), 77 };
	struct kn_uf_api zero = { 0 };

	(void)state;
	assert_int_equal(uf_api(&h, &a), -EINVAL);
	assert_memory_equal(&a, &zero, sizeof(a));
	assert_false(h.locked);
	a = (struct kn_uf_api){ 0x55, 0, 0 };	/* wrong api version */
	assert_int_equal(uf_api(&h, &a), -EINVAL);
	assert_memory_equal(&a, &zero, sizeof(a));
}

static int32_t reg(struct uf_ranges *t, uint64_t start, uint64_t len, uint64_t mode,
		   uint64_t features, uint64_t *ioctls)
{
	struct kn_uf_register r = { { start, len }, mode, 0 };
	int32_t err = uf_register(t, &r, LIMIT, features);

	if (ioctls)
		*ioctls = r.ioctls;
	return err;
}

static void test_register_bad_ranges(void **state)
{
	struct uf_ranges t = { 0 };
	uint64_t m = KN_UF_MODE_MISSING;

	(void)state;
	assert_int_equal(reg(&t, 1, P(1), m, 0, NULL), -EINVAL);	/* unaligned start */
	assert_int_equal(reg(&t, 0, 100, m, 0, NULL), -EINVAL);		/* unaligned length */
	assert_int_equal(reg(&t, 0, 0, m, 0, NULL), -EINVAL);		/* empty */
	assert_int_equal(reg(&t, P(LIMIT), P(1), m, 0, NULL), -EINVAL);	/* beyond */
	assert_int_equal(reg(&t, P(LIMIT - 1), P(2), m, 0, NULL), -EINVAL);	/* across the end */
	assert_int_equal(reg(&t, P(1), UINT64_MAX & ~0xfffull, m, 0, NULL), -EINVAL);	/* wraps */
	assert_int_equal(reg(&t, 0, P(1), 0, 0, NULL), -EINVAL);	/* no mode */
	assert_int_equal(reg(&t, 0, P(1), 1ull << 5, 0, NULL), -EINVAL);	/* unknown mode */
	assert_int_equal(reg(&t, 0, P(1), KN_UF_MODE_WP, 0, NULL), -EINVAL);	/* WP not enabled */
	assert_int_equal(t.count, 0);
}

static void test_register_overlap_busy(void **state)
{
	struct uf_ranges t = { 0 };
	uint64_t m = KN_UF_MODE_MISSING, ioctls;

	(void)state;
	assert_int_equal(reg(&t, P(10), P(10), m, KN_UF_F_ZEROPAGE, &ioctls), 0);
	assert_true(ioctls & BIT(KN_UF_COPY));
	assert_true(ioctls & BIT(KN_UF_ZERO));
	assert_true(ioctls & BIT(KN_UF_WAKE));
	assert_false(ioctls & BIT(KN_UF_WRITEPROTECT));
	assert_int_equal(reg(&t, P(19), P(1), m, 0, NULL), -EBUSY);
	assert_int_equal(reg(&t, P(5), P(6), m, 0, NULL), -EBUSY);
	assert_int_equal(reg(&t, P(20), P(1), KN_UF_MODE_MISSING | KN_UF_MODE_WP, KN_UF_F_WP,
			     &ioctls), 0);
	assert_true(ioctls & BIT(KN_UF_WRITEPROTECT));
	assert_false(ioctls & BIT(KN_UF_ZERO));	/* ZEROPAGE was not enabled */
	assert_int_equal(uf_mode_at(&t, 9), 0);
	assert_int_equal(uf_mode_at(&t, 10), KN_UF_MODE_MISSING);
	assert_int_equal(uf_mode_at(&t, 20), KN_UF_MODE_MISSING | KN_UF_MODE_WP);
	assert_int_equal(uf_mode_at(&t, 21), 0);
}

static void test_unregister_cuts(void **state)
{
	struct uf_ranges t = { 0 };
	struct kn_uf_range hole = { P(12), P(2) }, bad = { P(3), 5 };
	uint32_t i;

	(void)state;
	assert_int_equal(reg(&t, P(10), P(10), KN_UF_MODE_MISSING, 0, NULL), 0);
	assert_int_equal(uf_unregister(&t, &bad, LIMIT), -EINVAL);
	assert_int_equal(uf_unregister(&t, &hole, LIMIT), 0);
	for (i = 0; i < LIMIT; i++)
		assert_int_equal(uf_mode_at(&t, i) != 0,
				 (i >= 10 && i < 12) || (i >= 14 && i < 20));
	/* The freed pages can be registered again, and nothing else can. */
	assert_int_equal(reg(&t, P(12), P(2), KN_UF_MODE_MISSING, 0, NULL), 0);
	assert_int_equal(reg(&t, P(11), P(1), KN_UF_MODE_MISSING, 0, NULL), -EBUSY);
}

static void test_unregister_full_table_changes_nothing(void **state)
{
	struct uf_ranges t = { 0 };
	struct kn_uf_range middle = { P(1), P(1) };
	uint32_t i;

	(void)state;
	for (i = 0; i < UF_RANGES_MAX; i++)
		assert_int_equal(reg(&t, P(i * 4), P(3), KN_UF_MODE_MISSING, 0, NULL), 0);
	assert_int_equal(reg(&t, P(200), P(1), KN_UF_MODE_MISSING, 0, NULL), -ENOMEM);
	assert_int_equal(uf_unregister(&t, &middle, LIMIT), -ENOMEM);
	assert_int_equal(t.count, UF_RANGES_MAX);
	assert_int_equal(uf_mode_at(&t, 1), KN_UF_MODE_MISSING);
}

static void test_queue(void **state)
{
	struct uf_queue q = { 0 };
	struct kn_uf_msg m = uf_fault_msg(0, KN_UF_FLAG_WRITE, 0x5123, 3), out;
	uint32_t i;

	(void)state;
	assert_int_equal(uf_queue_pop(&q, &out), -EAGAIN);
	assert_true(uf_queue_push(&q, &m));
	m.gpa = 0x5fff;
	assert_true(uf_queue_push(&q, &m));	/* the same page: no second message */
	assert_int_equal(q.count, 1);
	assert_int_equal(uf_queue_pop(&q, &out), 0);
	assert_int_equal(out.event, KN_UF_EVENT_PAGEFAULT);
	assert_int_equal(out.gpa, 0x5000);
	assert_int_equal(out.flags, KN_UF_FLAG_WRITE);
	assert_int_equal(uf_queue_pop(&q, &out), -EAGAIN);
	for (i = 0; i < UF_QUEUE_MAX; i++) {
		m = uf_fault_msg(0, 0, P(i), 0);
		assert_true(uf_queue_push(&q, &m));
	}
	m = uf_fault_msg(0, 0, P(UF_QUEUE_MAX), 0);
	assert_false(uf_queue_push(&q, &m));
	for (i = 0; i < UF_QUEUE_MAX; i++) {
		assert_int_equal(uf_queue_pop(&q, &out), 0);
		assert_int_equal(out.gpa, P(i));	/* in order */
	}
}

static void test_message_features(void **state)
{
	struct kn_uf_msg plain = uf_fault_msg(0, KN_UF_FLAG_HOST, 0x7abc, 5);
	struct kn_uf_msg rich = uf_fault_msg(KN_UF_F_EXACT_ADDRESS | KN_UF_F_VCPU_ID,
					     KN_UF_FLAG_LAUNCHER, 0x7abc, 5);

	(void)state;
	assert_int_equal(plain.gpa, 0x7000);
	assert_int_equal(plain.vcpu, 0);
	assert_int_equal(plain.flags, KN_UF_FLAG_HOST);
	assert_int_equal(rich.gpa, 0x7abc);
	assert_int_equal(rich.vcpu, 5);
	assert_int_equal(rich.flags, KN_UF_FLAG_LAUNCHER);
}

static void test_copy_checks(void **state)
{
	uint32_t base = 0x40000000u;
	struct kn_uf_copy ok = { P(4), 0x10000000u, P(2), 0, 0 }, c;

	(void)state;
	assert_int_equal(uf_copy_check(&ok, LIMIT, base), 0);
	c = ok, c.dst = P(4) + 8;
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
	c = ok, c.len = 0;
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
	c = ok, c.dst = P(LIMIT - 1);
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
	c = ok, c.mode = 1ull << 7;
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
	c = ok, c.src = base + P(3);	/* the source inside guest memory */
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
	c = ok, c.src = base - P(1);	/* ends inside it */
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
	c = ok, c.src = base + P(LIMIT);	/* just after it: fine */
	assert_int_equal(uf_copy_check(&c, LIMIT, base), 0);
	c = ok, c.src = 0xfffff000u;	/* wraps */
	assert_int_equal(uf_copy_check(&c, LIMIT, base), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_then_enable),
		cmocka_unit_test(test_second_enable_refused),
		cmocka_unit_test(test_unknown_bit_zeroes),
		cmocka_unit_test(test_register_bad_ranges),
		cmocka_unit_test(test_register_overlap_busy),
		cmocka_unit_test(test_unregister_cuts),
		cmocka_unit_test(test_unregister_full_table_changes_nothing),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_message_features),
		cmocka_unit_test(test_copy_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
