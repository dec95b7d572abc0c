/*G:560 guest/tools/pupfs_image.c: a pupfs image, built in memory.
 *
 * The layout mkpupfs chooses for a disk of nblocks 1 KiB blocks: block 0
 * left for a boot sector, the superblock in block 1, an inode table from
 * block 2 with one inode for every eight blocks (at least 64, in whole
 * blocks of sixteen), then the bitmap, one bit per block of the disk (bit
 * b % 8 of byte b / 8, 1 = used, the order the kernels read, G:432),
 * then data. The root directory, inode 1, holds "." and "..", both itself.
 *
 * Building is append-only: a fresh image never frees anything, so blocks
 * are simply handed out in order, and a file's blocks end up contiguous.
 * Every limit of the format is checked where it bites, with a reason a
 * person can act on: a name longer than 28 bytes, a file bigger than
 * pupfs allows (PUPFS_MAX_FILE_BYTES, just under 2 GiB), a disk too small for
 * what it is given, too many files for the inode table. Next: the
 * command-line tool around it, G:570. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "guest/tools/pupfs_image.h"

#define DIRENT_SIZE	sizeof(struct pupfs_dirent)
#define MAX_FILE_BYTES	PUPFS_MAX_FILE_BYTES

static int fail(struct pupfs_image *img, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(img->error, sizeof(img->error), fmt, ap);
	va_end(ap);
	return -1;
}

static uint8_t *block_at(struct pupfs_image *img, uint32_t block)
{
	return img->data + (size_t)block * PUPFS_BLOCK_SIZE;
}

static struct pupfs_inode *inode_at(struct pupfs_image *img, uint32_t inum)
{
	uint8_t *table = block_at(img, img->sb.inode_start);

	return (struct pupfs_inode *)(table + (size_t)inum * sizeof(struct pupfs_inode));
}

static void mark_used(struct pupfs_image *img, uint32_t block)
{
	uint8_t *bitmap = block_at(img, img->sb.bitmap_start);

	bitmap[block / 8] |= (uint8_t)(1u << (block % 8));
}

static int alloc_block(struct pupfs_image *img, uint32_t *block)
{
	if (img->next_block >= img->sb.nblocks)
		return fail(img, "the disk is full (%u blocks)", img->sb.nblocks);
	*block = img->next_block++;
	mark_used(img, *block);
	return 0;
}

static int alloc_inode(struct pupfs_image *img, uint16_t type, uint32_t *inum)
{
	for (uint32_t n = PUPFS_ROOT_INODE; n < img->sb.ninodes; n++) {
		struct pupfs_inode *ino = inode_at(img, n);

		if (ino->type != PUPFS_TYPE_FREE)
			continue;
		memset(ino, 0, sizeof(*ino));
		ino->type = type;
		*inum = n;
		return 0;
	}
	return fail(img, "out of inodes (%u)", img->sb.ninodes);
}

/*G:561 The block holding byte offset off of a file, made if missing,
 * with any indirect blocks on the way (the trees of G:434: each level's
 * index is a base-256 digit of the block's place in its tree). */
static uint32_t tree_span(uint32_t levels)
{
	uint32_t span = 1;

	while (levels--)
		span *= PUPFS_NINDIRECT;
	return span;
}

static int file_block(struct pupfs_image *img, struct pupfs_inode *ino, uint32_t off,
		      uint32_t *block)
{
	uint32_t n = off / PUPFS_BLOCK_SIZE, levels = 1, *slot;

	if (n >= PUPFS_MAX_FILE_BLOCKS)
		return fail(img, "file bigger than %u bytes", MAX_FILE_BYTES);
	if (n < PUPFS_NDIRECT) {
		slot = &ino->direct[n];
	} else {
		for (n -= PUPFS_NDIRECT; n >= tree_span(levels); levels++)
			n -= tree_span(levels);
		slot = levels == 1 ? &ino->indirect : levels == 2 ? &ino->dindirect : &ino->tindirect;
		for (; levels > 0; levels--) {
			if (!*slot && alloc_block(img, slot))
				return -1;
			slot = (uint32_t *)block_at(img, *slot) + n / tree_span(levels - 1) % PUPFS_NINDIRECT;
		}
	}
	if (!*slot && alloc_block(img, slot))
		return -1;
	*block = *slot;
	return 0;
}

static int append(struct pupfs_image *img, uint32_t inum, const void *bytes, uint32_t size)
{
	struct pupfs_inode *ino = inode_at(img, inum);
	const uint8_t *src = bytes;
	uint32_t block = 0, n;

	if ((uint64_t)ino->size + size > MAX_FILE_BYTES)
		return fail(img, "file bigger than %u bytes", MAX_FILE_BYTES);
	for (uint32_t done = 0; done < size; done += n) {
		uint32_t off = ino->size;

		n = PUPFS_BLOCK_SIZE - off % PUPFS_BLOCK_SIZE;
		n = n < size - done ? n : size - done;
		if (file_block(img, ino, off, &block))
			return -1;
		memcpy(block_at(img, block) + off % PUPFS_BLOCK_SIZE, src + done, n);
		ino->size += n;
	}
	return 0;
}

static int add_entry(struct pupfs_image *img, uint32_t dir, const char *name, uint32_t inum)
{
	struct pupfs_dirent e;
	size_t len = strlen(name);

	if (len == 0 || len > PUPFS_NAME_MAX)
		return fail(img, "name '%s' is %s", name, len ? "longer than 28 bytes" : "empty");
	if (strchr(name, '/'))
		return fail(img, "name '%s' contains a '/'", name);
	memset(&e, 0, sizeof(e));
	e.inode = inum;
	memcpy(e.name, name, len);
	inode_at(img, inum)->nlink++;
	return append(img, dir, &e, DIRENT_SIZE);
}

/*G:562 The three things mkpupfs asks for: an empty file system, a
 * directory, a file. */
int pupfs_format(struct pupfs_image *img, uint8_t *data, uint32_t nblocks)
{
	uint32_t ninodes = nblocks / 8, inode_blocks, bitmap_blocks, root;

	if (nblocks < PUPFS_IMAGE_MIN_BLOCKS)
		return fail(img, "%u KiB is too small for a file system (at least %u)",
			    nblocks, PUPFS_IMAGE_MIN_BLOCKS);
	ninodes = ninodes < 64 ? 64 : ninodes;
	inode_blocks = (ninodes + PUPFS_INODES_PER_BLOCK - 1) / PUPFS_INODES_PER_BLOCK;
	bitmap_blocks = (nblocks + PUPFS_BITS_PER_BLOCK - 1) / PUPFS_BITS_PER_BLOCK;
	memset(data, 0, (size_t)nblocks * PUPFS_BLOCK_SIZE);
	img->data = data;
	img->sb = (struct pupfs_super){
		.magic = PUPFS_MAGIC, .nblocks = nblocks,
		.ninodes = inode_blocks * PUPFS_INODES_PER_BLOCK,
		.inode_start = PUPFS_SUPER_BLOCK + 1,
		.bitmap_start = PUPFS_SUPER_BLOCK + 1 + inode_blocks,
		.data_start = PUPFS_SUPER_BLOCK + 1 + inode_blocks + bitmap_blocks,
	};
	memcpy(block_at(img, PUPFS_SUPER_BLOCK), &img->sb, sizeof(img->sb));
	for (uint32_t b = 0; b < img->sb.data_start; b++)
		mark_used(img, b);
	img->next_block = img->sb.data_start;
	if (alloc_inode(img, PUPFS_TYPE_DIR, &root) || add_entry(img, root, ".", root))
		return -1;
	return add_entry(img, root, "..", root);
}

int pupfs_add_dir(struct pupfs_image *img, uint32_t parent, const char *name,
		  uint32_t *inum)
{
	if (alloc_inode(img, PUPFS_TYPE_DIR, inum) || add_entry(img, *inum, ".", *inum) ||
	    add_entry(img, *inum, "..", parent))
		return -1;
	return add_entry(img, parent, name, *inum);
}

int pupfs_add_file(struct pupfs_image *img, uint32_t parent, const char *name,
		   const void *bytes, uint32_t size)
{
	uint32_t inum;

	if (size > MAX_FILE_BYTES)
		return fail(img, "file bigger than %u bytes (%u)", MAX_FILE_BYTES, size);
	if (alloc_inode(img, PUPFS_TYPE_FILE, &inum) || append(img, inum, bytes, size))
		return -1;
	return add_entry(img, parent, name, inum);
}
