/*P:275 lib/page_copy.c: a user range is contiguous only within a page, so
 * each copy goes in chunks that stop at the next page boundary, asking
 * view for every chunk. Next: P:300. */
#include "arch/x86/paging.h"
#include "lib/page_copy.h"
#include "lib/string.h"

static uint32_t chunk(uint32_t va, uint32_t left)
{
	uint32_t room = PAGE_SIZE - (va & ~PAGE_MASK);

	return left < room ? left : room;
}

void copy_in_pages(void *dst, uint32_t usrc, uint32_t len, user_view_fn view)
{
	uint8_t *d = dst;

	for (uint32_t n; len; usrc += n, d += n, len -= n) {
		n = chunk(usrc, len);
		memcpy(d, view(usrc), n);
	}
}

void copy_out_pages(uint32_t udst, const void *src, uint32_t len, user_view_fn view)
{
	const uint8_t *s = src;

	for (uint32_t n; len; udst += n, s += n, len -= n) {
		n = chunk(udst, len);
		memcpy(view(udst), s, n);
	}
}
