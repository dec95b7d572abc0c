/*U:670 user/bin/cat.c: copies files to the console: "cat FILE..." prints
 * each file in turn; with no arguments it copies console input until the
 * end of input. Errors name the file and the reason ("cat: /x: No such
 * file or directory") and make the exit status 1. Next: the rest of the C
 * library, starting with stdlib.h (U:700). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int copy(int fd, const char *name)
{
	char buf[1024];
	ssize_t got;

	fflush(stdout);
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)got) != got)
			break;
	if (got < 0) {
		fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

static int cat_file(const char *path)
{
	int fd = open(path, O_RDONLY), status;

	if (fd < 0) {
		fprintf(stderr, "cat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	status = copy(fd, path);
	close(fd);
	return status;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return copy(STDIN_FILENO, "stdin");
	for (int i = 1; i < argc; i++)
		status |= cat_file(argv[i]);
	return status;
}
