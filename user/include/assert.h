/*U:770 user/include/assert.h: assert(expr) checks an assumption and, when
 * it is false, prints "assertion failed: EXPR (FILE:LINE)" on stderr and
 * ends the program through abort() (exit status 134, a shell's 128+SIGABRT).
 * Defining NDEBUG turns the checks off. The allocator's own tests are
 * tests/unit/test_malloc.c (T:250). */
#ifndef USER_ASSERT_H
#define USER_ASSERT_H

void assert_fail(const char *expr, const char *file, int line)
	__attribute__((noreturn));

#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
#define assert(expr) ((expr) ? (void)0 : assert_fail(#expr, __FILE__, __LINE__))
#endif

#endif
