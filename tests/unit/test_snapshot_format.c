/*T:940 tests/unit/test_snapshot_format.c: the snapshot format of L:500,
 * natively, written to a buffer and read back, then broken one way at a
 * time.
 *
 * A "guest" of five pages (two all zero) and a "disk" of two and a half
 * pages are written as a full snapshot; reading it back into zeroed
 * buffers gives the same bytes and the same memory checksum, and the file
 * holds only the data pages. Read as a lazy restore reads it, the index
 * alone (the data skipped, not a byte of it read) names the three data
 * pages with their CRCs, their slots, and offsets where their bytes are,
 * and its view's checksum is the memory's. A delta of two pages read over
 * the base gives the base with those two changed (one written to zero,
 * recorded as such), and a base with two deltas merged (L:610) keeps the
 * newest record of each page. Then the refusals, each with the place and
 * the reason it must name: a bad magic, an older and a newer version, a
 * header whose CRC does not match, a file cut inside the header, a
 * section, memory's index, memory's data (read or skipped) and before
 * END, a flipped byte in a page (its own CRC) and in the index (the
 * section's), sections out of order, and hand-made indexes breaking each
 * rule of L:535. The checksums themselves are checked against known
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
	struct snap_pages_in m = { snap_memory_page, mem, MEM }, d = { snap_memory_page, disk, DISK };
	uint32_t cpu[4] = { 1, 2, 3, 4 }, data = 0;

	fill();
	file_len = 0;
	assert_int_equal(snap_write_header(&w, &header), 0);
	assert_int_equal(snap_write_section(&w, SNAP_CPU, cpu, sizeof(cpu)), 0);
	assert_int_equal(snap_write_pages(&w, SNAP_MEMORY, &m, all_pages, PAGES, true, &data), 0);
	assert_int_equal(data, 3);
	assert_int_equal(snap_write_pages(&w, SNAP_DISK, &d, disk_pages, 3, true, NULL), 0);
	assert_int_equal(snap_write_section(&w, SNAP_END, NULL, 0), 0);
}

static long from_file(void *ctx, void *buf, size_t len);

/* The lazy reader's seek: anywhere up to the end of what is there. */
static int skip_file(void *ctx, uint64_t to)
{
	size_t end = file_cut < file_len ? file_cut : file_len;

	(void)ctx;
	if (to > end)
		return -1;
	file_at = (size_t)to;
	return 0;
}

static struct snap_reader reader(void)
{
	file_at = 0;
	why[0] = '\0';
	memset(back, 0, sizeof(back));		/* a full snapshot's zero pages */
	memset(back_disk, 0, sizeof(back_disk));
	return (struct snap_reader){ .read = from_file, .skip = skip_file, .why = why,
				     .whylen = sizeof(why) };
}

/* Read the whole file as written by write_full; 0 or -1 (why says). With
 * lazy, memory's index only (into *ix, if not NULL), its data skipped. */
static int read_file(bool lazy, struct snap_index *ix)
{
	struct snap_reader r = reader();
	struct snap_index mine;
	struct snap_header h;
	uint32_t cpu[4];
	int err;

	if (snap_read_header(&r, &h) || snap_read_struct(&r, SNAP_CPU, cpu, sizeof(cpu)) ||
	    snap_read_index(&r, SNAP_MEMORY, MEM, true, &mine))
		return -1;
	err = lazy ? snap_skip_data(&r, &mine) : snap_read_data(&r, &mine, back);
	if (ix && !err)
		*ix = mine;
	else
		snap_free_index(&mine);
	if (err || snap_read_pages(&r, SNAP_DISK, back_disk, DISK, true) ||
	    snap_read_struct(&r, SNAP_END, NULL, 0))
		return -1;
	assert_int_equal(h.id, 0x1234);
	assert_int_equal(h.version, 2);
	assert_int_equal(cpu[3], 4);
	return 0;
}

static int read_full(void)
{
	return read_file(false, NULL);
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

/* The offsets L:500 gives: header, cpu section, memory's section header. */
#define MEMORY_AT	(48 + 16 + 16)
#define INDEX_AT	(MEMORY_AT + 16)

static void test_full_snapshot_reads_back_the_same_bytes(void **state)
{
	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	assert_int_equal(read_full(), 0);
	assert_memory_equal(back, mem, MEM);
	assert_memory_equal(back_disk, disk, DISK);
	assert_true(snap_memory_checksum(back, MEM) == snap_memory_checksum(mem, MEM));
	/* Only pages with data are written: 3 of memory, 2 of the disk. */
	assert_int_equal(file_len, INDEX_AT + 8 + 3 * 12 + 3 * SNAP_PAGE +
				   16 + 8 + 2 * 12 + SNAP_PAGE + 2048 + 16);
}

/* A full snapshot names only its data pages, each with its CRC, its slot
 * and its bytes where snap_page_offset says; the checksum comes from the
 * records alone. */
static void test_full_index_names_data_pages_at_their_offsets(void **state)
{
	struct snap_index ix;
	struct snap_where view[PAGES];
	const uint32_t want[3] = { 0, 2, 4 };

	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	assert_int_equal(read_file(true, &ix), 0);
	assert_memory_equal(back, (uint8_t[MEM]){ 0 }, MEM);	/* not a byte of data read */
	assert_int_equal(ix.head.count, 3);
	assert_int_equal(ix.head.data_count, 3);
	assert_int_equal(ix.data_at, INDEX_AT + 8 + 3 * 12);
	for (uint32_t i = 0; i < 3; i++) {
		const struct snap_page *p = &ix.rec[i];
		uint64_t at = snap_page_offset(&ix, p);

		assert_int_equal(p->index, want[i]);
		assert_int_equal(p->slot, i);
		assert_int_equal(p->crc, snap_crc32(0, mem + want[i] * SNAP_PAGE, SNAP_PAGE));
		assert_memory_equal(file + at, mem + want[i] * SNAP_PAGE, SNAP_PAGE);
		assert_int_equal(snap_check_page(p, file + at, SNAP_PAGE, why, sizeof(why)), 0);
	}
	assert_int_equal(snap_merge(NULL, 0, &ix, 0, view), 3);
	assert_true(snap_where_checksum(view, 3) == snap_memory_checksum(mem, MEM));
	/* A byte flipped in a page: its own check names it, the index is fine. */
	file[snap_page_offset(&ix, &ix.rec[1]) + 9] ^= 1;
	assert_int_equal(snap_check_page(&ix.rec[1], file + snap_page_offset(&ix, &ix.rec[1]),
					 SNAP_PAGE, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "page 2: checksum mismatch (stored 0x"));
	snap_free_index(&ix);
	assert_int_equal(read_file(true, NULL), 0);
	assert_refused("section memory: page 2: checksum mismatch (stored 0x");
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

/* Pages 1 and 2 of a delta, read at offset 0 of file; the index kept. */
static void write_delta(const uint32_t *pages, uint32_t n, struct snap_index *ix)
{
	struct snap_writer w = { to_file, NULL, 0 };
	struct snap_pages_in in = { snap_memory_page, mem, MEM };
	struct snap_reader r;

	file_len = 0;
	assert_int_equal(snap_write_pages(&w, SNAP_MEMORY, &in, pages, n, false, NULL), 0);
	file_cut = SIZE_MAX;
	file_at = 0;
	r = (struct snap_reader){ .read = from_file, .why = why, .whylen = sizeof(why) };
	assert_int_equal(snap_read_index(&r, SNAP_MEMORY, MEM, false, ix), 0);
}

static void test_delta_changes_only_its_pages(void **state)
{
	struct snap_writer w = { to_file, NULL, 0 };
	struct snap_pages_in in = { snap_memory_page, mem, MEM };
	const uint32_t changed[2] = { 1, 2 };
	struct snap_reader r;
	struct snap_index ix;
	uint8_t want[MEM];

	(void)state;
	fill();
	memcpy(back, mem, MEM);
	mem[SNAP_PAGE + 8] = 0x77;			/* a zero page written */
	memset(mem + 2 * SNAP_PAGE, 0, SNAP_PAGE);	/* a data page zeroed */
	memcpy(want, mem, MEM);
	write_delta(changed, 2, &ix);
	/* Both are recorded: page 1 with its bytes, page 2 as zero. */
	assert_int_equal(ix.head.count, 2);
	assert_int_equal(ix.head.data_count, 1);
	assert_int_equal(ix.rec[1].slot, SNAP_SLOT_ZERO);
	snap_free_index(&ix);
	file_len = 0;
	assert_int_equal(snap_write_pages(&w, SNAP_MEMORY, &in, changed, 2, false, NULL), 0);
	file_at = 0;
	r = (struct snap_reader){ .read = from_file, .why = why, .whylen = sizeof(why) };
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, false), 0);
	assert_memory_equal(back, want, MEM);
	/* The same section is not a full snapshot. */
	file_at = 0;
	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, true), -1);
	assert_non_null(strstr(why, "section memory: page 2: recorded as zero in a full "
				    "snapshot"));
}

/* A base and two deltas as one view: the newest record of each page, a
 * page written to zero gone, and the view's checksum the memory's. */
static void test_merge_takes_the_newest_record(void **state)
{
	struct snap_index base, d1, d2;
	struct snap_where v0[8], v1[8], v2[8];
	const uint32_t p12[2] = { 1, 2 }, p1[1] = { 1 };
	uint32_t n;

	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	assert_int_equal(read_file(true, &base), 0);
	n = snap_merge(NULL, 0, &base, 0, v0);
	mem[SNAP_PAGE + 8] = 0x77;
	memset(mem + 2 * SNAP_PAGE, 0, SNAP_PAGE);
	write_delta(p12, 2, &d1);
	n = snap_merge(v0, n, &d1, 1, v1);
	assert_int_equal(n, 3);				/* 0, 1 (d1), 4 */
	assert_int_equal(v1[1].index, 1);
	assert_int_equal(v1[1].file, 1);
	assert_true(snap_where_checksum(v1, n) == snap_memory_checksum(mem, MEM));
	mem[SNAP_PAGE + 9] = 0x78;
	write_delta(p1, 1, &d2);
	n = snap_merge(v1, n, &d2, 2, v2);
	assert_int_equal(n, 3);
	assert_int_equal(v2[1].file, 2);
	assert_int_equal(v2[1].crc, snap_crc32(0, mem + SNAP_PAGE, SNAP_PAGE));
	assert_int_equal(v2[2].file, 0);
	assert_true(snap_where_checksum(v2, n) == snap_memory_checksum(mem, MEM));
	assert_int_equal(snap_where_find(v2, n, 0), 0);
	assert_int_equal(snap_where_find(v2, n, 2), 2);	/* the next with data: 4 */
	assert_int_equal(v2[snap_where_find(v2, n, 2)].index, 4);
	assert_int_equal(snap_where_find(v2, n, 5), n);
	snap_free_index(&base);
	snap_free_index(&d1);
	snap_free_index(&d2);
}

static void test_bad_magic_version_and_header_checksum(void **state)
{
	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	file[0] = 'X';
	assert_refused("header: not a kennel snapshot (bad magic)");
	write_full();
	file[8] = 1;
	assert_refused("header: version 1; this Launcher reads version 2");
	write_full();
	file[8] = 3;
	assert_refused("header: version 3; this Launcher reads version 2");
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
	file_cut = INDEX_AT + 20;		/* inside memory's index */
	assert_refused("section memory: truncated");
	file_cut = INDEX_AT + 8 + 36 + 100;	/* inside memory's data */
	assert_refused("section memory: truncated");
	assert_int_equal(read_file(true, NULL), -1);	/* the skip past it too */
	assert_non_null(strstr(why, "section memory: truncated (the file ends inside"));
	file_cut = file_len - 16;		/* all but END */
	assert_refused("section end: truncated (missing)");
	file_cut = file_len - 100;		/* inside the disk's bytes */
	assert_refused("section disk: truncated");
	file_cut = SIZE_MAX;
}

static void test_corrupt_index_fails_its_section_checksum(void **state)
{
	(void)state;
	write_full();
	file_cut = SIZE_MAX;
	file[INDEX_AT + 8 + 12 + 8] ^= 1;	/* the second record's CRC */
	assert_refused("section memory: checksum mismatch");
	assert_int_equal(read_file(true, NULL), -1);	/* without reading a page */
	assert_non_null(strstr(why, "section memory: checksum mismatch (stored 0x"));
}

static void test_sections_out_of_order(void **state)
{
	struct snap_writer w = { to_file, NULL, 0 };
	struct snap_pages_in in = { snap_memory_page, mem, MEM };

	(void)state;
	fill();
	file_len = 0;
	snap_write_header(&w, &header);
	snap_write_pages(&w, SNAP_MEMORY, &in, all_pages, PAGES, true, NULL);
	file_cut = SIZE_MAX;
	assert_refused("section cpu: found section type 4 (memory) in its place");
}

/* A page section made by hand: the records given, data_bytes of data
 * (0x11 each, or zeroes), the CRC the index has. */
static void craft(const struct snap_page *rec, uint32_t n, uint32_t data_count,
		  uint32_t data_bytes, bool zero_data)
{
	struct snap_pages_head head = { n, data_count };
	struct snap_section s = { SNAP_MEMORY, (uint32_t)(sizeof(head) + n * sizeof(*rec)) +
				  data_bytes, 0, 0 };

	s.crc = snap_crc32(snap_crc32(0, &head, sizeof(head)), rec, n * sizeof(*rec));
	file_len = 0;
	to_file(NULL, &s, sizeof(s));
	to_file(NULL, &head, sizeof(head));
	to_file(NULL, rec, n * sizeof(*rec));
	memset(file + file_len, zero_data ? 0 : 0x11, data_bytes);
	file_len += data_bytes;
	file_cut = SIZE_MAX;
}

static void assert_pages_refused(bool full, const char *reason)
{
	struct snap_reader r = reader();

	assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, full), -1);
	if (!strstr(why, reason))
		fail_msg("refused with '%s', expected '%s'", why, reason);
}

static void test_bad_page_records(void **state)
{
	uint8_t page[SNAP_PAGE];
	uint32_t zero_crc = snap_crc32(0, (uint8_t[SNAP_PAGE]){ 0 }, SNAP_PAGE), crc;

	(void)state;
	memset(page, 0x11, sizeof(page));
	crc = snap_crc32(0, page, SNAP_PAGE);

	craft((struct snap_page[]){ { 5, 0, crc } }, 1, 1, SNAP_PAGE, false);
	assert_pages_refused(false, "section memory: bad page record 0 (page 5 of 5)");
	craft((struct snap_page[]){ { 3, 0, crc }, { 1, 1, crc } }, 2, 2, 2 * SNAP_PAGE, false);
	assert_pages_refused(false, "section memory: bad page record 1 (page 1 of 5)");
	craft((struct snap_page[]){ { 1, 1, crc } }, 1, 1, SNAP_PAGE, false);
	assert_pages_refused(false, "section memory: page 1: slot 1, expected 0");
	craft((struct snap_page[]){ { 1, SNAP_SLOT_ZERO, 7 } }, 1, 0, 0, false);
	assert_pages_refused(false, "section memory: page 1: recorded as zero with a CRC");
	craft((struct snap_page[]){ { 1, 0, crc } }, 1, 2, SNAP_PAGE, false);
	assert_pages_refused(false, "section memory: 2 data pages counted, 1 recorded");
	craft((struct snap_page[]){ { 1, 0, crc } }, 1, 1, 2 * SNAP_PAGE, false);
	assert_pages_refused(false, "section memory: length 8212, but its records make 4116 "
				    "bytes");
	craft((struct snap_page[]){ { 1, 0, zero_crc } }, 1, 1, SNAP_PAGE, true);
	assert_pages_refused(false, "section memory: page 1: all zero, but recorded with data");
	craft((struct snap_page[]){ { 0, 0, crc }, { 1, 1, crc }, { 2, 2, crc }, { 3, 3, crc },
				    { 4, 4, crc }, { 4, 5, crc } }, 6, 6, 6 * SNAP_PAGE, false);
	assert_pages_refused(false, "section memory: 6 pages recorded, the guest has 5");
	/* And a good one, for contrast: page 1 of 0x11s. */
	craft((struct snap_page[]){ { 1, 0, crc } }, 1, 1, SNAP_PAGE, false);
	{
		struct snap_reader r = reader();

		assert_int_equal(snap_read_pages(&r, SNAP_MEMORY, back, MEM, true), 0);
		assert_memory_equal(back + SNAP_PAGE, page, SNAP_PAGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums_have_their_known_values),
		cmocka_unit_test(test_full_snapshot_reads_back_the_same_bytes),
		cmocka_unit_test(test_full_index_names_data_pages_at_their_offsets),
		cmocka_unit_test(test_checksum_sees_one_changed_byte),
		cmocka_unit_test(test_delta_changes_only_its_pages),
		cmocka_unit_test(test_merge_takes_the_newest_record),
		cmocka_unit_test(test_bad_magic_version_and_header_checksum),
		cmocka_unit_test(test_truncated_files_are_refused),
		cmocka_unit_test(test_corrupt_index_fails_its_section_checksum),
		cmocka_unit_test(test_sections_out_of_order),
		cmocka_unit_test(test_bad_page_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
