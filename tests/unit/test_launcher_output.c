/*L:260 tests/unit/test_launcher_output.c: guest output becoming
 * labelled lines, launcher/output.c, natively.
 *
 * The emit function records every line it is given, so each test reads
 * exactly what the console would show. Lines are split across calls at
 * every awkward place; a partial line waits for the flush and no more; an
 * empty line is still labelled. Control bytes (escape, Ctrl-T, carriage
 * return, delete, bytes above 127 and NUL) come out as '?', while tab and
 * newline survive. An overlong line is cut at exactly the host console's
 * line length, and a line that fits exactly is not followed by an empty
 * one. A guest's name is cut to fit, and a name cannot carry a newline into
 * the prefix either. Next: the host's side of all this, host/hypervisor.c
 * (H:005), or first the block device the Launcher also serves (L:300). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "launcher/output.h"

#define MAX_LINES	8

static struct guest_output out;
static char lines[MAX_LINES][OUTPUT_LINE_MAX + 1];
static size_t lens[MAX_LINES];
static int nlines;
static int partial_ok;		/* may an emit lack its newline? */

static void collect(void *ctx, const char *line, size_t len)
{
	assert_ptr_equal(ctx, &out);
	assert_true(nlines < MAX_LINES);
	assert_int_equal(strlen(line), len);		/* NUL-terminated at len */
	assert_true(len > 0);
	assert_true(line[len - 1] == '\n' || partial_ok);
	memcpy(lines[nlines], line, len + 1);
	lens[nlines++] = len;
}

static int setup(void **state)
{
	(void)state;
	memset(lines, 0, sizeof(lines));
	nlines = 0;
	partial_ok = 0;
	output_init(&out, "g", collect, &out);
	return 0;
}

static void write_str(const char *s)
{
	output_write(&out, s, strlen(s));
}

static void test_one_line(void **state)
{
	(void)state;
	write_str("hello\n");
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "[g] hello\n");
}

static void test_split_across_calls(void **state)
{
	(void)state;
	write_str("hel");
	assert_int_equal(nlines, 0);
	write_str("lo\nwor");
	assert_int_equal(nlines, 1);
	write_str("ld");
	write_str("\n");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[0], "[g] hello\n");
	assert_string_equal(lines[1], "[g] world\n");
}

static void test_byte_at_a_time(void **state)
{
	const char *s = "ab\ncd\n";

	(void)state;
	for (size_t i = 0; i < strlen(s); i++)
		output_write(&out, s + i, 1);
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[0], "[g] ab\n");
	assert_string_equal(lines[1], "[g] cd\n");
}

static void test_many_lines_in_one_call(void **state)
{
	(void)state;
	write_str("one\n\nthree\nfour");
	assert_int_equal(nlines, 3);
	assert_string_equal(lines[0], "[g] one\n");
	assert_string_equal(lines[1], "[g] \n");
	assert_string_equal(lines[2], "[g] three\n");
	output_flush(&out);
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[3], "[g] four\n");
}

static void test_flush(void **state)
{
	(void)state;
	output_flush(&out);			/* nothing begun: nothing printed */
	assert_int_equal(nlines, 0);
	write_str("partial");
	output_flush(&out);
	output_flush(&out);			/* only once */
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "[g] partial\n");
	write_str("next\n");			/* a new line, newly labelled */
	assert_string_equal(lines[1], "[g] next\n");
	write_str("done\n");
	output_flush(&out);			/* a finished line: nothing more */
	assert_int_equal(nlines, 3);
}

static void test_control_bytes(void **state)
{
	static const char bytes[] = "\x1b[2J\x14\r\x7f\x80\xff\x01\ttab\0end\n";

	(void)state;
	output_write(&out, bytes, sizeof(bytes) - 1);
	assert_int_equal(nlines, 1);
	assert_int_equal(lens[0], 4 + 18 + 1);
	assert_string_equal(lines[0], "[g] ?[2J??????\ttab?end\n");
}

static void test_printable_range(void **state)
{
	char all[256], expect[256];

	(void)state;
	for (int c = 0; c < 256; c++)
		all[c] = (char)c;
	for (int c = 0; c < 256; c++)
		expect[c] = (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' ? (char)c : '?';
	for (int c = 0; c < 256; c++)
		assert_int_equal(output_char((uint8_t)all[c]), expect[c]);
}

static void test_printable_message(void **state)
{
	char msg[16] = "bad\x1b]0;\x07x";

	(void)state;
	output_printable(msg, sizeof(msg));
	assert_string_equal(msg, "bad?]0;?x");
	/* Stops at the size even without a NUL. */
	memset(msg, 0x1b, sizeof(msg));
	output_printable(msg, 4);
	assert_memory_equal(msg, "????\x1b", 5);
}

/* "[g] " is 4 bytes, so a line holds 251 bytes of text and its newline. */
static void test_long_line_is_cut(void **state)
{
	char text[300];

	(void)state;
	memset(text, 'x', sizeof(text));
	output_write(&out, text, sizeof(text));
	write_str("\n");
	assert_int_equal(nlines, 2);
	assert_int_equal(lens[0], OUTPUT_LINE_MAX);
	assert_memory_equal(lines[0], "[g] xxx", 7);
	assert_int_equal(lines[0][OUTPUT_LINE_MAX - 2], 'x');
	assert_int_equal(lens[1], 4 + (300 - 251) + 1);
	assert_memory_equal(lines[1], "[g] xxx", 7);
}

static void test_exact_line_has_no_empty_follower(void **state)
{
	char text[251];

	(void)state;
	memset(text, 'y', sizeof(text));
	output_write(&out, text, sizeof(text));
	assert_int_equal(nlines, 0);		/* still room for the newline */
	write_str("\n");
	assert_int_equal(nlines, 1);
	assert_int_equal(lens[0], OUTPUT_LINE_MAX);
	write_str("z\n");
	assert_string_equal(lines[1], "[g] z\n");
	assert_int_equal(nlines, 2);
}

static void test_names(void **state)
{
	(void)state;
	output_init(&out, "abcdefghijklmnopqrstuvwxyz0123456789", collect, &out);
	write_str("a\n");
	assert_string_equal(lines[0], "[abcdefghijklmnopqrstuvwxyz01234] a\n");
	output_init(&out, "we\nb\x1b", collect, &out);
	write_str("b\n");
	assert_string_equal(lines[1], "[we?b?] b\n");
	output_init(&out, "", collect, &out);
	write_str("c\n");
	assert_string_equal(lines[2], "[] c\n");
}

/* A prompt is shown as it stands, labelled once; the rest of its line
 * follows unlabelled, and nothing is shown twice. */
static void test_partial_line_shown_once(void **state)
{
	(void)state;
	partial_ok = 1;
	write_str("pup:/$ ");
	output_show_partial(&out);
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "[g] pup:/$ ");
	output_show_partial(&out);			/* nothing new: no emit */
	assert_int_equal(nlines, 1);
	write_str("ls\nnext");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[1], "ls\n");
	output_show_partial(&out);
	assert_string_equal(lines[2], "[g] next");
	output_flush(&out);
	assert_string_equal(lines[3], "\n");
	assert_int_equal(nlines, 4);
}

/* Backspace edits the line: in the buffer before it is shown, on the
 * screen after, and never into the prefix. */
static void test_backspace_erases_within_the_line(void **state)
{
	(void)state;
	partial_ok = 1;
	write_str("ab\b\bxyz\b\n");
	assert_string_equal(lines[0], "[g] xy\n");
	write_str("\b\b\bq\n");
	assert_string_equal(lines[1], "[g] q\n");
	write_str("pup$ ls");
	output_show_partial(&out);
	write_str("\b \b");
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[3], "\b \b");
	write_str("\n");
	assert_string_equal(lines[4], "\n");
}

/* A shown prefix still counts towards the line's length limit. */
static void test_partial_line_still_cut_at_the_limit(void **state)
{
	char chunk[OUTPUT_LINE_MAX];

	(void)state;
	partial_ok = 1;
	memset(chunk, 'x', sizeof(chunk) - 1);
	chunk[sizeof(chunk) - 1] = '\0';
	write_str("ab");
	output_show_partial(&out);
	write_str(chunk);
	assert_int_equal(nlines, 2);
	assert_int_equal(strlen(lines[0]) + lens[1], OUTPUT_LINE_MAX);
	assert_int_equal(lines[1][lens[1] - 1], '\n');
}

/* As L:600 says, a guest's line editor moves within the line it shows: left, a
 * byte typed over what is there, erase to the end; the buffer follows
 * the screen, and a move never enters the prefix. */
static void test_cursor_moves_within_the_line(void **state)
{
	(void)state;
	partial_ok = 1;
	write_str("pup$ ac");
	output_show_partial(&out);
	write_str("\x1b[Dbc\x1b[1D");		/* pup inserting b before c */
	assert_int_equal(nlines, 5);
	assert_string_equal(lines[0], "[g] pup$ ac");
	assert_string_equal(lines[1], "\x1b[D");
	assert_string_equal(lines[2], "b");
	assert_string_equal(lines[3], "c");
	assert_string_equal(lines[4], "\x1b[D");
	write_str("\x1b[K\n");
	assert_int_equal(nlines, 7);
	assert_string_equal(lines[5], "\x1b[K");
	assert_string_equal(lines[6], "\n");
}

static void test_moves_stop_at_the_prefix(void **state)
{
	(void)state;
	partial_ok = 1;
	write_str("ab\x1b[99D\x1b[C");		/* 99 left: only 2 */
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[0], "[g] ab");
	assert_string_equal(lines[1], "\x1b[D");
	assert_string_equal(lines[2], "\x1b[D");
	assert_string_equal(lines[3], "\x1b[C");
	write_str("\n");
	assert_string_equal(lines[4], "\n");
}

/* A backspace back from the end moves, as on a terminal. */
static void test_backspace_moves_back_from_the_end(void **state)
{
	(void)state;
	partial_ok = 1;
	write_str("xy\x1b[2Dz\b");		/* z over x, \b back onto it */
	assert_int_equal(nlines, 5);
	assert_string_equal(lines[0], "[g] xy");
	assert_string_equal(lines[1], "\x1b[D");
	assert_string_equal(lines[2], "\x1b[D");
	assert_string_equal(lines[3], "z");
	assert_string_equal(lines[4], "\x1b[D");
	write_str("\n");
	assert_string_equal(lines[5], "\n");
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_one_line),
		T(test_split_across_calls),
		T(test_byte_at_a_time),
		T(test_many_lines_in_one_call),
		T(test_flush),
		T(test_control_bytes),
		T(test_printable_range),
		T(test_printable_message),
		T(test_long_line_is_cut),
		T(test_exact_line_has_no_empty_follower),
		T(test_names),
		T(test_partial_line_shown_once),
		T(test_backspace_erases_within_the_line),
		T(test_partial_line_still_cut_at_the_limit),
		T(test_cursor_moves_within_the_line),
		T(test_moves_stop_at_the_prefix),
		T(test_backspace_moves_back_from_the_end),
	};

	return cmocka_run_group_tests_name("launcher output", tests, NULL, NULL);
}
