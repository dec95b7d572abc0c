/*G:440 guest/kernel/pupfs_dir.c: pupfs, names.
 *
 * A directory is a file of 32-byte entries: an inode number (0 for a free
 * entry) and a name of up to 28 bytes, NUL-padded but not necessarily
 * terminated. Every directory starts with "." and "..". Looking a name up
 * is a walk from the root, one directory at a time, over a path that
 * path.c has already made absolute and canonical.
 *
 * Creating a file or directory takes a free inode, fills it, and only
 * then adds the entry that makes it reachable; removing a file takes the
 * entry away first and frees the inode once no entry names it (nlink).
 * A crash in between leaks an inode rather than leaving a name that
 * points at garbage. Directories cannot be removed (the system calls have
 * no rmdir), and readdir shows a directory's entries without "." and
 * "..". Next: path names, G:445. */
#include "lib/string.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/pupfs.h"

#define DIRENT_SIZE	sizeof(struct pupfs_dirent)

static bool name_is(const struct pupfs_dirent *e, const char *name, uint32_t len)
{
	return len <= PUPFS_NAME_MAX && memcmp(e->name, name, len) == 0 &&
	       (len == PUPFS_NAME_MAX || e->name[len] == '\0');
}

static bool dot_or_dotdot(const struct pupfs_dirent *e)
{
	return name_is(e, ".", 1) || name_is(e, "..", 2);
}

static int32_t read_entry(uint32_t dir, uint32_t index, struct pupfs_dirent *e)
{
	int32_t got = inode_read_bytes(dir, e, index * DIRENT_SIZE, DIRENT_SIZE);

	if (got < 0)
		return got;
	return got == DIRENT_SIZE ? 0 : -ENOENT;
}

static int32_t entry_count(uint32_t dir, uint32_t *count)
{
	struct pupfs_inode ino;
	int32_t err = inode_read(dir, &ino);

	if (err)
		return err;
	if (ino.type != PUPFS_TYPE_DIR)
		return -ENOTDIR;
	*count = ino.size / DIRENT_SIZE;
	return 0;
}

/* The entry called name (len bytes) in dir: its inode and index. */
static int32_t dir_find(uint32_t dir, const char *name, uint32_t len,
			uint32_t *inum, uint32_t *index)
{
	struct pupfs_dirent e;
	uint32_t count;
	int32_t err = entry_count(dir, &count);

	for (uint32_t i = 0; i < count && !err; i++) {
		if ((err = read_entry(dir, i, &e)) || !e.inode || !name_is(&e, name, len))
			continue;
		*inum = e.inode;
		*index = i;
		return 0;
	}
	return err ? err : -ENOENT;
}

static int32_t dir_add(uint32_t dir, const char *name, uint32_t inum)
{
	struct pupfs_dirent e;
	uint32_t count, i = 0;
	int32_t err = entry_count(dir, &count);

	while (!err && i < count && !(err = read_entry(dir, i, &e)) && e.inode)
		i++;
	if (err)
		return err;
	memset(&e, 0, sizeof(e));
	e.inode = inum;
	memcpy(e.name, name, MIN(strlen(name), PUPFS_NAME_MAX));
	err = inode_write_bytes(dir, &e, i * DIRENT_SIZE, DIRENT_SIZE);
	return err == DIRENT_SIZE ? 0 : (err < 0 ? err : -EIO);
}

static int32_t dir_clear(uint32_t dir, uint32_t index)
{
	struct pupfs_dirent e;
	int32_t err;

	memset(&e, 0, sizeof(e));
	err = inode_write_bytes(dir, &e, index * DIRENT_SIZE, DIRENT_SIZE);
	return err == DIRENT_SIZE ? 0 : (err < 0 ? err : -EIO);
}

/*G:441 The walk. */
static int32_t walk(const char *path, uint32_t *inum)
{
	uint32_t at = PUPFS_ROOT_INODE, index;
	int32_t err = 0;

	for (const char *p = path; *p == '/' && p[1] && !err;) {
		const char *name = p + 1, *end = name;

		while (*end && *end != '/')
			end++;
		err = dir_find(at, name, (uint32_t)(end - name), &at, &index);
		p = end;
	}
	*inum = at;
	return err;
}

int32_t fs_lookup(const char *path, uint32_t *inum)
{
	int32_t err;

	lock(&fs_lock);
	err = fs_mounted() ? walk(path, inum) : -ENODEV;
	unlock(&fs_lock);
	return err;
}

/*G:442 Making a name: a file, or a directory with its "." and "..". */
static int32_t link_count(uint32_t inum, int32_t delta)
{
	struct pupfs_inode ino;
	int32_t err = inode_read(inum, &ino);

	if (err)
		return err;
	ino.nlink = (uint16_t)(ino.nlink + delta);
	return inode_write(inum, &ino);
}

static int32_t make_dir_entries(uint32_t dir, uint32_t parent)
{
	int32_t err = dir_add(dir, ".", dir);

	if (!err)
		err = dir_add(dir, "..", parent);
	if (!err)
		err = link_count(dir, 1);
	if (!err)
		err = link_count(parent, 1);
	return err;
}

static int32_t create(const char *path, uint16_t type, uint32_t *inum)
{
	char parent_path[PUP_PATH_MAX];
	const char *name = path_last(path);
	uint32_t parent, existing, index;
	int32_t err;

	path_parent(path, parent_path);
	if ((err = walk(parent_path, &parent)))
		return err;
	if (!*name || !(err = dir_find(parent, name, strlen(name), &existing, &index)))
		return -EEXIST;
	if (err != -ENOENT || (err = inode_alloc(type, inum)))
		return err;
	err = link_count(*inum, 1);
	if (!err && type == PUPFS_TYPE_DIR)
		err = make_dir_entries(*inum, parent);
	if (!err)
		err = dir_add(parent, name, *inum);
	if (err)
		inode_free(*inum);
	return err;
}

int32_t fs_create(const char *path, uint16_t type, uint32_t *inum)
{
	int32_t err;

	lock(&fs_lock);
	err = fs_mounted() ? create(path, type, inum) : -ENODEV;
	unlock(&fs_lock);
	return err;
}

/*G:443 Removing a file's name. */
static int32_t unlink_file(const char *path)
{
	char parent_path[PUP_PATH_MAX];
	const char *name = path_last(path);
	struct pupfs_inode ino;
	uint32_t parent, inum, index;
	int32_t err;

	path_parent(path, parent_path);
	if ((err = walk(parent_path, &parent)) ||
	    (err = dir_find(parent, name, strlen(name), &inum, &index)) ||
	    (err = inode_read(inum, &ino)))
		return err;
	if (ino.type == PUPFS_TYPE_DIR)
		return -EISDIR;
	if ((err = dir_clear(parent, index)))
		return err;
	if (ino.nlink > 1)
		return link_count(inum, -1);
	return inode_free(inum);
}

int32_t fs_unlink(const char *path)
{
	int32_t err;

	lock(&fs_lock);
	err = fs_mounted() ? unlink_file(path) : -ENODEV;
	unlock(&fs_lock);
	return err;
}

/*G:444 Listing: the index-th entry that is neither free, "." nor "..". */
static int32_t describe(const struct pupfs_dirent *e, struct pup_dirent *de)
{
	struct pupfs_inode ino;
	int32_t err = inode_read(e->inode, &ino);

	if (err)
		return err;
	de->type = ino.type == PUPFS_TYPE_DIR ? PUP_TYPE_DIR : PUP_TYPE_FILE;
	de->size = ino.size;
	memset(de->name, 0, sizeof(de->name));
	memcpy(de->name, e->name, PUPFS_NAME_MAX);
	return 0;
}

static int32_t list_entry(uint32_t dir, uint32_t index, struct pup_dirent *de)
{
	struct pupfs_dirent e;
	uint32_t count, seen = 0;
	int32_t err = entry_count(dir, &count);

	for (uint32_t i = 0; i < count && !err; i++) {
		if ((err = read_entry(dir, i, &e)) || !e.inode || dot_or_dotdot(&e))
			continue;
		if (seen++ == index)
			return describe(&e, de);
	}
	return err ? err : -ENOENT;
}

int32_t fs_readdir(uint32_t dir, uint32_t index, struct pup_dirent *de)
{
	int32_t err;

	lock(&fs_lock);
	err = fs_mounted() ? list_entry(dir, index, de) : -ENODEV;
	unlock(&fs_lock);
	return err;
}
