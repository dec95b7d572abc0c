/*G:430 guest/kernel/pupfs.c: pup's side of pupfs.
 *
 * The file system itself is lib/pupfs.c (G:420), shared with the host's
 * /var; pup gives it a block device, the disk behind the table's
 * disk_rw (ATA PIO natively, G:410; the virtio block device under
 * kennel), two sectors a block, and one sleeping lock, fs_lock, around
 * every call: an operation may wait for the disk under kennel, and no
 * other process may find the bitmap or a directory half-changed
 * meanwhile. The fs_* calls are what pup's system calls use (fs.h).
 * Next: path names, G:445. */
#include "lib/pupfs.h"
#include "lib/string.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"

static struct sleeplock fs_lock;
static struct pupfs fs;

static int32_t disk_read(void *ctx, uint32_t block, void *buf)
{
	(void)ctx;
	return pv.disk_rw(block * PUPFS_SECTORS_PER_BLOCK, PUPFS_SECTORS_PER_BLOCK, buf, false);
}

static int32_t disk_write(void *ctx, uint32_t block, const void *buf)
{
	(void)ctx;
	return pv.disk_rw(block * PUPFS_SECTORS_PER_BLOCK, PUPFS_SECTORS_PER_BLOCK, (void *)buf,
			  true);
}

static int32_t mount_failed(int32_t err, const char *what, uint32_t sectors)
{
	kprintf("pup: disk: %u KiB, %s\n", sectors / 2, what);
	return err;
}

int32_t fs_mount(void)
{
	struct pupfs_blockdev dev = { .read = disk_read, .write = disk_write };
	uint32_t sectors = 0;
	int32_t err;

	if ((err = pv.disk_init(&sectors)))
		return mount_failed(err, "no disk", sectors);
	dev.nblocks = sectors / PUPFS_SECTORS_PER_BLOCK;
	lock(&fs_lock);
	err = pupfs_mount(&fs, &dev);
	unlock(&fs_lock);
	if (err)
		return mount_failed(err, fs.error, sectors);
	kprintf("pup: disk: %u KiB, pupfs with %u blocks and %u inodes\n",
		sectors / 2, fs.sb.nblocks, fs.sb.ninodes);
	return 0;
}

int32_t fs_lookup(const char *path, uint32_t *inum)
{
	int32_t err;

	lock(&fs_lock);
	err = pupfs_lookup(&fs, path, inum);
	unlock(&fs_lock);
	return err;
}

int32_t fs_read(uint32_t inum, void *dst, uint32_t off, uint32_t len)
{
	int32_t r;

	lock(&fs_lock);
	r = pupfs_read(&fs, inum, dst, off, len);
	unlock(&fs_lock);
	return r;
}

int32_t fs_write(uint32_t inum, const void *src, uint32_t off, uint32_t len)
{
	int32_t r;

	lock(&fs_lock);
	r = pupfs_write(&fs, inum, src, off, len);
	unlock(&fs_lock);
	return r;
}

int32_t fs_truncate(uint32_t inum)
{
	int32_t r;

	lock(&fs_lock);
	r = pupfs_truncate(&fs, inum, 0);
	unlock(&fs_lock);
	return r;
}

int32_t fs_stat(uint32_t inum, struct pup_stat *st)
{
	struct pupfs_inode ino;
	int32_t r;

	lock(&fs_lock);
	r = pupfs_stat(&fs, inum, &ino);
	unlock(&fs_lock);
	if (r)
		return r;
	st->type = ino.type == PUPFS_TYPE_DIR ? PUP_TYPE_DIR : PUP_TYPE_FILE;
	st->size = ino.size;
	st->inode = inum;
	return 0;
}

int32_t fs_create(const char *path, uint16_t type, uint32_t *inum)
{
	int32_t err;

	lock(&fs_lock);
	err = pupfs_create(&fs, path, type, inum);
	unlock(&fs_lock);
	return err;
}

int32_t fs_unlink(const char *path)
{
	int32_t err;

	lock(&fs_lock);
	err = pupfs_unlink(&fs, path);
	unlock(&fs_lock);
	return err;
}

int32_t fs_rmdir(const char *path)
{
	int32_t err;

	lock(&fs_lock);
	err = pupfs_rmdir(&fs, path);
	unlock(&fs_lock);
	return err;
}

int32_t fs_readdir(uint32_t dir, uint32_t index, struct pup_dirent *de)
{
	struct pupfs_entry e;
	int32_t err;

	lock(&fs_lock);
	err = pupfs_readdir(&fs, dir, index, &e);
	unlock(&fs_lock);
	if (err)
		return err;
	de->type = e.type == PUPFS_TYPE_DIR ? PUP_TYPE_DIR : PUP_TYPE_FILE;
	de->size = e.size;
	memset(de->name, 0, sizeof(de->name));
	memcpy(de->name, e.name, PUPFS_NAME_MAX);
	return 0;
}
