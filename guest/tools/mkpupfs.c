/*G:570 guest/tools/mkpupfs.c: a pupfs disk image from a directory.
 *
 *   mkpupfs IMAGE SIZE_KIB DIR
 *
 * makes IMAGE, SIZE_KIB KiB long (one pupfs block per KiB), holding a
 * copy of DIR's tree: every regular file and subdirectory, recursively,
 * in name order so that the same tree always gives the same image.
 * Anything it cannot copy faithfully stops it with a message naming the
 * file and the reason, and exit status 1: a name longer than 28 bytes, a
 * file bigger than pupfs allows, a disk too small, something that is
 * neither a file nor a directory. The format work is pupfs_image.c
 * (G:560); this file only walks the host's directories and writes the
 * result. It runs on the build machine, not in pup. Next: checking an image,
 * pupfsck, G:575. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "guest/tools/pupfs_image.h"

#define MAX_SIZE_KIB	(4u << 20)	/* 4 GiB: sectors still fit 32 bits */

static void die(const char *path, const char *why)
{
	fprintf(stderr, "mkpupfs: %s: %s\n", path, why);
	exit(1);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR's entries, without "." and "..", sorted; *count of them. */
static char **list_dir(const char *path, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;

	if (!d)
		die(path, strerror(errno));
	for (*count = 0; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!(names = realloc(names, (*count + 1) * sizeof(*names))) ||
		    !(names[*count] = strdup(e->d_name)))
			die(path, "out of memory");
		(*count)++;
	}
	closedir(d);
	qsort(names, *count, sizeof(*names), compare_names);
	return names;
}

static void *read_whole(const char *path, size_t size)
{
	FILE *f = fopen(path, "rb");
	void *bytes = malloc(size ? size : 1);

	if (!f)
		die(path, strerror(errno));
	if (!bytes)
		die(path, "out of memory");
	if (fread(bytes, 1, size, f) != size)
		die(path, "could not read the whole file");
	fclose(f);
	return bytes;
}

static void copy_tree(struct pupfs_image *img, uint32_t dir, const char *path);

static void copy_entry(struct pupfs_image *img, uint32_t dir, const char *path,
		       const char *name)
{
	struct stat st;
	uint32_t inum;
	void *bytes;

	if (stat(path, &st))
		die(path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (pupfs_add_dir(img, dir, name, &inum))
			die(path, img->error);
		copy_tree(img, inum, path);
	} else if (S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > 0xffffffffu)
			die(path, "file bigger than pupfs allows");
		bytes = read_whole(path, (size_t)st.st_size);
		if (pupfs_add_file(img, dir, name, bytes, (uint32_t)st.st_size))
			die(path, img->error);
		free(bytes);
	} else {
		die(path, "neither a regular file nor a directory");
	}
}

static void copy_tree(struct pupfs_image *img, uint32_t dir, const char *path)
{
	size_t count;
	char **names = list_dir(path, &count);

	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(len);

		if (!child)
			die(path, "out of memory");
		snprintf(child, len, "%s/%s", path, names[i]);
		copy_entry(img, dir, child, names[i]);
		free(child);
		free(names[i]);
	}
	free(names);
}

static uint32_t parse_size(const char *text)
{
	char *end;
	unsigned long long kib;

	errno = 0;
	kib = strtoull(text, &end, 10);
	if (errno || end == text || *end || kib == 0 || kib > MAX_SIZE_KIB)
		die(text, "SIZE_KIB must be a number of KiB from 1 to 4194304");
	return (uint32_t)kib;
}

static void write_image(const char *path, const uint8_t *data, size_t bytes)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die(path, strerror(errno));
	if (fwrite(data, 1, bytes, f) != bytes || fclose(f))
		die(path, "could not write the image");
}

int main(int argc, char **argv)
{
	struct pupfs_image img;
	uint32_t kib;
	uint8_t *data;

	if (argc != 4) {
		fprintf(stderr, "usage: mkpupfs IMAGE SIZE_KIB DIR\n");
		return 2;
	}
	kib = parse_size(argv[2]);
	if (!(data = malloc((size_t)kib * PUPFS_BLOCK_SIZE)))
		die(argv[1], "out of memory");
	if (pupfs_format(&img, data, kib))
		die(argv[1], img.error);
	copy_tree(&img, PUPFS_ROOT_INODE, argv[3]);
	write_image(argv[1], data, (size_t)kib * PUPFS_BLOCK_SIZE);
	free(data);
	return 0;
}
