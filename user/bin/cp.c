/*U:830 user/bin/cp.c: "cp FROM TO" copies a file, for instance a disk
 * image from the read-only module files to /var (cp /guests/disk.img
 * /var/pup.img), where it can be written. TO is made or emptied first;
 * the copy is fsync'd before cp says it is done. Errors name the file and
 * the reason, with exit status 1. Next: U:835. */
#include <errno.h>
#include <kennel.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *path)
{
	fprintf(stderr, "cp: %s: %s\n", path, strerror(errno));
	return 1;
}

static int copy(int in, int out, const char *from, const char *to)
{
	static char buf[16 * 1024];
	ssize_t got;

	while ((got = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)got) != got)
			return fail(to);
	if (got < 0)
		return fail(from);
	return fsync(out) < 0 ? fail(to) : 0;
}

int main(int argc, char **argv)
{
	int in, out, status;

	if (argc != 3) {
		fprintf(stderr, "usage: cp FROM TO\n");
		return 2;
	}
	if ((in = open(argv[1], O_RDONLY)) < 0)
		return fail(argv[1]);
	if ((out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC)) < 0)
		return fail(argv[2]);
	status = copy(in, out, argv[1], argv[2]);
	close(in);
	close(out);
	return status;
}
