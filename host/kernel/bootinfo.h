/* host/kernel/bootinfo.h: what the boot loader told us (host/kernel/bootinfo.c, B:100). */
#ifndef HOST_BOOTINFO_H
#define HOST_BOOTINFO_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86/multiboot.h"

#define BOOT_MAX_RANGES		32
#define BOOT_MAX_MODULES	64
#define BOOT_CMDLINE_MAX	1024
#define BOOT_NAME_MAX		64

struct mem_range {
	uint64_t start, end;	/* physical, end exclusive */
};

struct boot_module {
	uint32_t start, end;	/* physical, end exclusive */
	char name[BOOT_NAME_MAX];	/* first word of its command line */
	char args[BOOT_CMDLINE_MAX];	/* the rest */
};

struct boot_info {
	char loader[BOOT_NAME_MAX];
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned nranges;
	struct mem_range ranges[BOOT_MAX_RANGES];	/* usable RAM only */
	unsigned dropped_ranges;	/* usable ranges beyond BOOT_MAX_RANGES */
	uint64_t usable_bytes;
	unsigned nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
};

/* How to reach physical memory: the host passes phys_to_virt, the unit
 * tests a function that maps into a buffer. Returns NULL if the range
 * [pa, pa+len) cannot be reached. */
typedef const void *(*phys_reader_t)(uint32_t pa, uint32_t len);

/* Fill *bi from the Multiboot block. Returns NULL on success or a message
 * saying what was wrong with what the boot loader gave us. */
const char *bootinfo_parse(struct boot_info *bi, uint32_t magic, uint32_t mbi_pa,
			   phys_reader_t phys);

#endif
