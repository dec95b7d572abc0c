/*T:935 tests/guests/memwriter.c: a guest that keeps writing its memory,
 * for incremental snapshots (test_snapshot.py, T:930).
 *
 * It owns a field of FIELD_PAGES pages above its image and a ledger, one
 * word per page, of the round that last wrote it. Each round it writes
 * PAGES_PER_ROUND pages chosen by a generator whose state is in memory
 * too, every word of a page a function of the page and the round, and
 * records the round in the ledger; then it checks a few other pages
 * against the ledger, and sleeps a little (KH_HALT with its timer, so a
 * snapshot finds it halted or running). Every 20 rounds it prints its
 * round. A page that does not hold what the ledger says — a snapshot or a
 * restore that lost or mixed up a write — ends it with FAILURE; it never
 * ends otherwise (the test kills it). Restored from a snapshot, it goes on
 * from the round it was in, and its checks cover every page written
 * before. Next: T:940. */
#include "tests/guests/lib/guest.h"

#define FIELD_PAGES	512
#define PAGES_PER_ROUND	8
#define CHECKS_PER_ROUND 16
#define PAGE_WORDS	(4096 / 4)

struct writer {
	uint32_t round;
	uint32_t seed;
	uint32_t ledger[FIELD_PAGES];	/* the round that wrote each page, 0: none */
};

static struct writer w;

static uint32_t next_random(void)
{
	w.seed = w.seed * 1103515245u + 12345u;
	return w.seed >> 8;
}

static uint32_t *page_of(uint32_t n)
{
	uint32_t field = (image_end() + 4095) & ~4095u;

	return (uint32_t *)(field + n * 4096);
}

static uint32_t word_of(uint32_t n, uint32_t round, uint32_t i)
{
	return (n * 0x9e3779b9u) ^ (round * 0x85ebca6bu) ^ (i * 0xc2b2ae35u);
}

static void write_page(uint32_t n)
{
	uint32_t *p = page_of(n);

	for (uint32_t i = 0; i < PAGE_WORDS; i++)
		p[i] = word_of(n, w.round, i);
	w.ledger[n] = w.round;
}

static void check_page(uint32_t n)
{
	const uint32_t *p = page_of(n);
	uint32_t round = w.ledger[n];

	for (uint32_t i = 0; i < PAGE_WORDS; i++)
		if (p[i] != (round ? word_of(n, round, i) : 0)) {
			print("memwriter: page %u word %u is 0x%x, round %u wrote 0x%x\n", n, i,
			      p[i], round, round ? word_of(n, round, i) : 0);
			test_result(RESULT_FAILURE);
		}
}

void test_main(void)
{
	if ((uint32_t)page_of(FIELD_PAGES) > boot_info.mem_bytes)
		test_error("no room for %u pages above the image", FIELD_PAGES);
	w.seed = 1;
	print("memwriter: writing %u pages at 0x%x\n", FIELD_PAGES, (uint32_t)page_of(0));
	for (;;) {
		w.round++;
		for (int i = 0; i < PAGES_PER_ROUND; i++)
			write_page(next_random() % FIELD_PAGES);
		for (int i = 0; i < CHECKS_PER_ROUND; i++)
			check_page(next_random() % FIELD_PAGES);
		if (w.round % 20 == 0)
			print("memwriter: round %u\n", w.round);
		sleep_us(5000);
	}
}
