/*T:710 tests/guests/fpu_leak.c: what a guest finds in the FPU it is given.
 *
 * fpu.c (T:450) checks that a guest's own x87 state survives the other
 * guests. This one checks the other direction: that nothing of another
 * guest's state reaches it. Two roles, the first word of the command line:
 *
 *   fill   loads all eight x87 registers with a pattern no clean FPU holds,
 *          leaves a division by zero pending (the exception unmasked, no
 *          wait instruction after it), then sleeps for a while and powers
 *          off without touching the FPU again: the FPU still holds its
 *          registers and its pending exception when the host takes the
 *          unit from it, or when it is gone;
 *   probe  first sleeps (so that fill owns the FPU), then, as its very
 *          first FPU instruction, saves the state it was given (fnsave)
 *          and checks it is the clean one: control word 0x037f, status 0,
 *          every register empty, and all eighty bytes of the registers
 *          zero; then it uses the FPU (fwait, a division) to show that no
 *          pending exception came with it. The second word is how long it
 *          sleeps first, in microseconds: the boot test runs one probe
 *          while fill lives and one after fill has died.
 *
 * Next: T:720. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define FNSAVE_SIZE	108
#define FNSAVE_REGS	28
#define CW_CLEAN	0x037f
#define CW_ZE_UNMASKED	(CW_CLEAN & ~0x4)
#define FILL_SLEEP_US	400000

static uint8_t image[FNSAVE_SIZE];

static void fill(void)
{
	static const uint32_t pattern = 0x5a5a1234;
	uint16_t cw = CW_ZE_UNMASKED;

	asm volatile("fninit");
	for (int i = 0; i < 7; i++)
		asm volatile("fildl %0" : : "m"(pattern));
	asm volatile("fldcw %0\n\tfldz\n\tfld1\n\tfdivp" : : "m"(cw));
	print("fpu_leak: fill: 8 registers loaded, a division by zero pending\n");
	sleep_us(FILL_SLEEP_US);
	print("fpu_leak: fill: done\n");
	test_result(RESULT_SUCCESS);
}

static uint16_t word_at(unsigned offset)
{
	return (uint16_t)(image[offset] | image[offset + 1] << 8);
}

static void check_clean(const char *when)
{
	unsigned dirty = 0;

	asm volatile("fnsave %0" : "=m"(image));
	for (unsigned i = FNSAVE_REGS; i < FNSAVE_SIZE; i++)
		dirty += image[i] != 0;
	print("fpu_leak: probe %s: control 0x%04x, status 0x%04x, tags 0x%04x, "
	      "%u non-zero register bytes\n", when, word_at(0), word_at(4), word_at(8), dirty);
	check_eq(word_at(0), CW_CLEAN, "control word of a fresh FPU");
	check_eq(word_at(4), 0, "status word of a fresh FPU");
	check_eq(word_at(8), 0xffff, "tag word of a fresh FPU");
	check_eq(dirty, 0, "non-zero bytes in a fresh FPU's registers");
	asm volatile("fninit");
}

static void probe(void)
{
	int32_t out, num = 7, den = 7;

	sleep_us(cmdline_number(1, 100000));
	check_clean("after its sleep");
	asm volatile("fwait\n\tfildl %1\n\tfidivl %2\n\tfistpl %0\n\tfwait"
		     : "=m"(out) : "m"(num), "m"(den));
	check_eq((uint32_t)out, 1, "7 / 7 on the FPU");
	test_finish();
}

void test_main(void)
{
	char role[8] = "";

	cmdline_word(0, role, sizeof(role));
	if (!strcmp(role, "fill"))
		fill();
	if (!strcmp(role, "probe"))
		probe();
	test_error("the first word must be 'fill' or 'probe'");
}
