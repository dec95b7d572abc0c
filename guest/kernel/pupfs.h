/* guest/kernel/pupfs.h: what the two halves of pupfs share (pupfs.c:
 * blocks, inodes and file data, G:430; pupfs_dir.c: directories and
 * names, G:440). Everything here expects fs_lock held. */
#ifndef GUEST_KERNEL_PUPFS_H
#define GUEST_KERNEL_PUPFS_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/include/pup/pupfs.h"
#include "guest/kernel/proc.h"

#define PUPFS_MAX_FILE_BYTES	(PUPFS_MAX_FILE_BLOCKS * PUPFS_BLOCK_SIZE)

extern struct sleeplock fs_lock;

bool fs_mounted(void);
int32_t inode_read(uint32_t inum, struct pupfs_inode *ino);
int32_t inode_write(uint32_t inum, const struct pupfs_inode *ino);
int32_t inode_alloc(uint16_t type, uint32_t *inum);
int32_t inode_free(uint32_t inum);
int32_t inode_read_bytes(uint32_t inum, void *dst, uint32_t off, uint32_t len);
int32_t inode_write_bytes(uint32_t inum, const void *src, uint32_t off, uint32_t len);
int32_t inode_truncate(uint32_t inum);

#endif
