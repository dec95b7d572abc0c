/*P:240 lib/bitmap.h: a bitmap of 32-bit words, as used by the physical
 * frame allocator and, later, by dirty-page tracking. Bit n lives in word
 * n/32 at position n%32. Next: the host boot path, B:010. */
#ifndef LIB_BITMAP_H
#define LIB_BITMAP_H

#include <stdint.h>
#include <stdbool.h>

#define BITMAP_WORDS(nbits) (((nbits) + 31) / 32)

static inline void bitmap_set(uint32_t *map, uint32_t n)
{
	map[n / 32] |= 1u << (n % 32);
}

static inline void bitmap_clear(uint32_t *map, uint32_t n)
{
	map[n / 32] &= ~(1u << (n % 32));
}

static inline bool bitmap_test(const uint32_t *map, uint32_t n)
{
	return (map[n / 32] >> (n % 32)) & 1;
}

/* Set or clear bits [first, first+count). */
void bitmap_set_range(uint32_t *map, uint32_t first, uint32_t count);
void bitmap_clear_range(uint32_t *map, uint32_t first, uint32_t count);
/* The first clear bit in [from, nbits), or nbits if there is none. */
uint32_t bitmap_find_clear(const uint32_t *map, uint32_t nbits, uint32_t from);
/* The first run of "count" clear bits in [0, nbits), or nbits. */
uint32_t bitmap_find_clear_run(const uint32_t *map, uint32_t nbits, uint32_t count);
uint32_t bitmap_count_set(const uint32_t *map, uint32_t nbits);

#endif
