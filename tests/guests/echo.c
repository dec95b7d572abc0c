/*T:445 tests/guests/echo.c: a guest to talk to.
 *
 * Not a test but the guest `make run` boots (and a boot test drives): it
 * greets you through the console device's transmit queue, then reads
 * lines from its receive queue and answers each one, until you type
 * "quit", when it powers itself off. With two of them running (the GRUB
 * menu's second entry), Ctrl-T moves your typing from one to the other;
 * the Launcher's "[NAME] " prefix tells their answers apart. The words
 * after the ELF file on the Launcher's command line become its greeting.
 * Next: T:450. */
#include "lib/format.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define RX_BUFFERS	4
#define RX_BUFFER_SIZE	64
#define LINE_MAX	200

static struct queue rx, tx;
static char tx_buffer[LINE_MAX + 64];
static char rx_buffers[RX_BUFFERS][RX_BUFFER_SIZE];
static char line[LINE_MAX];
static uint32_t line_len;
static char pending[RX_BUFFER_SIZE * RX_BUFFERS];
static uint32_t pending_len;

static bool tx_done(void)
{
	return queue_has_used(&tx);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tx_buffer, sizeof(tx_buffer), fmt, ap);
	va_end(ap);
	queue_set_buffer(&tx, 0, tx_buffer, strlen(tx_buffer), false);
	queue_offer(&tx, 0);
	halt_until(tx_done);
	queue_take_used(&tx);
}

static bool rx_used(void)
{
	return queue_has_used(&rx);
}

/* Move what the Launcher wrote into pending, and offer the buffer again. */
static void collect_input(void)
{
	struct vring_used_elem e = queue_take_used(&rx);

	if (e.id >= RX_BUFFERS || e.len > RX_BUFFER_SIZE)
		test_error("bad used receive entry: id %u, len %u", e.id, e.len);
	for (uint32_t i = 0; i < e.len && pending_len < sizeof(pending); i++)
		pending[pending_len++] = rx_buffers[e.id][i];
	queue_set_buffer(&rx, (uint16_t)e.id, rx_buffers[e.id], RX_BUFFER_SIZE, true);
	queue_offer(&rx, (uint16_t)e.id);
}

/* Bytes up to and including the first newline in pending, or 0. */
static uint32_t first_line_length(void)
{
	for (uint32_t i = 0; i < pending_len; i++)
		if (pending[i] == '\n')
			return i + 1;
	return 0;
}

/* Take one line out of pending, if it holds a whole one. */
static bool take_line(void)
{
	uint32_t n = first_line_length();

	if (!n)
		return false;
	line_len = n - 1 < LINE_MAX - 1 ? n - 1 : LINE_MAX - 1;
	memcpy(line, pending, line_len);
	line[line_len] = '\0';
	if (line_len && line[line_len - 1] == '\r')
		line[--line_len] = '\0';
	memmove(pending, pending + n, pending_len - n);
	pending_len -= n;
	return true;
}

static void read_line(void)
{
	while (!take_line()) {
		halt_until(rx_used);
		while (rx_used())
			collect_input();
	}
}

void test_main(void)
{
	const struct kn_device *console = find_device(KN_DEV_CONSOLE);

	if (!console)
		test_error("no console device in the device page");
	queue_init(&rx, &console->queues[KN_CONSOLE_RX]);
	queue_init(&tx, &console->queues[KN_CONSOLE_TX]);
	for (uint16_t i = 0; i < RX_BUFFERS; i++) {
		queue_set_buffer(&rx, i, rx_buffers[i], RX_BUFFER_SIZE, true);
		queue_offer(&rx, i);
	}
	say("echo: hello from a kennel guest in ring 1%s%s\n",
	    boot_info.cmdline[0] ? ": " : "", boot_info.cmdline);
	say("echo: type a line and I answer it; 'quit' powers me off\n");
	for (;;) {
		read_line();
		if (strcmp(line, "quit") == 0)
			break;
		say("echo: you typed '%s' (%u bytes)\n", line, line_len);
	}
	say("echo: bye\n");
	kh_shutdown("echo: the user said quit", KH_SHUTDOWN_POWEROFF);
}
