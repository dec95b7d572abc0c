/* guest/kernel/devfs.h: /dev (devfs.c, G:455). */
#ifndef GUEST_KERNEL_DEVFS_H
#define GUEST_KERNEL_DEVFS_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/include/pup/syscall.h"
#include "guest/kernel/file.h"

bool devfs_is_dir(const char *path);
bool devfs_lookup(const char *path, enum file_kind *kind);
int32_t devfs_readdir(uint32_t index, struct pup_dirent *de);

#endif
