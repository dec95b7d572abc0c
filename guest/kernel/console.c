/*G:170 guest/kernel/console.c: the console, as programs see it.
 *
 * Output is simple: bytes go to pv.console_write, which is the COM1 UART
 * natively and the virtio console's transmit queue under kennel.
 *
 * Input is a line editor, because the programs (the shell above all)
 * read whole lines. The drivers hand over each byte from their interrupt
 * handler (console_input); the editor echoes it and keeps it in the line
 * being typed (G:171). Enter (CR or LF, and CR LF counts once) finishes
 * the line: it moves, with its newline, into the ready buffer, and wakes
 * whoever sleeps in console_read. A read returns at most one line, the
 * way a terminal in canonical mode does; Ctrl-D on an empty line makes
 * the next read return 0, end of file. Ctrl-C is the interrupt key
 * (G:810): it throws away the line and what was typed ahead, sends
 * SIGINT to the foreground process group, and ends the read of whoever
 * waits for a line with -EINTR (the shell, which then prompts afresh).
 *
 * Nothing typed is ever dropped: when the ready buffer could no longer
 * take a whole line, the drivers stop taking input (console_room), and
 * the bytes wait where they are, in the UART and QEMU natively, in the
 * virtqueue and the Launcher under kennel, until a read makes room and
 * calls the driver back (console_throttle). A line longer than the
 * editor holds goes to the reader in pieces, the first without its
 * newline, so a program sees it is too long instead of a line cut short.
 * Next: the console natively, G:175. */
#include "lib/format.h"
#include "lib/string.h"
#include "guest/kernel/console.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"

#define LINE_MAX	256
#define READY_SIZE	4096	/* a power of two */
#define HISTORY		16
#define KEY_INTERRUPT	0x03	/* Ctrl-C */
#define KEY_EOF		0x04	/* Ctrl-D */
#define KEY_BACKSPACE	0x08	/* Ctrl-H */
#define KEY_KILL_LINE	0x15	/* Ctrl-U */
#define KEY_ESCAPE	0x1b
#define KEY_DELETE	0x7f

/* A whole line always fits in what console_room leaves. */
_Static_assert(READY_SIZE >= 4 * LINE_MAX, "the ready buffer holds lines");

enum escape { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

static char line[LINE_MAX];
static uint32_t line_len, cursor;	/* cursor <= line_len < LINE_MAX */
static char ready[READY_SIZE];
static uint32_t ready_head, ready_tail;	/* free-running; irq_save guards */
static uint32_t pending_eofs;
static bool after_cr;
static enum escape escape;
static uint32_t escape_arg;
static char history[HISTORY][LINE_MAX];
static uint32_t history_count, history_at;	/* lines kept; the one shown */
static char scratch[LINE_MAX];		/* the line typed before Up */
static int32_t foreground;		/* the foreground process group, or 0 */
static uint32_t interrupts;		/* Ctrl-Cs so far */
static void (*resume_input)(void);	/* a driver that stopped for room */
static const char readers;		/* the channel console_read sleeps on */

/* A program's write is not cut by the echo of a key typed meanwhile. */
void console_write(const char *s, uint32_t len)
{
	uint32_t flags = pv_irq_save();

	pv.console_write(s, len);
	pv_irq_restore(flags);
}

static void echo(const char *s)
{
	pv.console_write(s, (uint32_t)strlen(s));
}

static void echo_bytes(const char *s, uint32_t n)
{
	if (n)
		pv.console_write(s, n);
}

/* The terminal's cursor n places left; "ESC [ K" erases to the end. */
static void echo_left(uint32_t n)
{
	char seq[16];

	if (!n)
		return;
	snprintf(seq, sizeof(seq), "\x1b[%uD", n);
	echo(seq);
}

/*G:810 Room, and the foreground. A driver takes input only while
 * console_room says a byte (or a buffer of that many) fits; when it
 * stops, it leaves a function to call once a read has made room.:*/
uint32_t console_room(void)
{
	uint32_t used = ready_head - ready_tail + line_len + LINE_MAX;

	return used < READY_SIZE ? READY_SIZE - used : 0;
}

void console_throttle(void (*resume)(void))
{
	resume_input = resume;
}

static void resume_if_room(void)
{
	void (*resume)(void) = resume_input;

	if (resume && console_room() >= READY_SIZE / 4) {
		resume_input = NULL;
		resume();
	}
}

void console_set_foreground(int32_t pgid)
{
	foreground = pgid;
}
/*:*/

/* Move the line into the ready buffer (console_room made sure it fits). */
static void finish_line(void)
{
	for (uint32_t i = 0; i < line_len; i++)
		ready[ready_head++ % READY_SIZE] = line[i];
	line_len = cursor = 0;
	wakeup(&readers);
}

/*G:811 Editing. The cursor may stand anywhere in the line: a character
 * goes in at the cursor, backspace takes the one before it, and the
 * screen follows with the three moves every terminal (and the
 * Launcher's line gatherer) knows: print, "ESC [ n D" (left n) and
 * "ESC [ K" (erase to the end of the line). At the end of the line it is
 * the classic "\b \b".:*/
static void redraw_tail(uint32_t erase)
{
	echo_bytes(line + cursor, line_len - cursor);
	if (erase)
		echo("\x1b[K");
	echo_left(line_len - cursor);
}

static void insert_char(char c)
{
	if (line_len == LINE_MAX - 1) {		/* full: hand over what is there */
		echo_bytes(line + cursor, line_len - cursor);
		finish_line();
	}
	memmove(line + cursor + 1, line + cursor, line_len - cursor);
	line[cursor] = c;
	line_len++;
	echo_bytes(&line[cursor++], 1);
	if (cursor < line_len)
		redraw_tail(false);
}

static void erase_char(void)
{
	if (!cursor)
		return;
	if (cursor == line_len) {
		line_len = --cursor;
		echo("\b \b");
		return;
	}
	memmove(line + cursor - 1, line + cursor, line_len - cursor);
	line_len--;
	cursor--;
	echo_left(1);
	redraw_tail(true);
}

static void move_cursor(int32_t by)
{
	if (by < 0 && cursor) {
		cursor--;
		echo_left(1);
	} else if (by > 0 && cursor < line_len) {
		echo_bytes(&line[cursor++], 1);
	}
}

/* Show text instead of the line being typed. */
static void replace_line(const char *text)
{
	echo_left(cursor);
	echo("\x1b[K");
	line_len = cursor = (uint32_t)strlen(text);
	memcpy(line, text, line_len);
	echo_bytes(line, line_len);
}
/*:*/

/*G:812 History: the last HISTORY lines typed, Up and Down to walk them.
 * The line being typed when Up was first pressed waits in scratch, and
 * Down past the newest line brings it back. */
static void remember_line(void)
{
	uint32_t len = line_len - 1;	/* without its newline */
	char *last = history[(history_count - 1) % HISTORY];

	if (len && !(history_count && strlen(last) == len && !memcmp(last, line, len))) {
		memcpy(history[history_count % HISTORY], line, len);
		history[history_count % HISTORY][len] = '\0';
		history_count++;
	}
	history_at = history_count;
}

static void walk_history(int32_t by)
{
	uint32_t oldest = history_count > HISTORY ? history_count - HISTORY : 0;

	if (by < 0 && history_at > oldest) {
		if (history_at == history_count) {
			memcpy(scratch, line, line_len);
			scratch[line_len] = '\0';
		}
		replace_line(history[--history_at % HISTORY]);
	} else if (by > 0 && history_at < history_count) {
		history_at++;
		replace_line(history_at == history_count ? scratch : history[history_at % HISTORY]);
	}
}

/*G:813 Escape sequences, the keys that are not characters: "ESC [ A"
 * (or "ESC O A") up, B down, C right, D left, H home, F end, "ESC [ 3 ~"
 * delete. Whatever else comes after an ESC is swallowed to its final
 * byte: an escape sequence is never text. */
static void escape_key(char final)
{
	switch (final) {
	case 'A': walk_history(-1); break;
	case 'B': walk_history(1); break;
	case 'C': move_cursor(1); break;
	case 'D': move_cursor(-1); break;
	case 'H': while (cursor) move_cursor(-1); break;
	case 'F': while (cursor < line_len) move_cursor(1); break;
	case '~':
		if (escape_arg == 3 && cursor < line_len) {
			move_cursor(1);
			erase_char();
		}
		break;
	}
}

static void escape_byte(char c)
{
	if (escape == ESC_START) {
		escape = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		escape_arg = 0;
	} else if (escape == ESC_CSI && ((c >= '0' && c <= '9') || c == ';')) {
		escape_arg = c == ';' ? 0 : escape_arg * 10 + (uint32_t)(c - '0');
	} else if (c >= 0x40 && c <= 0x7e) {
		escape = ESC_NONE;
		escape_key(c);
	} else if (c < 0x20 || c > 0x3f) {
		escape = ESC_NONE;	/* not a sequence after all */
	}
}

static void end_line(void)
{
	echo_bytes(line + cursor, line_len - cursor);
	line[line_len++] = '\n';
	echo("\n");
	remember_line();
	finish_line();
}

static void end_of_file(void)
{
	if (line_len) {
		finish_line();
		return;
	}
	pending_eofs++;
	wakeup(&readers);
}

/*G:814 Ctrl-C: the line and the typed-ahead input go (as on Unix), the
 * foreground group gets SIGINT, and a reader waiting for a line gets
 * -EINTR. A group that ignores SIGINT (the shell at its prompt) stays. */
static void interrupt(void)
{
	line_len = cursor = 0;
	ready_tail = ready_head;
	pending_eofs = 0;
	history_at = history_count;
	echo("^C\n");
	interrupts++;
	if (foreground)
		proc_kill_group(foreground, PUP_SIGINT);
	wakeup(&readers);
}

/*G:171 One byte from the keyboard, in interrupt context. */
void console_input(char c)
{
	bool lf_after_cr = c == '\n' && after_cr;

	after_cr = c == '\r';
	if (lf_after_cr)
		return;
	if (escape != ESC_NONE)
		escape_byte(c);
	else if (c == '\r' || c == '\n')
		end_line();
	else if (c == KEY_BACKSPACE || c == KEY_DELETE)
		erase_char();
	else if (c == KEY_KILL_LINE)
		replace_line("");
	else if (c == KEY_EOF)
		end_of_file();
	else if (c == KEY_INTERRUPT)
		interrupt();
	else if (c == KEY_ESCAPE)
		escape = ESC_START;
	else if ((c >= ' ' && c < KEY_DELETE) || c == '\t')
		insert_char(c);
}

/*G:172 Reading sleeps until a line, an end of file, a Ctrl-C or a
 * signal. */
static uint32_t take_line(char *buf, uint32_t len)
{
	uint32_t n = 0;

	while (n < len && ready_tail != ready_head) {
		buf[n] = ready[ready_tail++ % READY_SIZE];
		if (buf[n++] == '\n')
			break;
	}
	return n;
}

int32_t console_read(char *buf, uint32_t len)
{
	uint32_t flags = pv_irq_save(), seen = interrupts;
	int32_t got;

	resume_if_room();
	while (ready_tail == ready_head && !pending_eofs && !current->killed && interrupts == seen)
		sleep_on(&readers);
	if (ready_tail != ready_head) {
		got = (int32_t)take_line(buf, len);
	} else if (pending_eofs) {
		pending_eofs--;
		got = 0;
	} else {
		got = -EINTR;
	}
	resume_if_room();
	pv_irq_restore(flags);
	return got;
}
