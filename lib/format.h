/*P:220 lib/format.h: one printf engine for the whole tree.
 *
 * vsnprintf understands %d %i %u %x %X %o %c %s %p %%, the length modifiers
 * l and ll, flags '-' and '0', a field width and a precision (for strings:
 * the maximum length). It always terminates the buffer (when size > 0) and
 * returns the length the full output would have had, like C99's. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* For checks that refuse with a reason: write the reason into why (as
 * snprintf would) and return result, so that a refusal is one line:
 *	return explain(-1, why, whylen, "bad size %u", size); */
int explain(int result, char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
