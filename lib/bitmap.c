/*P:250 lib/bitmap.c: range operations and searches. The searches skip
 * whole words that are full, which keeps a scan of 64K frames short. */
#include "lib/bitmap.h"

void bitmap_set_range(uint32_t *map, uint32_t first, uint32_t count)
{
	for (uint32_t n = first; n < first + count; n++)
		bitmap_set(map, n);
}

void bitmap_clear_range(uint32_t *map, uint32_t first, uint32_t count)
{
	for (uint32_t n = first; n < first + count; n++)
		bitmap_clear(map, n);
}

uint32_t bitmap_find_clear(const uint32_t *map, uint32_t nbits, uint32_t from)
{
	uint32_t n = from;

	while (n < nbits) {
		if (n % 32 == 0 && map[n / 32] == 0xffffffffu) {
			n += 32;
			continue;
		}
		if (!bitmap_test(map, n))
			return n;
		n++;
	}
	return nbits;
}

uint32_t bitmap_find_clear_run(const uint32_t *map, uint32_t nbits, uint32_t count)
{
	uint32_t start = bitmap_find_clear(map, nbits, 0);

	while (count && count <= nbits && start <= nbits - count) {
		uint32_t n = start;

		while (n < start + count && !bitmap_test(map, n))
			n++;
		if (n == start + count)
			return start;
		start = bitmap_find_clear(map, nbits, n + 1);
	}
	return count ? nbits : 0;
}

uint32_t bitmap_count_set(const uint32_t *map, uint32_t nbits)
{
	uint32_t count = 0;

	for (uint32_t n = 0; n < nbits; n++)
		count += bitmap_test(map, n);
	return count;
}
