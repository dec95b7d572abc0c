/*P:275 lib/page_copy.c: a range is contiguous only within a page, so
 * each copy goes in chunks that stop at the next page boundary, asking
 * view for every chunk. Next: P:300. */
#include "arch/x86/paging.h"
#include "lib/page_copy.h"
#include "lib/string.h"

static uint32_t chunk(uint32_t addr, uint32_t left)
{
	uint32_t room = PAGE_SIZE - (addr & ~PAGE_MASK);

	return left < room ? left : room;
}

bool copy_in_pages(void *dst, uint32_t src, uint32_t len, page_view_fn view, void *ctx)
{
	uint8_t *d = dst, *v;

	for (uint32_t n; len; src += n, d += n, len -= n) {
		n = chunk(src, len);
		if (!(v = view(ctx, src)))
			return false;
		memcpy(d, v, n);
	}
	return true;
}

bool copy_out_pages(uint32_t dst, const void *src, uint32_t len, page_view_fn view, void *ctx)
{
	const uint8_t *s = src;
	uint8_t *v;

	for (uint32_t n; len; dst += n, s += n, len -= n) {
		n = chunk(dst, len);
		if (!(v = view(ctx, dst)))
			return false;
		memcpy(v, s, n);
	}
	return true;
}
