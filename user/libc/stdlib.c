/*U:710 user/libc/stdlib.c: turning text into numbers, and leaving.
 * strtoul is the one parser: optional spaces and sign, then digits in base
 * 2..36, where base 0 means "as C writes it" (0x.. hex, 0.. octal, else
 * decimal). A value too large for the type is clamped and sets ERANGE; *end
 * is left after the last digit used, or at s when there was none. Next: string.h. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int digit_value(int c)
{
	if (isdigit(c))
		return c - '0';
	if (isalpha(c))
		return tolower(c) - 'a' + 10;
	return 99;
}

/* Parse an unsigned magnitude; *negative tells if a '-' came first and
 * *overflow if the digits did not fit. */
static unsigned long parse(const char *s, char **end, int base,
			   bool *negative, bool *overflow)
{
	const char *p = s, *digits;
	unsigned long v = 0;

	*negative = *overflow = false;
	while (isspace(*p))
		p++;
	if (*p == '+' || *p == '-')
		*negative = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && tolower(p[1]) == 'x' &&
	    isxdigit(p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (digits = p; digit_value(*p) < base; p++) {
		unsigned long next = v * (unsigned long)base + (unsigned long)digit_value(*p);

		if (next / (unsigned long)base != v)
			*overflow = true;
		v = next;
	}
	if (end)
		*end = (char *)(p == digits ? s : p);
	return v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	bool negative, overflow;
	unsigned long v = parse(s, end, base, &negative, &overflow);

	if (overflow) {
		errno = ERANGE;
		return ~0UL;
	}
	return negative ? 0UL - v : v;
}

long strtol(const char *s, char **end, int base)
{
	bool negative, overflow;
	unsigned long v = parse(s, end, base, &negative, &overflow);
	unsigned long limit = negative ? (unsigned long)__LONG_MAX__ + 1 : __LONG_MAX__;

	if (overflow || v > limit) {
		errno = ERANGE;
		return negative ? -__LONG_MAX__ - 1 : __LONG_MAX__;
	}
	return negative ? (long)(0UL - v) : (long)v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int n)
{
	return n < 0 ? -n : n;
}

long labs(long n)
{
	return n < 0 ? -n : n;
}

void exit(int status)
{
	fflush(NULL);
	_exit(status);
}

void abort(void)
{
	fflush(NULL);
	_exit(EXIT_ABORTED);
}

void assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "assertion failed: %s (%s:%d)\n", expr, file, line);
	abort();
}
