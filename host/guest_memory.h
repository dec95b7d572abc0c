/* host/guest_memory.h: the host's only door into guest memory
 * (host/guest_memory.c, V:010). */
#ifndef HOST_GUEST_MEMORY_H
#define HOST_GUEST_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "host/guest.h"

/* Copy between the host and guest-physical memory. Any failure kills the
 * guest ("bad read address 0x... len ...") and a failed read fills buf
 * with zeroes, so callers carry on without checking. */
void guest_read(struct guest *g, uint32_t gpa, void *buf, uint32_t len);
void guest_write(struct guest *g, uint32_t gpa, const void *buf, uint32_t len);
uint32_t guest_read_u32(struct guest *g, uint32_t gpa);
void guest_write_u32(struct guest *g, uint32_t gpa, uint32_t value);

/* The same through the guest's own page tables, at a virtual address. */
void guest_read_virt(struct guest *g, uint32_t va, void *buf, uint32_t len);
void guest_write_virt(struct guest *g, uint32_t va, const void *buf, uint32_t len);

#endif
