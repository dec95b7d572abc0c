/* host/kernel/vm.h: the host's page tables (host/kernel/vm.c, B:120). */
#ifndef HOST_VM_H
#define HOST_VM_H

#include <stdint.h>
#include <stdbool.h>

extern uint32_t kernel_pgdir[1024];	/* built by host/kernel/boot.asm */

void vm_init(void);
/* Page directories for user address spaces: the kernel's slots (the direct
 * map and the Switcher) are shared, the user slots start empty. */
uint32_t *vm_pgdir_create(void);
void vm_pgdir_destroy(uint32_t *pgdir);
/* Map one 4 KiB page; returns false if a page table cannot be had. */
bool vm_map(uint32_t *pgdir, uint32_t va, uint32_t pa, uint32_t flags);
/* The PTE for va, or 0 if none. */
uint32_t vm_lookup(const uint32_t *pgdir, uint32_t va);
void vm_unmap(uint32_t *pgdir, uint32_t va);
void vm_switch(uint32_t *pgdir);
/* Install a page table in a directory slot of every address space (used
 * once, for the Switcher's slot 1023, before any process exists). */
void vm_set_kernel_slot(uint32_t slot, uint32_t pde);

#endif
