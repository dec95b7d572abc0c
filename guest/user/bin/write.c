/*G:680 guest/user/bin/write.c: "write FILE TEXT..." creates FILE, or
 * empties it if it exists, and writes the words of TEXT into it separated
 * by spaces and ended by a newline, the line echo would print. It prints
 * nothing when all went well; "cat FILE" shows the result. With no TEXT
 * the file is left empty. The words are gathered into one buffer and
 * written with one call, so pup's file system sees the whole line at
 * once. Next: mkdir.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pup.h>

/* The words joined by spaces, and a newline; the length, or -1 if too long. */
static int join_words(int n, char **words, char *text, size_t size)
{
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		size_t word = strlen(words[i]);

		if (len + word + 2 > size)
			return -1;
		memcpy(text + len, words[i], word);
		len += word;
		text[len++] = i + 1 < n ? ' ' : '\n';
	}
	return (int)len;
}

static int fail(const char *path)
{
	fprintf(stderr, "write: %s: %s\n", path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char text[PUP_ARG_BYTES + 2];
	int fd, len;

	if (argc < 2) {
		fprintf(stderr, "usage: write FILE [TEXT...]\n");
		return 2;
	}
	len = join_words(argc - 2, argv + 2, text, sizeof(text));
	if (len < 0) {
		fprintf(stderr, "write: the text is too long\n");
		return 1;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return fail(argv[1]);
	if (write(fd, text, (size_t)len) != len) {
		close(fd);
		return fail(argv[1]);
	}
	return close(fd) < 0 ? fail(argv[1]) : 0;
}
