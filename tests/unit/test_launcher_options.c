/*L:220 tests/unit/test_launcher_options.c: the Launcher's command line,
 * launcher/options.c, natively.
 *
 * The size parser is tested at both edges of every limit (1M and one page
 * less, 256M and one page more), with every accepted spelling, and with the
 * sizes that would slip through a 32-bit parser: 4G plus 1M wraps to 1M,
 * and a long enough run of digits wraps to anything. Every refusal's
 * message is read in full, since it is what a person sees. Then the rest
 * of the line: defaults, options in any order, --disk and its image, the
 * name taken from the file, names too long or empty, options after the
 * file belonging to the guest, and the guest's command line at exactly
 * its limit and one byte over, and --lazy-memory. Next: the ELF checks, tests/unit/test_launcher_loader.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/format.h"
#include "lib/string.h"
#include "launcher/options.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct launch_options opts;
static char why[256];

static int parse(int argc, char **argv)
{
	memset(&opts, 0xa5, sizeof(opts));	/* the parser must reset it */
	memset(why, 0, sizeof(why));
	return options_parse(argc, argv, &opts, why, sizeof(why));
}

static uint32_t size_of(const char *text)
{
	uint32_t bytes = 0xdeadbeef;

	memset(why, 0, sizeof(why));
	assert_int_equal(parse_mem_size(text, &bytes, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	return bytes;
}

static void assert_size_refused(const char *text, const char *message)
{
	uint32_t bytes = 0xdeadbeef;

	memset(why, 0, sizeof(why));
	assert_int_equal(parse_mem_size(text, &bytes, why, sizeof(why)), -1);
	assert_string_equal(why, message);
	assert_int_equal(bytes, 0xdeadbeef);	/* untouched when refused */
}

static void test_size_spellings(void **state)
{
	(void)state;
	assert_int_equal(size_of("16M"), 16u << 20);
	assert_int_equal(size_of("16m"), 16u << 20);
	assert_int_equal(size_of("4096K"), 4u << 20);
	assert_int_equal(size_of("2048k"), 2u << 20);
	assert_int_equal(size_of("1048576"), 1u << 20);
	assert_int_equal(size_of("0001M"), 1u << 20);
}

static void test_size_limits(void **state)
{
	(void)state;
	assert_int_equal(size_of("1M"), MEM_MIN);
	assert_int_equal(size_of("256M"), MEM_MAX);
	assert_int_equal(size_of("262144K"), MEM_MAX);
	assert_int_equal(size_of("1052672"), MEM_MIN + 4096);
	assert_size_refused("1044480", "--mem 1044480: less than the minimum, 1M");
	assert_size_refused("1020K", "--mem 1020K: less than the minimum, 1M");
	assert_size_refused("0", "--mem 0: less than the minimum, 1M");
	assert_size_refused("262148K", "--mem 262148K: more than the maximum, 256M");
	assert_size_refused("257M", "--mem 257M: more than the maximum, 256M");
	assert_size_refused("268435457", "--mem 268435457: more than the maximum, 256M");
}

static void test_size_alignment(void **state)
{
	(void)state;
	assert_size_refused("1048577", "--mem 1048577: not a multiple of 4K");
	assert_size_refused("1050K", "--mem 1050K: not a multiple of 4K");
	assert_int_equal(size_of("1052K"), 1052u << 10);
}

/* Sizes that a parser doing its sums in 32 bits would accept. */
static void test_size_overflow(void **state)
{
	(void)state;
	assert_size_refused("4296015872", "--mem 4296015872: more than the maximum, 256M");
	assert_size_refused("4097M", "--mem 4097M: more than the maximum, 256M");
	assert_size_refused("4194305K", "--mem 4194305K: more than the maximum, 256M");
	assert_size_refused("18446744073709551617",
			    "--mem 18446744073709551617: more than the maximum, 256M");
	assert_size_refused("99999999999999999999999999999M",
			    "--mem 99999999999999999999999999999M: more than the maximum, 256M");
}

static void test_size_not_a_number(void **state)
{
	static const char *const bad[] = {
		"", "M", "K", "-4M", "+4M", " 4M", "4M ", "4 M", "4MB", "4G", "1T",
		"0x100000", "4.5M", "16MM", "sixteen",
	};
	char message[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(message, sizeof(message), "--mem %s: not a size (bytes, or a number "
			 "followed by K or M)", bad[i]);
		assert_size_refused(bad[i], message);
	}
}

static void test_defaults(void **state)
{
	char *argv[] = { "launcher", "/guests/hello.elf" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(opts.mem_bytes, MEM_DEFAULT);
	assert_int_equal(opts.mem_bytes, 16u << 20);
	assert_false(opts.stats);
	assert_string_equal(opts.elf_path, "/guests/hello.elf");
	assert_ptr_equal(opts.elf_path, argv[1]);
	assert_string_equal(opts.name, "hello");
	assert_null(opts.disk_path);
	assert_string_equal(opts.cmdline, "");
}

static void test_every_option(void **state)
{
	char *argv[] = { "launcher", "--stats", "--mem", "4M", "--name", "web",
			 "/guests/x.elf", "root=/dev/kb", "quiet", "a" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(opts.mem_bytes, 4u << 20);
	assert_true(opts.stats);
	assert_string_equal(opts.name, "web");
	assert_string_equal(opts.elf_path, "/guests/x.elf");
	assert_string_equal(opts.cmdline, "root=/dev/kb quiet a");
}

static void test_disk(void **state)
{
	char *argv[] = { "launcher", "--mem", "32M", "--disk", "/guests/disk.img",
			 "/guests/pup.elf" };
	char *missing[] = { "launcher", "--disk" };
	char *after[] = { "launcher", "pup.elf", "--disk", "d.img" };	/* the guest's */

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_ptr_equal(opts.disk_path, argv[4]);
	assert_string_equal(opts.elf_path, "/guests/pup.elf");
	assert_string_equal(opts.name, "pup");
	assert_int_equal(parse(ARGC(missing), missing), -1);
	assert_string_equal(why, "--disk needs a value");
	assert_int_equal(parse(ARGC(after), after), 0);
	assert_null(opts.disk_path);
	assert_string_equal(opts.cmdline, "--disk d.img");
}

/* --disk serves the file; ",ro" or --snapshot-disk a copy in memory. */
static void test_disk_kinds(void **state)
{
	char *plain[] = { "launcher", "--disk", "/var/pup.img", "g.elf" };
	char *ro[] = { "launcher", "--disk", "/guests/disk.img,ro", "g.elf" };
	char *snap[] = { "launcher", "--snapshot-disk", "/guests/disk.img", "g.elf" };
	char *bare[] = { "launcher", "--disk", ",ro", "g.elf" };

	(void)state;
	assert_int_equal(parse(ARGC(plain), plain), 0);
	assert_ptr_equal(opts.disk_path, plain[2]);
	assert_false(opts.disk_snapshot);
	assert_int_equal(parse(ARGC(ro), ro), 0);
	assert_string_equal(opts.disk_path, "/guests/disk.img");
	assert_true(opts.disk_snapshot);
	assert_int_equal(parse(ARGC(snap), snap), 0);
	assert_ptr_equal(opts.disk_path, snap[2]);
	assert_true(opts.disk_snapshot);
	assert_int_equal(parse(ARGC(bare), bare), -1);
	assert_string_equal(why, "--disk ,ro: not an image path");
}

/* --restore: a base and its deltas, in order, and nothing that would
 * disagree with what the snapshot recorded. */
static void test_restore(void **state)
{
	char *chain[] = { "launcher", "--name", "r", "--restore", "/var/a.snap", "--restore",
			  "/var/a.d1", "--stats" };
	char *with_mem[] = { "launcher", "--mem", "4M", "--restore", "/var/a.snap" };
	char *with_disk[] = { "launcher", "--restore", "/var/a.snap", "--disk", "/var/pup.img" };
	char *with_file[] = { "launcher", "--restore", "/var/a.snap", "g.elf" };
	char *bare[] = { "launcher", "--restore" };

	(void)state;
	assert_int_equal(parse(ARGC(chain), chain), 0);
	assert_int_equal(opts.restore_count, 2);
	assert_string_equal(opts.restore[0], "/var/a.snap");
	assert_string_equal(opts.restore[1], "/var/a.d1");
	assert_string_equal(opts.name, "r");
	assert_true(opts.stats);
	assert_null(opts.elf_path);
	assert_int_equal(parse(ARGC(with_mem), with_mem), -1);
	assert_string_equal(why, "--restore takes the memory size and the disk the snapshot "
			    "recorded: no --mem or --disk with it");
	assert_int_equal(parse(ARGC(with_disk), with_disk), -1);
	assert_string_equal(why, "--restore takes the memory size and the disk the snapshot "
			    "recorded: no --mem or --disk with it");
	assert_int_equal(parse(ARGC(with_file), with_file), -1);
	assert_string_equal(why, "--restore resumes a saved guest: no guest file ('g.elf')");
	assert_int_equal(parse(ARGC(bare), bare), -1);
	assert_string_equal(why, "--restore needs a value");
}

/* --lazy-memory and its one mode; not for a restore. */
static void test_lazy_memory(void **state)
{
	char *plain[] = { "launcher", "g.elf" };
	char *lazy[] = { "launcher", "--lazy-memory", "g.elf" };
	char *failfast[] = { "launcher", "--lazy-memory=failfast", "--mem", "8M", "g.elf" };
	char *other[] = { "launcher", "--lazy-memory=slow", "g.elf" };
	char *restore[] = { "launcher", "--lazy-memory", "--restore", "/var/a.snap" };

	(void)state;
	assert_int_equal(parse(ARGC(plain), plain), 0);
	assert_false(opts.lazy_memory);
	assert_false(opts.lazy_failfast);
	assert_int_equal(parse(ARGC(lazy), lazy), 0);
	assert_true(opts.lazy_memory);
	assert_false(opts.lazy_failfast);
	assert_string_equal(opts.elf_path, "g.elf");
	assert_int_equal(parse(ARGC(failfast), failfast), 0);
	assert_true(opts.lazy_memory);
	assert_true(opts.lazy_failfast);
	assert_int_equal(opts.mem_bytes, 8u << 20);
	assert_int_equal(parse(ARGC(other), other), -1);
	assert_string_equal(why, "--lazy-memory=slow: the only mode is failfast");
	assert_int_equal(parse(ARGC(restore), restore), -1);
	assert_string_equal(why, "--lazy-memory boots a guest on memory filled as it is "
			    "touched: not with --restore");
}

/* --lazy and --no-prefetch go with --restore, and only with it. */
static void test_lazy_restore(void **state)
{
	char *lazy[] = { "launcher", "--restore", "/var/a.snap", "--lazy", "--no-prefetch" };
	char *eager[] = { "launcher", "--restore", "/var/a.snap" };
	char *boot[] = { "launcher", "--lazy", "g.elf" };
	char *alone[] = { "launcher", "--restore", "/var/a.snap", "--no-prefetch" };

	(void)state;
	assert_int_equal(parse(ARGC(lazy), lazy), 0);
	assert_true(opts.lazy && opts.no_prefetch);
	assert_int_equal(parse(ARGC(eager), eager), 0);
	assert_false(opts.lazy || opts.no_prefetch);
	assert_int_equal(parse(ARGC(boot), boot), -1);
	assert_string_equal(why, "--lazy restores a snapshot lazily: give it --restore FILE");
	assert_int_equal(parse(ARGC(alone), alone), -1);
	assert_string_equal(why, "--no-prefetch is for a --lazy restore");
}

static void test_restore_chain_has_a_limit(void **state)
{
	char *argv[2 + 2 * (RESTORE_MAX + 1)];
	int n = 0;

	(void)state;
	argv[n++] = "launcher";
	for (int i = 0; i <= RESTORE_MAX; i++) {
		argv[n++] = "--restore";
		argv[n++] = "/var/x";
	}
	assert_int_equal(parse(n, argv), -1);
	assert_string_equal(why, "--restore /var/x: more than 32 snapshots");
	assert_int_equal(parse(n - 2, argv), 0);
	assert_int_equal(opts.restore_count, RESTORE_MAX);
}

static void test_later_option_wins(void **state)
{
	char *argv[] = { "launcher", "--mem", "2M", "--mem", "8M", "--name", "a",
			 "--name", "b", "g.elf" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(opts.mem_bytes, 8u << 20);
	assert_string_equal(opts.name, "b");
}

static void test_bad_mem_refuses_the_line(void **state)
{
	char *argv[] = { "launcher", "--mem", "5000", "g.elf" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), -1);
	assert_string_equal(why, "--mem 5000: less than the minimum, 1M");
}

static void test_missing_values(void **state)
{
	char *mem[] = { "launcher", "--mem" };
	char *name[] = { "launcher", "g.elf", "--name" };	/* a guest argument */
	char *name2[] = { "launcher", "--name" };

	(void)state;
	assert_int_equal(parse(ARGC(mem), mem), -1);
	assert_string_equal(why, "--mem needs a value");
	assert_int_equal(parse(ARGC(name2), name2), -1);
	assert_string_equal(why, "--name needs a value");
	assert_int_equal(parse(ARGC(name), name), 0);
	assert_string_equal(opts.cmdline, "--name");
}

static void test_unknown_option(void **state)
{
	char *argv[] = { "launcher", "--memory", "4M", "g.elf" };
	char *dashes[] = { "launcher", "--", "g.elf" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), -1);
	assert_string_equal(why, "unknown option '--memory'");
	assert_int_equal(parse(ARGC(dashes), dashes), -1);
	assert_string_equal(why, "unknown option '--'");
}

static void test_no_file(void **state)
{
	char *none[] = { "launcher" };
	char *only_options[] = { "launcher", "--stats", "--mem", "4M" };

	(void)state;
	assert_int_equal(parse(ARGC(none), none), -1);
	assert_string_equal(why, "no guest file given");
	assert_int_equal(parse(ARGC(only_options), only_options), -1);
	assert_string_equal(why, "no guest file given");
}

static void test_options_after_the_file_are_the_guests(void **state)
{
	char *argv[] = { "launcher", "x.elf", "--mem", "4M", "--stats" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(opts.mem_bytes, MEM_DEFAULT);
	assert_false(opts.stats);
	assert_string_equal(opts.cmdline, "--mem 4M --stats");
}

static const char *name_from(const char *path)
{
	char *argv[] = { "launcher", (char *)path };

	if (parse(ARGC(argv), argv) != 0)
		return NULL;
	return opts.name;
}

static void test_name_from_file(void **state)
{
	(void)state;
	assert_string_equal(name_from("/guests/hello.elf"), "hello");
	assert_string_equal(name_from("hello.elf"), "hello");
	assert_string_equal(name_from("/guests/kernel"), "kernel");
	assert_string_equal(name_from("/a/b.elf.elf"), "b.elf");
	assert_string_equal(name_from("/a/elf"), "elf");
	assert_string_equal(name_from("/a.elf/b"), "b");
	assert_string_equal(name_from("x.ELF"), "x.ELF");
}

static void test_empty_names(void **state)
{
	char *argv[] = { "launcher", "--name", "", "g.elf" };

	(void)state;
	assert_null(name_from("/guests/.elf"));
	assert_string_equal(why, "the guest's name is empty: give one with --name");
	assert_null(name_from("/guests/"));
	assert_string_equal(why, "the guest's name is empty: give one with --name");
	assert_int_equal(parse(ARGC(argv), argv), -1);
	assert_string_equal(why, "the guest's name is empty: give one with --name");
}

/*T:972 The host refuses a name with a space or a control byte (EINVAL
 * from KN_INIT, which says nothing of why); the Launcher says which byte,
 * whether the name came from --name or from the file. */
static void test_unprintable_names(void **state)
{
	char *space[] = { "launcher", "--name", "my guest", "g.elf" };
	char *newline[] = { "launcher", "--name", "a\nb", "g.elf" };
	char *high[] = { "launcher", "--name", "caf\xe9", "g.elf" };
	char *tilde[] = { "launcher", "--name", "!a~", "g.elf" };

	(void)state;
	assert_int_equal(parse(ARGC(space), space), -1);
	assert_string_equal(why, "the guest's name has byte 0x20 at position 3: give one of "
			    "printable characters, no spaces, with --name");
	assert_int_equal(parse(ARGC(newline), newline), -1);
	assert_string_equal(why, "the guest's name has byte 0x0a at position 2: give one of "
			    "printable characters, no spaces, with --name");
	assert_int_equal(parse(ARGC(high), high), -1);
	assert_string_equal(why, "the guest's name has byte 0xe9 at position 4: give one of "
			    "printable characters, no spaces, with --name");
	assert_null(name_from("/guests/two words.elf"));
	assert_string_equal(why, "the guest's name has byte 0x20 at position 4: give one of "
			    "printable characters, no spaces, with --name");
	assert_int_equal(parse(ARGC(tilde), tilde), 0);
	assert_string_equal(opts.name, "!a~");
}

static void test_long_names(void **state)
{
	char longest[] = "/g/abcdefghijklmnopqrstuvwxyz01234.elf";	/* 31 + .elf */
	char too_long[] = "/g/abcdefghijklmnopqrstuvwxyz012345.elf";	/* 32 */
	char *argv[] = { "launcher", "--name", too_long + 3, "g.elf" };

	(void)state;
	assert_string_equal(name_from(longest), "abcdefghijklmnopqrstuvwxyz01234");
	assert_null(name_from(too_long));
	assert_string_equal(why, "the guest's name (from 'abcdefghijklmnopqrstuvwxyz012345.elf') "
			    "is longer than 31 characters: give a shorter one with --name");
	/* The same name through --name, where ".elf" is part of it. */
	assert_int_equal(parse(ARGC(argv), argv), -1);
	assert_string_equal(why, "the guest's name (from 'abcdefghijklmnopqrstuvwxyz012345.elf') "
			    "is longer than 31 characters: give a shorter one with --name");
	/* --name rescues a file whose own name is too long. */
	argv[2] = "short";
	argv[3] = too_long;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_string_equal(opts.name, "short");
}

/* n words of the given lengths, which with n-1 spaces make total bytes. */
static void test_cmdline_limit(void **state)
{
	static char word[KENNEL_CMDLINE_MAX + 1];
	char *argv[] = { "launcher", "g.elf", "ab", word };

	(void)state;
	memset(word, 'w', sizeof(word) - 1);
	word[KENNEL_CMDLINE_MAX - 1 - 3] = '\0';	/* "ab " + word = 255 */
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(strlen(opts.cmdline), KENNEL_CMDLINE_MAX - 1);
	assert_memory_equal(opts.cmdline, "ab www", 6);
	assert_int_equal(opts.cmdline[KENNEL_CMDLINE_MAX - 2], 'w');

	word[KENNEL_CMDLINE_MAX - 1 - 3] = 'w';		/* one byte more */
	word[KENNEL_CMDLINE_MAX - 3] = '\0';
	assert_int_equal(parse(ARGC(argv), argv), -1);
	assert_string_equal(why, "the guest's command line is 256 bytes; the limit is 255");
}

static void test_empty_words(void **state)
{
	char *argv[] = { "launcher", "g.elf", "", "a", "" };

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_string_equal(opts.cmdline, " a ");
}

static void test_help_alone_is_help(void **state)
{
	char *help[] = { "launcher", "--help" };
	char *h[] = { "launcher", "-h" };
	char *more[] = { "launcher", "--help", "/guests/x.elf" };
	char *file[] = { "launcher", "/guests/--help" };

	(void)state;
	assert_true(options_want_help(2, help));
	assert_true(options_want_help(2, h));
	assert_false(options_want_help(3, more));
	assert_false(options_want_help(2, file));
	assert_false(options_want_help(1, help));
}

static void test_small_reason_buffer(void **state)
{
	char small[8];
	uint32_t bytes;

	(void)state;
	memset(small, 'Z', sizeof(small));
	assert_int_equal(parse_mem_size("3", &bytes, small, sizeof(small)), -1);
	assert_string_equal(small, "--mem 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_spellings),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_size_alignment),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_size_not_a_number),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_disk_kinds),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_lazy_restore),
		cmocka_unit_test(test_restore_chain_has_a_limit),
		cmocka_unit_test(test_lazy_memory),
		cmocka_unit_test(test_later_option_wins),
		cmocka_unit_test(test_bad_mem_refuses_the_line),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_no_file),
		cmocka_unit_test(test_options_after_the_file_are_the_guests),
		cmocka_unit_test(test_name_from_file),
		cmocka_unit_test(test_empty_names),
		cmocka_unit_test(test_unprintable_names),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_cmdline_limit),
		cmocka_unit_test(test_empty_words),
		cmocka_unit_test(test_help_alone_is_help),
		cmocka_unit_test(test_small_reason_buffer),
	};

	return cmocka_run_group_tests_name("launcher options", tests, NULL, NULL);
}
