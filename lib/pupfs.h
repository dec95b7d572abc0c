/* lib/pupfs.h: the pupfs core, one implementation for pup's disk and the
 * host's /var (lib/pupfs.c G:420, lib/pupfs_dir.c G:440, lib/pupfs_check.c
 * G:448). The caller gives it a block device (read or write one 1 KiB
 * block) and holds its own lock around every call: the core has no lock
 * and no memory of its own beyond struct pupfs. Paths are absolute and
 * canonical ("/", "/bin/sh": one slash between names, none at the end).
 * Results are 0 or a byte count, or minus an error number of
 * arch/x86/syscall.h. */
#ifndef LIB_PUPFS_H
#define LIB_PUPFS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/pupfs_format.h"

struct pupfs_blockdev {
	void *ctx;
	uint32_t nblocks;		/* the device's size, in pupfs blocks */
	int32_t (*read)(void *ctx, uint32_t block, void *buf);
	int32_t (*write)(void *ctx, uint32_t block, const void *buf);
	int32_t (*flush)(void *ctx);	/* may be NULL: writes are durable at once */
};

#define PUPFS_NBUF	32

struct pupfs_buf {
	uint32_t block;
	bool valid, dirty;
	uint32_t refs;
	uint32_t last_used;
	uint8_t data[PUPFS_BLOCK_SIZE];
};

struct pupfs {
	struct pupfs_blockdev dev;
	struct pupfs_super sb;
	bool mounted;
	bool failed;			/* a write-back failed: the next sync says so */
	uint32_t alloc_hint;
	uint32_t clock;
	struct pupfs_buf bufs[PUPFS_NBUF];
	char error[128];		/* why the last mount or check failed */
};

struct pupfs_entry {
	uint32_t inum;
	uint16_t type;			/* PUPFS_TYPE_* */
	uint32_t size;
	char name[PUPFS_NAME_MAX + 1];
};

struct pupfs_usage {
	uint32_t blocks, free_blocks;
	uint32_t inodes, free_inodes;
};

/* 0, or -EIO (-ENODEV) with the reason in fs->error. */
int32_t pupfs_mount(struct pupfs *fs, const struct pupfs_blockdev *dev);
/* Writes back every changed block and flushes the device. */
int32_t pupfs_sync(struct pupfs *fs);

int32_t pupfs_lookup(struct pupfs *fs, const char *path, uint32_t *inum);
int32_t pupfs_stat(struct pupfs *fs, uint32_t inum, struct pupfs_inode *ino);
int32_t pupfs_read(struct pupfs *fs, uint32_t inum, void *dst, uint32_t off, uint32_t len);
/* Bytes written; fewer than len (or -ENOSPC if none) when the disk fills. */
int32_t pupfs_write(struct pupfs *fs, uint32_t inum, const void *src, uint32_t off,
		    uint32_t len);
int32_t pupfs_truncate(struct pupfs *fs, uint32_t inum, uint32_t size);
int32_t pupfs_create(struct pupfs *fs, const char *path, uint16_t type, uint32_t *inum);
int32_t pupfs_unlink(struct pupfs *fs, const char *path);
int32_t pupfs_rmdir(struct pupfs *fs, const char *path);
int32_t pupfs_rename(struct pupfs *fs, const char *from, const char *to);
/* The index-th entry of dir, without "." and ".."; -ENOENT past the end. */
int32_t pupfs_readdir(struct pupfs *fs, uint32_t dir, uint32_t index, struct pupfs_entry *e);
int32_t pupfs_usage(struct pupfs *fs, struct pupfs_usage *u);

/* fsck: checks the whole file system, calling report for each problem
 * found (and repairing it, if repair). scratch is
 * pupfs_check_scratch_bytes(fs) bytes of the caller's. Returns the number
 * of problems, or a negative error if the disk could not be read. */
typedef void (*pupfs_report_fn)(void *ctx, const char *problem);
uint32_t pupfs_check_scratch_bytes(const struct pupfs *fs);
int32_t pupfs_check(struct pupfs *fs, bool repair, pupfs_report_fn report, void *ctx,
		    void *scratch);

/* Shared by the core's three files. */
int32_t pupfs_inode_read(struct pupfs *fs, uint32_t inum, struct pupfs_inode *ino);
int32_t pupfs_inode_write(struct pupfs *fs, uint32_t inum, const struct pupfs_inode *ino);
int32_t pupfs_inode_alloc(struct pupfs *fs, uint16_t type, uint32_t *inum);
int32_t pupfs_inode_free(struct pupfs *fs, uint32_t inum);
int32_t pupfs_read_bytes(struct pupfs *fs, uint32_t inum, void *dst, uint32_t off, uint32_t len);
int32_t pupfs_write_bytes(struct pupfs *fs, uint32_t inum, const void *src, uint32_t off,
			  uint32_t len);
int32_t pupfs_trim(struct pupfs *fs, uint32_t inum, uint32_t size);
int32_t pupfs_bitmap_test(struct pupfs *fs, uint32_t block, bool *used);
int32_t pupfs_bitmap_set(struct pupfs *fs, uint32_t block, bool used);
struct pupfs_buf *pupfs_bread(struct pupfs *fs, uint32_t block);
void pupfs_bdirty(struct pupfs_buf *b);
void pupfs_brelse(struct pupfs_buf *b);
bool pupfs_data_block_ok(const struct pupfs *fs, uint32_t block);
/* Operations end here: write back what they changed; result unless that fails. */
int32_t pupfs_done(struct pupfs *fs, int32_t result);

#endif
