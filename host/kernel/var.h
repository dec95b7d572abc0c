/* host/kernel/var.h: /var, pupfs on the host's disk (host/kernel/var.c, U:810).
 * Paths are canonical (host/kernel/fs.c) and lie at or below /var. */
#ifndef HOST_VAR_H
#define HOST_VAR_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/syscall.h"
#include "host/kernel/device.h"

/* Finds the disk and mounts it; says so on the console. */
void var_init(void);
bool var_mounted(void);
/* "/var" or below it. */
bool var_path(const char *path);
int32_t var_stat(const char *path, struct k_stat *st);
int32_t var_readdir(const char *path, uint32_t index, struct k_dirent *d);
int32_t var_open(const char *path, uint32_t flags, struct file *f);
int32_t var_unlink(const char *path);
int32_t var_mkdir(const char *path);
int32_t var_rmdir(const char *path);
int32_t var_rename(const char *from, const char *to);
int32_t var_statfs(struct k_statfs *st);
/* fsck on the mounted /var: each problem a console line; their number. */
int32_t var_check(bool repair);

#endif
