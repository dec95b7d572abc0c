/*G:440 lib/pupfs_dir.c: pupfs, names.
 *
 * A directory is a file of 32-byte entries: an inode number (0 for a free
 * entry) and a name of up to 28 bytes, NUL-padded but not necessarily
 * terminated. Every directory starts with "." and "..". Looking a name up
 * is a walk from the root, one directory at a time, over a path its
 * caller has already made absolute and canonical.
 *
 * Creating a file or directory takes a free inode, fills it, and then
 * adds the entry that makes it reachable; removing a file takes the entry
 * away and frees the inode once no entry names it (nlink). A directory
 * can be removed when it holds nothing but "." and "..". Renaming adds
 * the new entry before it clears the old one, replacing a file already
 * called to (never a directory), and refuses to move a directory into
 * itself. readdir shows a directory's entries without "." and "..". Each
 * operation's changes reach the disk together when it returns (G:420).
 * Next: the check, G:448. */
#include "arch/x86/syscall.h"
#include "lib/pupfs.h"
#include "lib/string.h"

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

static int32_t read_entry(struct pupfs *fs, uint32_t dir, uint32_t index, struct pupfs_dirent *e)
{
	int32_t got = pupfs_read_bytes(fs, dir, e, index * DIRENT_SIZE, DIRENT_SIZE);

	if (got < 0)
		return got;
	return got == DIRENT_SIZE ? 0 : -ENOENT;
}

static int32_t write_entry(struct pupfs *fs, uint32_t dir, uint32_t index,
			   const struct pupfs_dirent *e)
{
	int32_t err = pupfs_write_bytes(fs, dir, e, index * DIRENT_SIZE, DIRENT_SIZE);

	return err == DIRENT_SIZE ? 0 : (err < 0 ? err : -EIO);
}

static int32_t entry_count(struct pupfs *fs, uint32_t dir, uint32_t *count)
{
	struct pupfs_inode ino;
	int32_t err = pupfs_inode_read(fs, dir, &ino);

	if (err)
		return err;
	if (ino.type != PUPFS_TYPE_DIR)
		return -ENOTDIR;
	*count = ino.size / DIRENT_SIZE;
	return 0;
}

/* The entry called name (len bytes) in dir: its inode and index. */
static int32_t dir_find(struct pupfs *fs, uint32_t dir, const char *name, uint32_t len,
			uint32_t *inum, uint32_t *index)
{
	struct pupfs_dirent e;
	uint32_t count;
	int32_t err = entry_count(fs, dir, &count);

	for (uint32_t i = 0; i < count && !err; i++) {
		if ((err = read_entry(fs, dir, i, &e)) || !e.inode || !name_is(&e, name, len))
			continue;
		*inum = e.inode;
		*index = i;
		return 0;
	}
	return err ? err : -ENOENT;
}

static int32_t dir_add(struct pupfs *fs, uint32_t dir, const char *name, uint32_t len,
		       uint32_t inum)
{
	struct pupfs_dirent e;
	uint32_t count, i = 0;
	int32_t err = entry_count(fs, dir, &count);

	while (!err && i < count && !(err = read_entry(fs, dir, i, &e)) && e.inode)
		i++;
	if (err)
		return err;
	memset(&e, 0, sizeof(e));
	e.inode = inum;
	memcpy(e.name, name, len);
	return write_entry(fs, dir, i, &e);
}

static int32_t dir_set(struct pupfs *fs, uint32_t dir, uint32_t index, uint32_t inum)
{
	struct pupfs_dirent e;
	int32_t err = read_entry(fs, dir, index, &e);

	if (err)
		return err;
	if (!inum)
		memset(&e, 0, sizeof(e));
	e.inode = inum;
	return write_entry(fs, dir, index, &e);
}

/*G:441 The walk. path_split finds the directory that holds the last
 * name of a path, and that name; walk finds what the whole path names. */
static int32_t walk_to(struct pupfs *fs, const char *path, const char *stop, uint32_t *inum)
{
	uint32_t at = PUPFS_ROOT_INODE, index;
	int32_t err = 0;

	for (const char *p = path; p < stop && *p == '/' && p[1] && !err;) {
		const char *name = p + 1, *end = name;

		while (*end && *end != '/')
			end++;
		err = dir_find(fs, at, name, (uint32_t)(end - name), &at, &index);
		p = end;
	}
	*inum = at;
	return err;
}

static int32_t walk(struct pupfs *fs, const char *path, uint32_t *inum)
{
	return walk_to(fs, path, path + strlen(path), inum);
}

struct split {
	uint32_t parent;
	const char *name;
	uint32_t len;
};

static int32_t path_split(struct pupfs *fs, const char *path, struct split *s)
{
	const char *slash = strrchr(path, '/');
	int32_t err;

	if (!slash || !slash[1])
		return -EINVAL;		/* "/" itself, or not a path */
	s->name = slash + 1;
	s->len = (uint32_t)strlen(s->name);
	if ((err = walk_to(fs, path, slash, &s->parent)))
		return err;
	if (s->len > PUPFS_NAME_MAX)
		return -ENAMETOOLONG;
	if ((s->len == 1 && s->name[0] == '.') || (s->len == 2 && !memcmp(s->name, "..", 2)))
		return -EINVAL;
	return 0;
}

int32_t pupfs_lookup(struct pupfs *fs, const char *path, uint32_t *inum)
{
	return fs->mounted ? walk(fs, path, inum) : -ENODEV;
}

/*G:442 Making a name: a file, or a directory with its "." and "..". */
static int32_t link_count(struct pupfs *fs, uint32_t inum, int32_t delta)
{
	struct pupfs_inode ino;
	int32_t err = pupfs_inode_read(fs, inum, &ino);

	if (err)
		return err;
	ino.nlink = (uint16_t)(ino.nlink + delta);
	return pupfs_inode_write(fs, inum, &ino);
}

static int32_t make_dir_entries(struct pupfs *fs, uint32_t dir, uint32_t parent)
{
	int32_t err = dir_add(fs, dir, ".", 1, dir);

	if (!err)
		err = dir_add(fs, dir, "..", 2, parent);
	if (!err)
		err = link_count(fs, dir, 1);
	if (!err)
		err = link_count(fs, parent, 1);
	return err;
}

static int32_t create(struct pupfs *fs, const char *path, uint16_t type, uint32_t *inum)
{
	uint32_t existing, index;
	struct split s;
	int32_t err;

	if ((err = path_split(fs, path, &s)))
		return err == -EINVAL ? -EEXIST : err;
	if (!(err = dir_find(fs, s.parent, s.name, s.len, &existing, &index)))
		return -EEXIST;
	if (err != -ENOENT || (err = pupfs_inode_alloc(fs, type, inum)))
		return err;
	err = link_count(fs, *inum, 1);
	if (!err && type == PUPFS_TYPE_DIR)
		err = make_dir_entries(fs, *inum, s.parent);
	if (!err)
		err = dir_add(fs, s.parent, s.name, s.len, *inum);
	if (err)
		pupfs_inode_free(fs, *inum);
	return err;
}

int32_t pupfs_create(struct pupfs *fs, const char *path, uint16_t type, uint32_t *inum)
{
	if (!fs->mounted)
		return -ENODEV;
	if (type != PUPFS_TYPE_FILE && type != PUPFS_TYPE_DIR)
		return -EINVAL;
	return pupfs_done(fs, create(fs, path, type, inum));
}

/*G:443 Removing a name: a file's (freed with its last name), or an empty
 * directory's. */
static int32_t drop_link(struct pupfs *fs, uint32_t inum, const struct pupfs_inode *ino)
{
	return ino->nlink > 1 ? link_count(fs, inum, -1) : pupfs_inode_free(fs, inum);
}

static int32_t unlink_file(struct pupfs *fs, const char *path)
{
	struct pupfs_inode ino;
	uint32_t inum, index;
	struct split s;
	int32_t err;

	if ((err = path_split(fs, path, &s)) ||
	    (err = dir_find(fs, s.parent, s.name, s.len, &inum, &index)) ||
	    (err = pupfs_inode_read(fs, inum, &ino)))
		return err;
	if (ino.type == PUPFS_TYPE_DIR)
		return -EISDIR;
	if ((err = dir_set(fs, s.parent, index, 0)))
		return err;
	return drop_link(fs, inum, &ino);
}

int32_t pupfs_unlink(struct pupfs *fs, const char *path)
{
	return fs->mounted ? pupfs_done(fs, unlink_file(fs, path)) : -ENODEV;
}

static int32_t dir_empty(struct pupfs *fs, uint32_t dir)
{
	struct pupfs_dirent e;
	uint32_t count;
	int32_t err = entry_count(fs, dir, &count);

	for (uint32_t i = 0; i < count && !err; i++)
		if (!(err = read_entry(fs, dir, i, &e)) && e.inode && !dot_or_dotdot(&e))
			return -ENOTEMPTY;
	return err;
}

static int32_t remove_dir(struct pupfs *fs, const char *path)
{
	uint32_t inum, index;
	struct split s;
	int32_t err;

	if ((err = path_split(fs, path, &s)))
		return err == -EINVAL ? -EBUSY : err;
	if ((err = dir_find(fs, s.parent, s.name, s.len, &inum, &index)) ||
	    (err = dir_empty(fs, inum)) ||
	    (err = dir_set(fs, s.parent, index, 0)) ||
	    (err = link_count(fs, s.parent, -1)))
		return err;
	return pupfs_inode_free(fs, inum);
}

int32_t pupfs_rmdir(struct pupfs *fs, const char *path)
{
	return fs->mounted ? pupfs_done(fs, remove_dir(fs, path)) : -ENODEV;
}

/*G:446 Renaming. A directory moved to a new parent gets its ".." changed
 * and the two parents' link counts moved; one may not move into its own
 * subtree (it would be cut off from the root: a loop), which is found by
 * walking ".." up from the new parent. */
static int32_t inside(struct pupfs *fs, uint32_t dir, uint32_t at)
{
	uint32_t index;
	int32_t err = 0;

	for (uint32_t depth = 0; at != PUPFS_ROOT_INODE && !err; depth++) {
		if (at == dir)
			return -EINVAL;
		if (depth > fs->sb.ninodes)
			return -EIO;	/* ".." never reaches the root: a loop on the disk */
		err = dir_find(fs, at, "..", 2, &at, &index);
	}
	return err;
}

static int32_t move_dir(struct pupfs *fs, uint32_t inum, uint32_t from, uint32_t to)
{
	uint32_t dotdot, index;
	int32_t err;

	if (from == to)
		return 0;
	if ((err = inside(fs, inum, to)) ||
	    (err = dir_find(fs, inum, "..", 2, &dotdot, &index)) ||
	    (err = dir_set(fs, inum, index, to)) || (err = link_count(fs, to, 1)))
		return err;
	return link_count(fs, from, -1);
}

/* Whatever is called to already: a file goes, anything else refuses. */
static int32_t clear_target(struct pupfs *fs, const struct split *t, uint32_t moving)
{
	struct pupfs_inode ino;
	uint32_t inum, index;
	int32_t err = dir_find(fs, t->parent, t->name, t->len, &inum, &index);

	if (err)
		return err == -ENOENT ? 0 : err;
	if (inum == moving)
		return 1;		/* renamed to itself: nothing to do */
	if ((err = pupfs_inode_read(fs, inum, &ino)))
		return err;
	if (ino.type == PUPFS_TYPE_DIR)
		return -EEXIST;
	if ((err = dir_set(fs, t->parent, index, 0)))
		return err;
	return drop_link(fs, inum, &ino);
}

static int32_t rename_path(struct pupfs *fs, const char *from, const char *to)
{
	struct pupfs_inode ino;
	uint32_t inum, index;
	struct split f, t;
	int32_t err;

	if ((err = path_split(fs, from, &f)) || (err = path_split(fs, to, &t)) ||
	    (err = dir_find(fs, f.parent, f.name, f.len, &inum, &index)) ||
	    (err = pupfs_inode_read(fs, inum, &ino)))
		return err;
	if (ino.type == PUPFS_TYPE_DIR && (err = inside(fs, inum, t.parent)))
		return err;
	if ((err = clear_target(fs, &t, inum)))
		return err > 0 ? 0 : err;
	if ((err = dir_add(fs, t.parent, t.name, t.len, inum)))
		return err;
	if ((err = dir_find(fs, f.parent, f.name, f.len, &inum, &index)) ||
	    (err = dir_set(fs, f.parent, index, 0)))
		return err;
	return ino.type == PUPFS_TYPE_DIR ? move_dir(fs, inum, f.parent, t.parent) : 0;
}

int32_t pupfs_rename(struct pupfs *fs, const char *from, const char *to)
{
	return fs->mounted ? pupfs_done(fs, rename_path(fs, from, to)) : -ENODEV;
}

/*G:444 Listing: the index-th entry that is neither free, "." nor "..". */
static int32_t describe(struct pupfs *fs, const struct pupfs_dirent *d, struct pupfs_entry *e)
{
	struct pupfs_inode ino;
	int32_t err = pupfs_inode_read(fs, d->inode, &ino);

	if (err)
		return err == -ENOENT ? -EIO : err;
	e->inum = d->inode;
	e->type = ino.type;
	e->size = ino.size;
	memset(e->name, 0, sizeof(e->name));
	memcpy(e->name, d->name, PUPFS_NAME_MAX);
	return 0;
}

int32_t pupfs_readdir(struct pupfs *fs, uint32_t dir, uint32_t index, struct pupfs_entry *e)
{
	struct pupfs_dirent d;
	uint32_t count, seen = 0;
	int32_t err;

	if (!fs->mounted)
		return -ENODEV;
	err = entry_count(fs, dir, &count);
	for (uint32_t i = 0; i < count && !err; i++) {
		if ((err = read_entry(fs, dir, i, &d)) || !d.inode || dot_or_dotdot(&d))
			continue;
		if (seen++ == index)
			return describe(fs, &d, e);
	}
	return err ? err : -ENOENT;
}
