/*G:670 guest/user/bin/ls.c: lists directories, one entry a line: the
 * size in bytes, then the name, with a '/' after a directory's name:
 *
 *      1234 README
 *      2048 bin/
 *
 * "ls" alone lists the current directory; "ls PATH..." lists each, a
 * file as its own one line, and names each directory first ("PATH:")
 * when there are several. "." and ".." are left out. Entries come in the
 * directory's own order, entry 0, 1, 2... of SYS_READDIR until pup
 * answers ENOENT. Next: echo.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

static void print_entry(uint32_t type, uint32_t size, const char *name)
{
	printf("%7u %s%s\n", size, name, type == PUP_TYPE_DIR ? "/" : "");
}

static bool is_dot_or_dotdot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static int fail(const char *path)
{
	fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
	return 1;
}

static int list_directory(const char *path)
{
	struct pup_dirent ent;
	int i;

	for (i = 0; readdir(path, i, &ent) == 0; i++)
		if (!is_dot_or_dotdot(ent.name))
			print_entry(ent.type, ent.size, ent.name);
	return errno == ENOENT ? 0 : fail(path);
}

static int list(const char *path, bool name_it)
{
	struct pup_stat st;

	if (stat(path, &st) < 0)
		return fail(path);
	if (st.type != PUP_TYPE_DIR) {
		print_entry(st.type, st.size, path);
		return 0;
	}
	if (name_it)
		printf("%s:\n", path);
	return list_directory(path);
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return list(".", false);
	for (int i = 1; i < argc; i++)
		status |= list(argv[i], argc > 2);
	return status;
}
