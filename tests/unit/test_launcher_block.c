/*L:330 tests/unit/test_launcher_block.c: the block device's requests,
 * launcher/block_request.c, natively, playing a guest driver that is by
 * turns correct, sloppy and hostile.
 *
 * The disk is 8 sectors, every byte a known pattern, so a test can tell
 * which sector a byte came from and that nothing else moved. Guest memory
 * is a buffer; chains are built in it by hand, or (once) through a real
 * ring and vq_take_chain, the way the Launcher gets them. First what a
 * working driver does: reads and writes of one sector and several, data
 * split over several buffers, the last sector, a request of no data. Then
 * the edges of the disk from both sides: a request ending exactly at the
 * end is served, one sector more is IOERR, and so are sectors whose byte
 * offset would wrap 64 bits. Then requests with the right shape but wrong
 * contents (part sectors, a data buffer going the wrong way, unknown
 * types), which get a status and leave disk and guest memory untouched.
 * Last the chains with no usable shape, refused with their reason. The
 * programs this disk serves come with pup, starting with its shell,
 * guest/user/bin/sh.c (G:640). Next: the host's side, H:005. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "launcher/block_request.h"

#define SECTORS		8u
#define DISK_BYTES	(SECTORS * KN_SECTOR_SIZE)
#define MEM_SIZE	0x10000u
#define HEADER_GPA	0x1000u
#define DATA_GPA	0x2000u
#define STATUS_GPA	0x7000u
#define RING		0x8000u
#define UNTOUCHED	0xee

static uint8_t disk_bytes[DISK_BYTES];
static struct blk_disk disk = { .bytes = disk_bytes, .sectors = SECTORS };
static struct guest_mem mem;
static struct vq_chain chain;
static char why[160];
static uint32_t written;

static uint8_t pattern(uint32_t offset)
{
	return (uint8_t)(offset / KN_SECTOR_SIZE * 37 + offset % 251);
}

static int setup(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < DISK_BYTES; i++)
		disk_bytes[i] = pattern(i);
	mem.base = aligned_alloc(4096, MEM_SIZE);
	mem.size = MEM_SIZE;
	if (!mem.base)
		return -1;
	memset(mem.base, UNTOUCHED, MEM_SIZE);
	memset(&chain, 0, sizeof(chain));
	memset(why, 0, sizeof(why));
	written = 0xdeadbeef;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem.base);
	return 0;
}

static void add_buffer(uint32_t gpa, uint32_t len, bool writable)
{
	chain.bufs[chain.count++] = (struct vq_buffer){
		.data = mem.base + gpa, .len = len, .writable = writable };
}

static void add_header(uint32_t type, uint64_t sector)
{
	struct kn_blk_req req = { .type = type, .sector = sector };

	memcpy(mem.base + HEADER_GPA, &req, sizeof(req));
	add_buffer(HEADER_GPA, sizeof(req), false);
}

/* A whole request: header, one data buffer of len bytes, status. */
static void build(uint32_t type, uint64_t sector, uint32_t len)
{
	add_header(type, sector);
	if (len)
		add_buffer(DATA_GPA, len, type == KN_BLK_T_IN);
	add_buffer(STATUS_GPA, 1, true);
}

static uint8_t status(void)
{
	return mem.base[STATUS_GPA];
}

static int serve(void)
{
	return blk_serve(&disk, &chain, &written, why, sizeof(why));
}

static void assert_served(uint8_t expected_status, uint32_t expected_written)
{
	assert_int_equal(serve(), 0);
	assert_string_equal(why, "");
	assert_int_equal(status(), expected_status);
	assert_int_equal(written, expected_written);
}

static void assert_refused(const char *message)
{
	assert_int_equal(serve(), -1);
	assert_string_equal(why, message);
	assert_int_equal(status(), UNTOUCHED);
	assert_int_equal(written, 0xdeadbeef);
}

static void assert_guest_holds_disk(uint32_t gpa, uint32_t offset, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(mem.base[gpa + i], pattern(offset + i));
}

static void assert_disk_untouched(void)
{
	for (uint32_t i = 0; i < DISK_BYTES; i++)
		assert_int_equal(disk_bytes[i], pattern(i));
}

static void assert_guest_untouched(uint32_t gpa, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(mem.base[gpa + i], UNTOUCHED);
}

/* ---- what a working driver does ---------------------------------------- */

static void test_read_one_sector(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 3, KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_OK, KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, 3 * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
	assert_guest_untouched(DATA_GPA + KN_SECTOR_SIZE, 16);	/* not a byte more */
	assert_disk_untouched();
}

static void test_read_into_several_buffers(void **state)
{
	(void)state;
	add_header(KN_BLK_T_IN, 1);
	add_buffer(DATA_GPA, KN_SECTOR_SIZE, true);
	add_buffer(0x5000, 3 * KN_SECTOR_SIZE, true);	/* not next to the first */
	add_buffer(STATUS_GPA, 1, true);
	assert_served(KN_BLK_S_OK, 4 * KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, 1 * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
	assert_guest_holds_disk(0x5000, 2 * KN_SECTOR_SIZE, 3 * KN_SECTOR_SIZE);
}

static void test_write_changes_only_its_sectors(void **state)
{
	(void)state;
	memset(mem.base + DATA_GPA, 0x5a, 2 * KN_SECTOR_SIZE);
	build(KN_BLK_T_OUT, 4, 2 * KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_OK, 1);		/* only the status is written */
	for (uint32_t i = 0; i < DISK_BYTES; i++)
		assert_int_equal(disk_bytes[i], i / KN_SECTOR_SIZE == 4 || i / KN_SECTOR_SIZE == 5
				 ? 0x5a : pattern(i));
}

static void test_write_then_read_back(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < KN_SECTOR_SIZE; i++)
		mem.base[DATA_GPA + i] = (uint8_t)(i * 3);
	build(KN_BLK_T_OUT, 0, KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_OK, 1);
	memset(mem.base + DATA_GPA, 0, KN_SECTOR_SIZE);
	chain.count = 0;
	build(KN_BLK_T_IN, 0, KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_OK, KN_SECTOR_SIZE + 1);
	for (uint32_t i = 0; i < KN_SECTOR_SIZE; i++)
		assert_int_equal(mem.base[DATA_GPA + i], (uint8_t)(i * 3));
}

/* A disk on a file (launcher --disk): the same requests through io, and a
 * failed read or write of the file is the guest's IOERR. */
static uint64_t io_fail_at = UINT64_MAX;

static int file_io(void *ctx, uint64_t offset, void *buf, uint32_t len, int write)
{
	(void)ctx;
	if (offset <= io_fail_at && io_fail_at < offset + len)
		return -1;
	if (write)
		memcpy(disk_bytes + offset, buf, len);
	else
		memcpy(buf, disk_bytes + offset, len);
	return 0;
}

static void test_disk_on_a_file(void **state)
{
	struct blk_disk file = { .sectors = SECTORS, .io = file_io };

	(void)state;
	build(KN_BLK_T_IN, 3, KN_SECTOR_SIZE);
	assert_int_equal(blk_serve(&file, &chain, &written, why, sizeof(why)), 0);
	assert_int_equal(status(), KN_BLK_S_OK);
	assert_int_equal(written, KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, 3 * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
	chain.count = 0;
	memset(mem.base + DATA_GPA, 0x77, KN_SECTOR_SIZE);
	build(KN_BLK_T_OUT, 6, KN_SECTOR_SIZE);
	assert_int_equal(blk_serve(&file, &chain, &written, why, sizeof(why)), 0);
	assert_int_equal(status(), KN_BLK_S_OK);
	assert_int_equal(disk_bytes[6 * KN_SECTOR_SIZE + 100], 0x77);
	chain.count = 0;
	io_fail_at = 5 * KN_SECTOR_SIZE + 7;
	build(KN_BLK_T_IN, 5, KN_SECTOR_SIZE);
	assert_int_equal(blk_serve(&file, &chain, &written, why, sizeof(why)), 0);
	io_fail_at = UINT64_MAX;
	assert_int_equal(status(), KN_BLK_S_IOERR);
	assert_int_equal(written, 1);
}

static void test_no_data_is_fine(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 2, 0);
	assert_served(KN_BLK_S_OK, 1);
	assert_disk_untouched();
}

static void test_header_longer_than_needed(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 6, KN_SECTOR_SIZE);
	chain.bufs[0].len = 64;			/* a driver with padding */
	assert_served(KN_BLK_S_OK, KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, 6 * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
}

/* A request laid out in a real ring, taken the way block.c takes it. */
static void test_request_through_a_ring(void **state)
{
	struct vring_desc *desc = (struct vring_desc *)(mem.base + RING);
	struct vring_avail *avail;
	struct kn_blk_req req = { .type = KN_BLK_T_IN, .sector = 7 };
	struct vq vq;

	(void)state;
	memset(mem.base + RING, 0, vring_size(KN_QUEUE_SIZE));
	avail = (struct vring_avail *)(mem.base + RING + vring_avail_offset(KN_QUEUE_SIZE));
	assert_int_equal(vq_attach(&vq, &mem, RING, KN_QUEUE_SIZE, 2, why, sizeof(why)), 0);
	memcpy(mem.base + HEADER_GPA, &req, sizeof(req));
	desc[5] = (struct vring_desc){ HEADER_GPA, sizeof(req), VRING_DESC_F_NEXT, 9 };
	desc[9] = (struct vring_desc){ DATA_GPA, KN_SECTOR_SIZE,
				       VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1 };
	desc[1] = (struct vring_desc){ STATUS_GPA, 1, VRING_DESC_F_WRITE, 0 };
	avail->ring[0] = 5;
	avail->idx = 1;
	assert_int_equal(vq_take_chain(&vq, &mem, &chain, why, sizeof(why)), 1);
	assert_served(KN_BLK_S_OK, KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, 7 * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
}

/* ---- the end of the disk, from both sides -------------------------------- */

static void test_last_sector_is_served(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, SECTORS - 1, KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_OK, KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, (SECTORS - 1) * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
}

static void test_whole_disk_is_served(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 0, DISK_BYTES);
	assert_served(KN_BLK_S_OK, DISK_BYTES + 1);
	assert_guest_holds_disk(DATA_GPA, 0, DISK_BYTES);
}

static void test_one_sector_past_the_end(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, SECTORS - 1, 2 * KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_guest_untouched(DATA_GPA, 2 * KN_SECTOR_SIZE);	/* not even the part that fit */
}

static void test_write_past_the_end_changes_nothing(void **state)
{
	(void)state;
	memset(mem.base + DATA_GPA, 0x77, 2 * KN_SECTOR_SIZE);
	build(KN_BLK_T_OUT, SECTORS - 1, 2 * KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_disk_untouched();
}

static void test_sector_at_the_end(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, SECTORS, KN_SECTOR_SIZE);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_guest_untouched(DATA_GPA, KN_SECTOR_SIZE);
	chain.count = 0;
	build(KN_BLK_T_IN, SECTORS, 0);		/* touches nothing: fine */
	assert_served(KN_BLK_S_OK, 1);
	chain.count = 0;
	build(KN_BLK_T_IN, SECTORS + 1, 0);	/* starts past the end */
	assert_served(KN_BLK_S_IOERR, 1);
}

/* Sectors that fit only if the arithmetic wraps: in 32 bits (the top half
 * forgotten), in bytes (sector * 512 wraps 64 bits), and at the very top. */
static void test_sectors_that_wrap(void **state)
{
	static const uint64_t sectors[] = {
		0x100000000ull, 0x100000000ull + 1, 1ull << 55, (1ull << 55) + 1,
		UINT64_MAX, UINT64_MAX - SECTORS + 2,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		chain.count = 0;
		mem.base[STATUS_GPA] = UNTOUCHED;
		build(KN_BLK_T_OUT, sectors[i], KN_SECTOR_SIZE);
		assert_served(KN_BLK_S_IOERR, 1);
	}
	assert_disk_untouched();
}

/* ---- the right shape, the wrong contents ------------------------------- */

static void test_part_sector(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 0, KN_SECTOR_SIZE + 1);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_guest_untouched(DATA_GPA, KN_SECTOR_SIZE + 1);
	chain.count = 0;
	build(KN_BLK_T_OUT, 0, 100);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_disk_untouched();
}

static void test_part_sectors_adding_up_to_whole_ones(void **state)
{
	(void)state;
	add_header(KN_BLK_T_IN, 2);
	add_buffer(DATA_GPA, 100, true);
	add_buffer(DATA_GPA + 100, KN_SECTOR_SIZE - 100, true);
	add_buffer(STATUS_GPA, 1, true);
	assert_served(KN_BLK_S_OK, KN_SECTOR_SIZE + 1);
	assert_guest_holds_disk(DATA_GPA, 2 * KN_SECTOR_SIZE, KN_SECTOR_SIZE);
}

static void test_read_into_a_readable_buffer(void **state)
{
	(void)state;
	add_header(KN_BLK_T_IN, 0);
	add_buffer(DATA_GPA, KN_SECTOR_SIZE, true);
	add_buffer(0x5000, KN_SECTOR_SIZE, false);	/* the guest said: do not write */
	add_buffer(STATUS_GPA, 1, true);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_guest_untouched(DATA_GPA, KN_SECTOR_SIZE);
	assert_guest_untouched(0x5000, KN_SECTOR_SIZE);
}

static void test_write_from_a_writable_buffer(void **state)
{
	(void)state;
	add_header(KN_BLK_T_OUT, 0);
	add_buffer(DATA_GPA, KN_SECTOR_SIZE, true);
	add_buffer(STATUS_GPA, 1, true);
	assert_served(KN_BLK_S_IOERR, 1);
	assert_disk_untouched();
}

static void test_unknown_types(void **state)
{
	static const uint32_t types[] = { 2, 4, 8, 0x80000000u, UINT32_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		chain.count = 0;
		build(types[i], 0, KN_SECTOR_SIZE);
		chain.bufs[1].writable = true;
		assert_served(KN_BLK_S_UNSUPP, 1);
		assert_guest_untouched(DATA_GPA, KN_SECTOR_SIZE);
	}
	assert_disk_untouched();
}

/* ---- chains with no usable shape: the guest is stopped ------------------- */

static void test_lone_descriptor(void **state)
{
	(void)state;
	chain.head = 4;
	add_header(KN_BLK_T_IN, 0);
	assert_refused("block request from 4 has 1 descriptor(s); it needs a header and "
		       "a status byte");
}

static void test_no_status(void **state)
{
	(void)state;
	chain.head = 12;
	add_header(KN_BLK_T_IN, 0);
	add_buffer(DATA_GPA, KN_SECTOR_SIZE, false);
	assert_refused("block request from 12: the last descriptor must be a "
		       "device-writable status byte");
}

static void test_empty_status(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 0, KN_SECTOR_SIZE);
	chain.bufs[2].len = 0;
	assert_refused("block request from 0: the last descriptor must be a "
		       "device-writable status byte");
	assert_guest_untouched(DATA_GPA, KN_SECTOR_SIZE);
}

static void test_short_header(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 0, KN_SECTOR_SIZE);
	chain.bufs[0].len = sizeof(struct kn_blk_req) - 1;
	assert_refused("block request from 0: the header must be device-readable and 16 bytes");
}

static void test_writable_header(void **state)
{
	(void)state;
	build(KN_BLK_T_IN, 0, KN_SECTOR_SIZE);
	chain.bufs[0].writable = true;
	assert_refused("block request from 0: the header must be device-readable and 16 bytes");
	assert_guest_untouched(DATA_GPA, KN_SECTOR_SIZE);
	assert_disk_untouched();
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_one_sector),
		T(test_read_into_several_buffers),
		T(test_write_changes_only_its_sectors),
		T(test_write_then_read_back),
		T(test_disk_on_a_file),
		T(test_no_data_is_fine),
		T(test_header_longer_than_needed),
		T(test_request_through_a_ring),
		T(test_last_sector_is_served),
		T(test_whole_disk_is_served),
		T(test_one_sector_past_the_end),
		T(test_write_past_the_end_changes_nothing),
		T(test_sector_at_the_end),
		T(test_sectors_that_wrap),
		T(test_part_sector),
		T(test_part_sectors_adding_up_to_whole_ones),
		T(test_read_into_a_readable_buffer),
		T(test_write_from_a_writable_buffer),
		T(test_unknown_types),
		T(test_lone_descriptor),
		T(test_no_status),
		T(test_empty_status),
		T(test_short_header),
		T(test_writable_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
