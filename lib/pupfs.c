/*G:420 lib/pupfs.c: pupfs, blocks and inodes; the one implementation
 * that pup (guest/kernel/pupfs.c) and the host's /var (host/kernel/var.c)
 * both link, each on its own block device (lib/pupfs.h).
 *
 * The format is lib/pupfs_format.h (G:030): a superblock, a table of
 * inodes, a bitmap of used blocks, and data. This half knows blocks:
 * a small cache of them, which are free (the bitmap: block b is bit b % 8
 * of byte b / 8, counting from the first bitmap block, as mkpupfs writes
 * it), which belong to which file (bmap: eleven direct blocks, then trees
 * of indirect blocks one, two and three deep), and how a file's bytes are
 * read, written, and thrown away. A block number read from the disk is
 * checked before it is used: a corrupt disk earns -EIO, not a wild write.
 * Names and directories are the other half, G:440; the check, G:448.
 *
 * The cache holds PUPFS_NBUF blocks. An operation changes blocks in the
 * cache (marking them dirty) and, before it returns, writes every changed
 * block back in block order (pupfs_done): a call that has returned is on
 * the device; one cut off by a power failure may be partly there
 * (docs/storage.md). The core takes no lock: its callers hold one around
 * every call. Next: G:431. */
#include "arch/x86/syscall.h"
#include "lib/format.h"
#include "lib/pupfs.h"
#include "lib/string.h"

#define PUPFS_MIN(a, b)	((a) < (b) ? (a) : (b))

bool pupfs_data_block_ok(const struct pupfs *fs, uint32_t block)
{
	return block >= fs->sb.data_start && block < fs->sb.nblocks;
}

/*G:421 The cache: find a block, or recycle the least recently used free
 * buffer, writing it back first if it was changed. */
static struct pupfs_buf *find_cached(struct pupfs *fs, uint32_t block)
{
	for (uint32_t i = 0; i < PUPFS_NBUF; i++)
		if (fs->bufs[i].valid && fs->bufs[i].block == block)
			return &fs->bufs[i];
	return NULL;
}

static int32_t write_back(struct pupfs *fs, struct pupfs_buf *b)
{
	if (!b->dirty)
		return 0;
	b->dirty = false;
	if (fs->dev.write(fs->dev.ctx, b->block, b->data)) {
		fs->failed = true;
		return -EIO;
	}
	return 0;
}

static struct pupfs_buf *recycle(struct pupfs *fs)
{
	struct pupfs_buf *oldest = NULL;

	for (uint32_t i = 0; i < PUPFS_NBUF; i++)
		if (!fs->bufs[i].refs && (!oldest || fs->bufs[i].last_used < oldest->last_used))
			oldest = &fs->bufs[i];
	if (!oldest || write_back(fs, oldest))
		return NULL;
	oldest->valid = false;
	return oldest;
}

static struct pupfs_buf *hold(struct pupfs *fs, struct pupfs_buf *b)
{
	b->refs++;
	b->last_used = ++fs->clock;
	return b;
}

struct pupfs_buf *pupfs_bread(struct pupfs *fs, uint32_t block)
{
	struct pupfs_buf *b = find_cached(fs, block);

	if (b)
		return hold(fs, b);
	if (block >= fs->dev.nblocks || !(b = recycle(fs)))
		return NULL;
	if (fs->dev.read(fs->dev.ctx, block, b->data))
		return NULL;
	b->block = block;
	b->valid = true;
	return hold(fs, b);
}

/* A block about to be overwritten whole: no read. */
static struct pupfs_buf *bget_zeroed(struct pupfs *fs, uint32_t block)
{
	struct pupfs_buf *b = find_cached(fs, block);

	if (!b && !(b = recycle(fs)))
		return NULL;
	memset(b->data, 0, sizeof(b->data));
	b->block = block;
	b->valid = true;
	b->dirty = true;
	return hold(fs, b);
}

void pupfs_bdirty(struct pupfs_buf *b)
{
	b->dirty = true;
}

void pupfs_brelse(struct pupfs_buf *b)
{
	b->refs--;
}

/* Every changed block back to the device, lowest block first. */
static int32_t write_all(struct pupfs *fs)
{
	int32_t err = 0;

	for (;;) {
		struct pupfs_buf *next = NULL;

		for (uint32_t i = 0; i < PUPFS_NBUF; i++)
			if (fs->bufs[i].dirty && (!next || fs->bufs[i].block < next->block))
				next = &fs->bufs[i];
		if (!next)
			break;
		if (write_back(fs, next))
			err = -EIO;
	}
	if (fs->failed) {
		fs->failed = false;
		err = -EIO;
	}
	return err;
}

int32_t pupfs_done(struct pupfs *fs, int32_t result)
{
	int32_t err = write_all(fs);

	return err ? err : result;
}

int32_t pupfs_sync(struct pupfs *fs)
{
	int32_t err;

	if (!fs->mounted)
		return -ENODEV;
	err = write_all(fs);
	if (!err && fs->dev.flush && fs->dev.flush(fs->dev.ctx))
		err = -EIO;
	return err;
}

/*G:431 Mounting: the superblock must describe a layout that fits the
 * device, in order, with room for every inode it claims, and the root
 * must be a directory. Each field out of range is refused by name. */
static int32_t super_problem(struct pupfs *fs, const struct pupfs_super *s, uint32_t dev_blocks)
{
	uint32_t inode_blocks = (uint32_t)(((uint64_t)s->ninodes + PUPFS_INODES_PER_BLOCK - 1) /
					   PUPFS_INODES_PER_BLOCK);
	uint32_t bitmap_blocks = (s->nblocks + PUPFS_BITS_PER_BLOCK - 1) / PUPFS_BITS_PER_BLOCK;
	char *why = fs->error;
	size_t n = sizeof(fs->error);

	if (s->magic != PUPFS_MAGIC)
		return explain(-EIO, why, n, "no pupfs superblock (magic 0x%x)", s->magic);
	if (s->nblocks > dev_blocks)
		return explain(-EIO, why, n, "superblock: nblocks %u is more than the disk's %u",
			       s->nblocks, dev_blocks);
	if (s->inode_start <= PUPFS_SUPER_BLOCK || s->inode_start >= s->nblocks)
		return explain(-EIO, why, n, "superblock: inode_start %u is outside 2..%u",
			       s->inode_start, s->nblocks);
	if (s->ninodes <= PUPFS_ROOT_INODE)
		return explain(-EIO, why, n, "superblock: ninodes %u leaves no root", s->ninodes);
	if ((uint64_t)s->inode_start + inode_blocks > s->bitmap_start)
		return explain(-EIO, why, n, "superblock: bitmap_start %u is inside the inode "
			       "table (%u inodes from block %u)", s->bitmap_start, s->ninodes,
			       s->inode_start);
	if ((uint64_t)s->bitmap_start + bitmap_blocks > s->data_start)
		return explain(-EIO, why, n, "superblock: data_start %u is inside the bitmap "
			       "(%u blocks from block %u)", s->data_start, bitmap_blocks,
			       s->bitmap_start);
	if (s->data_start >= s->nblocks)
		return explain(-EIO, why, n, "superblock: data_start %u is past the end (%u blocks)",
			       s->data_start, s->nblocks);
	return 0;
}

static int32_t check_root(struct pupfs *fs)
{
	struct pupfs_inode root;

	if (pupfs_inode_read(fs, PUPFS_ROOT_INODE, &root) || root.type != PUPFS_TYPE_DIR)
		return explain(-EIO, fs->error, sizeof(fs->error), "the root inode is not a directory");
	return 0;
}

int32_t pupfs_mount(struct pupfs *fs, const struct pupfs_blockdev *dev)
{
	struct pupfs_buf *b;
	int32_t err;

	memset(fs, 0, sizeof(*fs));
	fs->dev = *dev;
	if (!(b = pupfs_bread(fs, PUPFS_SUPER_BLOCK)))
		return explain(-EIO, fs->error, sizeof(fs->error), "cannot read the superblock");
	memcpy(&fs->sb, b->data, sizeof(fs->sb));
	pupfs_brelse(b);
	if ((err = super_problem(fs, &fs->sb, dev->nblocks)) || (err = check_root(fs)))
		return err;
	fs->mounted = true;
	fs->alloc_hint = fs->sb.data_start;
	return 0;
}

/*G:432 The bitmap. */
static struct pupfs_buf *bitmap_block(struct pupfs *fs, uint32_t block, uint32_t *bit)
{
	*bit = block % PUPFS_BITS_PER_BLOCK;
	return pupfs_bread(fs, fs->sb.bitmap_start + block / PUPFS_BITS_PER_BLOCK);
}

int32_t pupfs_bitmap_set(struct pupfs *fs, uint32_t block, bool used)
{
	uint32_t bit;
	struct pupfs_buf *b = bitmap_block(fs, block, &bit);

	if (!b)
		return -EIO;
	if (used)
		b->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		b->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
	pupfs_bdirty(b);
	pupfs_brelse(b);
	return 0;
}

int32_t pupfs_bitmap_test(struct pupfs *fs, uint32_t block, bool *used)
{
	uint32_t bit;
	struct pupfs_buf *b = bitmap_block(fs, block, &bit);

	if (!b)
		return -EIO;
	*used = (b->data[bit / 8] >> (bit % 8)) & 1;
	pupfs_brelse(b);
	return 0;
}

/* A free data block, marked used; zeroed unless the caller will
 * overwrite all of it. Whole bitmap bytes that are full are skipped. */
static int32_t block_alloc(struct pupfs *fs, bool zero, uint32_t *block)
{
	uint32_t span = fs->sb.nblocks - fs->sb.data_start;
	struct pupfs_buf *b;
	int32_t err;
	bool used;

	for (uint32_t n = 0; n < span; n++) {
		uint32_t candidate = fs->sb.data_start + (fs->alloc_hint - fs->sb.data_start + n) % span;

		if ((err = pupfs_bitmap_test(fs, candidate, &used)))
			return err;
		if (used)
			continue;
		if ((err = pupfs_bitmap_set(fs, candidate, true)))
			return err;
		if (zero) {
			if (!(b = bget_zeroed(fs, candidate)))
				return -EIO;
			pupfs_brelse(b);
		}
		fs->alloc_hint = candidate + 1 < fs->sb.nblocks ? candidate + 1 : fs->sb.data_start;
		*block = candidate;
		return 0;
	}
	return -ENOSPC;
}

static int32_t block_free(struct pupfs *fs, uint32_t block)
{
	return pupfs_data_block_ok(fs, block) ? pupfs_bitmap_set(fs, block, false) : -EIO;
}

/*G:433 Inodes, sixteen to a block. */
static struct pupfs_buf *inode_block(struct pupfs *fs, uint32_t inum, uint32_t *offset)
{
	if (inum == 0 || inum >= fs->sb.ninodes)
		return NULL;
	*offset = (inum % PUPFS_INODES_PER_BLOCK) * sizeof(struct pupfs_inode);
	return pupfs_bread(fs, fs->sb.inode_start + inum / PUPFS_INODES_PER_BLOCK);
}

int32_t pupfs_inode_read(struct pupfs *fs, uint32_t inum, struct pupfs_inode *ino)
{
	uint32_t offset;
	struct pupfs_buf *b = inode_block(fs, inum, &offset);

	if (!b)
		return -EIO;
	memcpy(ino, b->data + offset, sizeof(*ino));
	pupfs_brelse(b);
	return ino->type == PUPFS_TYPE_FREE ? -ENOENT : 0;
}

int32_t pupfs_inode_write(struct pupfs *fs, uint32_t inum, const struct pupfs_inode *ino)
{
	uint32_t offset;
	struct pupfs_buf *b = inode_block(fs, inum, &offset);

	if (!b)
		return -EIO;
	memcpy(b->data + offset, ino, sizeof(*ino));
	pupfs_bdirty(b);
	pupfs_brelse(b);
	return 0;
}

int32_t pupfs_inode_alloc(struct pupfs *fs, uint16_t type, uint32_t *inum)
{
	struct pupfs_inode ino;

	for (uint32_t n = PUPFS_ROOT_INODE + 1; n < fs->sb.ninodes; n++) {
		if (pupfs_inode_read(fs, n, &ino) != -ENOENT)
			continue;
		memset(&ino, 0, sizeof(ino));
		ino.type = type;
		*inum = n;
		return pupfs_inode_write(fs, n, &ino);
	}
	return -ENOSPC;
}

/*G:434 bmap: the disk block that holds block n of a file, or 0 for a
 * hole. Past the direct blocks, n falls in one of three trees (one, two
 * or three levels of indirect blocks); each level's index is a base-256
 * digit of n's place in its tree. With alloc, holes are filled (indirect
 * blocks zeroed; a data block too unless whole says the caller will
 * overwrite it), and the caller writes the inode back, since its block
 * pointers may have changed. */
static uint32_t tree_span(uint32_t levels)
{
	uint32_t span = 1;

	while (levels--)
		span *= PUPFS_NINDIRECT;
	return span;
}

static uint32_t *tree_root(struct pupfs_inode *ino, uint32_t levels)
{
	return levels == 1 ? &ino->indirect : levels == 2 ? &ino->dindirect : &ino->tindirect;
}

static int32_t bmap_slot(struct pupfs *fs, uint32_t *slot, bool alloc, bool zero, uint32_t *block)
{
	int32_t err;

	if (!*slot && alloc && (err = block_alloc(fs, zero, slot)))
		return err;
	if (*slot && !pupfs_data_block_ok(fs, *slot))
		return -EIO;
	*block = *slot;
	return 0;
}

static int32_t bmap_level(struct pupfs *fs, uint32_t at, uint32_t index, bool alloc, bool zero,
			  uint32_t *next)
{
	struct pupfs_buf *b = pupfs_bread(fs, at);
	uint32_t *slots, slot;
	int32_t err;

	if (!b)
		return -EIO;
	slots = (uint32_t *)b->data;
	slot = slots[index];
	err = bmap_slot(fs, &slot, alloc, zero, next);
	if (!err && slot != slots[index]) {
		slots[index] = slot;
		pupfs_bdirty(b);
	}
	pupfs_brelse(b);
	return err;
}

static int32_t bmap(struct pupfs *fs, struct pupfs_inode *ino, uint32_t n, bool alloc,
		    bool whole, uint32_t *block)
{
	uint32_t levels = 1, at;
	int32_t err;

	if (n >= PUPFS_MAX_FILE_BLOCKS)
		return -EFBIG;
	if (n < PUPFS_NDIRECT)
		return bmap_slot(fs, &ino->direct[n], alloc, !whole, block);
	for (n -= PUPFS_NDIRECT; n >= tree_span(levels); levels++)
		n -= tree_span(levels);
	*block = 0;
	if ((err = bmap_slot(fs, tree_root(ino, levels), alloc, true, &at)) || !at)
		return err;
	for (; levels > 0; levels--) {
		uint32_t index = n / tree_span(levels - 1) % PUPFS_NINDIRECT;

		if ((err = bmap_level(fs, at, index, alloc, levels > 1 || !whole, &at)) || !at)
			return err;
	}
	*block = at;
	return 0;
}

/*G:435 A file's bytes. */
static int32_t copy_out(struct pupfs *fs, uint32_t block, uint32_t offset, uint8_t *dst,
			uint32_t n)
{
	struct pupfs_buf *b;

	if (!block) {
		memset(dst, 0, n);
		return 0;
	}
	if (!(b = pupfs_bread(fs, block)))
		return -EIO;
	memcpy(dst, b->data + offset, n);
	pupfs_brelse(b);
	return 0;
}

int32_t pupfs_read_bytes(struct pupfs *fs, uint32_t inum, void *dst, uint32_t off, uint32_t len)
{
	struct pupfs_inode ino;
	uint32_t block, n;
	int32_t err;

	if ((err = pupfs_inode_read(fs, inum, &ino)))
		return err;
	if (off >= ino.size)
		return 0;
	len = PUPFS_MIN(len, ino.size - off);
	for (uint32_t done = 0; done < len; done += n) {
		uint32_t pos = off + done;

		n = PUPFS_MIN(len - done, PUPFS_BLOCK_SIZE - pos % PUPFS_BLOCK_SIZE);
		if ((err = bmap(fs, &ino, pos / PUPFS_BLOCK_SIZE, false, false, &block)) ||
		    (err = copy_out(fs, block, pos % PUPFS_BLOCK_SIZE, (uint8_t *)dst + done, n)))
			return err;
	}
	return (int32_t)len;
}

static int32_t copy_in(struct pupfs *fs, uint32_t block, uint32_t offset, const uint8_t *src,
		       uint32_t n)
{
	struct pupfs_buf *b = n == PUPFS_BLOCK_SIZE ? bget_zeroed(fs, block) : pupfs_bread(fs, block);

	if (!b)
		return -EIO;
	memcpy(b->data + offset, src, n);
	pupfs_bdirty(b);
	pupfs_brelse(b);
	return 0;
}

int32_t pupfs_write_bytes(struct pupfs *fs, uint32_t inum, const void *src, uint32_t off,
			  uint32_t len)
{
	struct pupfs_inode ino;
	uint32_t block, n, done = 0;
	int32_t err;

	if ((err = pupfs_inode_read(fs, inum, &ino)))
		return err;
	if ((uint64_t)off + len > PUPFS_MAX_FILE_BYTES)
		return -EFBIG;
	for (; done < len; done += n) {
		uint32_t pos = off + done;

		n = PUPFS_MIN(len - done, PUPFS_BLOCK_SIZE - pos % PUPFS_BLOCK_SIZE);
		if ((err = bmap(fs, &ino, pos / PUPFS_BLOCK_SIZE, true, n == PUPFS_BLOCK_SIZE,
				&block)) ||
		    (err = copy_in(fs, block, pos % PUPFS_BLOCK_SIZE, (const uint8_t *)src + done, n)))
			break;
	}
	if (off + done > ino.size)
		ino.size = off + done;
	if (pupfs_inode_write(fs, inum, &ino) && !err)
		err = -EIO;
	return done ? (int32_t)done : err;
}

/*G:436 Truncating: every block from the new end on goes back to the
 * bitmap, tree by tree, and an indirect block none of whose blocks is
 * kept goes too. The kept last block's tail is zeroed, so that growing
 * the file again reads zeroes there. */
static int32_t trim_tree(struct pupfs *fs, uint32_t *slot, uint32_t levels, uint32_t from)
{
	uint32_t child = tree_span(levels - 1 + (levels == 0));
	struct pupfs_buf *b;
	int32_t err = 0;

	if (!*slot)
		return 0;
	if (!pupfs_data_block_ok(fs, *slot))
		return -EIO;
	if (levels > 0) {
		uint32_t *slots;

		if (!(b = pupfs_bread(fs, *slot)))
			return -EIO;
		slots = (uint32_t *)b->data;
		for (uint32_t i = from / child; i < PUPFS_NINDIRECT && !err; i++) {
			uint32_t entry = slots[i];

			err = trim_tree(fs, &entry, levels - 1, i * child >= from ? 0 : from - i * child);
			if (entry != slots[i]) {
				slots[i] = entry;
				pupfs_bdirty(b);
			}
		}
		pupfs_brelse(b);
	}
	if (!err && from == 0) {
		err = block_free(fs, *slot);
		*slot = 0;
	}
	return err;
}

static int32_t zero_tail(struct pupfs *fs, struct pupfs_inode *ino, uint32_t size)
{
	uint32_t block, at = size % PUPFS_BLOCK_SIZE;
	struct pupfs_buf *b;
	int32_t err;

	if (!at || (err = bmap(fs, ino, size / PUPFS_BLOCK_SIZE, false, false, &block)) || !block)
		return at ? err : 0;
	if (!(b = pupfs_bread(fs, block)))
		return -EIO;
	memset(b->data + at, 0, PUPFS_BLOCK_SIZE - at);
	pupfs_bdirty(b);
	pupfs_brelse(b);
	return 0;
}

int32_t pupfs_trim(struct pupfs *fs, uint32_t inum, uint32_t size)
{
	uint32_t keep = (uint32_t)(((uint64_t)size + PUPFS_BLOCK_SIZE - 1) / PUPFS_BLOCK_SIZE);
	uint32_t base = PUPFS_NDIRECT;
	struct pupfs_inode ino;
	int32_t err;

	if ((err = pupfs_inode_read(fs, inum, &ino)))
		return err;
	if (size > PUPFS_MAX_FILE_BYTES)
		return -EFBIG;
	for (uint32_t i = keep; i < PUPFS_NDIRECT && !err; i++)
		if (ino.direct[i] && !(err = block_free(fs, ino.direct[i])))
			ino.direct[i] = 0;
	for (uint32_t levels = 1; levels <= 3 && !err; levels++) {
		uint32_t span = tree_span(levels);

		if (keep < base + span)
			err = trim_tree(fs, tree_root(&ino, levels), levels,
					keep > base ? keep - base : 0);
		base += span;
	}
	if (!err && size < ino.size)
		err = zero_tail(fs, &ino, size);
	ino.size = size;
	return pupfs_inode_write(fs, inum, &ino) ? -EIO : err;
}

int32_t pupfs_inode_free(struct pupfs *fs, uint32_t inum)
{
	struct pupfs_inode ino;
	int32_t err = pupfs_trim(fs, inum, 0);

	if (err)
		return err;
	memset(&ino, 0, sizeof(ino));
	return pupfs_inode_write(fs, inum, &ino);
}

/*G:437 The entry points for file data and the disk's use. */
int32_t pupfs_stat(struct pupfs *fs, uint32_t inum, struct pupfs_inode *ino)
{
	return fs->mounted ? pupfs_inode_read(fs, inum, ino) : -ENODEV;
}

int32_t pupfs_read(struct pupfs *fs, uint32_t inum, void *dst, uint32_t off, uint32_t len)
{
	return fs->mounted ? pupfs_read_bytes(fs, inum, dst, off, len) : -ENODEV;
}

static int32_t regular_file(struct pupfs *fs, uint32_t inum)
{
	struct pupfs_inode ino;
	int32_t err = pupfs_inode_read(fs, inum, &ino);

	return err ? err : ino.type == PUPFS_TYPE_DIR ? -EISDIR : 0;
}

int32_t pupfs_write(struct pupfs *fs, uint32_t inum, const void *src, uint32_t off, uint32_t len)
{
	int32_t err;

	if (!fs->mounted)
		return -ENODEV;
	if ((err = regular_file(fs, inum)))
		return err;
	return pupfs_done(fs, pupfs_write_bytes(fs, inum, src, off, len));
}

int32_t pupfs_truncate(struct pupfs *fs, uint32_t inum, uint32_t size)
{
	int32_t err;

	if (!fs->mounted)
		return -ENODEV;
	if ((err = regular_file(fs, inum)))
		return err;
	return pupfs_done(fs, pupfs_trim(fs, inum, size));
}

static int32_t count_free_blocks(struct pupfs *fs, uint32_t *count)
{
	*count = 0;
	for (uint32_t blk = fs->sb.data_start; blk < fs->sb.nblocks;) {
		uint32_t bit;
		struct pupfs_buf *b = bitmap_block(fs, blk, &bit);

		if (!b)
			return -EIO;
		for (; bit < PUPFS_BITS_PER_BLOCK && blk < fs->sb.nblocks; bit++, blk++)
			*count += !((b->data[bit / 8] >> (bit % 8)) & 1);
		pupfs_brelse(b);
	}
	return 0;
}

int32_t pupfs_usage(struct pupfs *fs, struct pupfs_usage *u)
{
	struct pupfs_inode ino;
	int32_t err;

	if (!fs->mounted)
		return -ENODEV;
	u->blocks = fs->sb.nblocks;
	u->inodes = fs->sb.ninodes - 1;
	u->free_inodes = 0;
	for (uint32_t n = PUPFS_ROOT_INODE; n < fs->sb.ninodes; n++) {
		err = pupfs_inode_read(fs, n, &ino);
		if (err && err != -ENOENT)
			return err;
		u->free_inodes += err == -ENOENT;
	}
	return count_free_blocks(fs, &u->free_blocks);
}
