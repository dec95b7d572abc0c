/* host/kernel/disk.h: the host's disk, the primary IDE master (host/kernel/ata.c, U:800). */
#ifndef HOST_DISK_H
#define HOST_DISK_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the disk (IDENTIFY, polled) and turns on its interrupt. Call
 * once, with interrupts on; false if there is none. */
bool disk_init(void);
/* Its size in 512-byte sectors; 0 without a disk. */
uint32_t disk_sectors(void);
/* Moves count (1..255) sectors from sector on; the caller sleeps (or, at
 * boot, before there are processes, halts) until the transfer is done.
 * 0, or -EIO (the console names the failing sector). */
int32_t disk_rw(uint32_t sector, uint32_t count, void *buf, bool write);
/* FLUSH CACHE: everything written so far is on the medium. */
int32_t disk_flush(void);

#endif
