/*V:005 host/memory/guest_memory.h: the one seam between the hypervisor and
 * a guest's memory.
 *
 * Every host user of a guest page comes through the functions declared
 * here, and they all reach the page through one function,
 * guest_page_frame (host/memory/page_map.c, V:140): guest-physical page
 * -> host frame. So what a guest page *is* (today: the Launcher's frame,
 * always present; later: missing, paged out, write-protected, shared) is
 * decided in one place.
 *
 * This chapter follows the Switcher's: the guest you watched cross into
 * ring 1 was running on a page directory the host built, a shadow of its
 * own. The folder's files, in reading order, each caller before what it
 * calls:
 *
 *   shadow.c      the shadow page tables the guest really runs on (V:100),
 *                 filled by demand_page on a guest's page fault (V:110)
 *   guest_walk.c  the walk of the guest's own page tables (V:120)
 *   page_map.c    guest-physical page -> host frame (V:140)
 *   access.c      checked copies to and from guest memory (V:200)
 *
 * Next: V:100. */
#ifndef HOST_MEMORY_GUEST_MEMORY_H
#define HOST_MEMORY_GUEST_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "host/guest.h"

/* page_map.c: the host frame behind guest-physical page gpfn, or 0 if
 * gpfn is at or beyond pfn_limit or has no frame. */
uint32_t guest_page_frame(struct guest *g, uint32_t gpfn);

/* access.c: copy between the host and guest-physical memory. Any failure
 * kills the guest ("bad read address 0x... len ...") and a failed read
 * fills buf with zeroes, so callers carry on without checking. */
void guest_read(struct guest *g, uint32_t gpa, void *buf, uint32_t len);
void guest_write(struct guest *g, uint32_t gpa, const void *buf, uint32_t len);
uint32_t guest_read_u32(struct guest *g, uint32_t gpa);
void guest_write_u32(struct guest *g, uint32_t gpa, uint32_t value);

/* The same through the guest's own page tables, at a virtual address. */
void guest_read_virt(struct guest *g, uint32_t va, void *buf, uint32_t len);
void guest_write_virt(struct guest *g, uint32_t va, const void *buf, uint32_t len);

/* guest_walk.c: translate a guest-virtual address as the guest's tables
 * say, at ring 1's privilege, marking it accessed (and dirty for a
 * write). False if the guest has it unmapped or forbidden; a broken
 * table kills the guest. */
bool guest_virt_to_phys(struct guest *g, uint32_t vaddr, bool write, uint32_t *gpa);

/* shadow.c: the shadow page tables (V:100). */
int32_t shadow_init(struct guest *g);
void shadow_destroy(struct guest *g);
uint32_t shadow_cr3(struct guest *g);
bool demand_page(struct guest *g, uint32_t vaddr, uint32_t errcode);
void shadow_switch(struct guest *g, uint32_t gpgdir);
void shadow_set_pte(struct guest *g, uint32_t gpgdir, uint32_t va);
void shadow_set_pde(struct guest *g, uint32_t gpgdir, uint32_t slot);
void shadow_flush(struct guest *g, bool all);
void shadow_pin_stack(struct guest *g);

#endif
