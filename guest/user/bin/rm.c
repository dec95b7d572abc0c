/*G:690 guest/user/bin/rm.c: "rm FILE..." removes each file. pup's unlink
 * takes files only, so a directory is refused ("rm: DIR: Is a
 * directory"); a failure makes the exit status 1 and rm goes on with the
 * next name. Next: ps.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: rm FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (unlink(argv[i]) == 0)
			continue;
		fprintf(stderr, "rm: %s: %s\n", argv[i], strerror(errno));
		status = 1;
	}
	return status;
}
