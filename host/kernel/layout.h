/*B:020 host/kernel/layout.h: where things live in the host's address space.
 *
 *   0x00000000 - 0xBFFFFFFF  user space: one ring-3 process at a time
 *   0xC0000000 - 0xEFFFFFFF  the direct map: physical 0..768 MiB, in 4 MiB
 *                            pages, identical in every host address space;
 *                            the kernel image sits in it at 0xC0100000
 *   0xF0000000 - 0xFFBFFFFF  unused
 *   0xFFC00000 - 0xFFFFFFFF  the Switcher (page-directory slot 1023)
 *
 * Because the kernel sees all of RAM at a fixed offset, converting between
 * a physical address and a kernel pointer is one addition. Memory above
 * 768 MiB is left unused: plenty for a teaching hypervisor. */
#ifndef HOST_LAYOUT_H
#define HOST_LAYOUT_H

#define KERNEL_BASE		0xC0000000u
#define DIRECT_MAP_SIZE		0x30000000u	/* 768 MiB */
#define DIRECT_MAP_SLOTS	(DIRECT_MAP_SIZE >> 22)	/* 192 directory slots */
#define USER_TOP		KERNEL_BASE	/* user addresses are below this */
#define BOOT_STACK_SIZE		16384

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *phys_to_virt(uint32_t pa)
{
	return (void *)(uintptr_t)(pa + KERNEL_BASE);
}

static inline uint32_t virt_to_phys(const void *va)
{
	return (uint32_t)(uintptr_t)va - KERNEL_BASE;
}
#endif

#endif
