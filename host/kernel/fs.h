/* host/kernel/fs.h: the module file system (host/kernel/fs.c, U:240). */
#ifndef HOST_FS_H
#define HOST_FS_H

#include <stdint.h>
#include "arch/x86/syscall.h"
#include "host/kernel/bootinfo.h"
#include "host/kernel/device.h"

/* The boot modules become the files; bi must outlive the host. */
void fs_init(const struct boot_info *bi);
/* Paths are absolute and at most K_PATH_MAX bytes with the NUL. */
int32_t fs_stat(const char *path, struct k_stat *st);
int32_t fs_readdir(const char *path, uint32_t index, struct k_dirent *d);
/* Fill f (from file_alloc) for path: a module file (read-only: a write
 * access mode earns -EROFS) or a device, whose open is called. */
int32_t fs_open(const char *path, uint32_t flags, struct file *f);
/* Names on /var (U:245): anywhere else -EROFS. */
int32_t fs_unlink(const char *path);
int32_t fs_mkdir(const char *path);
int32_t fs_rmdir(const char *path);
int32_t fs_rename(const char *from, const char *to);
/* /var's use of its disk; -ENOSYS for the module file system. */
int32_t fs_statfs(const char *path, struct k_statfs *st);
/* A file's bytes, for the loader: 0, -ENOENT, -EISDIR or -ENOEXEC (a
 * device). */
int32_t fs_file_bytes(const char *path, const uint8_t **data, uint32_t *size);

#endif
