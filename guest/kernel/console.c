/*G:170 guest/kernel/console.c: the console, as programs see it.
 *
 * Output is simple: bytes go to pv.console_write, which is the COM1 UART
 * natively and the virtio console's transmit queue under kennel.
 *
 * Input is a line editor, because the programs (the shell above all)
 * read whole lines. The drivers hand over each byte from their interrupt
 * handler (console_input); the editor echoes it and keeps it in the line
 * being typed, where backspace (DEL or ^H) erases the last character and
 * Ctrl-U the whole line. Enter (CR or LF, and CR LF counts once) finishes
 * the line: it moves, with its newline, into the ready buffer, and wakes
 * whoever sleeps in console_read. A read returns at most one line, the
 * way a terminal in canonical mode does; Ctrl-D on an empty line makes
 * the next read return 0, end of file (on kennel the host keeps Ctrl-D
 * for itself, so there it never arrives). Ctrl-C abandons the line being
 * typed; it does not signal anybody, as pup has no signals. Next: the
 * console natively, G:175. */
#include "guest/kernel/console.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"

#define LINE_MAX	256
#define READY_SIZE	1024	/* a power of two */
#define KEY_INTERRUPT	0x03	/* Ctrl-C */
#define KEY_EOF		0x04	/* Ctrl-D */
#define KEY_BACKSPACE	0x08	/* Ctrl-H */
#define KEY_KILL_LINE	0x15	/* Ctrl-U */
#define KEY_DELETE	0x7f

static char line[LINE_MAX];
static uint32_t line_len;
static char ready[READY_SIZE];
static uint32_t ready_head, ready_tail;	/* free-running; irq_save guards */
static uint32_t pending_eofs;
static bool after_cr;
static const char readers;		/* the channel console_read sleeps on */

void console_write(const char *s, uint32_t len)
{
	pv.console_write(s, len);
}

static void echo(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	pv.console_write(s, n);
}

static void erase_char(void)
{
	if (!line_len)
		return;
	line_len--;
	echo("\b \b");
}

/* Move the line into the ready buffer; a line that does not fit is lost. */
static void finish_line(void)
{
	if (line_len <= READY_SIZE - (ready_head - ready_tail))
		for (uint32_t i = 0; i < line_len; i++)
			ready[ready_head++ % READY_SIZE] = line[i];
	line_len = 0;
	wakeup(&readers);
}

static void add_char(char c)
{
	char s[2] = { c, '\0' };

	if (line_len >= LINE_MAX - 1)
		return;
	line[line_len++] = c;
	echo(s);
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

/*G:171 One byte from the keyboard, in interrupt context. */
void console_input(char c)
{
	bool lf_after_cr = c == '\n' && after_cr;

	after_cr = c == '\r';
	if (lf_after_cr)
		return;
	if (c == '\r' || c == '\n') {
		line[line_len++] = '\n';
		echo("\n");
		finish_line();
	} else if (c == KEY_BACKSPACE || c == KEY_DELETE) {
		erase_char();
	} else if (c == KEY_KILL_LINE) {
		while (line_len)
			erase_char();
	} else if (c == KEY_EOF) {
		end_of_file();
	} else if (c == KEY_INTERRUPT) {
		line_len = 0;
		echo("^C\n");
	} else if ((c >= ' ' && c < KEY_DELETE) || c == '\t') {
		add_char(c);
	}
}

/*G:172 Reading sleeps until a line, an end of file, or a kill. */
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
	uint32_t flags = pv_irq_save();
	int32_t got;

	while (ready_tail == ready_head && !pending_eofs && !current->killed)
		sleep_on(&readers);
	if (ready_tail != ready_head) {
		got = (int32_t)take_line(buf, len);
	} else if (pending_eofs) {
		pending_eofs--;
		got = 0;
	} else {
		got = -EINTR;
	}
	pv_irq_restore(flags);
	return got;
}
