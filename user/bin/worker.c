/*U:640 user/bin/worker.c: a steady, checkable load for the scheduler and
 * the memory system. "worker ID" fills about half a MiB of malloc'd memory
 * with a fixed pseudo-random sequence: forty blocks of up to 8 KiB, and
 * every tenth block 80 KiB, which malloc maps on its own. Then, in eight
 * rounds, it reallocates some blocks (keeping their start, refilling the
 * rest), churns through two hundred short-lived small allocations, and
 * sleeps or yields so other programs interleave with it. Finally it hashes
 * every block (FNV-1a) and compares with the answer the same steps give on
 * any correct machine. Nothing depends on addresses or timing, so several
 * workers running at once must all print
 *
 *   worker ID: ok cdc72e2a
 *
 * and exit 0; a lost page, a register the host failed to restore, or heap
 * damage shows up as "worker ID: FAILED ..." and exit status 1. Next:
 * starve.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kennel.h>

#define BLOCKS		40
#define ROUNDS		8
#define TEMPS		200
#define EXPECTED	0xcdc72e2au

struct block {
	unsigned char *data;
	size_t size;
};

static uint32_t rng_state = 0x2545F491u;

/* xorshift32: a fixed sequence, the same on every run. */
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void fill(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)(rng() >> 24);
}

static uint32_t fnv1a(uint32_t hash, const unsigned char *p, size_t n)
{
	while (n--) {
		hash ^= *p++;
		hash *= 16777619u;
	}
	return hash;
}

static size_t block_size(int i)
{
	return i % 10 == 9 ? 80 * 1024 : rng() % 8192 + 1;
}

static int resize(struct block *b, size_t size)
{
	unsigned char *p = realloc(b->data, size);

	if (!p)
		return -1;
	if (size > b->size)
		fill(p + b->size, size - b->size);
	b->data = p;
	b->size = size;
	return 0;
}

/* Many small allocations that live briefly, freed in a scrambled order. */
static int churn(void)
{
	static unsigned char *temp[TEMPS];

	for (int i = 0; i < TEMPS; i++) {
		size_t n = rng() % 512 + 1;

		temp[i] = malloc(n);
		if (!temp[i])
			return -1;
		memset(temp[i], i, n);
	}
	for (int i = 0; i < TEMPS; i++) {
		int j = (i * 7) % TEMPS;

		if (temp[j][0] != (unsigned char)j)
			return -1;
		free(temp[j]);
	}
	return 0;
}

static void pause_for_others(int id, int round)
{
	if ((round + id) % 2)
		sleep_ms(1 + (uint32_t)(round % 3));
	else
		yield();
}

static int run(int id, uint32_t *hash)
{
	static struct block blocks[BLOCKS];

	for (int i = 0; i < BLOCKS; i++) {
		blocks[i].size = block_size(i);
		blocks[i].data = malloc(blocks[i].size);
		if (!blocks[i].data)
			return -1;
		fill(blocks[i].data, blocks[i].size);
	}
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = round % 5; i < BLOCKS; i += 5)
			if (resize(&blocks[i], block_size(i + round)))
				return -1;
		if (churn())
			return -1;
		pause_for_others(id, round);
	}
	*hash = 2166136261u;
	for (int i = 0; i < BLOCKS; i++) {
		*hash = fnv1a(*hash, blocks[i].data, blocks[i].size);
		free(blocks[i].data);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int id = argc > 1 ? atoi(argv[1]) : 0;
	uint32_t hash = 0;

	if (run(id, &hash)) {
		printf("worker %d: FAILED out of memory or heap damaged\n", id);
		return 1;
	}
	if (hash != EXPECTED) {
		printf("worker %d: FAILED checksum %08x, expected %08x\n", id,
		       (unsigned)hash, EXPECTED);
		return 1;
	}
	printf("worker %d: ok %08x\n", id, (unsigned)hash);
	return 0;
}
