/* guest/tools/pupfs_image.h: building a pupfs image in memory
 * (pupfs_image.c, G:560). Pure logic: no files, no allocation; the unit
 * test tests/unit/test_mkpupfs.c drives it on a buffer. */
#ifndef GUEST_TOOLS_PUPFS_IMAGE_H
#define GUEST_TOOLS_PUPFS_IMAGE_H

#include <stdint.h>
#include "lib/pupfs_format.h"

#define PUPFS_IMAGE_MIN_BLOCKS	64u

struct pupfs_image {
	uint8_t *data;			/* nblocks * PUPFS_BLOCK_SIZE bytes */
	struct pupfs_super sb;
	uint32_t next_block;		/* blocks are handed out in order */
	char error[128];		/* why the last call failed */
};

/* Each returns 0, or -1 with the reason in img->error. */
int pupfs_format(struct pupfs_image *img, uint8_t *data, uint32_t nblocks);
int pupfs_add_dir(struct pupfs_image *img, uint32_t parent, const char *name,
		  uint32_t *inum);
int pupfs_add_file(struct pupfs_image *img, uint32_t parent, const char *name,
		   const void *bytes, uint32_t size);

#endif
