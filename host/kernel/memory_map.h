/* host/kernel/memory_map.h: setting up physical memory (host/kernel/memory_map.c, B:150). */
#ifndef HOST_MEMORY_H
#define HOST_MEMORY_H

#include "host/kernel/bootinfo.h"

#define MEMORY_MIN_FREE_KIB	4096

void memory_init(const struct boot_info *bi);
/* Is there MEMORY_MIN_FREE_KIB free? If not, says so on the console. */
bool memory_enough(void);
/* Frames of usable RAM within the direct map, reserved ones included. */
uint32_t memory_usable_frames(void);

#endif
