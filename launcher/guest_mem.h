/*L:120 launcher/guest_mem.h: the one check between the Launcher and
 * guest memory.
 *
 * Guest-physical address X is the Launcher's address base + X, for X below
 * size (pfn_limit pages: RAM, the device page and the rings). Any address
 * or length that came from the guest passes guest_range_ok before it is
 * turned into a pointer. The test never adds the two numbers, so neither a
 * 64-bit descriptor address nor a 32-bit length can wrap around and look
 * small: a range is good when it starts inside memory and fits in what is
 * left above its start. A zero-length range at exactly size is allowed: it
 * touches nothing. Next: the run loop, launcher/run.c. */
#ifndef LAUNCHER_GUEST_MEM_H
#define LAUNCHER_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *base;			/* guest-physical 0, here */
	uint32_t size;			/* bytes: pfn_limit * 4096 */
};

static inline bool guest_range_ok(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa <= m->size && len <= m->size - gpa;
}

/* Only for a gpa that passed guest_range_ok. */
static inline void *guest_ptr(const struct guest_mem *m, uint64_t gpa)
{
	return m->base + (uint32_t)gpa;
}

#endif
