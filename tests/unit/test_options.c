/*T:150 tests/unit/test_options.c: the host command line, host/kernel/options.c.
 *
 * The parser's promise is that nothing is silently ignored: every word is
 * key=value with a known key and a valid value, or the whole line is
 * refused with a message that names the offending word. So beside the
 * valid forms (each fault kind, console=echo, run= with its commas kept
 * for the program to split), the tests feed it a word without '=', an
 * unknown key, a bad value, run= paths that are not absolute, one program
 * too many, and words too long for its buffers, and read the messages.
 * Next: the boot tests, tests/boot/test_boot.py (T:090). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "lib/format.h"
#include "host/kernel/options.h"

static struct host_options opts;
static char err[128];

static int parse(const char *line)
{
	memset(&opts, 0xa5, sizeof(opts));	/* the parser must reset it */
	memset(err, 0, sizeof(err));
	return options_parse(line, &opts, err, sizeof(err));
}

static void assert_defaults(void)
{
	assert_string_equal(opts.fault, "");
	assert_false(opts.echo);
	assert_int_equal(opts.nrun, 0);
}

static void test_empty_line(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_defaults();
	assert_string_equal(err, "");
	assert_int_equal(parse("    "), 0);
	assert_defaults();
}

static void test_each_fault(void **state)
{
	static const char *const kinds[] = { "divide", "page", "gp", "ud", "int3" };
	char line[32];

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		strlcpy(line, "fault=", sizeof(line));
		strlcpy(line + 6, kinds[i], sizeof(line) - 6);
		assert_int_equal(parse(line), 0);
		assert_string_equal(opts.fault, kinds[i]);
		assert_false(opts.echo);
		assert_int_equal(opts.nrun, 0);
	}
}

static void test_bad_fault(void **state)
{
	(void)state;
	assert_int_equal(parse("fault=panic"), -1);
	assert_string_equal(err, "bad option 'fault=panic': fault must be divide, page, gp, ud or int3");
	/* Near misses are not accepted either. */
	assert_int_equal(parse("fault="), -1);
	assert_string_equal(err, "bad option 'fault=': fault must be divide, page, gp, ud or int3");
	assert_int_equal(parse("fault=GP"), -1);
	assert_int_equal(parse("fault=int"), -1);
	assert_int_equal(parse("fault=int33"), -1);
	assert_string_equal(err, "bad option 'fault=int33': fault must be divide, page, gp, ud or int3");
}

static void test_console(void **state)
{
	(void)state;
	assert_int_equal(parse("console=echo"), 0);
	assert_true(opts.echo);
	assert_string_equal(opts.fault, "");
	assert_int_equal(opts.nrun, 0);

	assert_int_equal(parse("console=bad"), -1);
	assert_string_equal(err, "bad option 'console=bad': the only console mode is 'echo'");
	assert_int_equal(parse("console=echoo"), -1);
	assert_string_equal(err, "bad option 'console=echoo': the only console mode is 'echo'");
}

static void test_verbose(void **state)
{
	(void)state;
	assert_int_equal(parse("verbose=1"), 0);
	assert_true(opts.verbose);
	assert_int_equal(parse("verbose=0"), 0);
	assert_false(opts.verbose);
	assert_int_equal(parse(""), 0);
	assert_false(opts.verbose);
	assert_int_equal(parse("verbose=yes"), -1);
	assert_string_equal(err, "bad option 'verbose=yes': verbose is 0 or 1");
}

static void test_poison(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(opts.poison, 0);
	assert_int_equal(parse("poison=1"), 0);
	assert_int_equal(opts.poison, 1);
	assert_int_equal(parse("poison=test"), 0);
	assert_int_equal(opts.poison, 2);
	assert_int_equal(parse("poison=0"), 0);
	assert_int_equal(opts.poison, 0);
	assert_int_equal(parse("poison=2"), -1);
	assert_string_equal(err, "bad option 'poison=2': poison is 0, 1 or test");
}

static void test_run_with_arguments(void **state)
{
	(void)state;
	assert_int_equal(parse("run=/bin/sh,-c,echo,hi run=/bin/true"), 0);
	assert_int_equal(opts.nrun, 2);
	assert_string_equal(opts.run[0], "/bin/sh,-c,echo,hi");
	assert_string_equal(opts.run[1], "/bin/true");
	assert_string_equal(opts.fault, "");
	assert_false(opts.echo);
}

static void test_run_must_be_absolute(void **state)
{
	(void)state;
	assert_int_equal(parse("run=bin/sh"), -1);
	assert_string_equal(err, "bad option 'run=bin/sh': expected run=/path[,arg...] under 256 bytes");
	assert_int_equal(parse("run="), -1);
	assert_string_equal(err, "bad option 'run=': expected run=/path[,arg...] under 256 bytes");
	assert_int_equal(parse("run=,/bin/sh"), -1);
}

static void test_too_many_programs(void **state)
{
	char line[256];
	int len = 0;

	(void)state;
	for (int i = 0; i < OPT_MAX_RUN; i++)
		len += snprintf(line + len, sizeof(line) - len, "%srun=/p%d", i ? " " : "", i);
	assert_int_equal(parse(line), 0);
	assert_int_equal(opts.nrun, OPT_MAX_RUN);
	assert_string_equal(opts.run[0], "/p0");
	assert_string_equal(opts.run[OPT_MAX_RUN - 1], "/p7");

	snprintf(line + len, sizeof(line) - len, " run=/p8");
	assert_int_equal(parse(line), -1);
	assert_string_equal(err, "bad option 'run=/p8': too many programs (at most 8)");
}

static void test_word_without_equals(void **state)
{
	(void)state;
	assert_int_equal(parse("fault=gp quiet"), -1);
	assert_string_equal(err, "bad option 'quiet': expected key=value");
	assert_int_equal(parse("fault"), -1);
	assert_string_equal(err, "bad option 'fault': expected key=value");
}

static void test_unknown_key(void **state)
{
	(void)state;
	assert_int_equal(parse("xyz=1"), -1);
	assert_string_equal(err, "bad option 'xyz=1': unknown option");
	/* A known key as a prefix of a longer one is still unknown. */
	assert_int_equal(parse("faults=gp"), -1);
	assert_string_equal(err, "bad option 'faults=gp': unknown option");
	assert_int_equal(parse("=gp"), -1);
	assert_string_equal(err, "bad option '=gp': unknown option");
}

static void test_long_words(void **state)
{
	char line[600], big[400], want[400];

	(void)state;
	/* The longest run= value allowed: 255 bytes. */
	strlcpy(line, "run=/", sizeof(line));
	memset(line + 5, 'a', 254);
	line[259] = '\0';
	assert_int_equal(parse(line), 0);
	assert_int_equal(strlen(opts.run[0]), OPT_RUN_MAX - 1);
	assert_int_equal(opts.run[0][OPT_RUN_MAX - 2], 'a');

	/* One more is refused by the run= rule, and the message (in a buffer
	 * big enough for it) quotes the whole word. */
	line[259] = 'a';
	line[260] = '\0';
	assert_int_equal(options_parse(line, &opts, big, sizeof(big)), -1);
	snprintf(want, sizeof(want), "bad option '%s': expected run=/path[,arg...] under 256 bytes",
		 line);
	assert_string_equal(big, want);
	/* In the host's 128-byte buffer it is cut short, but terminated. */
	assert_int_equal(parse(line), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(strncmp(err, want, sizeof(err) - 1), 0);

	/* A word longer than the parser's buffer: the message quotes its
	 * first 40 characters. */
	memset(line, 'w', 500);
	line[500] = '\0';
	assert_int_equal(parse(line), -1);
	assert_string_equal(err, "bad option 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww...': too long");

	/* The boundary: 263 bytes still fit the parser's word buffer (and
	 * are then judged as a word), 264 do not. */
	memset(line, 'w', 263);
	line[263] = '\0';
	assert_int_equal(options_parse(line, &opts, big, sizeof(big)), -1);
	snprintf(want, sizeof(want), "bad option '%s': expected key=value", line);
	assert_string_equal(big, want);
	line[263] = 'w';
	line[264] = '\0';
	assert_int_equal(parse(line), -1);
	assert_string_equal(err, "bad option 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww...': too long");

	/* Even after good words. */
	strlcpy(line, "console=echo ", sizeof(line));
	memset(line + 13, 'v', 400);
	line[413] = '\0';
	assert_int_equal(parse(line), -1);
	assert_string_equal(err, "bad option 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv...': too long");
}

static void test_multiple_spaces(void **state)
{
	(void)state;
	assert_int_equal(parse("   fault=ud    console=echo   run=/bin/a,1   "), 0);
	assert_string_equal(opts.fault, "ud");
	assert_true(opts.echo);
	assert_int_equal(opts.nrun, 1);
	assert_string_equal(opts.run[0], "/bin/a,1");
}

static void test_later_words_are_checked_too(void **state)
{
	(void)state;
	/* A good first word does not let a bad second one through. */
	assert_int_equal(parse("console=echo fault=oops"), -1);
	assert_string_equal(err, "bad option 'fault=oops': fault must be divide, page, gp, ud or int3");
}

static void test_small_error_buffer(void **state)
{
	char small[12];

	(void)state;
	memset(small, 'Z', sizeof(small));
	assert_int_equal(options_parse("xyz=1", &opts, small, sizeof(small)), -1);
	assert_string_equal(small, "bad option ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_line),
		cmocka_unit_test(test_each_fault),
		cmocka_unit_test(test_bad_fault),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_verbose),
		cmocka_unit_test(test_run_with_arguments),
		cmocka_unit_test(test_poison),
		cmocka_unit_test(test_run_must_be_absolute),
		cmocka_unit_test(test_too_many_programs),
		cmocka_unit_test(test_word_without_equals),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_multiple_spaces),
		cmocka_unit_test(test_later_words_are_checked_too),
		cmocka_unit_test(test_small_error_buffer),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
