/*T:940 tests/unit/test_snapshot_format.c: the snapshot format of L:500,
 * natively, written to a buffer and read back, then broken one way at a
 * time.
 *
 * A "guest" of five pages (two all zero) and a "disk" of two and a half
 * pages are written as a full snapshot; reading it back into zeroed
 * buffers gives the same bytes and the same memory checksum, and a delta
 * of two pages read over the base gives the base with those two changed.
 * Then the refusals, each with the place and the reason it must name: a
 * bad magic, another version, a header whose CRC does not match, a file
 * cut inside the header, inside a section and before END, a flipped byte
 * in a page, sections out of order, page records out of range or out of
 * order, a full snapshot with a page missing, and more records than the
 * guest has pages. The checksums themselves are checked against known
 * values. Next: M:010. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "launcher/snapshot_format.h"

#define PAGES		5
#define MEM		(PAGES * SNAP_PAGE)
#define DISK		(2 * SNAP_PAGE + 2048)
#define FILE_MAX	(64 * 1024)

static uint8_t mem[MEM], disk[DISK], back[MEM], back_disk[DISK];
static uint8_t big[PAGES * SNAP_PAGE + SNAP_PAGE];	/* one page too many, all zero */
static uint8_t file[FILE_MAX];
static size_t file_len, file_at, file_cut;
static char why[200];

static int to_file(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (file_len + len > FILE_MAX)
		return -1;
	memcpy(file + file_len, buf, len);
	file_len += len;
	return 0;
}

static long from_file(void *ctx, void *buf, size_t len)
{
	size_t end = file_cut < file_len ? file_cut : file_len;
	size_t n = end - file_at < len ? end - file_at : len;

	(void)ctx;
	memcpy(buf, file + file_at, n);
	file_at += n;
	return (long)n;
}

static void fill(void)
{
	memset(mem, 0, sizeof(mem));
	for (uint32_t i = 0; i < SNAP_PAGE; i++) {
		mem[i] = (uint8_t)(i * 7 + 1);
		mem[2 * SNAP_PAGE + i] = (uint8_t)(i ^ 0x5a);
	}
	mem[4 * SNAP_PAGE + 4095] = 9;		/* one byte makes a page data */
	for (uint32_t i = 0; i < DISK; i++)
		disk[i] = i < SNAP_PAGE ? 0 : (uint8_t)(i * 3);
}

static const struct snap_header header = {
	.kind = SNAP_KIND_FULL, .mem_bytes = MEM, .ram_bytes = 3 * SNAP_PAGE, .id = 0x1234,
};
static const uint32_t all_pages[PAGES] = { 0, 1, 2, 3, 4 }, disk_pages[3] = { 0, 1, 2 };

static void write_full(void)
{
	struct snap_writer w = { to_file, NULL, 0 };
	uint32_t cpu[4] = { 1, 2, 3, 4 };

	fill();
	file_len = 0;
	assert_int_equal(snap_write_header(&w, &header), 0);
	assert_int_equal(snap_write_section(&w, SNAP_CPU, cpu, sizeof(cpu)), 0);
	assert_int_equal(snap_write_pages(&w, SNAP_MEMORY, mem, MEM, all_pages, PAGES), 0);
	assert_int_equal(snap_write_pages(&w, SNAP_DISK, disk, DISK, disk_pages, 3), 0);
	assert_int_equal(snap_write_section(&w, SNAP_END, NULL, 0), 0);
}

static struct snap_reader reader(void)
{
	file_at = 0;
	why[0] = '\0';
	memset(back, 0xee, sizeof(back));
	memset(back_disk, 0xee, sizeof(back_disk));
	return (struct snap_reader){ .read = from_file, .why = why, .whylen = sizeof(why) };
}

/* Read the whole file as written by write_full; 0 or -1 (why says). */
static int read_full(void)
{
	struct snap_reader r = reader();
	struct snap_header h;
	uint32_t cpu[4];

	if (snap_read_header(&r, &h) || snap_read_struct(&r, SNAP_CPU, cpu, sizeof(cpu)) ||
	    snap_read_pages(&r, SNAP_MEMORY, back, MEM, true) ||
	    snap_read_pages(&r, SNAP_DISK, back_disk, DISK, true) ||
	    snap_read_struct(&r, SNAP_END, NULL, 0))
		return -1;
	assert_int_equal(h.id, 0x1234);
	assert_int_equal(cpu[3], 4);
	return 0;
}

static void assert_refused(const char *reason)
{
	assert_int_equal(read_full(), -1);
	if (!strstr(why, reason))
		fail_msg("refused with '%s', expected '%s'", why, reason);
}

static void test_checksums_have_their_known_values(void **state)
{
	(void)state;
	assert_int_equal(snap_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_true(snap_fnv64(SNAP_FNV_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
	fill();
	assert_true(snap_page_zero(mem + SNAP_PAGE, SNAP_PAGE));
	assert_false(snap_page_zero(mem + 4 * SNAP_PAGE, SNAP_PAGE));	/* its last byte */
}

static void test_full_snapshot_reads_back_the_same_bytes(void **state)
{
	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	assert_int_equal(read_full(), 0);
	assert_memory_equal(back, mem, MEM);
	assert_memory_equal(back_disk, disk, DISK);
	assert_true(snap_memory_checksum(back, MEM) == snap_memory_checksum(mem, MEM));
	/* Zero pages are recorded, not written: 3 data pages and 2 of disk. */
	assert_true(file_len < 6 * SNAP_PAGE);
}

static void test_checksum_sees_one_changed_byte(void **state)
{
	uint64_t before;

	(void)state;
	fill();
	before = snap_memory_checksum(mem, MEM);
	mem[3 * SNAP_PAGE + 100] = 1;	/* a zero page becomes data */
	assert_true(snap_memory_checksum(mem, MEM) != before);
	mem[3 * SNAP_PAGE + 100] = 0;
	assert_true(snap_memory_checksum(mem, MEM) == before);
	mem[5] ^= 1;
	assert_true(snap_memory_checksum(mem, MEM) != before);
}

static void test_delta_changes_only_its_pages(void **state)
{
	struct snap_writer w = { to_file, NULL, 0 };
	const uint32_t changed[2] = { 1, 2 };
	struct snap_reader r;
	uint8_t want[MEM];

	(void)state;
	fill();
	memcpy(back, mem, MEM);
	mem[SNAP_PAGE + 8] = 0x77;			/* a zero page written */
	memset(mem + 2 * SNAP_PAGE, 0, SNAP_PAGE);	/* a data page zeroed */
	memcpy(want, mem, MEM);
	file_len = 0;
	assert_int_equal(snap_write_pages(&w, SNAP_MEMORY, mem, MEM, changed, 2), 0);
	file_cut = SIZE_MAX;
	file_at = 0;
	r = (struct snap_reader){ .read = from_file, .why = why, .whylen = sizeof(why) };
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, false), 0);
	assert_memory_equal(back, want, MEM);
	/* The same section is not a full snapshot. */
	file_at = 0;
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, true), -1);
	assert_non_null(strstr(why, "section memory: 2 pages recorded, the guest has 5"));
}

static void test_bad_magic_version_and_header_checksum(void **state)
{
	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	file[0] = 'X';
	assert_refused("header: not a kennel snapshot (bad magic)");
	write_full();
	file[8] = 2;
	assert_refused("header: version 2; this Launcher reads version 1");
	write_full();
	file[16] ^= 0x10;			/* mem_bytes */
	assert_refused("header: checksum mismatch");
}

static void test_truncated_files_are_refused(void **state)
{
	(void)state;
	write_full();
	file_cut = 20;
	assert_refused("header: truncated");
	file_cut = 48 + 16 + 8;			/* inside the cpu section */
	assert_refused("section cpu: truncated");
	file_cut = file_len - 16;		/* all but END */
	assert_refused("section end: truncated (missing)");
	file_cut = file_len - 100;		/* inside the disk's bytes */
	assert_refused("section disk: truncated");
	file_cut = SIZE_MAX;
}

static void test_corrupt_page_fails_its_section_checksum(void **state)
{
	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	file[48 + 16 + 16 + 16 + 4 + 5 * 8 + 100] ^= 1;	/* in memory's first page */
	assert_refused("section memory: checksum mismatch");
}

static void test_sections_out_of_order(void **state)
{
	struct snap_writer w = { to_file, NULL, 0 };

	(void)state;
	fill();
	file_len = 0;
	snap_write_header(&w, &header);
	snap_write_pages(&w, SNAP_MEMORY, mem, MEM, all_pages, PAGES);
	file_cut = SIZE_MAX;
	assert_refused("section cpu: found section type 4 (memory) in its place");
}

static void test_bad_page_records(void **state)
{
	struct snap_writer w = { to_file, NULL, 0 };
	const uint32_t backwards[2] = { 3, 1 }, beyond[1] = { 5 };
	const uint32_t holes[5] = { 0, 1, 3, 4, 4 };
	struct snap_reader r;

	(void)state;
	fill();
	file_len = 0;
	snap_write_pages(&w, SNAP_MEMORY, big, sizeof(big), beyond, 1);
	snap_write_pages(&w, SNAP_MEMORY, mem, MEM, backwards, 2);
	snap_write_pages(&w, SNAP_MEMORY, mem, MEM, holes, 5);
	file_cut = SIZE_MAX;
	file_at = 0;
	r = (struct snap_reader){ .read = from_file, .why = why, .whylen = sizeof(why) };
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, false), -1);
	assert_non_null(strstr(why, "section memory: bad page record 0 (page 5 of 5)"));
	file_at = 16 + 4 + 8;
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, false), -1);
	assert_non_null(strstr(why, "section memory: bad page record 4 (page 1 of 5)"));
	file_at = 2 * (16 + 4) + 3 * 8;	/* past the two sections (zero pages only) */
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, true), -1);
	assert_non_null(strstr(why, "section memory: page 2 is missing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums_have_their_known_values),
		cmocka_unit_test(test_full_snapshot_reads_back_the_same_bytes),
		cmocka_unit_test(test_checksum_sees_one_changed_byte),
		cmocka_unit_test(test_delta_changes_only_its_pages),
		cmocka_unit_test(test_bad_magic_version_and_header_checksum),
		cmocka_unit_test(test_truncated_files_are_refused),
		cmocka_unit_test(test_corrupt_page_fails_its_section_checksum),
		cmocka_unit_test(test_sections_out_of_order),
		cmocka_unit_test(test_bad_page_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
