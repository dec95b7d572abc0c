/*T:465 tests/guests/bystander.c: the guest next door.
 *
 * It runs beside guests that misbehave (a spinner, guests the host kills
 * for bad hypercalls) and shows that their trouble stayed theirs: it fills
 * 256 KiB of its memory with a pattern of its own, then takes NAPS naps of
 * 20 ms (the first word of its command line; 10 if none) with the timer
 * and KH_HALT, checking after each that the pattern is intact and that its
 * time moved on; then it succeeds. Its naps make it live long enough for
 * the others' deaths to happen while it is still running. Next: T:468,
 * a guest that crashes on purpose. */
#include "tests/guests/lib/guest.h"

#define PATTERN_BYTES	(256 * 1024)
#define NAP_US		20000

static uint32_t pattern_word(uint32_t i)
{
	return i * 2654435761u ^ 0xb7574e44u;
}

static uint32_t *pattern_area(void)
{
	return (uint32_t *)(uintptr_t)image_end();
}

static void fill_pattern(void)
{
	uint32_t *p = pattern_area();

	for (uint32_t i = 0; i < PATTERN_BYTES / 4; i++)
		p[i] = pattern_word(i);
}

static bool pattern_intact(void)
{
	const volatile uint32_t *p = pattern_area();

	for (uint32_t i = 0; i < PATTERN_BYTES / 4; i++)
		if (p[i] != pattern_word(i))
			return check(false, "pattern word %u at 0x%x is 0x%x, want 0x%x", i,
				     (uint32_t)(uintptr_t)&p[i], p[i], pattern_word(i));
	return true;
}

void test_main(void)
{
	uint32_t naps = cmdline_number(0, 10);
	uint64_t start = now_ns(), took;

	if (image_end() + PATTERN_BYTES > boot_info.mem_bytes)
		test_error("%u bytes of RAM leave no room for the pattern", boot_info.mem_bytes);
	fill_pattern();
	for (uint32_t i = 0; i < naps; i++) {
		sleep_us(NAP_US);
		if (!pattern_intact())
			break;
	}
	took = now_ns() - start;
	check(took + HOST_TICK_NS >= (uint64_t)naps * NAP_US * 1000,
	      "%u naps of 20 ms took %u ms", naps, (uint32_t)(took / NS_PER_MS));
	print("bystander: %u naps, memory intact, %u ms\n", naps, (uint32_t)(took / NS_PER_MS));
	test_finish();
}
