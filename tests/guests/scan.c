/*T:914 tests/guests/scan.c: the scan is exact, whoever writes.
 *
 * Run with 64 MiB of memory (16,384 pages). The guest first has its
 * Launcher try every wrong argument of KN_PM_SCAN (before anything is
 * armed, so CHECK_WPASYNC must fail), then arm every page. Then K = 1,000
 * pages chosen at random above 4 MiB (the floor: the guest's own image,
 * stack and shared page are below it) are written by one writer, the
 * command line's first word:
 *
 *   guest     the guest itself, through its page tables (shadow PTEs)
 *   host      the host, with a hypercall whose result lands in the page
 *   fill      the Launcher, storing through its own mapping
 *   read      the Launcher, read() of a file by the host into the page
 *   block     the Launcher's block device: a virtio read of sector 0
 *             into each page (run with --snapshot-disk)
 *
 * The Launcher then checks that resuming with 7 regions or 100 pages a
 * call gives the set one call gives, and that the pages written since the
 * arming are exactly the K, re-arming them as it reports them; a second
 * check must then find none. Each op's outcome comes back in the request
 * (arch/x86/scan_test.h), and the guest says SUCCESS only if every one
 * was 0. Next: the boot test that runs it, T:920. */
#include "lib/string.h"
#include "arch/x86/scan_test.h"
#include "arch/x86/kennel_dev.h"
#include "tests/guests/lib/guest.h"

#define K		1000u
#define FLOOR		1024u			/* 4 MiB */
#define PAGES		16384u			/* 64 MiB */

struct writer {
	const char *name;
	void (*write)(void);
};
_Static_assert(offsetof(struct writer, name) == 0, "CMDLINE_CASE finds cases by name");

static uint32_t list[K];
static uint32_t chosen[PAGES / 32];
static volatile struct kn_scan_test req;

static int32_t ask(uint32_t op, uint32_t count)
{
	req.op = op;
	req.count = count;
	req.list_gpa = gpa_of(list);
	req.floor = FLOOR;
	req.ceiling = PAGES;		/* the device page and rings are above */
	req.result = -1;
	kh_notify(KN_SCAN_TEST_NOTIFY | gpa_of(&req));
	return req.result;
}

static uint32_t seed = 2026;

static uint32_t rnd(void)
{
	seed = seed * 1664525u + 1013904223u;
	return seed >> 4;
}

static void choose_pages(void)
{
	for (uint32_t n = 0; n < K; n++) {
		uint32_t p;

		do
			p = FLOOR + rnd() % (PAGES - FLOOR);
		while (chosen[p / 32] & (1u << (p % 32)));
		chosen[p / 32] |= 1u << (p % 32);
		list[n] = p;
	}
}

static void guest_writes(void)
{
	for (uint32_t n = 0; n < K; n++)
		*(volatile uint32_t *)(list[n] * PAGE_SIZE + 8) = n;
}

/* KH_GET_STATS writes the guest's counters into the page: the host's
 * copy, the only writer. */
static void host_writes(void)
{
	for (uint32_t n = 0; n < K; n++)
		hcall(KH_GET_STATS, list[n] * PAGE_SIZE + 8, 64, 0, 0);
}

static void fill_writes(void)
{
	check_eq((uint32_t)ask(KN_ST_FILL, K), 0, "the Launcher's stores");
}

static void read_writes(void)
{
	check_eq((uint32_t)ask(KN_ST_READ, K), 0, "the Launcher's reads");
}

/* Not a writer: the cost of a scan as the pages written grow, from none
 * to 4,000 (docs/scan.md). */
static void bench(void)
{
	static const uint32_t steps[] = { 0, 16, 164, 1000, 4000 };
	uint32_t done = 0;

	check_eq((uint32_t)ask(KN_ST_ARM, 0), 0, "arming");
	for (uint32_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		for (; done < steps[s]; done++)
			*(volatile uint32_t *)((FLOOR + done * 3) * PAGE_SIZE + 8) = done;
		check_eq((uint32_t)ask(KN_ST_BENCH, 0), 0, "the scans");
	}
	test_finish();
}

/* One request per page: header, 512 bytes into the page, status. */
static struct queue blk;
static struct kn_blk_req blk_header = { KN_BLK_T_IN, 0, 0 };
static uint8_t blk_status;

static bool blk_done(void)
{
	return queue_has_used(&blk);
}

static void chain(uint16_t i, const void *buf, uint32_t len, bool writable, bool more)
{
	queue_set_buffer(&blk, i, buf, len, writable);
	if (more) {
		blk.desc[i].flags |= VRING_DESC_F_NEXT;
		blk.desc[i].next = (uint16_t)(i + 1);
	}
}

static void block_writes(void)
{
	const struct kn_device *disk = find_device(KN_DEV_BLOCK);

	if (!disk)
		test_error("no block device: run with --snapshot-disk");
	queue_init(&blk, &disk->queues[0]);
	for (uint32_t n = 0; n < K; n++) {
		blk_status = 0xff;
		chain(0, &blk_header, sizeof(blk_header), false, true);
		chain(1, (const void *)(uintptr_t)(list[n] * PAGE_SIZE), 512, true, true);
		chain(2, &blk_status, 1, true, false);
		queue_offer(&blk, 0);
		halt_until(blk_done);
		queue_take_used(&blk);
		if (!check_eq(blk_status, KN_BLK_S_OK, "a block read's status"))
			return;
	}
}

static const struct writer writers[] = {
	{ "guest", guest_writes }, { "host", host_writes },
	{ "fill", fill_writes }, { "read", read_writes }, { "block", block_writes },
	{ "bench", bench },
};

void test_main(void)
{
	char name[16];
	const struct writer *w = CMDLINE_CASE(writers, name);

	if (!w)
		test_error("no writer '%s': guest, host, fill or read", name);
	if (memory_limit() < PAGES * PAGE_SIZE || image_end() > FLOOR * PAGE_SIZE)
		test_error("needs 64 MiB and an image below 4 MiB");
	choose_pages();
	check_eq((uint32_t)ask(KN_ST_ABI, 0), 0, "ABI cases not as Linux answers them");
	check_eq((uint32_t)ask(KN_ST_ARM, 0), 0, "arming");
	w->write();
	check_eq((uint32_t)ask(KN_ST_RESUME, 0), 0, "resumption problems");
	check_eq((uint32_t)ask(KN_ST_CHECK, K), 0, "pages missed or extra after the writes");
	check_eq((uint32_t)ask(KN_ST_CHECK, 0), 0, "pages reported with nothing written");
	print("scan: %u pages written by %s\n", K, name);
	test_finish();
}
