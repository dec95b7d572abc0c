/*T:450 tests/guests/fpu.c: one FPU, two guests, no leaks.
 *
 * The host switches x87 state between guests lazily (H:600): a guest
 * keeps the FPU until another guest touches it. The boot test runs two of
 * these guests at once, with different command lines "MODE SEED ROUNDS"
 * (say "down 3 8" and "up 5 8") and names, so each fills the FPU with
 * state the other cannot have: a control word whose rounding mode is MODE,
 * and six registers holding SEED * 1000 + i. Then, ROUNDS times, it
 * sleeps (timer and halt, so the other guest runs and loads its own
 * state), and spins for 20 ms, long enough to be preempted mid-use by the
 * host's tick, checking over and over that:
 *
 *   - (SEED * 7 + 1) / 7, rounded to an integer by the FPU, is what MODE
 *     gives (SEED rounding down, SEED + 1 rounding up): the control word
 *     is still this guest's;
 *   - the saved image (fnsave, then frstor to carry on) has the same
 *     control, status and tag words and the same eight registers as
 *     right after loading.
 *
 * Each round prints a line, so the boot test can see that the two guests'
 * rounds interleaved: the other one really ran in between. Next: T:460,
 * a guest that never stops. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define VALUES		6	/* leaves two registers for the division */
#define CW_DEFAULT	0x037f	/* all exceptions masked, 64-bit precision */
#define CW_RC_SHIFT	10
#define SPIN_NS		(20 * NS_PER_MS)
#define FNSAVE_SIZE	108
#define FNSAVE_REGS	28	/* the eight 10-byte registers start here */

struct mode {
	const char *name;
	uint16_t rc;
	int32_t extra;			/* what rounding adds to SEED */
};

static const struct mode modes[] = {
	{ "nearest", 0, 0 }, { "down", 1, 0 }, { "up", 2, 1 }, { "zero", 3, 0 },
};

static uint8_t expected[FNSAVE_SIZE], current[FNSAVE_SIZE];
static unsigned mismatches;

static void fpu_load(uint16_t cw, int32_t seed)
{
	asm volatile("fninit\n\tfldcw %0" : : "m"(cw));
	for (int32_t i = 0; i < VALUES; i++) {
		int32_t v = seed * 1000 + i;

		asm volatile("fildl %0" : : "m"(v));
	}
}

/* fnsave empties the FPU: frstor puts the same state straight back. */
static void fpu_snapshot(uint8_t *image)
{
	asm volatile("fnsave %0\n\tfrstor %0" : "+m"(*(uint8_t (*)[FNSAVE_SIZE])image));
}

static int32_t divide_rounded(int32_t num, int32_t den)
{
	int32_t out;

	asm volatile("fildl %1\n\tfidivl %2\n\tfistpl %0" : "=m"(out) : "m"(num), "m"(den));
	return out;
}

/* The parts of an fnsave image that are state, not history: the control,
 * status and tag words and the registers (not the last instruction's
 * address and opcode). The offset of the first difference, or -1. */
static int state_difference(const uint8_t *a, const uint8_t *b)
{
	for (int i = 0; i < FNSAVE_SIZE; i++) {
		bool state = i < 2 || (i >= 4 && i < 6) || (i >= 8 && i < 10) || i >= FNSAVE_REGS;

		if (state && a[i] != b[i])
			return i;
	}
	return -1;
}

static void verify(const struct mode *m, int32_t seed)
{
	int32_t got = divide_rounded(seed * 7 + 1, 7);
	int at;

	fpu_snapshot(current);
	at = state_difference(current, expected);
	if (got == seed + m->extra && at < 0)
		return;
	if (!mismatches++)
		check(false, "FPU state changed: (%d * 7 + 1) / 7 rounded %s is %d, want %d; "
		      "first different byte of the fnsave image: %d (0x%02x, want 0x%02x)",
		      seed, m->name, got, seed + m->extra, at, at < 0 ? 0 : current[at],
		      at < 0 ? 0 : expected[at]);
}

static const struct mode *mode_named(const char *name)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(modes[i].name, name))
			return &modes[i];
	return NULL;
}

void test_main(void)
{
	char word[16] = "";
	const struct mode *m;
	int32_t seed = (int32_t)cmdline_number(1, 0);
	uint32_t rounds = cmdline_number(2, 8), checks = 0;

	cmdline_word(0, word, sizeof(word));
	if (!(m = mode_named(word)) || seed <= 0)
		test_error("command line '%s': want MODE SEED [ROUNDS]", boot_info.cmdline);
	fpu_load((uint16_t)(CW_DEFAULT | m->rc << CW_RC_SHIFT), seed);
	divide_rounded(seed * 7 + 1, 7);	/* the status word as verify leaves it */
	fpu_snapshot(expected);
	for (uint32_t round = 1; round <= rounds; round++) {
		uint64_t start;

		sleep_us(10000);
		for (start = now_ns(); now_ns() - start < SPIN_NS; checks++)
			verify(m, seed);
		print("fpu: round %u of %u done\n", round, rounds);
	}
	print("fpu: rounding %s, seed %d: %u checks, %u mismatches\n", m->name, seed,
	      checks, mismatches);
	test_finish();
}
