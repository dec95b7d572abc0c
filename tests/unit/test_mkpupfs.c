/*G:565 tests/unit/test_mkpupfs.c: guest/tools/pupfs_image.c, the format
 * half of mkpupfs, on a buffer.
 *
 * The image is read back here the way pup's kernel reads it (G:430): the
 * superblock's layout, the root's "." and "..", a directory's entries,
 * a file's bytes through its direct and indirect blocks, the bitmap's bits
 * for every block handed out, link counts. Then each limit of the format,
 * one at a time: a name too long, a file too big, a disk too small or
 * full, no inodes left. Next: G:570. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "guest/tools/pupfs_image.h"

#define BLOCKS	256u

static uint8_t disk[BLOCKS * PUPFS_BLOCK_SIZE];
static uint8_t big[300 * 1024];

static uint8_t *block(uint32_t b)
{
	return disk + (size_t)b * PUPFS_BLOCK_SIZE;
}

static struct pupfs_super *super(void)
{
	return (struct pupfs_super *)block(PUPFS_SUPER_BLOCK);
}

static struct pupfs_inode *inode(uint32_t n)
{
	return (struct pupfs_inode *)block(super()->inode_start) + n;
}

static int block_used(uint32_t b)
{
	return (block(super()->bitmap_start)[b / 8] >> (b % 8)) & 1;
}

/* Byte off of inode n, through its block pointers. */
static uint8_t byte_at(uint32_t n, uint32_t off)
{
	uint32_t index = off / PUPFS_BLOCK_SIZE, b;

	if (index < PUPFS_NDIRECT)
		b = inode(n)->direct[index];
	else
		b = ((uint32_t *)block(inode(n)->indirect))[index - PUPFS_NDIRECT];
	assert_true(b >= super()->data_start && b < BLOCKS);
	assert_true(block_used(b));
	return block(b)[off % PUPFS_BLOCK_SIZE];
}

static struct pupfs_dirent entry(uint32_t dir, uint32_t i)
{
	struct pupfs_dirent e;

	for (uint32_t k = 0; k < sizeof(e); k++)
		((uint8_t *)&e)[k] = byte_at(dir, i * sizeof(e) + k);
	return e;
}

static void test_format_layout(void **state)
{
	struct pupfs_image img;
	struct pupfs_dirent dot, dotdot;

	(void)state;
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
	assert_int_equal(super()->magic, PUPFS_MAGIC);
	assert_int_equal(super()->nblocks, BLOCKS);
	assert_int_equal(super()->ninodes, 64);
	assert_int_equal(super()->inode_start, 2);
	assert_int_equal(super()->bitmap_start, 2 + 4);
	assert_int_equal(super()->data_start, 2 + 4 + 1);
	for (uint32_t b = 0; b < super()->data_start; b++)
		assert_true(block_used(b));
	assert_int_equal(inode(PUPFS_ROOT_INODE)->type, PUPFS_TYPE_DIR);
	assert_int_equal(inode(PUPFS_ROOT_INODE)->size, 64);
	assert_int_equal(inode(PUPFS_ROOT_INODE)->nlink, 2);
	assert_int_equal(inode(0)->type, PUPFS_TYPE_FREE);
	dot = entry(PUPFS_ROOT_INODE, 0);
	dotdot = entry(PUPFS_ROOT_INODE, 1);
	assert_int_equal(dot.inode, PUPFS_ROOT_INODE);
	assert_string_equal(dot.name, ".");
	assert_int_equal(dotdot.inode, PUPFS_ROOT_INODE);
	assert_string_equal(dotdot.name, "..");
	assert_false(block_used(super()->data_start + 1));
}

static void test_dir_and_file(void **state)
{
	struct pupfs_image img;
	struct pupfs_dirent e;
	uint32_t bin;

	(void)state;
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
	assert_int_equal(pupfs_add_dir(&img, PUPFS_ROOT_INODE, "bin", &bin), 0);
	assert_int_equal(pupfs_add_file(&img, bin, "hello", "hi there\n", 9), 0);
	e = entry(PUPFS_ROOT_INODE, 2);
	assert_int_equal(e.inode, bin);
	assert_string_equal(e.name, "bin");
	assert_int_equal(inode(PUPFS_ROOT_INODE)->nlink, 3);
	assert_int_equal(inode(bin)->nlink, 2);
	assert_int_equal(entry(bin, 1).inode, PUPFS_ROOT_INODE);
	e = entry(bin, 2);
	assert_string_equal(e.name, "hello");
	assert_int_equal(inode(e.inode)->type, PUPFS_TYPE_FILE);
	assert_int_equal(inode(e.inode)->size, 9);
	assert_int_equal(inode(e.inode)->nlink, 1);
	assert_int_equal(byte_at(e.inode, 0), 'h');
	assert_int_equal(byte_at(e.inode, 8), '\n');
}

static void test_name_of_28_bytes_fills_the_entry(void **state)
{
	struct pupfs_image img;
	const char *name = "abcdefghijklmnopqrstuvwxyz01";
	struct pupfs_dirent e;

	(void)state;
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
	assert_int_equal(pupfs_add_file(&img, PUPFS_ROOT_INODE, name, "", 0), 0);
	e = entry(PUPFS_ROOT_INODE, 2);
	assert_memory_equal(e.name, name, 28);
	assert_int_equal(inode(e.inode)->size, 0);
	assert_int_equal(pupfs_add_file(&img, PUPFS_ROOT_INODE,
					"abcdefghijklmnopqrstuvwxyz012", "", 0), -1);
	assert_non_null(strstr(img.error, "longer than 28 bytes"));
}

static void test_indirect_blocks(void **state)
{
	struct pupfs_image img;
	uint32_t size = (PUPFS_NDIRECT + 20) * PUPFS_BLOCK_SIZE + 7, n;

	(void)state;
	for (uint32_t i = 0; i < size; i++)
		big[i] = (uint8_t)(i * 7 + i / 1024);
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
	assert_int_equal(pupfs_add_file(&img, PUPFS_ROOT_INODE, "big", big, size), 0);
	n = entry(PUPFS_ROOT_INODE, 2).inode;
	assert_int_equal(inode(n)->size, size);
	assert_true(block_used(inode(n)->indirect));
	for (uint32_t i = 0; i < size; i += 509)
		assert_int_equal(byte_at(n, i), big[i]);
	assert_int_equal(byte_at(n, size - 1), big[size - 1]);
}

static void test_limits(void **state)
{
	struct pupfs_image img;
	uint32_t too_big = PUPFS_MAX_FILE_BLOCKS * PUPFS_BLOCK_SIZE + 1;

	(void)state;
	assert_int_equal(pupfs_format(&img, disk, PUPFS_IMAGE_MIN_BLOCKS - 1), -1);
	assert_non_null(strstr(img.error, "too small"));
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
	assert_int_equal(pupfs_add_file(&img, PUPFS_ROOT_INODE, "x", big, too_big), -1);
	assert_non_null(strstr(img.error, "bigger than"));
	assert_int_equal(pupfs_add_file(&img, PUPFS_ROOT_INODE, "a/b", "", 0), -1);
	assert_int_equal(pupfs_add_file(&img, PUPFS_ROOT_INODE, "full", big, 260 * 1024), -1);
	assert_non_null(strstr(img.error, "full"));
}

static void test_out_of_inodes(void **state)
{
	struct pupfs_image img;
	char name[8];
	int failed_at = -1;

	(void)state;
	assert_int_equal(pupfs_format(&img, disk, BLOCKS), 0);
	for (int i = 0; i < 100 && failed_at < 0; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		if (pupfs_add_file(&img, PUPFS_ROOT_INODE, name, "", 0))
			failed_at = i;
	}
	assert_int_equal(failed_at, 62);	/* 64 inodes: 0 unused, 1 the root */
	assert_non_null(strstr(img.error, "out of inodes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_layout),
		cmocka_unit_test(test_dir_and_file),
		cmocka_unit_test(test_name_of_28_bytes_fills_the_entry),
		cmocka_unit_test(test_indirect_blocks),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_out_of_inodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
