/*G:445 guest/kernel/path.c: path names, without the disk.
 *
 * A program may name a file relative to its current directory, with "."
 * and ".." anywhere, and slashes doubled. pup turns every name into one
 * canonical absolute form first, "/a/b/c", by string work alone: start
 * from the directory (or the root, for a name beginning with '/'), drop
 * "." and empty components, let ".." take one component off (never above
 * the root), and append the rest. pupfs has no symbolic links, so this
 * gives the same answer as asking each directory for its "..", and the
 * result also serves as the current directory getcwd returns. A component
 * longer than PUP_NAME_MAX, or a result longer than PUP_PATH_MAX, is
 * -ENAMETOOLONG; an empty name is -ENOENT. Next: G:450. */
#include "lib/string.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"

static void drop_last(char *out, uint32_t *len)
{
	while (*len && out[*len - 1] != '/')
		(*len)--;
	if (*len)
		(*len)--;
	out[*len] = '\0';
}

static int32_t append(char *out, uint32_t *len, const char *comp, uint32_t n)
{
	if (n > PUP_NAME_MAX || *len + 1 + n >= PUP_PATH_MAX)
		return -ENAMETOOLONG;
	out[(*len)++] = '/';
	memcpy(out + *len, comp, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

static int32_t add_component(char *out, uint32_t *len, const char *comp, uint32_t n)
{
	if (n == 0 || (n == 1 && comp[0] == '.'))
		return 0;
	if (n == 2 && comp[0] == '.' && comp[1] == '.') {
		drop_last(out, len);
		return 0;
	}
	return append(out, len, comp, n);
}

static int32_t add_components(char *out, uint32_t *len, const char *path)
{
	while (*path) {
		const char *end = path;
		int32_t err;

		while (*end && *end != '/')
			end++;
		if ((err = add_component(out, len, path, (uint32_t)(end - path))))
			return err;
		path = *end ? end + 1 : end;
	}
	return 0;
}

int32_t path_resolve(const char *cwd, const char *path, char *out)
{
	uint32_t len = 0;
	int32_t err;

	if (!path[0])
		return -ENOENT;
	out[0] = '\0';
	if (path[0] != '/' && (err = add_components(out, &len, cwd)))
		return err;
	if ((err = add_components(out, &len, path)))
		return err;
	if (!len)
		strlcpy(out, "/", PUP_PATH_MAX);
	return 0;
}

/* The last component of a canonical path ("" for the root). */
const char *path_last(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* The canonical path of the directory holding path ("/" for the root). */
void path_parent(const char *path, char *out)
{
	uint32_t len = (uint32_t)(path_last(path) - path);

	memcpy(out, path, len);
	out[len > 1 ? len - 1 : len] = '\0';
}
