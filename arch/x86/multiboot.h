/*P:140 arch/x86/multiboot.h: the Multiboot (version 1) boot protocol.
 *
 * GRUB, and QEMU's -kernel loader, hand the kernel a pointer (in ebx) to a
 * multiboot_info block: the memory map, the command line, and the modules
 * it loaded. Every address in it is physical and 32 bits wide. pup uses the
 * same header when it boots natively. Next: the host's boot path, B:010. */
#ifndef ARCH_X86_MULTIBOOT_H
#define ARCH_X86_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC	0x1BADB002u
#define MULTIBOOT_BOOT_MAGIC	0x2BADB002u	/* in eax at entry */
#define MULTIBOOT_PAGE_ALIGN	0x1u	/* modules on page boundaries */
#define MULTIBOOT_MEMORY_INFO	0x2u	/* please give us a memory map */

#define MB_INFO_MEMORY		0x001u
#define MB_INFO_CMDLINE		0x004u
#define MB_INFO_MODS		0x008u
#define MB_INFO_MEM_MAP		0x040u
#define MB_INFO_LOADER_NAME	0x200u

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB below 1 MiB, above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
} __attribute__((packed));

struct multiboot_module {
	uint32_t start, end;	/* physical, end exclusive */
	uint32_t cmdline;
	uint32_t reserved;
} __attribute__((packed));

/* Memory map entries are variable-sized: "size" counts the bytes after
 * itself, so the next entry is at entry + size + 4. */
struct multiboot_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

#define MULTIBOOT_MEMORY_AVAILABLE 1u

#endif
