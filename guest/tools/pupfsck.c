/*G:575 guest/tools/pupfsck.c: fsck for a pupfs image on the build machine.
 *
 *   pupfsck [-r] IMAGE
 *
 * checks IMAGE (pup's disk, or the host's) with the very check the host's
 * fsck runs (lib/pupfs_check.c, G:448), linked natively with the core and
 * a block device made of pread and pwrite on the file: one line per
 * problem, and with -r each repaired in the image. Exit status 0 if the
 * image was clean, 1 if problems were found, 2 if it could not be checked
 * (no file, or a superblock the core refuses, with its reason). Next:
 * pup's own test program, G:580. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/pupfs.h"

static int fd = -1;

static int32_t file_read(void *ctx, uint32_t block, void *buf)
{
	(void)ctx;
	return pread(fd, buf, PUPFS_BLOCK_SIZE, (off_t)block * PUPFS_BLOCK_SIZE) ==
	       PUPFS_BLOCK_SIZE ? 0 : -EIO;
}

static int32_t file_write(void *ctx, uint32_t block, const void *buf)
{
	(void)ctx;
	return pwrite(fd, buf, PUPFS_BLOCK_SIZE, (off_t)block * PUPFS_BLOCK_SIZE) ==
	       PUPFS_BLOCK_SIZE ? 0 : -EIO;
}

static void report(void *ctx, const char *problem)
{
	printf("pupfsck: %s: %s\n", (const char *)ctx, problem);
}

int main(int argc, char **argv)
{
	static struct pupfs fs;
	struct pupfs_blockdev dev = { .read = file_read, .write = file_write };
	bool repair = argc == 3 && strcmp(argv[1], "-r") == 0;
	const char *image = argv[argc - 1];
	struct stat st;
	void *scratch;
	int32_t n;

	if (argc != 2 && !repair) {
		fprintf(stderr, "usage: pupfsck [-r] IMAGE\n");
		return 2;
	}
	if ((fd = open(image, repair ? O_RDWR : O_RDONLY)) < 0 || fstat(fd, &st)) {
		fprintf(stderr, "pupfsck: %s: %s\n", image, strerror(errno));
		return 2;
	}
	dev.nblocks = (uint32_t)(st.st_size / PUPFS_BLOCK_SIZE);
	if (pupfs_mount(&fs, &dev)) {
		fprintf(stderr, "pupfsck: %s: %s\n", image, fs.error);
		return 2;
	}
	if (!(scratch = malloc(pupfs_check_scratch_bytes(&fs))))
		return 2;
	n = pupfs_check(&fs, repair, report, (void *)image, scratch);
	if (n < 0) {
		fprintf(stderr, "pupfsck: %s: %s\n", image, strerror(-n));
		return 2;
	}
	printf(n ? "pupfsck: %s: %d problems\n" : "pupfsck: %s: clean\n", image, n);
	return n ? 1 : 0;
}
