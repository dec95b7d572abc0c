/*G:448 lib/pupfs_check.c: fsck, the check of a whole pupfs.
 *
 * A power cut can stop an operation with some of its blocks written and
 * others not (G:420, docs/storage.md), and a disk can simply be corrupt.
 * The check reads everything and compares what the pieces say of each
 * other, in three passes:
 *
 *   1. every inode in use: a known type, a size within the limit, and
 *      every block number it holds (direct, and all through its trees)
 *      inside the data area and claimed by no other inode; a block
 *      claimed twice is cross-linked, and the second claim is cut;
 *   2. every directory: each entry names an inode in use (or is cleared),
 *      and is counted; each directory's ".." must lead up to the root
 *      (else a loop);
 *   3. link counts against those counts (an inode no entry names is an
 *      orphan, and freed), and the bitmap against the claims (a block
 *      used but free in the bitmap is marked; one marked but unclaimed is
 *      leaked, and freed).
 *
 * Each problem is one line given to report, naming the inode, block or
 * entry; with repair, the line says what was done. The caller lends the
 * scratch memory (pupfs_check_scratch_bytes), since the core allocates
 * nothing. Next: pup's side of the file system, guest/kernel/pupfs.c. */
#include "arch/x86/syscall.h"
#include "lib/format.h"
#include "lib/pupfs.h"
#include "lib/string.h"

struct check {
	struct pupfs *fs;
	bool repair;
	pupfs_report_fn report;
	void *ctx;
	uint8_t *claimed;		/* a bit per block: some inode has it */
	uint16_t *names;		/* per inode: entries naming it */
	uint16_t *own;			/* per inode: those not "." or ".." */
	uint32_t problems;
	int32_t err;
};

__attribute__((format(printf, 2, 3)))
static void problem(struct check *c, const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->repair && n > 0 && (size_t)n < sizeof(line))
		strlcpy(line + n, ": repaired", sizeof(line) - (size_t)n);
	c->problems++;
	c->report(c->ctx, line);
}

static bool test_bit(const uint8_t *bits, uint32_t n)
{
	return (bits[n / 8] >> (n % 8)) & 1;
}

static void set_bit(uint8_t *bits, uint32_t n)
{
	bits[n / 8] |= (uint8_t)(1u << (n % 8));
}

/*G:449 Pass 1: a block number is good if it is in the data area and
 * not claimed already; a bad one is reported and, with repair, cut
 * (the file gets a hole). Trees are followed down to their data. */
static bool claim(struct check *c, uint32_t inum, uint32_t *slot)
{
	if (!*slot)
		return false;
	if (!pupfs_data_block_ok(c->fs, *slot))
		problem(c, "inode %u: block %u is outside the data area", inum, *slot);
	else if (test_bit(c->claimed, *slot))
		problem(c, "inode %u: block %u is cross-linked (another inode has it)", inum, *slot);
	else {
		set_bit(c->claimed, *slot);
		return true;
	}
	if (c->repair)
		*slot = 0;
	return false;
}

static void claim_tree(struct check *c, uint32_t inum, uint32_t *slot, uint32_t levels)
{
	struct pupfs_buf *b;

	if (!claim(c, inum, slot) || levels == 0)
		return;
	if (!(b = pupfs_bread(c->fs, *slot))) {
		c->err = -EIO;
		return;
	}
	for (uint32_t i = 0; i < PUPFS_NINDIRECT; i++) {
		uint32_t entry = ((uint32_t *)b->data)[i];

		claim_tree(c, inum, &entry, levels - 1);
		if (entry != ((uint32_t *)b->data)[i]) {
			((uint32_t *)b->data)[i] = entry;
			pupfs_bdirty(b);
		}
	}
	pupfs_brelse(b);
}

static void check_inode(struct check *c, uint32_t inum)
{
	struct pupfs_inode ino, before;
	int32_t err = pupfs_inode_read(c->fs, inum, &ino);

	if (err) {
		c->err = err == -ENOENT ? 0 : err;
		return;
	}
	before = ino;
	if (ino.type != PUPFS_TYPE_FILE && ino.type != PUPFS_TYPE_DIR) {
		problem(c, "inode %u: unknown type %u", inum, ino.type);
		if (c->repair)
			memset(&ino, 0, sizeof(ino));
	} else {
		if (ino.size > PUPFS_MAX_FILE_BYTES) {
			problem(c, "inode %u: size %u is over the limit", inum, ino.size);
			ino.size = c->repair ? PUPFS_MAX_FILE_BYTES : ino.size;
		}
		for (uint32_t i = 0; i < PUPFS_NDIRECT; i++)
			claim(c, inum, &ino.direct[i]);
		claim_tree(c, inum, &ino.indirect, 1);
		claim_tree(c, inum, &ino.dindirect, 2);
		claim_tree(c, inum, &ino.tindirect, 3);
	}
	if (memcmp(&ino, &before, sizeof(ino)))
		pupfs_inode_write(c->fs, inum, &ino);
}

/*G:452 Pass 2: directories. An entry naming a free inode (or none that
 * can exist) is cleared; the others are counted for pass 3. */
static uint32_t up(struct pupfs *fs, uint32_t dir)
{
	struct pupfs_dirent e;

	if (pupfs_read_bytes(fs, dir, &e, sizeof(e), sizeof(e)) != (int32_t)sizeof(e) ||
	    memcmp(e.name, "..", 3))
		return 0;
	return e.inode;
}

static void check_entry(struct check *c, uint32_t dir, uint32_t i, struct pupfs_dirent *e)
{
	struct pupfs_inode ino;
	char name[PUPFS_NAME_MAX + 1];

	memcpy(name, e->name, PUPFS_NAME_MAX);
	name[PUPFS_NAME_MAX] = '\0';
	if (e->inode < c->fs->sb.ninodes && !pupfs_inode_read(c->fs, e->inode, &ino)) {
		c->names[e->inode]++;
		c->own[e->inode] += strcmp(name, ".") && strcmp(name, "..");
		return;
	}
	problem(c, "directory %u: entry '%s' names inode %u, which is not in use", dir, name,
		e->inode);
	if (c->repair) {
		memset(e, 0, sizeof(*e));
		pupfs_write_bytes(c->fs, dir, e, i * sizeof(*e), sizeof(*e));
	}
}

static void check_dir(struct check *c, uint32_t dir)
{
	struct pupfs_inode ino;
	struct pupfs_dirent e;
	uint32_t at = dir;

	if (pupfs_inode_read(c->fs, dir, &ino) || ino.type != PUPFS_TYPE_DIR)
		return;
	for (uint32_t i = 0; i < ino.size / sizeof(e); i++) {
		if (pupfs_read_bytes(c->fs, dir, &e, i * sizeof(e), sizeof(e)) != (int32_t)sizeof(e)) {
			problem(c, "directory %u: entry %u cannot be read", dir, i);
			return;
		}
		if (e.inode)
			check_entry(c, dir, i, &e);
	}
	for (uint32_t depth = 0; at && at != PUPFS_ROOT_INODE; depth++) {
		if (depth > c->fs->sb.ninodes) {
			problem(c, "directory %u: its \"..\" never reaches the root (a loop)", dir);
			return;
		}
		at = up(c->fs, at);
	}
	if (!at)
		problem(c, "directory %u: no \"..\" leading to the root", dir);
}

/*G:453 Pass 3: link counts, then the bitmap. */
/* An orphan about to be freed gives its blocks back to the claims. */
static void unclaim_tree(struct check *c, uint32_t block, uint32_t levels)
{
	struct pupfs_buf *b;

	if (!pupfs_data_block_ok(c->fs, block))
		return;
	c->claimed[block / 8] &= (uint8_t)~(1u << (block % 8));
	if (levels == 0 || !(b = pupfs_bread(c->fs, block)))
		return;
	for (uint32_t i = 0; i < PUPFS_NINDIRECT; i++)
		unclaim_tree(c, ((uint32_t *)b->data)[i], levels - 1);
	pupfs_brelse(b);
}

static void free_orphan(struct check *c, uint32_t inum, const struct pupfs_inode *ino)
{
	for (uint32_t i = 0; i < PUPFS_NDIRECT; i++)
		unclaim_tree(c, ino->direct[i], 0);
	unclaim_tree(c, ino->indirect, 1);
	unclaim_tree(c, ino->dindirect, 2);
	unclaim_tree(c, ino->tindirect, 3);
	pupfs_inode_free(c->fs, inum);
}

static void check_links(struct check *c, uint32_t inum)
{
	struct pupfs_inode ino;

	if (pupfs_inode_read(c->fs, inum, &ino))
		return;
	if (ino.type == PUPFS_TYPE_DIR && c->own[inum] > 1)
		problem(c, "directory %u: has %u names (a directory may have one: a loop)", inum,
			c->own[inum]);
	if (ino.nlink == c->names[inum])
		return;
	if (!c->names[inum]) {
		problem(c, "inode %u: no entry names it (an orphan)", inum);
		if (c->repair)
			free_orphan(c, inum, &ino);
		return;
	}
	problem(c, "inode %u: nlink %u, but %u entries name it", inum, ino.nlink, c->names[inum]);
	ino.nlink = c->names[inum];
	if (c->repair)
		pupfs_inode_write(c->fs, inum, &ino);
}

static void check_bitmap(struct check *c)
{
	uint32_t leaked = 0;
	bool used;

	for (uint32_t b = 0; b < c->fs->sb.nblocks && !c->err; b++) {
		bool wanted = b < c->fs->sb.data_start || test_bit(c->claimed, b);

		if ((c->err = pupfs_bitmap_test(c->fs, b, &used)) || used == wanted)
			continue;
		if (wanted)
			problem(c, "block %u: in use, but free in the bitmap", b);
		else
			leaked++;
		if (c->repair)
			pupfs_bitmap_set(c->fs, b, wanted);
	}
	if (leaked)
		problem(c, "bitmap: %u blocks marked used that no inode has (leaked)", leaked);
}

uint32_t pupfs_check_scratch_bytes(const struct pupfs *fs)
{
	return (fs->sb.nblocks + 7) / 8 + 2 * fs->sb.ninodes * (uint32_t)sizeof(uint16_t);
}

int32_t pupfs_check(struct pupfs *fs, bool repair, pupfs_report_fn report, void *ctx,
		    void *scratch)
{
	struct check c = {
		.fs = fs, .repair = repair, .report = report, .ctx = ctx,
		.names = scratch, .own = (uint16_t *)scratch + fs->sb.ninodes,
		.claimed = (uint8_t *)scratch + 2 * fs->sb.ninodes * sizeof(uint16_t),
	};
	uint32_t n = fs->sb.ninodes;

	if (!fs->mounted)
		return -ENODEV;
	memset(scratch, 0, pupfs_check_scratch_bytes(fs));
	for (uint32_t i = PUPFS_ROOT_INODE; i < n && !c.err; i++)
		check_inode(&c, i);
	for (uint32_t i = PUPFS_ROOT_INODE; i < n && !c.err; i++)
		check_dir(&c, i);
	for (uint32_t i = PUPFS_ROOT_INODE; i < n && !c.err; i++)
		check_links(&c, i);
	if (!c.err)
		check_bitmap(&c);
	c.err = pupfs_done(fs, c.err);
	return c.err ? c.err : (int32_t)c.problems;
}
