/*U:720 user/include/string.h: the tree's own lib/string.h (the same code
 * the host runs) plus the few extras programs like to have: concatenation,
 * duplication, searching and splitting a string into fields. Next: string_extra.c. */
#ifndef USER_STRING_H
#define USER_STRING_H

#include "lib/string.h"

char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);
void *memchr(const void *s, int c, size_t n);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strtok_r(char *s, const char *delims, char **save);
char *strtok(char *s, const char *delims);
char *strerror(int err);

#endif
