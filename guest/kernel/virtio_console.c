/*G:185 guest/kernel/virtio_console.c: the console under kennel.
 *
 * Until this driver has found its device, pup writes with
 * KH_CONSOLE_WRITE, the host's early console: one exit per message, and
 * the Launcher prints it. Afterwards output goes through the console's
 * transmit queue: each write is copied into free transmit buffers, which
 * are queued and kicked at once (the Launcher prints them during the
 * kick, and hands them back); a write that finds every buffer still out
 * kicks and collects until one comes back. The kick comes after
 * interrupts are back on, where they were on: the interrupt that says
 * the buffers are used is then delivered on the way back from the kick,
 * instead of costing a KH_SEND_INTERRUPTS exit of its own. Input comes the other way:
 * pup keeps RX_BUFS empty buffers in the receive queue; the Launcher
 * fills them with what was typed and raises the console's interrupt, and
 * the handler feeds each byte to the line editor (console.c), offers the
 * buffer again, and kicks, so that the Launcher knows there is room for
 * more. Next: G:190. */
#include "lib/string.h"
#include "guest/kernel/console.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/kennel.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/trap.h"
#include "guest/kernel/virtqueue.h"

#define RX_BUFS		4
#define RX_SIZE		128
#define TX_BUFS		16
#define TX_SIZE		256

static struct virtqueue rx, tx;
static bool ready;
static char rx_bufs[RX_BUFS][RX_SIZE];
static char tx_bufs[TX_BUFS][TX_SIZE];
static bool tx_busy[TX_BUFS];

static void early_write(const char *s, uint32_t len)
{
	hcall(KH_CONSOLE_WRITE, virt_to_phys(s), MIN(len, KH_CONSOLE_MAX), 0);
}

static void offer_rx(char *buf)
{
	struct vq_buf b = { buf, RX_SIZE, true };

	vq_add(&rx, &b, 1, buf);
}

static void collect_tx(void)
{
	uint32_t len;
	char *buf;

	while ((buf = vq_take_used(&tx, &len)))
		tx_busy[(buf - tx_bufs[0]) / TX_SIZE] = false;
}

static int32_t free_tx_slot(void)
{
	for (int32_t i = 0; i < TX_BUFS; i++)
		if (!tx_busy[i])
			return i;
	return -1;
}

static void send_chunk(const char *s, uint32_t n)
{
	int32_t slot;
	struct vq_buf b;

	collect_tx();
	while ((slot = free_tx_slot()) < 0) {
		vq_kick(&tx);
		collect_tx();
	}
	memcpy(tx_bufs[slot], s, n);
	tx_busy[slot] = true;
	b = (struct vq_buf){ tx_bufs[slot], n, false };
	vq_add(&tx, &b, 1, tx_bufs[slot]);
}

void virtio_console_write(const char *s, uint32_t len)
{
	uint32_t flags;

	if (!ready) {
		early_write(s, len);
		return;
	}
	flags = pv_irq_save();
	for (uint32_t n; len; s += n, len -= n) {
		n = MIN(len, TX_SIZE);
		send_chunk(s, n);
	}
	pv_irq_restore(flags);
	vq_kick(&tx);
}

/*G:186 The console's interrupt: transmit buffers back, input in, a
 * buffer at a time while the console has room for a whole one; else the
 * filled buffers wait in the queue (and the Launcher keeps the rest)
 * until the console calls back. */
static void take_input(void)
{
	bool offered = false;
	uint32_t len;
	char *buf;

	while (console_room() >= RX_SIZE && (buf = vq_take_used(&rx, &len))) {
		for (uint32_t i = 0; i < len && i < RX_SIZE; i++)
			console_input(buf[i]);
		offer_rx(buf);
		offered = true;
	}
	if (console_room() < RX_SIZE)
		console_throttle(take_input);	/* the rest waits in the queue */
	if (offered)
		vq_kick(&rx);
}

static void console_irq(void)
{
	collect_tx();
	take_input();
}

void virtio_console_init(void)
{
	const struct kn_device *dev = kennel_device(KN_DEV_CONSOLE);

	if (!dev || dev->num_queues < 2 ||
	    vq_init(&rx, &dev->queues[KN_CONSOLE_RX]) || vq_init(&tx, &dev->queues[KN_CONSOLE_TX]))
		return;
	for (uint32_t i = 0; i < RX_BUFS; i++)
		offer_rx(rx_bufs[i]);
	vq_kick(&rx);
	irq_register(rx.irq, console_irq);
	irq_register(tx.irq, console_irq);
	pv.irq_unmask(rx.irq);
	pv.irq_unmask(tx.irq);
	ready = true;
}
