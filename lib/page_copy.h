/*P:270 lib/page_copy.h: copying to and from memory that is contiguous only
 * page by page, for the host and for pup alike.
 *
 * Neither kernel dereferences a user address, and the host never
 * dereferences a guest-physical one: each copies through its own mapping
 * of the frame behind it. So the loop is shared and the mapping is not:
 * the caller passes view(ctx, addr), the kernel's address of byte addr,
 * or NULL when there is no frame behind it, and the copy stops there.
 * Next: lib/page_copy.c. */
#ifndef LIB_PAGE_COPY_H
#define LIB_PAGE_COPY_H

#include <stdbool.h>
#include <stdint.h>

typedef uint8_t *(*page_view_fn)(void *ctx, uint32_t addr);

/* True if every chunk had a view; on false, part may have been copied. */
bool copy_in_pages(void *dst, uint32_t src, uint32_t len, page_view_fn view, void *ctx);
bool copy_out_pages(uint32_t dst, const void *src, uint32_t len, page_view_fn view, void *ctx);

#endif
