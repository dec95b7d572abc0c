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
 * touches nothing.
 *
 * A lazy guest's memory (launcher/lazy.c, L:725) has pages with no frame
 * yet, which the Launcher must fill before its own code touches them
 * (L:715). So a pointer comes from guest_access, which checks the range
 * and then has every page of it filled: no call site can check without
 * filling, or fill without checking. Next: the run loop, launcher/run.c. */
#ifndef LAUNCHER_GUEST_MEM_H
#define LAUNCHER_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

/* Make every page of [gpa, gpa + len) present: 0, or -1 (said). */
typedef int guest_fill_fn(void *ctx, uint64_t gpa, uint64_t len);

struct guest_mem {
	uint8_t *base;			/* guest-physical 0, here */
	uint32_t size;			/* bytes: pfn_limit * 4096 */
	guest_fill_fn *fill;		/* lazy memory's (lazy.c), or NULL: all there */
	void *fill_ctx;
};

#define GUEST_OUTSIDE	(-1)		/* the range is not inside guest memory */
#define GUEST_UNFILLED	(-2)		/* its pages could not be filled (said) */

static inline bool guest_range_ok(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa <= m->size && len <= m->size - gpa;
}

/* Only for a gpa inside a range that guest_access passed. */
static inline void *guest_ptr(const struct guest_mem *m, uint64_t gpa)
{
	return m->base + (uint32_t)gpa;
}

/* 0 and *p, a pointer to [gpa, gpa + len) with every page present; or
 * GUEST_OUTSIDE, or GUEST_UNFILLED. */
static inline int guest_access(const struct guest_mem *m, uint64_t gpa, uint64_t len, void **p)
{
	if (!guest_range_ok(m, gpa, len))
		return GUEST_OUTSIDE;
	if (m->fill && m->fill(m->fill_ctx, gpa, len))
		return GUEST_UNFILLED;
	*p = guest_ptr(m, gpa);
	return 0;
}

#endif
