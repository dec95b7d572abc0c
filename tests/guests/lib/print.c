/*T:390 tests/guests/lib/print.c: what a test guest says, and its verdict.
 *
 * print formats with the tree's own vsnprintf (lib/format.c) and writes
 * the text with one KH_CONSOLE_WRITE; the Launcher prints it as
 * "[NAME] ..." lines. check records a failed expectation as a "FAIL: "
 * line and goes on, so one run reports every broken promise, not just the
 * first; test_finish then turns the count into the verdict.
 *
 * test_result is the only way a test guest ends: exactly one line
 * "Test result: SUCCESS" (or FAILURE, SKIP, ERROR), then KH_SHUTDOWN with
 * the result word as its message, so the Launcher's closing line says it
 * too ("launcher: guest NAME powered off: SUCCESS"). If anything traps
 * while the verdict is being given, the dispatcher would try to give
 * another; the second attempt shuts down at once (as a crash) instead of
 * printing a second line. And should KH_SHUTDOWN ever return, the guest
 * makes a call that does not exist, so that the host kills it with a
 * reason, rather than spinning until the test's timeout. Next: the
 * instructions the tests provoke, T:395. */
#include "lib/format.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define PRINT_MAX	512
#define NO_SUCH_CALL	0xdead

static unsigned failed_checks;
static bool verdict_given;

static const char *const result_words[] = {
	[RESULT_SUCCESS] = "SUCCESS",
	[RESULT_FAILURE] = "FAILURE",
	[RESULT_SKIP] = "SKIP",
	[RESULT_ERROR] = "ERROR",
};

void console_write(const void *buf, uint32_t len)
{
	kh_console_write(gpa_of(buf), len);
}

/* prefix, the formatted text and suffix, in one console write. */
static void vprint(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char buf[PRINT_MAX];
	size_t n = strlcpy(buf, prefix, sizeof(buf));
	int len = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);

	n = len < 0 ? n : n + (size_t)len;
	if (n > sizeof(buf) - 1 - strlen(suffix))
		n = sizeof(buf) - 1 - strlen(suffix);
	strlcpy(buf + n, suffix, sizeof(buf) - n);
	console_write(buf, (uint32_t)strlen(buf));
}

void print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", "", fmt, ap);
	va_end(ap);
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	failed_checks++;
	va_start(ap, fmt);
	vprint("FAIL: ", "\n", fmt, ap);
	va_end(ap);
	return false;
}

bool check_eq(uint32_t got, uint32_t want, const char *what)
{
	return check(got == want, "%s is 0x%x, want 0x%x", what, got, want);
}

unsigned failures(void)
{
	return failed_checks;
}

static void __attribute__((noreturn)) no_way_back(void)
{
	for (;;)
		hcall(NO_SUCH_CALL, 0, 0, 0, 0);
}

void test_result(enum test_result r)
{
	if (verdict_given) {
		kh_shutdown("test_result re-entered", KH_SHUTDOWN_CRASH);
		no_way_back();
	}
	verdict_given = true;
	print("Test result: %s\n", result_words[r]);
	kh_shutdown(result_words[r], KH_SHUTDOWN_POWEROFF);
	no_way_back();
}

void test_finish(void)
{
	test_result(failed_checks ? RESULT_FAILURE : RESULT_SUCCESS);
}

void test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("ERROR: ", "\n", fmt, ap);
	va_end(ap);
	test_result(RESULT_ERROR);
}
