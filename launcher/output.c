/*L:200 launcher/output.c: the line gatherer behind every "[NAME] " line.
 *
 * The state is one line buffer: empty (len 0) until the guest's first byte
 * of a line arrives, which copies the prefix in. A newline ends the line;
 * a byte that would leave no room for the newline ends the line first and
 * starts another. A backspace takes back the line's last character, so a
 * guest's line editing looks right; and so that a cursor can move within
 * the line being typed (pup's editor, G:811), three escape sequences are
 * understood and passed on: "ESC [ n D" (left), "ESC [ n C" (right) and
 * "ESC [ K" (erase to the end), after which a byte overwrites what is
 * under the cursor (L:600). Every other escape sequence is shown as text,
 * its ESC a '?', so a guest never drives the host's terminal. Pure logic: tests/unit/test_launcher_output.c feeds it
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
	o->col = 0;
	o->esc_len = 0;
}

static void begin_line(struct guest_output *o)
{
	memcpy(o->line, o->prefix, o->prefix_len);
	o->len = o->col = o->prefix_len;
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
	o->col = 0;
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

/*L:600 Moving within the line. While the cursor is back from the end
 * (col < len), the whole line is on the screen (shown == len) and the
 * screen's cursor is at col; so a move first shows what is pending, and
 * a byte typed over the line is shown at once. Moves never go into the
 * prefix, nor past the end.:*/
static void move_cursor(struct guest_output *o, char op)
{
	if (!o->len)
		return;
	if (o->len > o->shown)
		emit_unshown(o);
	if (op == 'D' && o->col > o->prefix_len) {
		o->col--;
		o->emit(o->ctx, "\x1b[D", 3);
	} else if (op == 'C' && o->col < o->len) {
		o->col++;
		o->emit(o->ctx, "\x1b[C", 3);
	} else if (op == 'K' && o->col < o->len) {
		o->emit(o->ctx, "\x1b[K", 3);
		o->len = o->shown = o->col;
	}
}

static void overwrite_byte(struct guest_output *o, uint8_t c)
{
	char ch[2] = { output_char(c), '\0' };

	o->line[o->col++] = ch[0];
	o->emit(o->ctx, ch, 1);
}
/*:*/

static void put_byte(struct guest_output *o, uint8_t c)
{
	if (c == '\b' && o->col < o->len) {
		move_cursor(o, 'D');
		return;
	}
	if (c == '\b') {
		erase_byte(o);
		o->col = o->len;
		return;
	}
	if (c != '\n' && o->col < o->len) {
		overwrite_byte(o, c);
		return;
	}
	if (c != '\n' && o->len == OUTPUT_LINE_MAX - 1)
		end_line(o);
	if (o->len == 0)
		begin_line(o);
	if (c == '\n') {
		end_line(o);
	} else {
		o->line[o->len++] = output_char(c);
		o->col = o->len;
	}
}

/* "ESC [ digits op": op C, D or K; digits a count (K takes none). */
static bool escape_done(const char *s, size_t n, char *op, unsigned *count)
{
	unsigned v = 0;

	if (n < 3 || s[1] != '[')
		return false;
	for (size_t i = 2; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*op = s[n - 1];
	*count = v ? v : 1;
	return *op == 'C' || *op == 'D' || (*op == 'K' && n == 3);
}

static bool escape_may_continue(const char *s, size_t n)
{
	char last = s[n - 1];

	return n < sizeof(((struct guest_output *)0)->esc) &&
	       (n == 1 || (n == 2 && last == '[') || (n > 2 && last >= '0' && last <= '9'));
}

/* A byte of a possible escape sequence: held back until it is one we
 * know (done), or cannot become one (shown as text). */
static void put_escape_byte(struct guest_output *o, uint8_t c)
{
	unsigned count;
	char op;

	o->esc[o->esc_len++] = (char)c;
	if (escape_done(o->esc, o->esc_len, &op, &count)) {
		o->esc_len = 0;
		while (count-- && o->len)
			move_cursor(o, op);
		return;
	}
	if (escape_may_continue(o->esc, o->esc_len))
		return;
	for (size_t i = 0; i < o->esc_len; i++)
		put_byte(o, (uint8_t)o->esc[i]);
	o->esc_len = 0;
}

void output_write(struct guest_output *o, const void *bytes, size_t n)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++) {
		if (b[i] == 0x1b || o->esc_len)
			put_escape_byte(o, b[i]);
		else
			put_byte(o, b[i]);
	}
}

void output_flush(struct guest_output *o)
{
	for (size_t i = 0; i < o->esc_len; i++)
		put_byte(o, (uint8_t)o->esc[i]);
	o->esc_len = 0;
	if (o->len)
		end_line(o);
}

void output_show_partial(struct guest_output *o)
{
	if (o->len > o->shown)
		emit_unshown(o);
}
