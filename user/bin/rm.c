/*U:835 user/bin/rm.c: "rm PATH..." removes files, and with -d empty
 * directories, on /var (anywhere else is read-only). Each failure names
 * the path and the reason and makes the exit status 1. Next: U:840. */
#include <errno.h>
#include <kennel.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int status = 0, first = 1, dirs = 0;

	if (argc > 1 && strcmp(argv[1], "-d") == 0) {
		dirs = 1;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: rm [-d] PATH...\n");
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct k_stat st;
		int err = stat(argv[i], &st);

		if (!err)
			err = dirs && st.type == K_TYPE_DIR ? rmdir(argv[i]) : unlink(argv[i]);
		if (err) {
			fprintf(stderr, "rm: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
