/* guest/kernel/fs.h: pupfs (lib/pupfs.c, G:420, behind pup's lock in
 * pupfs.c, G:430) and path names (path.c, G:445). Paths given
 * to fs_* are absolute and canonical (path_resolve); every fs_* call takes
 * the file system's lock itself. */
#ifndef GUEST_KERNEL_FS_H
#define GUEST_KERNEL_FS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/pupfs_format.h"
#include "guest/include/pup/syscall.h"

int32_t fs_mount(void);
int32_t fs_lookup(const char *path, uint32_t *inum);
int32_t fs_stat(uint32_t inum, struct pup_stat *st);
int32_t fs_read(uint32_t inum, void *dst, uint32_t off, uint32_t len);
int32_t fs_write(uint32_t inum, const void *src, uint32_t off, uint32_t len);
int32_t fs_truncate(uint32_t inum);
int32_t fs_create(const char *path, uint16_t type, uint32_t *inum);
int32_t fs_unlink(const char *path);
int32_t fs_rmdir(const char *path);
int32_t fs_readdir(uint32_t dir, uint32_t index, struct pup_dirent *de);

/* path.c: pure string work, no disk. */
int32_t path_resolve(const char *cwd, const char *path, char *out);
const char *path_last(const char *path);
void path_parent(const char *path, char *out);

#endif
