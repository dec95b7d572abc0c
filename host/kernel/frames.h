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
/* poison=1 (B:115): from now on fill freed frames with POISON_WORD and
 * check them when they are handed out again, calling report with the
 * frame, the index of the first changed word and its value. view gives
 * the kernel's address of a frame; the bitmap holds BITMAP_WORDS(nframes)
 * words. */
#define POISON_WORD	0xdeadf4eeu
void frames_poison_enable(uint32_t *bitmap, uint32_t *(*view)(uint32_t pa),
			  void (*report)(uint32_t pa, uint32_t word, uint32_t value));
uint32_t frames_total(void);

#endif
