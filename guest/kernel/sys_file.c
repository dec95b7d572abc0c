/*G:460 guest/kernel/sys_file.c: the system calls about files.
 *
 * Every path a program passes is copied in, checked, and made absolute
 * and canonical against the process's current directory (path.c) before
 * anything else; then /dev (devfs.c) is asked first and pupfs second.
 * Every buffer is checked whole before the call does anything (a call
 * that fails with -EFAULT has changed nothing), then copied in pieces
 * through a small buffer on the kernel stack.
 *
 * Reads and writes move the open file's offset; O_APPEND writes go to
 * the end whatever the offset says; O_TRUNC empties a file opened for
 * writing; O_CREAT makes a missing file. A console read returns at most
 * one line. seek is for pupfs files only (-ESPIPE otherwise), and may go
 * past the end: a later write there leaves a hole that reads as zeroes.
 * pipe makes a pipe (G:830) and returns its two ends as descriptors;
 * dup2 makes one descriptor another's copy (the shell's redirections and
 * pipelines, G:860); rmdir removes an empty directory. Next: how pup
 * starts, G:500. */
#include "lib/string.h"
#include "guest/kernel/console.h"
#include "guest/kernel/devfs.h"
#include "guest/kernel/file.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/syscall.h"
#include "guest/kernel/usercopy.h"

#define CHUNK	512

static int32_t user_path(uint32_t upath, char *out)
{
	char raw[PUP_PATH_MAX];
	int32_t err = copy_string_from_user(raw, upath, sizeof(raw));

	return err < 0 ? err : path_resolve(current->cwd, raw, out);
}

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/*G:461 Reading and writing, by kind of file. */
static int32_t read_file(struct file *f, char *buf, uint32_t len)
{
	int32_t got;

	if (f->kind == FILE_CONSOLE)
		return console_read(buf, len);
	if (f->kind == FILE_PIPE)
		return pipe_read(f->pipe, buf, len);
	if (f->kind == FILE_NULL)
		return 0;
	if (f->kind == FILE_DIR)
		return -EISDIR;
	got = fs_read(f->inum, buf, f->offset, len);
	if (got > 0)
		f->offset += (uint32_t)got;
	return got;
}

static int32_t write_file(struct file *f, const char *buf, uint32_t len)
{
	struct pup_stat st;
	int32_t done;

	if (f->kind == FILE_PIPE)
		return pipe_write(f->pipe, buf, len);
	if (f->kind == FILE_CONSOLE)
		console_write(buf, len);
	if (f->kind == FILE_CONSOLE || f->kind == FILE_NULL)
		return (int32_t)len;
	if (f->kind == FILE_DIR)
		return -EISDIR;
	if ((f->flags & PUP_O_APPEND) && !fs_stat(f->inum, &st))
		f->offset = st.size;
	done = fs_write(f->inum, buf, f->offset, len);
	if (done > 0)
		f->offset += (uint32_t)done;
	return done;
}

int32_t sys_read(void)
{
	struct file *f = fd_get(current, (int32_t)syscall_arg(0));
	uint32_t ubuf = syscall_arg(1), len = syscall_arg(2), done = 0;
	char chunk[CHUNK];
	int32_t n = 0;

	if (!f || !can_read(f))
		return -EBADF;
	if (user_check(ubuf, len, true))
		return -EFAULT;
	while (done < len) {
		uint32_t want = MIN(len - done, CHUNK);

		if ((n = read_file(f, chunk, want)) <= 0)
			break;
		copy_to_user(ubuf + done, chunk, (uint32_t)n);
		done += (uint32_t)n;
		if ((uint32_t)n < want)
			break;
	}
	return done ? (int32_t)done : n;
}

int32_t sys_write(void)
{
	struct file *f = fd_get(current, (int32_t)syscall_arg(0));
	uint32_t ubuf = syscall_arg(1), len = syscall_arg(2), done = 0;
	char chunk[CHUNK];
	int32_t n = 0;

	if (!f || !can_write(f))
		return -EBADF;
	if (user_check(ubuf, len, false))
		return -EFAULT;
	while (done < len) {
		uint32_t want = MIN(len - done, CHUNK);

		copy_from_user(chunk, ubuf + done, want);
		if ((n = write_file(f, chunk, want)) <= 0)
			break;
		done += (uint32_t)n;
		if ((uint32_t)n < want)
			break;
	}
	return done ? (int32_t)done : n;
}

/*G:462 Opening. */
static int32_t open_inode(const char *path, uint32_t flags, uint32_t *inum,
			  enum file_kind *kind)
{
	struct pup_stat st;
	int32_t err = fs_lookup(path, inum);

	if (err == -ENOENT && (flags & PUP_O_CREAT))
		err = fs_create(path, PUPFS_TYPE_FILE, inum);
	if (!err)
		err = fs_stat(*inum, &st);
	if (err)
		return err;
	*kind = st.type == PUP_TYPE_DIR ? FILE_DIR : FILE_INODE;
	if (*kind == FILE_DIR && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (*kind == FILE_INODE && (flags & PUP_O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
		return fs_truncate(*inum);
	return 0;
}

/* A device, /dev itself (a directory with no inode), or a pupfs name. */
static int32_t open_path(const char *path, uint32_t flags, struct file **f)
{
	enum file_kind kind = FILE_DIR;
	uint32_t inum = 0;
	int32_t err = 0;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (devfs_is_dir(path) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (!devfs_lookup(path, &kind) && !devfs_is_dir(path))
		err = open_inode(path, flags, &inum, &kind);
	if (err)
		return err;
	*f = file_open_kind(kind, inum, flags);
	return *f ? 0 : -EMFILE;
}

int32_t sys_open(void)
{
	char path[PUP_PATH_MAX];
	struct file *f;
	int32_t fd, err;

	if ((err = user_path(syscall_arg(0), path)) || (err = open_path(path, syscall_arg(1), &f)))
		return err;
	if ((fd = fd_install(current, f)) < 0)
		file_release(f);
	return fd;
}

int32_t sys_close(void)
{
	return fd_close(current, (int32_t)syscall_arg(0));
}

int32_t sys_seek(void)
{
	struct file *f = fd_get(current, (int32_t)syscall_arg(0));
	int32_t offset = (int32_t)syscall_arg(1);
	uint32_t whence = syscall_arg(2);
	struct pup_stat st = { .size = 0 };
	int64_t base, to;

	if (!f)
		return -EBADF;
	if (f->kind != FILE_INODE)
		return -ESPIPE;
	if (whence > SEEK_END)
		return -EINVAL;
	if (whence == SEEK_END && fs_stat(f->inum, &st))
		return -EIO;
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->offset : st.size;
	to = base + offset;
	if (to < 0 || to > INT32_MAX)
		return -EINVAL;
	f->offset = (uint32_t)to;
	return (int32_t)to;
}

/*G:463 Names: listing, inspecting, making and removing. */
int32_t sys_readdir(void)
{
	char path[PUP_PATH_MAX];
	uint32_t index = syscall_arg(1), udirent = syscall_arg(2), inum;
	struct pup_dirent de;
	int32_t err;

	if ((err = user_path(syscall_arg(0), path)))
		return err;
	if (user_check(udirent, sizeof(de), true))
		return -EFAULT;
	if (devfs_is_dir(path))
		err = devfs_readdir(index, &de);
	else if (!(err = fs_lookup(path, &inum)))
		err = fs_readdir(inum, index, &de);
	return err ? err : copy_to_user(udirent, &de, sizeof(de));
}

static int32_t stat_path(const char *path, struct pup_stat *st)
{
	enum file_kind kind;
	uint32_t inum;
	int32_t err;

	memset(st, 0, sizeof(*st));
	if (devfs_lookup(path, &kind) || devfs_is_dir(path)) {
		st->type = devfs_is_dir(path) ? PUP_TYPE_DIR : PUP_TYPE_DEVICE;
		return 0;
	}
	if ((err = fs_lookup(path, &inum)))
		return err;
	return fs_stat(inum, st);
}

int32_t sys_stat(void)
{
	char path[PUP_PATH_MAX];
	uint32_t ustat = syscall_arg(1);
	struct pup_stat st;
	int32_t err;

	if ((err = user_path(syscall_arg(0), path)))
		return err;
	if (user_check(ustat, sizeof(st), true))
		return -EFAULT;
	if ((err = stat_path(path, &st)))
		return err;
	return copy_to_user(ustat, &st, sizeof(st));
}

int32_t sys_chdir(void)
{
	char path[PUP_PATH_MAX];
	struct pup_stat st;
	int32_t err;

	if ((err = user_path(syscall_arg(0), path)) || (err = stat_path(path, &st)))
		return err;
	if (st.type != PUP_TYPE_DIR)
		return -ENOTDIR;
	strlcpy(current->cwd, path, sizeof(current->cwd));
	return 0;
}

int32_t sys_getcwd(void)
{
	uint32_t ubuf = syscall_arg(0), size = syscall_arg(1);
	uint32_t len = strlen(current->cwd);

	if (size < len + 1)
		return -ERANGE;
	if (copy_to_user(ubuf, current->cwd, len + 1))
		return -EFAULT;
	return (int32_t)len;
}

int32_t sys_mkdir(void)
{
	char path[PUP_PATH_MAX];
	enum file_kind kind;
	uint32_t inum;
	int32_t err;

	if ((err = user_path(syscall_arg(0), path)))
		return err;
	if (devfs_is_dir(path) || devfs_lookup(path, &kind))
		return -EEXIST;
	return fs_create(path, PUPFS_TYPE_DIR, &inum);
}

int32_t sys_unlink(void)
{
	char path[PUP_PATH_MAX];
	enum file_kind kind;
	uint32_t inum;
	int32_t err;

	if ((err = user_path(syscall_arg(0), path)))
		return err;
	if (devfs_is_dir(path) || devfs_lookup(path, &kind))
		return -EPERM;
	if ((err = fs_lookup(path, &inum)))
		return err;
	if (file_in_use(inum))
		return -EBUSY;
	return fs_unlink(path);
}

int32_t sys_rmdir(void)
{
	char path[PUP_PATH_MAX];
	enum file_kind kind;
	int32_t err;

	if ((err = user_path(syscall_arg(0), path)))
		return err;
	if (devfs_is_dir(path) || devfs_lookup(path, &kind))
		return -EPERM;
	return fs_rmdir(path);
}

/*G:832 pipe: both ends, or neither. The read end is opened O_RDONLY and
 * the write end O_WRONLY, so read and write refuse the wrong way (-EBADF)
 * as for any file. */
static void undo_pipe(struct file *r, struct file *w, int32_t rfd)
{
	if (rfd >= 0)
		current->files[rfd] = NULL;
	if (r)
		file_release(r);
	if (w)
		file_release(w);
}

int32_t sys_pipe(void)
{
	uint32_t ufds = syscall_arg(0);
	struct pipe *p;
	struct file *r = NULL, *w = NULL;
	int32_t fds[2] = { -1, -1 };

	if (user_check(ufds, sizeof(fds), true))
		return -EFAULT;
	if (!(p = pipe_alloc()))
		return -ENFILE;
	r = file_open_kind(FILE_PIPE, 0, O_RDONLY);
	w = r ? file_open_kind(FILE_PIPE, 0, O_WRONLY) : NULL;
	if (r)
		r->pipe = p;
	if (w)
		w->pipe = p;
	if (!r || !w || (fds[0] = fd_install(current, r)) < 0 ||
	    (fds[1] = fd_install(current, w)) < 0) {
		if (!r)
			pipe_close(p, false);
		if (!w)
			pipe_close(p, true);
		undo_pipe(r, w, fds[0]);
		return r && w ? -EMFILE : -ENFILE;
	}
	return copy_to_user(ufds, fds, sizeof(fds));
}

int32_t sys_dup2(void)
{
	int32_t fd = (int32_t)syscall_arg(0), newfd = (int32_t)syscall_arg(1);
	struct file *f = fd_get(current, fd);

	if (!f || newfd < 0 || newfd >= NOFILE)
		return -EBADF;
	if (fd == newfd)
		return newfd;
	if (current->files[newfd])
		fd_close(current, newfd);
	file_hold(f);
	current->files[newfd] = f;
	return newfd;
}
