/*G:685 guest/user/bin/mkdir.c: "mkdir DIR..." makes each directory (its
 * parent must exist). A failure names the directory and the reason, and
 * makes the exit status 1; the other directories are still made. Next:
 * rm.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: mkdir DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (mkdir(argv[i]) == 0)
			continue;
		fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
		status = 1;
	}
	return status;
}
