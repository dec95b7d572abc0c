/*G:420 guest/kernel/bcache.c: the block cache.
 *
 * pupfs reads and writes whole 1 KiB blocks (two sectors) through a small
 * cache of NBUF of them, so that the blocks every operation touches (the
 * superblock's neighbours, the inode table, the bitmap, directories) stay
 * in memory. A block is held while in use (refs) and the least recently
 * used free one is recycled. Writes go through at once: there is no
 * journal, and a write that reaches the disk promptly is the simplest
 * promise pup can keep. The disk is the table's (pv.disk_rw): ATA PIO
 * natively, the virtio block device under kennel. The cache is used only
 * under the file system's lock (G:430). Next: G:430. */
#include "lib/string.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"

#define NBUF	32

static struct buf bufs[NBUF];
static uint32_t clock;

static struct buf *find_cached(uint32_t block)
{
	for (uint32_t i = 0; i < NBUF; i++)
		if (bufs[i].valid && bufs[i].block == block)
			return &bufs[i];
	return NULL;
}

static struct buf *recycle(void)
{
	struct buf *oldest = NULL;

	for (uint32_t i = 0; i < NBUF; i++)
		if (!bufs[i].refs && (!oldest || bufs[i].last_used < oldest->last_used))
			oldest = &bufs[i];
	if (!oldest)
		panic("block cache: all %u buffers in use", NBUF);
	oldest->valid = false;
	return oldest;
}

struct buf *bread(uint32_t block)
{
	struct buf *b = find_cached(block);

	if (!b) {
		b = recycle();
		if (pv.disk_rw(block * PUPFS_SECTORS_PER_BLOCK, PUPFS_SECTORS_PER_BLOCK,
			       b->data, false))
			return NULL;
		b->block = block;
		b->valid = true;
	}
	b->refs++;
	b->last_used = ++clock;
	return b;
}

struct buf *bget_zeroed(uint32_t block)
{
	struct buf *b = find_cached(block);

	if (!b)
		b = recycle();
	memset(b->data, 0, sizeof(b->data));
	b->block = block;
	b->valid = true;
	b->refs++;
	b->last_used = ++clock;
	return b;
}

int32_t bwrite(struct buf *b)
{
	return pv.disk_rw(b->block * PUPFS_SECTORS_PER_BLOCK, PUPFS_SECTORS_PER_BLOCK,
			  b->data, true);
}

void brelse(struct buf *b)
{
	BUG_ON(!b->refs);
	b->refs--;
}
