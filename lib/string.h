/*P:200 lib/string.h: the handful of string and memory functions that a
 * freestanding kernel needs. The host, pup and their user programs each link
 * their own copy of lib/, so nothing here may touch hardware or allocate.
 * Next: lib/format.h, the printf engine. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
int starts_with(const char *s, const char *prefix);

#endif
