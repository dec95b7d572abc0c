/*T:440 tests/guests/console.c: the Launcher's console device, both ways.
 *
 * The guest finds the console in the device page (arch/x86/virtio.h):
 * two queues of KN_QUEUE_SIZE entries, 0 for input and 1 for output,
 * both raising IRQ 1. It lays out each split ring where the Launcher put
 * it, with the vring_* offsets, and then:
 *
 *   - transmit: one readable buffer holding a line, offered in the
 *     available ring and kicked with KH_NOTIFY(the queue's address); the
 *     Launcher prints it as "[console] ..." and hands the buffer back in
 *     the used ring, raising IRQ 1, which wakes the halted guest;
 *   - receive: four writable buffers, offered and kicked; the guest says
 *     "console: type a line" (through KH_CONSOLE_WRITE), and the boot
 *     test types one on the serial console. The host passes it to the
 *     Launcher with console focus, which fills the guest's buffers and
 *     raises IRQ 1; the guest collects used buffers (offering each again)
 *     until it has a whole line, then sends back, through the transmit
 *     queue, its length and the line reversed. Reversed, so that no echo
 *     of the typed text, by anyone, can pass for the guest's answer.
 *
 * Next: T:445, the same queues made into an interactive guest. */
#include "lib/format.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define RX_BUFFERS	4
#define RX_BUFFER_SIZE	64
#define LINE_MAX	256

static struct queue rx, tx;
static char tx_buffer[LINE_MAX];
static char rx_buffers[RX_BUFFERS][RX_BUFFER_SIZE];
static char line[LINE_MAX];
static uint32_t line_len;

static void queue_check(const struct queue *q, const char *what)
{
	check_eq(q->num, KN_QUEUE_SIZE, what);
	check(q->irq == 1, "%s: irq %u, want 1", what, q->irq);
}

static bool tx_done(void)
{
	return queue_has_used(&tx);
}

static void send_line(const char *text)
{
	uint32_t irqs = irq_count[tx.irq];
	size_t len = strlcpy(tx_buffer, text, sizeof(tx_buffer));

	queue_set_buffer(&tx, 0, tx_buffer, len < sizeof(tx_buffer) ? len : sizeof(tx_buffer) - 1,
			 false);
	queue_offer(&tx, 0);
	halt_until(tx_done);
	check_eq(queue_take_used(&tx).id, 0, "id of the used transmit buffer");
	check(irq_count[tx.irq] > irqs, "no IRQ %u for a used transmit buffer", tx.irq);
}

static void offer_rx_buffer(uint16_t i)
{
	queue_set_buffer(&rx, i, rx_buffers[i], RX_BUFFER_SIZE, true);
	queue_offer(&rx, i);
}

static bool rx_used(void)
{
	return queue_has_used(&rx);
}

static bool line_complete(void)
{
	return line_len && line[line_len - 1] == '\n';
}

static void collect_rx_buffer(void)
{
	struct vring_used_elem e = queue_take_used(&rx);
	uint32_t id = e.id, len = e.len;

	if (!check(id < RX_BUFFERS && len <= RX_BUFFER_SIZE,
		   "used receive entry: id %u, len %u", id, len))
		test_finish();
	for (uint32_t i = 0; i < len && line_len < LINE_MAX - 1 && !line_complete(); i++)
		line[line_len++] = rx_buffers[id][i];
	offer_rx_buffer((uint16_t)id);
}

static void read_line(void)
{
	while (!line_complete() && line_len < LINE_MAX - 1) {
		halt_until(rx_used);
		while (rx_used())
			collect_rx_buffer();
	}
	while (line_len && (line[line_len - 1] == '\n' || line[line_len - 1] == '\r'))
		line_len--;
	line[line_len] = '\0';
}

static void echo_reversed(void)
{
	char reversed[LINE_MAX], text[LINE_MAX + 64];

	for (uint32_t i = 0; i < line_len; i++)
		reversed[i] = line[line_len - 1 - i];
	reversed[line_len] = '\0';
	snprintf(text, sizeof(text), "console echo: %u bytes, reversed: %s\n", line_len, reversed);
	send_line(text);
}

void test_main(void)
{
	const struct kn_device *console = find_device(KN_DEV_CONSOLE);

	if (!console)
		test_error("no console device in the device page at 0x%x", boot_info.device_page);
	check_eq(console->num_queues, 2, "the console's number of queues");
	queue_init(&rx, &console->queues[KN_CONSOLE_RX]);
	queue_init(&tx, &console->queues[KN_CONSOLE_TX]);
	queue_check(&rx, "receive queue size");
	queue_check(&tx, "transmit queue size");
	send_line("tx: the quick brown fox jumps over the lazy dog 0123456789\n");
	for (uint16_t i = 0; i < RX_BUFFERS; i++)
		offer_rx_buffer(i);
	print("console: type a line\n");
	read_line();
	echo_reversed();
	print("console: %u failed checks\n", failures());
	test_finish();
}
