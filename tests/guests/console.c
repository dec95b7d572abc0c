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
 * Next: T:450, the FPU shared by two guests. */
#include "lib/format.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define RX_BUFFERS	4
#define RX_BUFFER_SIZE	64
#define LINE_MAX	256

struct queue {
	uint32_t gpa;
	uint32_t num;
	uint32_t irq;
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t seen_used;		/* used entries collected so far */
};

static struct queue rx, tx;
static char tx_buffer[LINE_MAX];
static char rx_buffers[RX_BUFFERS][RX_BUFFER_SIZE];
static char line[LINE_MAX];
static uint32_t line_len;

static void queue_init(struct queue *q, const struct kn_queue_info *info, const char *what)
{
	q->gpa = info->gpa;
	q->num = info->num;
	q->irq = info->irq;
	q->desc = (volatile struct vring_desc *)(uintptr_t)q->gpa;
	q->avail = (volatile struct vring_avail *)(uintptr_t)(q->gpa + vring_avail_offset(q->num));
	q->used = (volatile struct vring_used *)(uintptr_t)(q->gpa + vring_used_offset(q->num));
	q->seen_used = q->used->idx;
	check_eq(q->num, KN_QUEUE_SIZE, what);
	check(q->irq == 1, "%s: irq %u, want 1", what, q->irq);
}

static void queue_offer(struct queue *q, uint16_t head)
{
	q->avail->ring[q->avail->idx % q->num] = head;
	compiler_barrier();
	q->avail->idx++;
	compiler_barrier();
	kh_notify(q->gpa);
}

static bool tx_done(void)
{
	return tx.used->idx != tx.seen_used;
}

static void send_line(const char *text)
{
	uint32_t irqs = irq_count[tx.irq];
	size_t len = strlcpy(tx_buffer, text, sizeof(tx_buffer));

	tx.desc[0].addr = gpa_of(tx_buffer);
	tx.desc[0].len = len < sizeof(tx_buffer) ? len : sizeof(tx_buffer) - 1;
	tx.desc[0].flags = 0;
	tx.desc[0].next = 0;
	queue_offer(&tx, 0);
	halt_until(tx_done);
	check_eq(tx.used->ring[tx.seen_used % tx.num].id, 0, "id of the used transmit buffer");
	tx.seen_used++;
	check(irq_count[tx.irq] > irqs, "no IRQ %u for a used transmit buffer", tx.irq);
}

static void offer_rx_buffer(uint16_t i)
{
	rx.desc[i].addr = gpa_of(rx_buffers[i]);
	rx.desc[i].len = RX_BUFFER_SIZE;
	rx.desc[i].flags = VRING_DESC_F_WRITE;
	rx.desc[i].next = 0;
	queue_offer(&rx, i);
}

static bool rx_used(void)
{
	return rx.used->idx != rx.seen_used;
}

static bool line_complete(void)
{
	return line_len && line[line_len - 1] == '\n';
}

static void collect_rx_buffer(void)
{
	volatile struct vring_used_elem *e = &rx.used->ring[rx.seen_used % rx.num];
	uint32_t id = e->id, len = e->len;

	rx.seen_used++;
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
	queue_init(&rx, &console->queues[KN_CONSOLE_RX], "receive queue size");
	queue_init(&tx, &console->queues[KN_CONSOLE_TX], "transmit queue size");
	send_line("tx: the quick brown fox jumps over the lazy dog 0123456789\n");
	for (uint16_t i = 0; i < RX_BUFFERS; i++)
		offer_rx_buffer(i);
	print("console: type a line\n");
	read_line();
	echo_reversed();
	print("console: %u failed checks\n", failures());
	test_finish();
}
