/*G:447 tests/unit/test_pup_path.c: guest/kernel/path.c, how pup turns
 * the names programs pass into canonical absolute paths: relative to the
 * current directory or not, with ".", "..", doubled and trailing slashes,
 * ".." at the root, and each limit (a component of 28 bytes passes, 29
 * does not; a result must fit PUP_PATH_MAX with its NUL). Then the two
 * helpers that split a canonical path. Next: G:450. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"

static char out[PUP_PATH_MAX];

static const char *resolved(const char *cwd, const char *path)
{
	assert_int_equal(path_resolve(cwd, path, out), 0);
	return out;
}

static void test_absolute_and_relative(void **state)
{
	(void)state;
	assert_string_equal(resolved("/", "/"), "/");
	assert_string_equal(resolved("/", "bin"), "/bin");
	assert_string_equal(resolved("/usr", "bin/sh"), "/usr/bin/sh");
	assert_string_equal(resolved("/usr", "/etc/motd"), "/etc/motd");
}

static void test_dots_and_slashes(void **state)
{
	(void)state;
	assert_string_equal(resolved("/a/b", ".."), "/a");
	assert_string_equal(resolved("/a/b", "../.."), "/");
	assert_string_equal(resolved("/a/b", "../../../.."), "/");
	assert_string_equal(resolved("/", ".."), "/");
	assert_string_equal(resolved("/a", "./b/./c/"), "/a/b/c");
	assert_string_equal(resolved("/a", "b//c///"), "/a/b/c");
	assert_string_equal(resolved("/a", "b/../c"), "/a/c");
	assert_string_equal(resolved("/a", "..."), "/a/...");
	assert_string_equal(resolved("/", "//x"), "/x");
}

static void test_limits(void **state)
{
	char long_path[PUP_PATH_MAX + 8];

	(void)state;
	assert_int_equal(path_resolve("/", "", out), -ENOENT);
	assert_string_equal(resolved("/", "abcdefghijklmnopqrstuvwxyz01"),
			    "/abcdefghijklmnopqrstuvwxyz01");
	assert_int_equal(path_resolve("/", "abcdefghijklmnopqrstuvwxyz012", out), -ENAMETOOLONG);
	for (int i = 0; i < PUP_PATH_MAX; i += 2)
		long_path[i] = 'x', long_path[i + 1] = '/';
	long_path[PUP_PATH_MAX - 1] = '\0';
	assert_int_equal(path_resolve("/", long_path, out), -ENAMETOOLONG);
	long_path[PUP_PATH_MAX - 4] = '\0';
	assert_int_equal(path_resolve("/", long_path, out), 0);
	assert_true(strlen(out) < PUP_PATH_MAX);
}

static void test_last_and_parent(void **state)
{
	char parent[PUP_PATH_MAX];

	(void)state;
	assert_string_equal(path_last("/a/b"), "b");
	assert_string_equal(path_last("/a"), "a");
	assert_string_equal(path_last("/"), "");
	path_parent("/a/b", parent);
	assert_string_equal(parent, "/a");
	path_parent("/a", parent);
	assert_string_equal(parent, "/");
	path_parent("/", parent);
	assert_string_equal(parent, "/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute_and_relative),
		cmocka_unit_test(test_dots_and_slashes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_last_and_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
