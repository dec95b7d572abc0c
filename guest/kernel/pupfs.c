/*G:430 guest/kernel/pupfs.c: pupfs, blocks and inodes.
 *
 * The format is guest/include/pup/pupfs.h (G:030): a superblock, a table
 * of inodes, a bitmap of used blocks, and data. This half of pup's
 * implementation knows blocks: which are free (the bitmap: block b is bit
 * b % 8 of byte b / 8, counting from the first bitmap block, as mkpupfs
 * writes it), which belong to which file (bmap: twelve direct blocks, then
 * an indirect block of 256 more, so a file holds at most 268 KiB), and how
 * a file's bytes are read, written, and thrown away. A block number read
 * from the disk is checked before it is used: a corrupt disk earns -EIO,
 * not a wild write. Names and directories are the other half, G:440.
 *
 * One sleeping lock, fs_lock, covers the whole file system: an operation
 * may wait for the disk under kennel, and no other process may find the
 * bitmap or a directory half-changed meanwhile. Next: G:440. */
#include "lib/string.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/pupfs.h"

struct sleeplock fs_lock;
static struct pupfs_super sb;
static bool mounted;
static uint32_t alloc_hint;

bool fs_mounted(void)
{
	return mounted;
}

static bool data_block_ok(uint32_t block)
{
	return block >= sb.data_start && block < sb.nblocks;
}

/*G:431 Mounting: the superblock must describe a layout that fits the
 * disk, in order, with room for every inode it claims. */
static const char *super_problem(const struct pupfs_super *s, uint32_t sectors)
{
	uint32_t inode_blocks = (s->ninodes + PUPFS_INODES_PER_BLOCK - 1) / PUPFS_INODES_PER_BLOCK;
	uint32_t bitmap_blocks = (s->nblocks + PUPFS_BITS_PER_BLOCK - 1) / PUPFS_BITS_PER_BLOCK;

	if (s->magic != PUPFS_MAGIC)
		return "no pupfs superblock";
	if ((uint64_t)s->nblocks * PUPFS_SECTORS_PER_BLOCK > sectors)
		return "file system larger than the disk";
	if (s->inode_start <= PUPFS_SUPER_BLOCK || s->ninodes <= PUPFS_ROOT_INODE ||
	    (uint64_t)s->inode_start + inode_blocks > s->bitmap_start ||
	    (uint64_t)s->bitmap_start + bitmap_blocks > s->data_start ||
	    s->data_start >= s->nblocks)
		return "superblock layout out of order";
	return NULL;
}

static int32_t mount_failed(int32_t err, const char *what, uint32_t sectors)
{
	kprintf("pup: disk: %u KiB, %s\n", sectors / 2, what);
	return err;
}

int32_t fs_mount(void)
{
	uint32_t sectors = 0;
	const char *problem;
	struct buf *b;
	int32_t err;

	if ((err = pv.disk_init(&sectors)))
		return mount_failed(err, "no disk", sectors);
	if (!(b = bread(PUPFS_SUPER_BLOCK)))
		return mount_failed(-EIO, "cannot read the superblock", sectors);
	memcpy(&sb, b->data, sizeof(sb));
	brelse(b);
	if ((problem = super_problem(&sb, sectors)))
		return mount_failed(-EIO, problem, sectors);
	mounted = true;
	alloc_hint = sb.data_start;
	kprintf("pup: disk: %u KiB, pupfs with %u blocks and %u inodes\n",
		sectors / 2, sb.nblocks, sb.ninodes);
	return 0;
}

/*G:432 The bitmap. */
static int32_t bitmap_change(uint32_t block, bool used)
{
	struct buf *b = bread(sb.bitmap_start + block / PUPFS_BITS_PER_BLOCK);
	uint32_t bit = block % PUPFS_BITS_PER_BLOCK;
	int32_t err;

	if (!b)
		return -EIO;
	if (used)
		b->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		b->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
	err = bwrite(b);
	brelse(b);
	return err;
}

static int32_t bitmap_test(uint32_t block, bool *used)
{
	struct buf *b = bread(sb.bitmap_start + block / PUPFS_BITS_PER_BLOCK);
	uint32_t bit = block % PUPFS_BITS_PER_BLOCK;

	if (!b)
		return -EIO;
	*used = (b->data[bit / 8] >> (bit % 8)) & 1;
	brelse(b);
	return 0;
}

/* A free data block, marked used and zeroed on the disk. */
static int32_t block_alloc(uint32_t *block)
{
	uint32_t span = sb.nblocks - sb.data_start;
	struct buf *b;
	int32_t err;
	bool used;

	for (uint32_t n = 0; n < span; n++) {
		uint32_t candidate = sb.data_start + (alloc_hint - sb.data_start + n) % span;

		if ((err = bitmap_test(candidate, &used)))
			return err;
		if (used)
			continue;
		if ((err = bitmap_change(candidate, true)))
			return err;
		b = bget_zeroed(candidate);
		err = bwrite(b);
		brelse(b);
		alloc_hint = candidate + 1 < sb.nblocks ? candidate + 1 : sb.data_start;
		*block = candidate;
		return err;
	}
	return -ENOSPC;
}

static int32_t block_free(uint32_t block)
{
	return data_block_ok(block) ? bitmap_change(block, false) : -EIO;
}

/*G:433 Inodes, sixteen to a block. */
static struct buf *inode_block(uint32_t inum, uint32_t *offset)
{
	if (inum == 0 || inum >= sb.ninodes)
		return NULL;
	*offset = (inum % PUPFS_INODES_PER_BLOCK) * sizeof(struct pupfs_inode);
	return bread(sb.inode_start + inum / PUPFS_INODES_PER_BLOCK);
}

int32_t inode_read(uint32_t inum, struct pupfs_inode *ino)
{
	uint32_t offset;
	struct buf *b = inode_block(inum, &offset);

	if (!b)
		return -EIO;
	memcpy(ino, b->data + offset, sizeof(*ino));
	brelse(b);
	return ino->type == PUPFS_TYPE_FREE ? -ENOENT : 0;
}

int32_t inode_write(uint32_t inum, const struct pupfs_inode *ino)
{
	uint32_t offset;
	struct buf *b = inode_block(inum, &offset);
	int32_t err;

	if (!b)
		return -EIO;
	memcpy(b->data + offset, ino, sizeof(*ino));
	err = bwrite(b);
	brelse(b);
	return err;
}

int32_t inode_alloc(uint16_t type, uint32_t *inum)
{
	struct pupfs_inode ino;

	for (uint32_t n = PUPFS_ROOT_INODE + 1; n < sb.ninodes; n++) {
		if (inode_read(n, &ino) != -ENOENT)
			continue;
		memset(&ino, 0, sizeof(ino));
		ino.type = type;
		*inum = n;
		return inode_write(n, &ino);
	}
	return -ENOSPC;
}

/*G:434 bmap: the disk block that holds block n of a file, or 0 for a
 * hole; with alloc, holes are filled, and the caller writes the inode
 * back, since its block pointers may have changed. */
static int32_t bmap_slot(uint32_t *slot, bool alloc, uint32_t *block)
{
	int32_t err;

	if (!*slot && alloc && (err = block_alloc(slot)))
		return err;
	if (*slot && !data_block_ok(*slot))
		return -EIO;
	*block = *slot;
	return 0;
}

static int32_t bmap(struct pupfs_inode *ino, uint32_t n, bool alloc, uint32_t *block)
{
	uint32_t indirect, slot;
	struct buf *b;
	int32_t err;

	if (n < PUPFS_NDIRECT)
		return bmap_slot(&ino->direct[n], alloc, block);
	if (n - PUPFS_NDIRECT >= PUPFS_NINDIRECT)
		return -EFBIG;
	if ((err = bmap_slot(&ino->indirect, alloc, &indirect)) || !indirect) {
		*block = 0;
		return err;
	}
	if (!(b = bread(indirect)))
		return -EIO;
	slot = ((uint32_t *)b->data)[n - PUPFS_NDIRECT];
	err = bmap_slot(&slot, alloc, block);
	if (!err && slot != ((uint32_t *)b->data)[n - PUPFS_NDIRECT]) {
		((uint32_t *)b->data)[n - PUPFS_NDIRECT] = slot;
		err = bwrite(b);
	}
	brelse(b);
	return err;
}

/*G:435 A file's bytes. */
static int32_t copy_out(uint32_t block, uint32_t offset, uint8_t *dst, uint32_t n)
{
	struct buf *b;

	if (!block) {
		memset(dst, 0, n);
		return 0;
	}
	if (!(b = bread(block)))
		return -EIO;
	memcpy(dst, b->data + offset, n);
	brelse(b);
	return 0;
}

int32_t inode_read_bytes(uint32_t inum, void *dst, uint32_t off, uint32_t len)
{
	struct pupfs_inode ino;
	uint32_t block, n;
	int32_t err;

	if ((err = inode_read(inum, &ino)))
		return err;
	if (off >= ino.size)
		return 0;
	len = MIN(len, ino.size - off);
	for (uint32_t done = 0; done < len; done += n) {
		uint32_t pos = off + done;

		n = MIN(len - done, PUPFS_BLOCK_SIZE - pos % PUPFS_BLOCK_SIZE);
		if ((err = bmap(&ino, pos / PUPFS_BLOCK_SIZE, false, &block)) ||
		    (err = copy_out(block, pos % PUPFS_BLOCK_SIZE, (uint8_t *)dst + done, n)))
			return err;
	}
	return (int32_t)len;
}

static int32_t copy_in(uint32_t block, uint32_t offset, const uint8_t *src, uint32_t n)
{
	struct buf *b = bread(block);
	int32_t err;

	if (!b)
		return -EIO;
	memcpy(b->data + offset, src, n);
	err = bwrite(b);
	brelse(b);
	return err;
}

int32_t inode_write_bytes(uint32_t inum, const void *src, uint32_t off, uint32_t len)
{
	struct pupfs_inode ino;
	uint32_t block, n, done = 0;
	int32_t err;

	if ((err = inode_read(inum, &ino)))
		return err;
	if ((uint64_t)off + len > PUPFS_MAX_FILE_BYTES)
		return -EFBIG;
	for (; done < len; done += n) {
		uint32_t pos = off + done;

		n = MIN(len - done, PUPFS_BLOCK_SIZE - pos % PUPFS_BLOCK_SIZE);
		if ((err = bmap(&ino, pos / PUPFS_BLOCK_SIZE, true, &block)) ||
		    (err = copy_in(block, pos % PUPFS_BLOCK_SIZE, (const uint8_t *)src + done, n)))
			break;
	}
	if (off + done > ino.size)
		ino.size = off + done;
	if (inode_write(inum, &ino) && !err)
		err = -EIO;
	return done ? (int32_t)done : err;
}

/*G:436 Truncating to nothing: every block back to the bitmap. */
static int32_t free_indirect(uint32_t indirect)
{
	struct buf *b = bread(indirect);
	int32_t err = 0;

	if (!b)
		return -EIO;
	for (uint32_t i = 0; i < PUPFS_NINDIRECT && !err; i++)
		if (((uint32_t *)b->data)[i])
			err = block_free(((uint32_t *)b->data)[i]);
	brelse(b);
	return err ? err : block_free(indirect);
}

int32_t inode_truncate(uint32_t inum)
{
	struct pupfs_inode ino;
	int32_t err;

	if ((err = inode_read(inum, &ino)))
		return err;
	for (uint32_t i = 0; i < PUPFS_NDIRECT && !err; i++)
		if (ino.direct[i])
			err = block_free(ino.direct[i]);
	if (!err && ino.indirect && data_block_ok(ino.indirect))
		err = free_indirect(ino.indirect);
	memset(ino.direct, 0, sizeof(ino.direct));
	ino.indirect = 0;
	ino.size = 0;
	return inode_write(inum, &ino) ? -EIO : err;
}

int32_t inode_free(uint32_t inum)
{
	struct pupfs_inode ino;
	int32_t err = inode_truncate(inum);

	if (err)
		return err;
	memset(&ino, 0, sizeof(ino));
	return inode_write(inum, &ino);
}

/*G:437 The locked entry points for file data. */
int32_t fs_read(uint32_t inum, void *dst, uint32_t off, uint32_t len)
{
	int32_t r;

	lock(&fs_lock);
	r = mounted ? inode_read_bytes(inum, dst, off, len) : -ENODEV;
	unlock(&fs_lock);
	return r;
}

int32_t fs_write(uint32_t inum, const void *src, uint32_t off, uint32_t len)
{
	int32_t r;

	lock(&fs_lock);
	r = mounted ? inode_write_bytes(inum, src, off, len) : -ENODEV;
	unlock(&fs_lock);
	return r;
}

int32_t fs_truncate(uint32_t inum)
{
	int32_t r;

	lock(&fs_lock);
	r = mounted ? inode_truncate(inum) : -ENODEV;
	unlock(&fs_lock);
	return r;
}

int32_t fs_stat(uint32_t inum, struct pup_stat *st)
{
	struct pupfs_inode ino;
	int32_t r;

	lock(&fs_lock);
	r = mounted ? inode_read(inum, &ino) : -ENODEV;
	unlock(&fs_lock);
	if (r)
		return r;
	st->type = ino.type == PUPFS_TYPE_DIR ? PUP_TYPE_DIR : PUP_TYPE_FILE;
	st->size = ino.size;
	st->inode = inum;
	return 0;
}
