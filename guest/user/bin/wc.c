/*G:845 guest/user/bin/wc.c: "wc [FILE...]" counts lines, words and
 * bytes, of standard input without a FILE (the end of a pipe: "ls | wc"),
 * printing "LINES WORDS BYTES" and the name for each file. Next: the
 * shell, G:640. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
	unsigned long lines, words, bytes;
};

static int count(int fd, const char *name, struct counts *c)
{
	char buf[512];
	bool in_word = false;
	ssize_t got;

	*c = (struct counts){ 0, 0, 0 };
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < got; i++) {
			bool space = buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n';

			c->lines += buf[i] == '\n';
			c->words += !space && !in_word;
			in_word = !space;
		}
		c->bytes += (unsigned long)got;
	}
	if (got < 0) {
		fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct counts c;
	int status = 0;

	if (argc < 2) {
		if (count(STDIN_FILENO, "stdin", &c))
			return 1;
		printf("%lu %lu %lu\n", c.lines, c.words, c.bytes);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0 || count(fd, argv[i], &c)) {
			if (fd < 0)
				fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		} else {
			printf("%lu %lu %lu %s\n", c.lines, c.words, c.bytes, argv[i]);
		}
		if (fd >= 0)
			close(fd);
	}
	return status;
}
