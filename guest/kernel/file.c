/*G:450 guest/kernel/file.c: open files and file descriptors.
 *
 * An open file (struct file) says what it is (the console, /dev/null, a
 * pupfs file or directory), where the next read or write goes, and how
 * it was opened. A descriptor is a slot of a process's files[] pointing
 * at one; fork copies the slots, so parent and child share the open file
 * and its offset, as on Unix. A file lives while a descriptor holds it
 * (refs). A pupfs file that is open cannot be unlinked (-EBUSY): pup
 * keeps no in-memory inodes to outlive their names. Next: G:455. */
#include "guest/kernel/console.h"
#include "guest/kernel/file.h"
#include "guest/kernel/kernel.h"

#define NFILE	128

static struct file files[NFILE];

struct file *file_open_kind(enum file_kind kind, uint32_t inum, uint32_t flags)
{
	for (uint32_t i = 0; i < NFILE; i++) {
		if (files[i].refs)
			continue;
		files[i] = (struct file){ .kind = kind, .refs = 1, .inum = inum, .flags = flags };
		return &files[i];
	}
	return NULL;
}

void file_hold(struct file *f)
{
	f->refs++;
}

/* The last release of a pipe's end closes that end (G:830). */
void file_release(struct file *f)
{
	BUG_ON(!f->refs);
	if (--f->refs == 0 && f->kind == FILE_PIPE)
		pipe_close(f->pipe, (f->flags & O_ACCMODE) == O_WRONLY);
}

bool file_in_use(uint32_t inum)
{
	for (uint32_t i = 0; i < NFILE; i++)
		if (files[i].refs && files[i].kind == FILE_INODE && files[i].inum == inum)
			return true;
	return false;
}

/*G:451 Descriptors: the lowest free slot, as on Unix. */
int32_t fd_install(struct proc *p, struct file *f)
{
	for (int32_t fd = 0; fd < NOFILE; fd++) {
		if (p->files[fd])
			continue;
		p->files[fd] = f;
		return fd;
	}
	return -EMFILE;
}

struct file *fd_get(struct proc *p, int32_t fd)
{
	return fd >= 0 && fd < NOFILE ? p->files[fd] : NULL;
}

int32_t fd_close(struct proc *p, int32_t fd)
{
	struct file *f = fd_get(p, fd);

	if (!f)
		return -EBADF;
	file_release(f);
	p->files[fd] = NULL;
	return 0;
}

void fds_copy(struct proc *to, struct proc *from)
{
	for (int32_t fd = 0; fd < NOFILE; fd++) {
		to->files[fd] = from->files[fd];
		if (to->files[fd])
			file_hold(to->files[fd]);
	}
}

void fds_close_all(struct proc *p)
{
	for (int32_t fd = 0; fd < NOFILE; fd++)
		if (p->files[fd])
			fd_close(p, fd);
}

/* Standard input, output and error: one open console file, three times. */
int32_t fds_open_console(struct proc *p)
{
	struct file *f = file_open_kind(FILE_CONSOLE, 0, O_RDWR);

	if (!f)
		return -EMFILE;
	for (int32_t fd = 0; fd < 3; fd++) {
		if (fd)
			file_hold(f);
		p->files[fd] = f;
	}
	return 0;
}
