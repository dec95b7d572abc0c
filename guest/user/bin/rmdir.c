/*G:840 guest/user/bin/rmdir.c: "rmdir DIR..." removes each directory,
 * which must be empty (pupfs's rmdir, lib/pupfs.c). An error names the
 * directory and the reason ("rmdir: /box: Directory not empty") and
 * makes the exit status 1. Next: wc.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: rmdir DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (rmdir(argv[i]) < 0) {
			fprintf(stderr, "rmdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
