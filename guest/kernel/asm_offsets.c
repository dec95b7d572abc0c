/*G:105 guest/kernel/asm_offsets.c: the numbers pup's assembly shares with
 * its C, written once. Like the host's (P:300), this file is compiled to
 * assembly text and never linked: guest/build.mk turns each "->NAME value"
 * marker into a %define in build/gen/pup_asm_offsets.inc. */
#include <stddef.h>
#include "arch/x86/asm_define.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/multiboot.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/trap.h"

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(KERNEL_BASE, KERNEL_BASE);
	DEFINE(KERNEL_PGD, KERNEL_PGD);
	DEFINE(MAP_TABLES, MAP_TABLES);
	DEFINE(MAP_MAX_BYTES, MAP_MAX_BYTES);
	DEFINE(BOOT_STACK_SIZE, BOOT_STACK_SIZE);
	DEFINE(MULTIBOOT_HEADER_MAGIC, MULTIBOOT_HEADER_MAGIC);
	DEFINE(MULTIBOOT_BOOT_MAGIC, MULTIBOOT_BOOT_MAGIC);
	DEFINE(MULTIBOOT_FLAGS, MULTIBOOT_MEMORY_INFO);
	DEFINE(MB_FLAGS, offsetof(struct multiboot_info, flags));
	DEFINE(MB_MEM_UPPER, offsetof(struct multiboot_info, mem_upper));
	DEFINE(MB_INFO_MEMORY, MB_INFO_MEMORY);
	DEFINE(KENNEL_BOOT_MAGIC, KENNEL_BOOT_MAGIC);
	DEFINE(BI_PFN_LIMIT, offsetof(struct kennel_boot_info, pfn_limit));
	DEFINE(KH_TRAP_VECTOR, KH_TRAP_VECTOR);
	DEFINE(KH_INIT, KH_INIT);
	DEFINE(KH_NEW_PGTABLE, KH_NEW_PGTABLE);
	DEFINE(KH_ASYNC_SLOTS, KH_ASYNC_SLOTS);
	DEFINE(KH_ASYNC_DONE, KH_ASYNC_DONE);
	DEFINE(KD_IRQ_ENABLED, offsetof(struct kennel_data, irq_enabled));
	DEFINE(KD_KERNEL_ADDRESS, offsetof(struct kennel_data, kernel_address));
	DEFINE(KD_SYSCALL_VECTOR, offsetof(struct kennel_data, syscall_vector));
	DEFINE(KD_ASYNC_STATUS, offsetof(struct kennel_data, async_status));
	DEFINE(PUP_SYSCALL_VECTOR, PUP_SYSCALL_VECTOR);
	DEFINE(EFLAGS_IF, EFLAGS_IF);
	DEFINE(CR0_PG_WP, CR0_PG | CR0_WP);
	DEFINE(PTE_KERNEL, PTE_PRESENT | PTE_RW);
	DEFINE(PV_IRET, offsetof(struct pv_ops, iret));
	DEFINE(TRAP_FRAME_SIZE, sizeof(struct trap_frame));
}
