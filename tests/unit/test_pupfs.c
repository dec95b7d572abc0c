/*T:902 tests/unit/test_pupfs.c: the shared file-system core, lib/pupfs*.c,
 * natively, on a disk in memory.
 *
 * The disk is a buffer of BLOCKS blocks behind a struct pupfs_blockdev
 * whose reads and writes are memcpy (and can be made to fail at one
 * block). Each test formats it with mkpupfs's own code (pupfs_image.c)
 * and mounts it, as pup and the host do. First the operations: files
 * made, written, read, truncated and removed; directories made, listed,
 * renamed and removed; a file in the triple-indirect tree, holes, the
 * size limit, a 256 MiB file, a full disk. After each, fsck (pupfs_check) must find
 * nothing. Then corrupt disks: every superblock field out of range, each
 * refused at mount with a reason that names it; blocks outside the data
 * area and cross-linked between files; directory loops; orphans and
 * leaks; each reported by fsck and, with repair, gone at the next check.
 * Next: the boot tests of the host's storage, T:900. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/syscall.h"
#include "lib/pupfs.h"
#include "guest/tools/pupfs_image.h"

#define BLOCKS	1024u

static uint8_t disk[BLOCKS * PUPFS_BLOCK_SIZE];
static uint32_t fail_block = UINT32_MAX;
static struct pupfs fs;
static char reports[64][160];
static uint32_t nreports;

static int32_t mem_read(void *ctx, uint32_t block, void *buf)
{
	(void)ctx;
	if (block == fail_block)
		return -EIO;
	memcpy(buf, disk + (size_t)block * PUPFS_BLOCK_SIZE, PUPFS_BLOCK_SIZE);
	return 0;
}

static int32_t mem_write(void *ctx, uint32_t block, const void *buf)
{
	(void)ctx;
	if (block == fail_block)
		return -EIO;
	memcpy(disk + (size_t)block * PUPFS_BLOCK_SIZE, buf, PUPFS_BLOCK_SIZE);
	return 0;
}

static const struct pupfs_blockdev dev = {
	.nblocks = BLOCKS, .read = mem_read, .write = mem_write,
};

static struct pupfs_super *super(void)
{
	return (struct pupfs_super *)(disk + PUPFS_SUPER_BLOCK * PUPFS_BLOCK_SIZE);
}

static struct pupfs_inode *disk_inode(uint32_t n)
{
	return (struct pupfs_inode *)(disk + (size_t)super()->inode_start * PUPFS_BLOCK_SIZE) + n;
}

static void format(void)
{
	struct pupfs_image img;

	fail_block = UINT32_MAX;
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
}

static void mount(void)
{
	int32_t err = pupfs_mount(&fs, &dev);

	if (err)
		fail_msg("mount: %s", fs.error);
}

static void report(void *ctx, const char *problem)
{
	(void)ctx;
	if (nreports < 64)
		strncpy(reports[nreports], problem, sizeof(reports[0]) - 1);
	nreports++;
}

static int32_t check(bool repair)
{
	void *scratch = malloc(pupfs_check_scratch_bytes(&fs));
	int32_t n;

	nreports = 0;
	memset(reports, 0, sizeof(reports));
	n = pupfs_check(&fs, repair, report, NULL, scratch);
	free(scratch);
	return n;
}

static bool reported(const char *fragment)
{
	for (uint32_t i = 0; i < nreports && i < 64; i++)
		if (strstr(reports[i], fragment))
			return true;
	return false;
}

static void assert_clean(void)
{
	int32_t n = check(false);

	if (n)
		fail_msg("fsck found %d problems, first: %s", n, reports[0]);
}

static uint32_t make(const char *path, uint16_t type)
{
	uint32_t inum = 0;

	assert_int_equal(pupfs_create(&fs, path, type, &inum), 0);
	return inum;
}

static uint32_t free_blocks(void)
{
	struct pupfs_usage u;

	assert_int_equal(pupfs_usage(&fs, &u), 0);
	return u.free_blocks;
}

static void fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)((i + seed) * 2654435761u >> 13);
}

/*T:904 The operations. */
static void test_file_roundtrip(void **state)
{
	static uint8_t data[40 * 1024], back[40 * 1024];
	struct pupfs_inode ino;
	uint32_t inum, before;

	(void)state;
	format();
	mount();
	before = free_blocks();
	inum = make("/notes", PUPFS_TYPE_FILE);
	fill(data, sizeof(data), 1);
	assert_int_equal(pupfs_write(&fs, inum, data, 0, sizeof(data)), sizeof(data));
	assert_int_equal(pupfs_read(&fs, inum, back, 0, sizeof(back)), sizeof(back));
	assert_memory_equal(data, back, sizeof(data));
	assert_int_equal(pupfs_read(&fs, inum, back, sizeof(data) - 10, 100), 10);
	assert_int_equal(pupfs_stat(&fs, inum, &ino), 0);
	assert_int_equal(ino.size, sizeof(data));
	assert_int_equal(ino.nlink, 1);
	assert_int_equal(pupfs_lookup(&fs, "/notes", &before), 0);
	assert_int_equal(before, inum);
	before = free_blocks() + 41;
	/* 40 blocks and one indirect block. */
	assert_int_equal(before - free_blocks(), 41);
	assert_clean();
	/* The same disk, mounted afresh, has the same bytes. */
	mount();
	memset(back, 0, sizeof(back));
	assert_int_equal(pupfs_read(&fs, inum, back, 0, sizeof(back)), sizeof(back));
	assert_memory_equal(data, back, sizeof(data));
	assert_int_equal(pupfs_unlink(&fs, "/notes"), 0);
	assert_int_equal(pupfs_lookup(&fs, "/notes", &inum), -ENOENT);
	assert_int_equal(free_blocks(), before);
	assert_clean();
}

static void test_truncate(void **state)
{
	static uint8_t data[20 * 1024], back[20 * 1024];
	uint32_t inum, before;

	(void)state;
	format();
	mount();
	before = free_blocks();
	inum = make("/t", PUPFS_TYPE_FILE);
	fill(data, sizeof(data), 2);
	assert_int_equal(pupfs_write(&fs, inum, data, 0, sizeof(data)), sizeof(data));
	assert_int_equal(pupfs_truncate(&fs, inum, 5000), 0);
	assert_int_equal(before - free_blocks(), 5);
	/* Growing again reads zeroes after the old end, not the old bytes. */
	assert_int_equal(pupfs_truncate(&fs, inum, 9000), 0);
	assert_int_equal(pupfs_read(&fs, inum, back, 0, sizeof(back)), 9000);
	assert_memory_equal(back, data, 5000);
	for (uint32_t i = 5000; i < 9000; i++)
		assert_int_equal(back[i], 0);
	assert_int_equal(pupfs_truncate(&fs, inum, 0), 0);
	assert_int_equal(free_blocks(), before);
	assert_clean();
}

static void test_trees_holes_and_limit(void **state)
{
	uint32_t far = (PUPFS_NDIRECT + PUPFS_NINDIRECT + PUPFS_NINDIRECT * PUPFS_NINDIRECT + 5) *
		       PUPFS_BLOCK_SIZE + 3;
	uint32_t mid = (PUPFS_NDIRECT + PUPFS_NINDIRECT + 7) * PUPFS_BLOCK_SIZE;
	uint8_t back[16];
	struct pupfs_inode ino;
	uint32_t inum, before;

	(void)state;
	format();
	mount();
	before = free_blocks();
	inum = make("/sparse", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_write(&fs, inum, "triple", far, 6), 6);
	assert_int_equal(pupfs_write(&fs, inum, "double", mid, 6), 6);
	assert_int_equal(pupfs_stat(&fs, inum, &ino), 0);
	assert_int_equal(ino.size, far + 6);
	assert_true(ino.tindirect && ino.dindirect && !ino.indirect);
	/* triple: 3 tree blocks + data; double: 2 + data. */
	assert_int_equal(before - free_blocks(), 7);
	assert_int_equal(pupfs_read(&fs, inum, back, far - 2, 8), 8);
	assert_memory_equal(back, "\0\0triple", 8);
	assert_int_equal(pupfs_read(&fs, inum, back, mid, 6), 6);
	assert_memory_equal(back, "double", 6);
	assert_int_equal(pupfs_read(&fs, inum, back, 4096, 4), 4);
	assert_memory_equal(back, "\0\0\0\0", 4);
	assert_int_equal(pupfs_write(&fs, inum, "x", PUPFS_MAX_FILE_BYTES, 1), -EFBIG);
	assert_int_equal(pupfs_write(&fs, inum, "xy", PUPFS_MAX_FILE_BYTES - 1, 2), -EFBIG);
	assert_int_equal(pupfs_truncate(&fs, inum, PUPFS_MAX_FILE_BYTES + 1), -EFBIG);
	assert_clean();
	assert_int_equal(pupfs_truncate(&fs, inum, mid + 1), 0);
	assert_int_equal(pupfs_stat(&fs, inum, &ino), 0);
	assert_true(!ino.tindirect && ino.dindirect);
	assert_int_equal(before - free_blocks(), 3);
	assert_clean();
	assert_int_equal(pupfs_unlink(&fs, "/sparse"), 0);
	assert_int_equal(free_blocks(), before);
	assert_clean();
}

/* A 256 MiB file (a snapshot of a 256 MiB guest): its last block lies in
 * the triple-indirect tree; the file is sparse, so the small disk holds it. */
static void test_256_mib_file(void **state)
{
	const uint32_t size = 256u << 20;
	struct pupfs_inode ino;
	uint8_t back[8];
	uint32_t inum;

	(void)state;
	format();
	mount();
	inum = make("/snapshot", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_truncate(&fs, inum, size - 8), 0);
	assert_int_equal(pupfs_write(&fs, inum, "the end.", size - 8, 8), 8);
	assert_int_equal(pupfs_write(&fs, inum, "start", 0, 5), 5);
	assert_int_equal(pupfs_stat(&fs, inum, &ino), 0);
	assert_int_equal(ino.size, size);
	assert_true(ino.tindirect != 0);
	assert_int_equal(pupfs_read(&fs, inum, back, size - 8, 100), 8);
	assert_memory_equal(back, "the end.", 8);
	assert_int_equal(pupfs_read(&fs, inum, back, 0, 8), 8);
	assert_memory_equal(back, "start\0\0\0", 8);
	assert_clean();
}

static void test_disk_full(void **state)
{
	static uint8_t chunk[64 * 1024];
	uint32_t a, b, total = 0;
	int32_t got;

	(void)state;
	format();
	mount();
	a = make("/a", PUPFS_TYPE_FILE);
	fill(chunk, sizeof(chunk), 3);
	while ((got = pupfs_write(&fs, a, chunk, total, sizeof(chunk))) == (int32_t)sizeof(chunk))
		total += (uint32_t)got;
	assert_true(got >= 0 && got < (int32_t)sizeof(chunk));
	total += (uint32_t)got;
	assert_int_equal(pupfs_write(&fs, a, chunk, total, sizeof(chunk)), -ENOSPC);
	assert_int_equal(free_blocks(), 0);
	assert_true(total > 800 * 1024);
	assert_clean();
	/* A new file can be named but gets no data; removing one frees it all. */
	b = make("/b", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_write(&fs, b, chunk, 0, 10), -ENOSPC);
	assert_int_equal(pupfs_unlink(&fs, "/a"), 0);
	assert_int_equal(pupfs_write(&fs, b, chunk, 0, 10), 10);
	assert_clean();
}

static void test_directories(void **state)
{
	struct pupfs_entry e;
	uint32_t d, f, inum, sub;

	(void)state;
	format();
	mount();
	d = make("/d", PUPFS_TYPE_DIR);
	f = make("/d/f", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_create(&fs, "/d/f", PUPFS_TYPE_FILE, &inum), -EEXIST);
	assert_int_equal(pupfs_create(&fs, "/nowhere/f", PUPFS_TYPE_FILE, &inum), -ENOENT);
	assert_int_equal(pupfs_create(&fs, "/d/f/x", PUPFS_TYPE_FILE, &inum), -ENOTDIR);
	assert_int_equal(pupfs_create(&fs, "/a-name-that-is-longer-than-28", PUPFS_TYPE_FILE,
				      &inum), -ENAMETOOLONG);
	assert_int_equal(pupfs_readdir(&fs, d, 0, &e), 0);
	assert_string_equal(e.name, "f");
	assert_int_equal(e.inum, f);
	assert_int_equal(pupfs_readdir(&fs, d, 1, &e), -ENOENT);
	assert_int_equal(pupfs_rmdir(&fs, "/d"), -ENOTEMPTY);
	assert_int_equal(pupfs_unlink(&fs, "/d"), -EISDIR);
	assert_int_equal(pupfs_rmdir(&fs, "/"), -EBUSY);
	assert_int_equal(pupfs_write(&fs, d, "x", 0, 1), -EISDIR);
	/* rename: a file to a new name, over another file, a directory moved. */
	assert_int_equal(pupfs_rename(&fs, "/d/f", "/g"), 0);
	assert_int_equal(pupfs_lookup(&fs, "/g", &inum), 0);
	assert_int_equal(inum, f);
	assert_int_equal(pupfs_lookup(&fs, "/d/f", &inum), -ENOENT);
	make("/h", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_rename(&fs, "/g", "/h"), 0);
	assert_int_equal(pupfs_lookup(&fs, "/h", &inum), 0);
	assert_int_equal(inum, f);
	assert_int_equal(pupfs_rename(&fs, "/h", "/h"), 0);
	sub = make("/d/sub", PUPFS_TYPE_DIR);
	assert_int_equal(pupfs_rename(&fs, "/d", "/d/sub/d"), -EINVAL);
	assert_int_equal(pupfs_rename(&fs, "/h", "/d"), -EEXIST);
	assert_int_equal(pupfs_rename(&fs, "/d/sub", "/sub"), 0);
	assert_int_equal(pupfs_lookup(&fs, "/sub/..", &inum), 0);
	assert_int_equal(inum, PUPFS_ROOT_INODE);
	assert_int_equal(pupfs_lookup(&fs, "/sub", &inum), 0);
	assert_int_equal(inum, sub);
	assert_clean();
	assert_int_equal(pupfs_rmdir(&fs, "/sub"), 0);
	assert_int_equal(pupfs_rmdir(&fs, "/d"), 0);
	assert_int_equal(pupfs_lookup(&fs, "/d", &inum), -ENOENT);
	assert_clean();
}

static void test_disk_errors(void **state)
{
	uint8_t back[8];
	uint32_t inum;

	(void)state;
	format();
	mount();
	inum = make("/e", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_write(&fs, inum, "12345678", 0, 8), 8);
	fail_block = disk_inode(inum)->direct[0];
	mount();
	assert_int_equal(pupfs_read(&fs, inum, back, 0, 8), -EIO);
	fail_block = UINT32_MAX;
	assert_int_equal(pupfs_read(&fs, inum, back, 0, 8), 8);
}

/*T:906 Corrupt superblocks: each field out of range, refused by name. */
struct bad_super {
	uint32_t offset;		/* of the field in struct pupfs_super */
	uint32_t value;
	const char *reason;
};

static void test_corrupt_superblock(void **state)
{
	const struct bad_super cases[] = {
		{ offsetof(struct pupfs_super, magic), 0x12345678, "magic" },
		{ offsetof(struct pupfs_super, nblocks), BLOCKS + 1, "nblocks" },
		{ offsetof(struct pupfs_super, inode_start), 1, "inode_start" },
		{ offsetof(struct pupfs_super, inode_start), BLOCKS, "inode_start" },
		{ offsetof(struct pupfs_super, ninodes), 1, "ninodes" },
		{ offsetof(struct pupfs_super, ninodes), 0xfffffff0u, "bitmap_start" },
		{ offsetof(struct pupfs_super, ninodes), 0xffffffffu, "bitmap_start" },
		{ offsetof(struct pupfs_super, bitmap_start), 2, "bitmap_start" },
		{ offsetof(struct pupfs_super, data_start), 3, "data_start" },
		{ offsetof(struct pupfs_super, data_start), BLOCKS, "data_start" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format();
		memcpy((uint8_t *)super() + cases[i].offset, &cases[i].value, 4);
		assert_int_equal(pupfs_mount(&fs, &dev), -EIO);
		if (!strstr(fs.error, cases[i].reason))
			fail_msg("case %zu: '%s' does not name %s", i, fs.error, cases[i].reason);
		assert_false(fs.mounted);
	}
	format();
	disk_inode(PUPFS_ROOT_INODE)->type = PUPFS_TYPE_FILE;
	assert_int_equal(pupfs_mount(&fs, &dev), -EIO);
	assert_non_null(strstr(fs.error, "root"));
	fail_block = PUPFS_SUPER_BLOCK;
	assert_int_equal(pupfs_mount(&fs, &dev), -EIO);
	assert_non_null(strstr(fs.error, "cannot read"));
}

/*T:908 Corrupt trees and directories, found by fsck and repaired. */
static void test_cross_linked_and_outside(void **state)
{
	uint32_t a, b;
	uint8_t back[4];

	(void)state;
	format();
	mount();
	a = make("/a", PUPFS_TYPE_FILE);
	b = make("/b", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_write(&fs, a, "aaaa", 0, 4), 4);
	assert_int_equal(pupfs_write(&fs, b, "bbbb", 0, 4), 4);
	disk_inode(b)->direct[0] = disk_inode(a)->direct[0];
	disk_inode(b)->direct[1] = BLOCKS + 5;
	disk_inode(b)->size = 2000;
	mount();
	assert_int_equal(pupfs_read(&fs, b, back, 1024, 4), -EIO);
	assert_true(check(false) >= 3);
	assert_true(reported("cross-linked"));
	assert_true(reported("outside the data area"));
	assert_true(reported("leaked"));
	assert_true(check(true) >= 3);
	assert_true(reported("repaired"));
	assert_clean();
	assert_int_equal(pupfs_read(&fs, a, back, 0, 4), 4);
	assert_memory_equal(back, "aaaa", 4);
}

static struct pupfs_dirent *dir_entry(uint32_t dir, uint32_t i)
{
	return (struct pupfs_dirent *)(disk + (size_t)disk_inode(dir)->direct[0] *
				       PUPFS_BLOCK_SIZE) + i;
}

static void test_directory_loops(void **state)
{
	uint32_t a, b;

	(void)state;
	format();
	mount();
	a = make("/a", PUPFS_TYPE_DIR);
	b = make("/a/b", PUPFS_TYPE_DIR);
	/* /a/b/x names /a: /a has two names, a loop through b. */
	assert_int_equal(pupfs_create(&fs, "/a/b/x", PUPFS_TYPE_FILE, &(uint32_t){ 0 }), 0);
	dir_entry(b, 2)->inode = a;
	mount();
	assert_true(check(false) >= 1);
	assert_true(reported("has 2 names"));
	assert_int_equal(pupfs_rename(&fs, "/a", "/a/b/y"), -EINVAL);

	/* /a and /a/b each other's "..", and the root's entry for /a gone:
	 * a loop cut off from the root. */
	format();
	mount();
	a = make("/a", PUPFS_TYPE_DIR);
	b = make("/a/b", PUPFS_TYPE_DIR);
	dir_entry(a, 1)->inode = b;
	dir_entry(PUPFS_ROOT_INODE, 2)->inode = 0;
	mount();
	assert_true(check(false) >= 2);
	assert_true(reported("never reaches the root"));
	assert_true(reported("orphan") || reported("nlink"));
}

static void test_orphans_and_bad_entries(void **state)
{
	uint32_t f;

	(void)state;
	format();
	mount();
	f = make("/f", PUPFS_TYPE_FILE);
	assert_int_equal(pupfs_write(&fs, f, "data", 0, 4), 4);
	make("/g", PUPFS_TYPE_FILE);
	dir_entry(PUPFS_ROOT_INODE, 2)->inode = 0;		/* /f: no name left */
	dir_entry(PUPFS_ROOT_INODE, 3)->inode = 60;		/* /g: names a free inode */
	disk_inode(PUPFS_ROOT_INODE)->nlink = 7;
	mount();
	assert_true(check(false) >= 3);
	assert_true(reported("orphan"));
	assert_true(reported("not in use"));
	assert_true(reported("nlink 7"));
	check(true);
	assert_clean();
	assert_int_equal(pupfs_lookup(&fs, "/g", &f), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_roundtrip),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_trees_holes_and_limit),
		cmocka_unit_test(test_256_mib_file),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_directories),
		cmocka_unit_test(test_disk_errors),
		cmocka_unit_test(test_corrupt_superblock),
		cmocka_unit_test(test_cross_linked_and_outside),
		cmocka_unit_test(test_directory_loops),
		cmocka_unit_test(test_orphans_and_bad_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
