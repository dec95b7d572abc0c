/*P:270 lib/page_copy.h: copying to and from a program's memory, page by
 * page, for the host and for pup alike.
 *
 * Neither kernel dereferences a user address: each copies through its own
 * mapping of the frame behind it. So the loop is shared and the mapping is
 * not: the caller passes view(va), the kernel's address of user byte va,
 * and must already have checked that every page of the range is there.
 * Next: lib/page_copy.c. */
#ifndef LIB_PAGE_COPY_H
#define LIB_PAGE_COPY_H

#include <stdint.h>

typedef uint8_t *(*user_view_fn)(uint32_t va);

void copy_in_pages(void *dst, uint32_t usrc, uint32_t len, user_view_fn view);
void copy_out_pages(uint32_t udst, const void *src, uint32_t len, user_view_fn view);

#endif
