/*G:030 lib/pupfs_format.h: the on-disk format of pupfs, the file system
 * of pup's disk and of the host's /var, shared by the one implementation
 * both kernels link (lib/pupfs.c), by mkpupfs, the build tool that makes
 * a disk image from a directory, and by fsck.
 *
 * Deliberately the simplest format that has directories and can grow
 * files: fixed-size blocks, a superblock, a table of inodes, a bitmap of
 * used blocks, then data. No journal: a crash can leave a half-written
 * file, which a teaching OS may live with (docs/storage.md says exactly
 * what, and fsck repairs what it can).
 *
 *   block 0              unused (room for a boot sector)
 *   block 1              struct pupfs_super
 *   inode_start ...      struct pupfs_inode[ninodes], PUPFS_INODES_PER_BLOCK a block
 *   bitmap_start ...     one bit per block of the disk, 1 = in use
 *   data_start ...       file and directory contents, indirect blocks
 *
 * All numbers are little-endian. Inode 0 is never used; inode 1
 * (PUPFS_ROOT_INODE) is the root directory. A directory is a file of
 * struct pupfs_dirent; an entry with inode 0 is free; every directory has
 * "." and ".." first. A file's bytes are in its direct[] blocks, then in
 * the blocks listed by its indirect block (256 numbers), then below its
 * double-indirect block (256 indirect blocks), then below its
 * triple-indirect block; a block number 0 in a file means a hole that
 * reads as zeroes. The tree could map 16 GiB; a file is limited to
 * PUPFS_MAX_FILE_BYTES, just under 2 GiB, so that every offset fits a
 * signed 32-bit number and the system calls need no 64-bit offsets. */
#ifndef LIB_PUPFS_FORMAT_H
#define LIB_PUPFS_FORMAT_H

#include <stdint.h>

#define PUPFS_MAGIC		0x50555046u	/* "PUPF" */
#define PUPFS_BLOCK_SIZE	1024u
#define PUPFS_SECTORS_PER_BLOCK	(PUPFS_BLOCK_SIZE / 512u)
#define PUPFS_SUPER_BLOCK	1u
#define PUPFS_ROOT_INODE	1u
#define PUPFS_NDIRECT		11u
#define PUPFS_NINDIRECT		(PUPFS_BLOCK_SIZE / 4u)	/* numbers in an indirect block */
#define PUPFS_MAX_FILE_BLOCKS	((1u << 21) - 1u)	/* 2 GiB less one block */
#define PUPFS_MAX_FILE_BYTES	(PUPFS_MAX_FILE_BLOCKS * PUPFS_BLOCK_SIZE)
#define PUPFS_NAME_MAX		28u	/* bytes of a name; NUL-padded, not always terminated */

#define PUPFS_TYPE_FREE		0
#define PUPFS_TYPE_FILE		1
#define PUPFS_TYPE_DIR		2

struct pupfs_super {
	uint32_t magic;			/* PUPFS_MAGIC */
	uint32_t nblocks;		/* blocks on the disk */
	uint32_t ninodes;
	uint32_t inode_start;		/* first block of the inode table */
	uint32_t bitmap_start;		/* first block of the bitmap */
	uint32_t data_start;		/* first data block */
};

struct pupfs_inode {
	uint16_t type;			/* PUPFS_TYPE_* */
	uint16_t nlink;			/* directory entries naming it */
	uint32_t size;			/* bytes */
	uint32_t direct[PUPFS_NDIRECT];
	uint32_t indirect;		/* block of PUPFS_NINDIRECT numbers, or 0 */
	uint32_t dindirect;		/* block of indirect block numbers, or 0 */
	uint32_t tindirect;		/* block of double-indirect block numbers, or 0 */
};

struct pupfs_dirent {
	uint32_t inode;			/* 0: a free entry */
	char name[PUPFS_NAME_MAX];
};

#define PUPFS_INODES_PER_BLOCK	(PUPFS_BLOCK_SIZE / sizeof(struct pupfs_inode))
#define PUPFS_DIRENTS_PER_BLOCK	(PUPFS_BLOCK_SIZE / sizeof(struct pupfs_dirent))
#define PUPFS_BITS_PER_BLOCK	(PUPFS_BLOCK_SIZE * 8u)

_Static_assert(sizeof(struct pupfs_inode) == 64, "inodes pack 16 to a block");
_Static_assert(sizeof(struct pupfs_dirent) == 32, "entries pack 32 to a block");
/* The triple-indirect tree reaches past the limit, and the limit's byte
 * count fits a signed 32-bit offset. */
_Static_assert((uint64_t)PUPFS_NDIRECT + PUPFS_NINDIRECT + PUPFS_NINDIRECT * PUPFS_NINDIRECT +
	       (uint64_t)PUPFS_NINDIRECT * PUPFS_NINDIRECT * PUPFS_NINDIRECT >= PUPFS_MAX_FILE_BLOCKS,
	       "the block tree maps every block a file may have");
_Static_assert((uint64_t)PUPFS_MAX_FILE_BYTES <= 0x7fffffffu, "file offsets fit an int32");

#endif
