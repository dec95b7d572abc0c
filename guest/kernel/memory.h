/* guest/kernel/memory.h: physical frames (frames.c, G:300) and address
 * spaces (paging.c, G:310). */
#ifndef GUEST_KERNEL_MEMORY_H
#define GUEST_KERNEL_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/kernel/paravirt.h"

void frames_init(const struct boot_params *bp);
uint32_t frame_alloc(void);			/* a zeroed frame, or 0 */
uint32_t frames_alloc_run(uint32_t count);	/* contiguous, zeroed, or 0 */
void frame_free(uint32_t pa);
void frames_free_run(uint32_t pa, uint32_t count);
uint32_t frames_total(void);
uint32_t frames_free(void);

#define USER_PTE	(PTE_PRESENT | PTE_USER)
#define USER_PTE_RW	(PTE_PRESENT | PTE_USER | PTE_RW)

extern uint32_t *kernel_pgdir;
void paging_init(const struct boot_params *bp);
uint32_t *pgdir_create(void);
void pgdir_destroy(uint32_t *pgdir);
uint32_t *pgdir_pte(uint32_t *pgdir, uint32_t va);	/* NULL if no page table */
uint32_t map_user_page(uint32_t *pgdir, uint32_t va, uint32_t flags);
void unmap_user_page(uint32_t *pgdir, uint32_t va);
int32_t copy_user_pages(uint32_t *dst, uint32_t *src);
uint32_t count_user_pages(uint32_t *pgdir);
bool grow_stack(uint32_t *pgdir, uint32_t va);

#endif
