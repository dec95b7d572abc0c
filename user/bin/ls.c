/*U:660 user/bin/ls.c: lists a directory of the host's module file system,
 * one entry per line: the type (file, dir or dev), the size in bytes and
 * the name. "ls" alone lists /. It asks SYS_READDIR for entry 0, 1, 2, ...
 * until the host answers ENOENT. Given a file instead of a directory, it
 * prints that file's own line. Next: cat.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kennel.h>

static const char *type_name(uint32_t type)
{
	switch (type) {
	case K_TYPE_FILE:
		return "file";
	case K_TYPE_DIR:
		return "dir";
	case K_TYPE_DEVICE:
		return "dev";
	default:
		return "?";
	}
}

static void print_entry(uint32_t type, uint32_t size, const char *name)
{
	printf("%-4s %8u %s\n", type_name(type), size, name);
}

static int list(const char *path)
{
	struct k_dirent ent;
	struct k_stat st;
	int i;

	if (stat(path, &st)) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (st.type != K_TYPE_DIR) {
		print_entry(st.type, st.size, path);
		return 0;
	}
	for (i = 0; readdir(path, i, &ent) == 0; i++)
		print_entry(ent.type, ent.size, ent.name);
	if (errno != ENOENT) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return list("/");
	for (int i = 1; i < argc; i++)
		status |= list(argv[i]);
	return status;
}
