/* guest/kernel/fs.h: the block cache (bcache.c, G:420), pupfs (pupfs.c,
 * G:430; pupfs_dir.c, G:440) and path names (path.c, G:445). Paths given
 * to fs_* are absolute and canonical (path_resolve); every fs_* call takes
 * the file system's lock itself. */
#ifndef GUEST_KERNEL_FS_H
#define GUEST_KERNEL_FS_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/include/pup/pupfs.h"
#include "guest/include/pup/syscall.h"

struct buf {
	uint32_t block;
	bool valid;
	uint32_t refs;
	uint32_t last_used;
	uint8_t data[PUPFS_BLOCK_SIZE];
};

struct buf *bread(uint32_t block);		/* NULL on a disk error */
struct buf *bget_zeroed(uint32_t block);	/* no read: to be overwritten */
int32_t bwrite(struct buf *b);
void brelse(struct buf *b);

int32_t fs_mount(void);
int32_t fs_lookup(const char *path, uint32_t *inum);
int32_t fs_stat(uint32_t inum, struct pup_stat *st);
int32_t fs_read(uint32_t inum, void *dst, uint32_t off, uint32_t len);
int32_t fs_write(uint32_t inum, const void *src, uint32_t off, uint32_t len);
int32_t fs_truncate(uint32_t inum);
int32_t fs_create(const char *path, uint16_t type, uint32_t *inum);
int32_t fs_unlink(const char *path);
int32_t fs_readdir(uint32_t dir, uint32_t index, struct pup_dirent *de);

/* path.c: pure string work, no disk. */
int32_t path_resolve(const char *cwd, const char *path, char *out);
const char *path_last(const char *path);
void path_parent(const char *path, char *out);

#endif
