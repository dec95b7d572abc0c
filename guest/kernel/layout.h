/* guest/kernel/layout.h: pup's memory layout, in one place (G:100).
 *
 * Physical memory is mapped whole at KERNEL_BASE (the "direct map"), so
 * the kernel reaches any frame at phys + KERNEL_BASE, and the physical
 * address of a kernel object is its address minus KERNEL_BASE: that is
 * also the guest-physical address kennel wants in hypercalls and device
 * rings. Everything below KERNEL_BASE belongs to user programs. */
#ifndef GUEST_KERNEL_LAYOUT_H
#define GUEST_KERNEL_LAYOUT_H

#include <stdint.h>
#include "arch/x86/paging.h"
#include "guest/include/pup/syscall.h"

#define KERNEL_BASE		PUP_KERNEL_BASE		/* 0xD0000000 */
#define KERNEL_PGD		(KERNEL_BASE >> PGDIR_SHIFT)	/* slot 832 */
/* Page tables of the direct map, allocated in the bss: 65 of them map
 * 260 MiB, enough for the largest kennel guest (256 MiB) plus its device
 * pages, and for 256 MiB of RAM natively. */
#define MAP_TABLES		65u
#define MAP_MAX_BYTES		(MAP_TABLES * BIGPAGE_SIZE)
#define KSTACK_SIZE		8192u			/* a process's kernel stack */
#define BOOT_STACK_SIZE		KSTACK_SIZE		/* becomes the idle task's */

/* The user address space (guest/include/pup/syscall.h): programs from
 * PUP_USER_BASE, their heap after them, the stack growing down from
 * PUP_USER_STACK_TOP by at most USER_STACK_MAX. */
#define USER_STACK_MAX		(1u << 20)
#define USER_STACK_LOW		(PUP_USER_STACK_TOP - USER_STACK_MAX)

static inline void *phys_to_virt(uint32_t pa)
{
	return (void *)(pa + KERNEL_BASE);
}

static inline uint32_t virt_to_phys(const volatile void *va)
{
	return (uint32_t)va - KERNEL_BASE;
}

#endif
