/*U:810 host/kernel/var.c: /var, the host's writable files: pupfs on its
 * disk.
 *
 * The file system is lib/pupfs.c (G:420), the very code pup runs on its
 * own disk; the host gives it a block device (host/kernel/ata.c: two
 * sectors a block, the caller sleeping while the drive works) and one
 * sleeping lock around every call, since a call may wait for the disk
 * and another process may want /var meanwhile. Paths arrive canonical
 * from host/kernel/fs.c and lose their "/var" prefix here: /var/pup.img
 * is pupfs's /pup.img.
 *
 * An open file's private field points at a slot of opens[], holding its
 * inode and whether it was opened O_LOCK: one open file at a time may
 * hold a file so (a Launcher serving a guest's disk from it), and a
 * second is refused with -EBUSY. Bytes move between the user's buffer and
 * pupfs through a bounce buffer under the lock, CHUNK at a time, so a
 * large write is many small pupfs calls, each on the disk when it
 * returns (docs/storage.md says what a power cut can lose). Next: the
 * system calls that reach it, host/kernel/sys_file.c (U:420). */
#include "arch/x86/cpu.h"
#include "lib/pupfs.h"
#include "lib/string.h"
#include "host/kernel/console.h"
#include "host/kernel/disk.h"
#include "host/kernel/file.h"
#include "host/kernel/heap.h"
#include "host/kernel/sched.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/var.h"

#define VAR		"/var"
#define CHUNK		(16 * 1024)
#define VAR_MIN(a, b)	((a) < (b) ? (a) : (b))

struct var_open {
	uint32_t inum;
	bool used, locked;
};

static struct pupfs fs;
static bool busy;
static uint8_t bounce[CHUNK];
static struct var_open opens[FILE_MAX];

_Static_assert(K_FILE_MAX == PUPFS_MAX_FILE_BYTES, "the ABI's file limit is pupfs's");

static void var_lock(void)
{
	uint32_t flags = irq_save();

	while (busy)
		sleep_on(&busy);
	busy = true;
	irq_restore(flags);
}

static int32_t var_unlock(int32_t result)
{
	busy = false;
	wakeup(&busy);
	return result;
}

static int32_t disk_read(void *ctx, uint32_t block, void *buf)
{
	(void)ctx;
	return disk_rw(block * PUPFS_SECTORS_PER_BLOCK, PUPFS_SECTORS_PER_BLOCK, buf, false);
}

static int32_t disk_write(void *ctx, uint32_t block, const void *buf)
{
	(void)ctx;
	return disk_rw(block * PUPFS_SECTORS_PER_BLOCK, PUPFS_SECTORS_PER_BLOCK, (void *)buf, true);
}

static int32_t flush(void *ctx)
{
	(void)ctx;
	return disk_flush();
}

void var_init(void)
{
	struct pupfs_blockdev dev = { .read = disk_read, .write = disk_write, .flush = flush };
	struct pupfs_usage u;

	if (!disk_init())
		return;
	dev.nblocks = disk_sectors() / PUPFS_SECTORS_PER_BLOCK;
	if (pupfs_mount(&fs, &dev)) {
		kprintf("var: disk of %u KiB: %s; /var is not mounted\n", disk_sectors() / 2,
			fs.error);
		return;
	}
	if (pupfs_usage(&fs, &u))
		u.free_blocks = 0;
	kprintf("var: disk of %u KiB mounted on /var: pupfs, %u of %u blocks free, %u inodes\n",
		disk_sectors() / 2, u.free_blocks, u.blocks, u.inodes);
}

bool var_mounted(void)
{
	return fs.mounted;
}

bool var_path(const char *path)
{
	return starts_with(path, VAR) && (path[4] == '\0' || path[4] == '/');
}

/* pupfs's name for a /var path: "/var" is "/", "/var/x" is "/x". */
static const char *inner(const char *path)
{
	return path[4] ? path + 4 : "/";
}

static uint32_t k_type(uint16_t type)
{
	return type == PUPFS_TYPE_DIR ? K_TYPE_DIR : K_TYPE_FILE;
}

int32_t var_stat(const char *path, struct k_stat *st)
{
	struct pupfs_inode ino;
	uint32_t inum;
	int32_t err;

	var_lock();
	if (!(err = pupfs_lookup(&fs, inner(path), &inum)))
		err = pupfs_stat(&fs, inum, &ino);
	var_unlock(0);
	if (err)
		return err;
	st->type = k_type(ino.type);
	st->size = ino.type == PUPFS_TYPE_DIR ? 0 : ino.size;
	return 0;
}

int32_t var_readdir(const char *path, uint32_t index, struct k_dirent *d)
{
	struct pupfs_entry e;
	uint32_t inum;
	int32_t err;

	var_lock();
	if (!(err = pupfs_lookup(&fs, inner(path), &inum)))
		err = pupfs_readdir(&fs, inum, index, &e);
	var_unlock(0);
	if (err)
		return err;
	memset(d, 0, sizeof(*d));
	d->type = k_type(e.type);
	d->size = e.type == PUPFS_TYPE_DIR ? 0 : e.size;
	strlcpy(d->name, e.name, sizeof(d->name));
	return 0;
}

/*U:811 Open files on /var. */
static struct var_open *of(struct file *f)
{
	return f->private;
}

static uint32_t current_size(uint32_t inum)
{
	struct pupfs_inode ino;

	return pupfs_stat(&fs, inum, &ino) ? 0 : ino.size;
}

static int32_t var_file_read(struct file *f, uint32_t ubuf, uint32_t len)
{
	uint32_t done = 0;
	int32_t got = 0;

	var_lock();
	while (done < len) {
		got = pupfs_read(&fs, of(f)->inum, bounce, f->offset, VAR_MIN(len - done, CHUNK));
		if (got <= 0)
			break;
		if (copy_to_user(ubuf + done, bounce, (uint32_t)got)) {
			got = -EFAULT;
			break;
		}
		f->offset += (uint32_t)got;
		done += (uint32_t)got;
	}
	return var_unlock(done ? (int32_t)done : got);
}

static int32_t var_file_write(struct file *f, uint32_t ubuf, uint32_t len)
{
	uint32_t done = 0;
	int32_t put = 0;

	var_lock();
	if (f->flags & O_APPEND)
		f->offset = current_size(of(f)->inum);
	while (done < len) {
		uint32_t n = VAR_MIN(len - done, CHUNK);

		if (copy_from_user(bounce, ubuf + done, n)) {
			put = -EFAULT;
			break;
		}
		put = pupfs_write(&fs, of(f)->inum, bounce, f->offset, n);
		if (put <= 0)
			break;
		f->offset += (uint32_t)put;
		done += (uint32_t)put;
		if ((uint32_t)put < n)
			break;
	}
	f->size = current_size(of(f)->inum);
	return var_unlock(done ? (int32_t)done : put);
}

static int32_t var_file_truncate(struct file *f, uint32_t size)
{
	int32_t err;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	var_lock();
	err = pupfs_truncate(&fs, of(f)->inum, size);
	f->size = current_size(of(f)->inum);
	return var_unlock(err);
}

static int32_t var_file_fsync(struct file *f)
{
	(void)f;
	var_lock();
	return var_unlock(pupfs_sync(&fs));
}

static void var_file_release(struct file *f)
{
	of(f)->used = false;
}

static const struct device_ops var_file_ops = {
	.read = var_file_read,
	.write = var_file_write,
	.truncate = var_file_truncate,
	.fsync = var_file_fsync,
	.release = var_file_release,
};

static struct var_open *open_slot(uint32_t inum, bool locked, int32_t *err)
{
	struct var_open *free = NULL;

	for (uint32_t i = 0; i < FILE_MAX; i++) {
		if (!opens[i].used && !free)
			free = &opens[i];
		if (opens[i].used && opens[i].inum == inum && opens[i].locked && locked) {
			*err = -EBUSY;
			return NULL;
		}
	}
	if (!free) {
		*err = -EMFILE;
		return NULL;
	}
	*free = (struct var_open){ .inum = inum, .used = true, .locked = locked };
	return free;
}

static int32_t find_or_make(const char *path, uint32_t flags, uint32_t *inum)
{
	int32_t err = pupfs_lookup(&fs, path, inum);

	if (err == -ENOENT && (flags & O_CREAT))
		err = pupfs_create(&fs, path, PUPFS_TYPE_FILE, inum);
	return err;
}

static int32_t open_locked(const char *path, uint32_t flags, struct file *f)
{
	struct pupfs_inode ino;
	struct var_open *slot;
	bool writing = (flags & O_ACCMODE) != O_RDONLY;
	uint32_t inum;
	int32_t err;

	if ((err = find_or_make(path, flags, &inum)) || (err = pupfs_stat(&fs, inum, &ino)))
		return err;
	if (ino.type == PUPFS_TYPE_DIR)
		return -EISDIR;
	if (!(slot = open_slot(inum, flags & O_LOCK, &err)))
		return err;
	if (writing && (flags & O_TRUNC) && (err = pupfs_truncate(&fs, inum, 0))) {
		slot->used = false;
		return err;
	}
	f->ops = &var_file_ops;
	f->private = slot;
	f->type = K_TYPE_FILE;
	f->flags = flags;
	f->size = current_size(inum);
	return 0;
}

int32_t var_open(const char *path, uint32_t flags, struct file *f)
{
	var_lock();
	return var_unlock(open_locked(inner(path), flags, f));
}

/*U:812 Names. */
int32_t var_unlink(const char *path)
{
	var_lock();
	return var_unlock(pupfs_unlink(&fs, inner(path)));
}

int32_t var_mkdir(const char *path)
{
	uint32_t inum;

	var_lock();
	return var_unlock(pupfs_create(&fs, inner(path), PUPFS_TYPE_DIR, &inum));
}

int32_t var_rmdir(const char *path)
{
	var_lock();
	return var_unlock(pupfs_rmdir(&fs, inner(path)));
}

int32_t var_rename(const char *from, const char *to)
{
	var_lock();
	return var_unlock(pupfs_rename(&fs, inner(from), inner(to)));
}

int32_t var_statfs(struct k_statfs *st)
{
	struct pupfs_usage u;
	int32_t err;

	var_lock();
	err = var_unlock(pupfs_usage(&fs, &u));
	if (err)
		return err;
	*st = (struct k_statfs){
		.block_size = PUPFS_BLOCK_SIZE, .blocks = u.blocks, .free_blocks = u.free_blocks,
		.inodes = u.inodes, .free_inodes = u.free_inodes,
	};
	return 0;
}

/*U:813 fsck of the mounted /var: the check's scratch memory comes from
 * the heap, and each problem is a console line. */
static void report(void *ctx, const char *problem)
{
	(void)ctx;
	kprintf("fsck: /var: %s\n", problem);
}

int32_t var_check(bool repair)
{
	void *scratch;
	int32_t n;

	if (!fs.mounted)
		return -ENODEV;
	if (!(scratch = kmalloc(pupfs_check_scratch_bytes(&fs))))
		return -ENOMEM;
	var_lock();
	n = var_unlock(pupfs_check(&fs, repair, report, NULL, scratch));
	kfree(scratch);
	return n;
}
