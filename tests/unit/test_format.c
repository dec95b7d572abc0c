/*T:110 tests/unit/test_format.c: the printf engine, lib/format.c.
 *
 * Every console line kennel prints goes through vsnprintf, and the boot
 * tests read those lines, so a wrong digit here is a wrong test verdict
 * there. These tests pin down the corners: the extreme integers (INT_MIN
 * has no positive twin), 64-bit values through %ll, zero padding that must
 * go after the minus sign, precision on strings, NULL strings, and above
 * all truncation: the return value is the full length, the buffer is always
 * terminated, and nothing is written past "size" (a canary checks). Next:
 * tests/unit/test_bitmap.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <cmocka.h>

#include "lib/format.h"
#include "lib/string.h"

/* vsnprintf without the format attribute, so that deliberately odd formats
 * (unknown conversions, a lone '%') compile under -Werror. */
static int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* Format into a large buffer and check both the text and the returned
 * length against the expected string. */
#define CHECK(expected, ...)						\
	do {								\
		char b_[128];						\
		memset(b_, 'Z', sizeof(b_));				\
		int n_ = snprintf(b_, sizeof(b_), __VA_ARGS__);		\
		assert_string_equal(b_, expected);			\
		assert_int_equal(n_, strlen(expected));			\
	} while (0)

static void test_signed_decimal(void **state)
{
	(void)state;
	CHECK("0", "%d", 0);
	CHECK("42", "%d", 42);
	CHECK("-42", "%d", -42);
	CHECK("-1", "%i", -1);
	CHECK("2147483647", "%d", INT_MAX);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("-2147483648", "%i", INT_MIN);
	CHECK("a-7b", "a%db", -7);
}

static void test_unsigned_conversions(void **state)
{
	(void)state;
	CHECK("0", "%u", 0u);
	CHECK("4294967295", "%u", UINT_MAX);
	CHECK("ffffffff", "%x", UINT_MAX);
	CHECK("FFFFFFFF", "%X", UINT_MAX);
	CHECK("deadbeef", "%x", 0xdeadbeefu);
	CHECK("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK("0", "%x", 0u);
	CHECK("17", "%o", 15u);
	CHECK("37777777777", "%o", UINT_MAX);
	CHECK("0", "%o", 0u);
	/* %u of a negative int is its two's complement, not a minus sign. */
	CHECK("4294967295", "%u", (unsigned)-1);
}

static void test_pointer_char_string_percent(void **state)
{
	(void)state;
	CHECK("0xc0100000", "%p", (void *)(uintptr_t)0xc0100000u);
	CHECK("0x0", "%p", (void *)0);
	CHECK("x", "%c", 'x');
	CHECK("[A]", "[%c]", 65);
	CHECK("hello", "%s", "hello");
	CHECK("", "%s", "");
	CHECK("100%", "%d%%", 100);
	CHECK("%", "%%");
	CHECK("a % b", "a %% b");
}

static void test_null_string(void **state)
{
	const char *null = NULL;
	char buf[32];

	(void)state;
	/* Through fmt: gcc would (rightly) warn about a literal NULL %s. */
	assert_int_equal(fmt(buf, sizeof(buf), "<%s>", null), 8);
	assert_string_equal(buf, "<(null)>");
}

static void test_width_and_justification(void **state)
{
	(void)state;
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("  -42", "%5d", -42);
	CHECK("-42  |", "%-5d|", -42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("-0000000000000000001", "%020lld", -1LL);
	CHECK("000000ff", "%08x", 0xffu);
	CHECK("c0100000", "%08x", 0xc0100000u);
	/* A width smaller than the number never cuts digits. */
	CHECK("123456", "%3d", 123456);
	CHECK("-2147483648", "%05d", INT_MIN);
	CHECK("   ab", "%5s", "ab");
	CHECK("ab   |", "%-5s|", "ab");
	CHECK("   7", "%*d", 4, 7);
}

static void test_string_precision(void **state)
{
	char unterminated[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	CHECK("hel", "%.3s", "hello");
	CHECK("hello", "%.10s", "hello");
	CHECK("", "%.0s", "hello");
	CHECK("  hel", "%5.3s", "hello");
	CHECK("hel  |", "%-5.3s|", "hello");
	/* Precision bounds the read: the array has no terminator. */
	CHECK("abcd", "%.4s", unterminated);
}

static void test_long_long(void **state)
{
	(void)state;
	CHECK("ffffffffffffffff", "%llx", 0xffffffffffffffffULL);
	CHECK("FFFFFFFFFFFFFFFF", "%llX", 0xffffffffffffffffULL);
	CHECK("18446744073709551615", "%llu", 18446744073709551615ULL);
	CHECK("1777777777777777777777", "%llo", 0xffffffffffffffffULL);
	CHECK("9223372036854775807", "%lld", LLONG_MAX);
	CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK("-1", "%lli", -1LL);
	CHECK("4294967296", "%llu", 1ULL << 32);
	CHECK("100000000", "%llx", 1ULL << 32);
	/* A 64-bit argument must consume exactly its own slot: the next
	 * argument comes out unharmed. */
	CHECK("123456789abcdef0 7", "%llx %d", 0x123456789abcdef0ULL, 7);
	CHECK("-5 18446744073709551615 x", "%lld %llu %c", -5LL, ~0ULL, 'x');
}

static void test_long(void **state)
{
	(void)state;
	CHECK("4294967295", "%lu", 4294967295UL);
	CHECK("0", "%lu", 0UL);
	CHECK("-2147483648", "%ld", (long)INT_MIN);
	CHECK("ffffffff", "%lx", 0xffffffffUL);
	CHECK("4000000000 9", "%lu %d", 4000000000UL, 9);
	/* %zu is accepted as a size_t (the z is a length modifier). */
	CHECK("12", "%zu", (size_t)12);
}

static void test_truncation_returns_full_length(void **state)
{
	char buf[16];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 5, "hello world"), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'Z');	/* nothing past size */

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 6, "%d", -123456789), 10);
	assert_string_equal(buf, "-1234");
	assert_int_equal(buf[6], 'Z');

	/* Exactly fitting output: size == length + 1. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 6, "%s", "hello"), 5);
	assert_string_equal(buf, "hello");
	/* One short: the last character is dropped for the terminator. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 5, "%s", "hello"), 5);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'Z');

	/* Padding counts too, even where it is cut off. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 4, "%-10s|", "ab"), 11);
	assert_string_equal(buf, "ab ");
	assert_int_equal(buf[4], 'Z');
}

static void test_size_zero_and_one(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 0, "hello %d", 42), 8);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z');
	/* Size 0 may be used to measure: the buffer is not touched at all. */
	assert_int_equal(snprintf(NULL, 0, "%llu", 18446744073709551615ULL), 20);

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 1, "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(snprintf(buf, 1, "%s", ""), 0);
	assert_int_equal(buf[0], '\0');
}

static void test_minus_wins_over_zero(void **state)
{
	char buf[16];

	(void)state;
	/* Through fmt: gcc warns that '0' is ignored with '-', which is the
	 * very behaviour checked: left-justified numbers pad with spaces. */
	assert_int_equal(fmt(buf, sizeof(buf), "%-05d|", -7), 6);
	assert_string_equal(buf, "-7   |");
}

static void test_empty_format(void **state)
{
	char buf[4] = "xyz";

	(void)state;
	assert_int_equal(fmt(buf, sizeof(buf), ""), 0);
	assert_string_equal(buf, "");
}

static void test_unknown_conversion_is_literal(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(fmt(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	/* An unknown conversion consumes no argument: the %d still gets 5. */
	assert_int_equal(fmt(buf, sizeof(buf), "%y %d", 5), 4);
	assert_string_equal(buf, "%y 5");
	/* A lone '%' at the end prints itself and stops cleanly. */
	assert_int_equal(fmt(buf, sizeof(buf), "50%"), 3);
	assert_string_equal(buf, "50%");
}

static void test_vsnprintf_with_many_arguments(void **state)
{
	char buf[128];
	int n;

	(void)state;
	n = fmt(buf, sizeof(buf), "%s=%d %x %llu %c %s", "a", -1, 255u,
		10000000000ULL, 'q', "end");
	assert_string_equal(buf, "a=-1 ff 10000000000 q end");
	assert_int_equal(n, (int)strlen("a=-1 ff 10000000000 q end"));
}

/* explain() formats the reason like snprintf, truncating it to fit, and
 * hands back the result it was given, whatever it is. */
static void test_explain_returns_its_result(void **state)
{
	char why[12];

	(void)state;
	assert_int_equal(explain(-1, why, sizeof(why), "bad size %u", 7u), -1);
	assert_string_equal(why, "bad size 7");
	assert_int_equal(explain(-8, why, sizeof(why), "%s", "far too long a reason"), -8);
	assert_string_equal(why, "far too lon");
	assert_int_equal(explain(0, why, 0, "unused"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_decimal),
		cmocka_unit_test(test_unsigned_conversions),
		cmocka_unit_test(test_pointer_char_string_percent),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_width_and_justification),
		cmocka_unit_test(test_string_precision),
		cmocka_unit_test(test_long_long),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_truncation_returns_full_length),
		cmocka_unit_test(test_size_zero_and_one),
		cmocka_unit_test(test_minus_wins_over_zero),
		cmocka_unit_test(test_empty_format),
		cmocka_unit_test(test_unknown_conversion_is_literal),
		cmocka_unit_test(test_vsnprintf_with_many_arguments),
		cmocka_unit_test(test_explain_returns_its_result),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
