/*U:550 user/include/stdio.h: printing and reading lines. There are three
 * streams, all on the console descriptors every process starts with:
 * stdout is line buffered (written out at each newline, when its buffer is
 * full, before reading stdin, and at exit), stderr is unbuffered, stdin is
 * read a buffer at a time. printf and friends format with the tree's own
 * vsnprintf (lib/format.h: %d %i %u %x %X %o %c %s %p, l and ll, '-' and
 * '0' flags, width and precision), so a program's output looks exactly like
 * the host's. readline is the convenient way to read what a user typed. The host
 * does not echo console input; a program that wants echo prints what it
 * read. Next: stdio.c. */
#ifndef USER_STDIO_H
#define USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include "lib/format.h"

#define EOF (-1)

typedef struct file FILE;
extern FILE *const stdin, *const stdout, *const stderr;

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int puts(const char *s);		/* s and a newline */
int fputs(const char *s, FILE *f);	/* s alone */
int putchar(int c);
int fputc(int c, FILE *f);
int fflush(FILE *f);			/* NULL: every stream */
void perror(const char *what);		/* "what: strerror(errno)" on stderr */

int getchar(void);
int fgetc(FILE *f);
char *fgets(char *buf, int size, FILE *f);
/* Read one line from stdin into buf without its line ending (a CR, an LF
 * or both); a longer line is cut to size-1 bytes and the rest dropped.
 * Returns the length, or -1 at end of input or on an error. */
int readline(char *buf, size_t size);

#endif
