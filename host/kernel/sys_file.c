/*U:420 host/kernel/sys_file.c: the system calls about files.
 *
 * Paths are copied in whole (at most K_PATH_MAX bytes, or -ENAMETOOLONG)
 * before they are looked at. A read or write checks the entire user
 * buffer before the first byte moves, so a buffer that runs into a hole
 * fails with -EFAULT instead of half succeeding. The calls that change
 * names (unlink, mkdir, rmdir, rename) and a file's length (truncate)
 * succeed only on /var (host/kernel/var.c, U:810); fsck checks it. Next: how a program is
 * started at boot and the run reported, host/kernel/userland.c (U:450). */
#include "arch/x86/syscall.h"
#include "host/kernel/syscall.h"
#include "host/kernel/sched.h"
#include "host/kernel/file.h"
#include "host/kernel/fs.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/var.h"

static int32_t copy_path(char *path, uint32_t upath)
{
	int32_t n = copy_string_from_user(path, upath, K_PATH_MAX);

	return n < 0 ? n : 0;
}

static struct file *arg_file(unsigned n)
{
	return fd_lookup(current, syscall_arg(n));
}

int32_t sys_write(void)
{
	struct file *f = arg_file(0);
	uint32_t ubuf = syscall_arg(1), len = syscall_arg(2);

	if (!f)
		return -EBADF;
	if (user_check(ubuf, len, false))
		return -EFAULT;
	return len ? file_write(f, ubuf, len) : 0;
}

int32_t sys_read(void)
{
	struct file *f = arg_file(0);
	uint32_t ubuf = syscall_arg(1), len = syscall_arg(2);

	if (!f)
		return -EBADF;
	if (user_check(ubuf, len, true))
		return -EFAULT;
	return len ? file_read(f, ubuf, len) : 0;
}

static bool valid_open_flags(uint32_t flags)
{
	uint32_t known = O_ACCMODE | O_NONBLOCK | O_CREAT | O_TRUNC | O_APPEND | O_LOCK;

	return !(flags & ~known) && (flags & O_ACCMODE) != O_ACCMODE;
}

int32_t sys_open(void)
{
	uint32_t flags = syscall_arg(1);
	char path[K_PATH_MAX];
	struct file *f;
	int32_t fd, err;

	if ((err = copy_path(path, syscall_arg(0))))
		return err;
	if (!valid_open_flags(flags))
		return -EINVAL;
	if ((fd = fd_free_slot(current)) < 0)
		return fd;
	if (!(f = file_alloc()))
		return -EMFILE;
	if ((err = fs_open(path, flags, f))) {
		file_free_unopened(f);
		return err;
	}
	current->fds[fd] = f;
	return fd;
}

int32_t sys_close(void)
{
	return fd_close(current, syscall_arg(0));
}

int32_t sys_seek(void)
{
	struct file *f = arg_file(0);

	if (!f)
		return -EBADF;
	return file_seek(f, (int32_t)syscall_arg(1), syscall_arg(2));
}

int32_t sys_stat(void)
{
	uint32_t ust = syscall_arg(1);
	char path[K_PATH_MAX];
	struct k_stat st;
	int32_t err;

	if ((err = copy_path(path, syscall_arg(0))))
		return err;
	if (user_check(ust, sizeof(st), true))
		return -EFAULT;
	if ((err = fs_stat(path, &st)))
		return err;
	return copy_to_user(ust, &st, sizeof(st));
}

int32_t sys_fstat(void)
{
	struct file *f = arg_file(0);
	struct k_stat st;

	if (!f)
		return -EBADF;
	st.type = f->type;
	st.size = f->size;
	return copy_to_user(syscall_arg(1), &st, sizeof(st));
}

int32_t sys_readdir(void)
{
	uint32_t uent = syscall_arg(2);
	char path[K_PATH_MAX];
	struct k_dirent ent;
	int32_t err;

	if ((err = copy_path(path, syscall_arg(0))))
		return err;
	if (user_check(uent, sizeof(ent), true))
		return -EFAULT;
	if ((err = fs_readdir(path, syscall_arg(1), &ent)))
		return err;
	return copy_to_user(uent, &ent, sizeof(ent));
}

int32_t sys_ioctl(void)
{
	struct file *f = arg_file(0);

	if (!f)
		return -EBADF;
	return file_ioctl(f, syscall_arg(1), syscall_arg(2));
}

/*U:425 The calls of /var. */
int32_t sys_truncate(void)
{
	struct file *f = arg_file(0);

	return f ? file_truncate(f, syscall_arg(1)) : -EBADF;
}

int32_t sys_fsync(void)
{
	struct file *f = arg_file(0);

	return f ? file_fsync(f) : -EBADF;
}

static int32_t path_call(int32_t (*call)(const char *path))
{
	char path[K_PATH_MAX];
	int32_t err = copy_path(path, syscall_arg(0));

	return err ? err : call(path);
}

int32_t sys_unlink(void)
{
	return path_call(fs_unlink);
}

int32_t sys_mkdir(void)
{
	return path_call(fs_mkdir);
}

int32_t sys_rmdir(void)
{
	return path_call(fs_rmdir);
}

int32_t sys_rename(void)
{
	char from[K_PATH_MAX], to[K_PATH_MAX];
	int32_t err;

	if ((err = copy_path(from, syscall_arg(0))) || (err = copy_path(to, syscall_arg(1))))
		return err;
	return fs_rename(from, to);
}

int32_t sys_statfs(void)
{
	uint32_t ust = syscall_arg(1);
	char path[K_PATH_MAX];
	struct k_statfs st;
	int32_t err;

	if ((err = copy_path(path, syscall_arg(0))))
		return err;
	if (user_check(ust, sizeof(st), true))
		return -EFAULT;
	if ((err = fs_statfs(path, &st)))
		return err;
	return copy_to_user(ust, &st, sizeof(st));
}

int32_t sys_fsck(void)
{
	return var_check(syscall_arg(0) != 0);
}
