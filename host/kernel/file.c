/*U:230 host/kernel/file.c: descriptors and the open files behind them.
 *
 * A process holds up to PROC_MAX_FDS descriptors, small numbers that
 * index its table of struct file pointers. Several descriptors may share
 * one file: a new process gets a single open /dev/console behind 0, 1
 * and 2. Each file counts its references, and the driver's release runs
 * when the last one goes, whether by close() or by the process exiting.
 * Files come from a fixed pool, so opening and closing never touches the
 * heap. Next: the file system that gives files their names, host/kernel/fs.c
 * (U:240). */
#include "arch/x86/syscall.h"
#include "lib/string.h"
#include "host/kernel/file.h"
#include "host/kernel/console.h"

static struct file pool[FILE_MAX];

struct file *file_alloc(void)
{
	for (uint32_t i = 0; i < FILE_MAX; i++) {
		if (pool[i].refs == 0) {
			memset(&pool[i], 0, sizeof(pool[i]));
			pool[i].refs = 1;
			return &pool[i];
		}
	}
	return NULL;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	BUG_ON(f->refs == 0);
	if (f->refs > 1) {
		f->refs--;
		return;
	}
	if (f->ops && f->ops->release)
		f->ops->release(f);
	f->refs = 0;
}

void file_free_unopened(struct file *f)
{
	BUG_ON(f->refs != 1);
	f->refs = 0;
}

int32_t fd_free_slot(const struct process *p)
{
	for (int32_t fd = 0; fd < PROC_MAX_FDS; fd++)
		if (!p->fds[fd])
			return fd;
	return -EMFILE;
}

/* A driver hands its caller a second file (as /dev/kennel's userfault
 * handle is): a new open file on ops, behind p's lowest free descriptor. */
int32_t fd_install(struct process *p, const struct device_ops *ops, void *private, uint32_t flags)
{
	int32_t fd = fd_free_slot(p);
	struct file *f;

	if (fd < 0)
		return fd;
	if (!(f = file_alloc()))
		return -EMFILE;
	f->ops = ops;
	f->private = private;
	f->flags = flags;
	f->type = K_TYPE_DEVICE;
	p->fds[fd] = f;
	return fd;
}

struct file *fd_lookup(const struct process *p, uint32_t fd)
{
	return fd < PROC_MAX_FDS ? p->fds[fd] : NULL;
}

int32_t fd_close(struct process *p, uint32_t fd)
{
	struct file *f = fd_lookup(p, fd);

	if (!f)
		return -EBADF;
	p->fds[fd] = NULL;
	file_put(f);
	return 0;
}

void fd_close_all(struct process *p)
{
	for (uint32_t fd = 0; fd < PROC_MAX_FDS; fd++)
		if (p->fds[fd])
			fd_close(p, fd);
}

static uint32_t access_mode(const struct file *f)
{
	return f->flags & O_ACCMODE;
}

int32_t file_read(struct file *f, uint32_t ubuf, uint32_t len)
{
	if (access_mode(f) == O_WRONLY)
		return -EBADF;
	if (!f->ops->read)
		return -EINVAL;
	return f->ops->read(f, ubuf, len);
}

int32_t file_write(struct file *f, uint32_t ubuf, uint32_t len)
{
	if (f->type == K_TYPE_FILE && !f->ops->write)
		return -EROFS;	/* a module file */
	if (access_mode(f) == O_RDONLY)
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	return f->ops->write(f, ubuf, len);
}

/* Only files have positions; the result must stay within 0..INT32_MAX. */
int32_t file_seek(struct file *f, int32_t offset, uint32_t whence)
{
	int64_t base;

	if (f->type != K_TYPE_FILE)
		return -ESPIPE;
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = f->offset;
	else if (whence == SEEK_END)
		base = f->size;
	else
		return -EINVAL;
	if (base + offset < 0 || base + offset > INT32_MAX)
		return -EINVAL;
	f->offset = (uint32_t)(base + offset);
	return (int32_t)f->offset;
}

int32_t file_ioctl(struct file *f, uint32_t request, uint32_t uarg)
{
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, request, uarg);
}

/* Only files on /var can be cut or synced; the module files are read-only. */
int32_t file_truncate(struct file *f, uint32_t size)
{
	if (!f->ops->truncate)
		return f->type == K_TYPE_FILE ? -EROFS : -EINVAL;
	if (size > K_FILE_MAX)
		return -EFBIG;
	return f->ops->truncate(f, size);
}

int32_t file_fsync(struct file *f)
{
	return f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
}
