/*P:210 lib/string.c: the string and memory functions of every part of
 * kennel: the host, the Launcher, pup, the programs of both and the test
 * guests all link this file, so a benchmark of pup against native pup
 * (T:830) compares like with like.
 *
 * memcpy, memset and memmove move four bytes an instruction with the
 * string instructions ("rep movsl", "rep stosl"), then the odd bytes
 * one at a time: a page is 1,024 iterations, not 4,096 trips round a
 * C loop. They rely on the direction flag being clear, as the C calling
 * convention promises and every trap entry makes sure (cld, P:125);
 * memmove sets it only around its backward copy. The rest are plain byte
 * loops, obviously correct, on short strings. Next: lib/format.c. */
#include "lib/string.h"

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n / 4, bytes = n % 4;
	unsigned int pattern = (unsigned char)c * 0x01010101u;

	asm volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	asm volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	const void *s = src;
	size_t words = n / 4, bytes = n % 4;

	asm volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
	asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
	return dst;
}

/* Overlapping with dst above src: copy from the end down, the odd bytes
 * at the top first, then whole words. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t words = n / 4, bytes = n % 4;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	d += n - 1;
	s += n - 1;
	asm volatile("std\n\trep movsb" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
	d -= 3;
	s -= 3;
	asm volatile("rep movsl\n\tcld" : "+D"(d), "+S"(s), "+c"(words) : : "memory", "cc");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Copy with truncation; the result is always terminated when size > 0.
 * Returns strlen(src) so that a caller can detect truncation. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
