/*T:270 tests/unit/test_fpu_state.c: the host's way of loading x87 state
 * (host/fpu_state.h, H:605), on the build machine's own FPU. A pending
 * unmasked exception (a division by zero with the zero-divide exception
 * unmasked and no wait after it) must not fire when the host loads the
 * next state, on hardware that checks at frstor; and the clean state must
 * be fninit's control words with eight zero registers. Native code gets a
 * pending x87 exception as SIGFPE, which this test catches. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "host/fpu_state.h"

static sigjmp_buf back;

static void on_sigfpe(int sig)
{
	(void)sig;
	siglongjmp(back, 1);
}

static void leave_division_by_zero_pending(void)
{
	uint16_t cw = FPU_CW_CLEAN & ~0x4;	/* zero-divide unmasked */

	asm volatile("fninit\n\tfldcw %0\n\tfldz\n\tfld1\n\tfdivp" : : "m"(cw));
}

static void test_load_drops_a_pending_exception(void **state)
{
	uint8_t clean[FPU_STATE_SIZE], after[FPU_STATE_SIZE];
	volatile int fired = 0;

	(void)state;
	fpu_clean_state(clean);
	signal(SIGFPE, on_sigfpe);
	if (sigsetjmp(back, 1) == 0) {
		leave_division_by_zero_pending();
		fpu_load_state(clean);
		asm volatile("fwait\n\tfnsave %0" : "=m"(after));
	} else {
		fired = 1;
	}
	signal(SIGFPE, SIG_DFL);
	asm volatile("fninit");
	assert_int_equal(fired, 0);
	assert_int_equal(after[0] | after[1] << 8, FPU_CW_CLEAN);
	assert_int_equal(after[4] | after[5] << 8, 0);		/* no exception left */
	assert_int_equal(after[8] | after[9] << 8, FPU_TAGS_EMPTY);
}

static void test_clean_state_has_zero_registers(void **state)
{
	uint8_t clean[FPU_STATE_SIZE], after[FPU_STATE_SIZE], zeros[80] = { 0 };
	double junk = 1234.5;

	(void)state;
	fpu_clean_state(clean);
	asm volatile("fninit\n\tfldl %0\n\tfldl %0\n\tfninit" : : "m"(junk));
	fpu_load_state(clean);
	asm volatile("fnsave %0" : "=m"(after));
	asm volatile("fninit");
	assert_int_equal(after[0] | after[1] << 8, FPU_CW_CLEAN);
	assert_int_equal(after[8] | after[9] << 8, FPU_TAGS_EMPTY);
	assert_memory_equal(after + 28, zeros, sizeof(zeros));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_drops_a_pending_exception),
		cmocka_unit_test(test_clean_state_has_zero_registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
