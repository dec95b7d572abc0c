/* host/kernel/frames.h: the physical frame allocator (host/kernel/frames.c, B:110). */
#ifndef HOST_FRAMES_H
#define HOST_FRAMES_H

#include <stdint.h>

/* Start with every frame in [0, nframes) in use; the bitmap must hold
 * BITMAP_WORDS(nframes) words. */
void frames_init(uint32_t *bitmap, uint32_t nframes);
/* Mark the whole frames inside [start, end) free. */
void frames_release_range(uint64_t start, uint64_t end);
/* Mark every frame touching [start, end) in use. */
void frames_reserve_range(uint64_t start, uint64_t end);
/* A free frame's physical address, or 0 when memory is exhausted (frame 0
 * is never handed out, so 0 is never a valid answer). */
uint32_t frame_alloc(void);
/* "count" physically contiguous frames, or 0. */
uint32_t frames_alloc_contig(uint32_t count);
/* Returns 0, or -1 if pa is not an allocated frame (a double free). */
int frame_free(uint32_t pa);
uint32_t frames_free_count(void);
uint32_t frames_total(void);

#endif
