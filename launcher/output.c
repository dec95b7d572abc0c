/*L:200 launcher/output.c: the line gatherer behind every "[NAME] " line.
 *
 * The state is one line buffer: empty (len 0) until the guest's first byte
 * of a line arrives, which copies the prefix in. A newline ends the line;
 * a byte that would leave no room for the newline ends the line first and
 * starts another. A backspace takes back the line's last character, so a
 * guest's line editing looks right. Pure logic: tests/unit/test_launcher_output.c feeds it
 * lines split across calls, overlong lines and control bytes. Next: the
 * Launcher's unit tests, starting with the command line,
 * tests/unit/test_launcher_options.c; launcher/build.mk (L:210) says how
 * they and the Launcher itself are built. */
#include <stdbool.h>
#include "lib/string.h"
#include "launcher/output.h"

static bool printable(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t';
}

char output_char(uint8_t c)
{
	return printable(c) ? (char)c : '?';
}

void output_printable(char *s, size_t size)
{
	for (size_t i = 0; i < size && s[i]; i++)
		s[i] = output_char((uint8_t)s[i]);
}

void output_init(struct guest_output *o, const char *name, output_emit_fn *emit, void *ctx)
{
	size_t n = strnlen(name, OUTPUT_NAME_MAX - 1);

	o->prefix[0] = '[';
	for (size_t i = 0; i < n; i++)	/* not even a newline in a name */
		o->prefix[1 + i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	memcpy(o->prefix + 1 + n, "] ", 3);
	o->prefix_len = n + 3;
	o->emit = emit;
	o->ctx = ctx;
	o->len = 0;
	o->shown = 0;
}

static void begin_line(struct guest_output *o)
{
	memcpy(o->line, o->prefix, o->prefix_len);
	o->len = o->prefix_len;
	o->shown = 0;
}

static void emit_unshown(struct guest_output *o)
{
	o->line[o->len] = '\0';
	o->emit(o->ctx, o->line + o->shown, o->len - o->shown);
	o->shown = o->len;
}

static void end_line(struct guest_output *o)
{
	o->line[o->len++] = '\n';
	emit_unshown(o);
	o->len = 0;
	o->shown = 0;
}

/* Backspace erases the last character of the line, never the prefix: from
 * the buffer if it was not shown yet, else on the screen too ("\b \b"). */
static void erase_byte(struct guest_output *o)
{
	if (o->len <= o->prefix_len)
		return;
	if (o->shown == o->len) {
		o->emit(o->ctx, "\b \b", 3);
		o->shown--;
	}
	o->len--;
}

static void put_byte(struct guest_output *o, uint8_t c)
{
	if (c == '\b') {
		erase_byte(o);
		return;
	}
	if (c != '\n' && o->len == OUTPUT_LINE_MAX - 1)
		end_line(o);
	if (o->len == 0)
		begin_line(o);
	if (c == '\n')
		end_line(o);
	else
		o->line[o->len++] = output_char(c);
}

void output_write(struct guest_output *o, const void *bytes, size_t n)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++)
		put_byte(o, b[i]);
}

void output_flush(struct guest_output *o)
{
	if (o->len)
		end_line(o);
}

void output_show_partial(struct guest_output *o)
{
	if (o->len > o->shown)
		emit_unshown(o);
}
