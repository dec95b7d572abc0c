/*U:560 user/libc/stdio.c: the three console streams. Output collects in a
 * stream's buffer and goes to the host in as few SYS_WRITE calls as
 * possible: a whole line at a time for stdout, one call per printf for
 * stderr (which first flushes stdout, so the two stay in order on the
 * console). A printf whose text does not fit the stack buffer formats a
 * second time into a malloc'd one; if even that fails it prints what fit.
 * Input is buffered too: a read from the console may return several bytes,
 * and fgetc hands them out one at a time. Next: the heap, heap.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STREAM_BUF 256

enum buffering { UNBUFFERED, LINE_BUFFERED };

struct file {
	int fd;
	enum buffering mode;
	size_t out_len;
	char out[STREAM_BUF];
	size_t in_pos, in_len;
	bool skip_lf;		/* the last line ended in CR: drop an LF after it */
	char in[STREAM_BUF];
};

static struct file streams[3] = {
	{ .fd = STDIN_FILENO, .mode = LINE_BUFFERED },
	{ .fd = STDOUT_FILENO, .mode = LINE_BUFFERED },
	{ .fd = STDERR_FILENO, .mode = UNBUFFERED },
};

FILE *const stdin = &streams[0];
FILE *const stdout = &streams[1];
FILE *const stderr = &streams[2];

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t done = write(fd, s, n);

		if (done <= 0)
			return -1;
		s += done;
		n -= (size_t)done;
	}
	return 0;
}

static int flush_one(FILE *f)
{
	int r = write_all(f->fd, f->out, f->out_len);

	f->out_len = 0;
	return r;
}

int fflush(FILE *f)
{
	if (f)
		return flush_one(f);
	return flush_one(stdout) | flush_one(stderr);
}

/* Put n bytes into f: straight out for an unbuffered stream, else through
 * the buffer, which goes out when full and after a newline. */
static int put_bytes(FILE *f, const char *s, size_t n)
{
	bool newline = false;

	if (f->mode == UNBUFFERED) {
		if (f != stdout)
			flush_one(stdout);
		return write_all(f->fd, s, n);
	}
	for (size_t i = 0; i < n; i++) {
		if (f->out_len == sizeof(f->out) && flush_one(f))
			return -1;
		f->out[f->out_len++] = s[i];
		newline |= s[i] == '\n';
	}
	return newline ? flush_one(f) : 0;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char local[STREAM_BUF];
	char *text = local;
	va_list again;
	int n, r;

	va_copy(again, ap);
	n = vsnprintf(local, sizeof(local), fmt, ap);
	if ((size_t)n >= sizeof(local)) {
		text = malloc((size_t)n + 1);
		if (text)
			vsnprintf(text, (size_t)n + 1, fmt, again);
		else
			text = local;
	}
	va_end(again);
	r = put_bytes(f, text, text == local ? strlen(local) : (size_t)n);
	if (text != local)
		free(text);
	return r ? -1 : n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *s, FILE *f)
{
	return put_bytes(f, s, strlen(s)) ? EOF : 0;
}

int puts(const char *s)
{
	return put_bytes(stdout, s, strlen(s)) || put_bytes(stdout, "\n", 1) ? EOF : 0;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return put_bytes(f, &ch, 1) ? EOF : (unsigned char)ch;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

void perror(const char *what)
{
	if (what && *what)
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
	else
		fprintf(stderr, "%s\n", strerror(errno));
}

int fgetc(FILE *f)
{
	if (f->in_pos == f->in_len) {
		ssize_t got;

		fflush(stdout);		/* show the prompt before waiting */
		got = read(f->fd, f->in, sizeof(f->in));
		if (got <= 0)
			return EOF;
		f->in_pos = 0;
		f->in_len = (size_t)got;
	}
	return (unsigned char)f->in[f->in_pos++];
}

int getchar(void)
{
	return fgetc(stdin);
}

char *fgets(char *buf, int size, FILE *f)
{
	int n = 0, c = 0;

	if (size <= 0)
		return NULL;
	while (n < size - 1 && c != '\n') {
		c = fgetc(f);
		if (c == EOF)
			break;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return n ? buf : NULL;
}

int readline(char *buf, size_t size)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = fgetc(stdin);
		if (c == '\n' && stdin->skip_lf) {
			stdin->skip_lf = false;
			continue;
		}
		stdin->skip_lf = c == '\r';
		if (c == EOF || c == '\n' || c == '\r')
			break;
		if (n + 1 < size)
			buf[n++] = (char)c;
	}
	if (size)
		buf[n] = '\0';
	return c == EOF && n == 0 ? -1 : (int)n;
}
