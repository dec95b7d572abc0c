/*U:700 user/include/stdlib.h: memory, numbers and leaving. malloc and
 * friends come from user/libc/malloc.c; exit flushes stdio before it ends
 * the process, _exit (unistd.h) does not. abort ends the program with
 * EXIT_ABORTED. Next: stdlib.c. */
#ifndef USER_STDLIB_H
#define USER_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1
#define EXIT_ABORTED	134	/* a shell's 128+SIGABRT */

void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);

int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int abs(int n);
long labs(long n);

void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));

#endif
