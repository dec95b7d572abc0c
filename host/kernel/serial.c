/*B:050 host/kernel/serial.c: an interrupt-driven driver for the 16550 UART.
 *
 * Output goes into a ring buffer; the UART raises IRQ 4 whenever its
 * transmit holding register empties, and the handler refills it from the
 * ring. So a process that prints a lot does not spin on the port: it only
 * waits if the ring is full. Input arrives the same way, byte by byte, into
 * a second ring that consoles read later.
 *
 * Before interrupts are enabled, and on the way down in a panic, the polled
 * path writes straight to the port. The UART's registers, and the setup
 * and polled write shared with pup, are in arch/x86/uart.h (P:107). */
#include <stdint.h>
#include "arch/x86/uart.h"
#include "arch/x86/cpu.h"
#include "host/kernel/serial.h"
#include "host/kernel/trap.h"
#include "host/kernel/pic.h"

#define RING_SIZE 8192	/* a power of two */

struct ring {
	char buf[RING_SIZE];
	uint32_t head, tail;	/* free-running; head - tail = bytes held */
};

static struct ring tx, rx;
static bool interrupts_on;
void (*serial_input_hook)(void);

static bool ring_full(const struct ring *r)
{
	return r->head - r->tail == RING_SIZE;
}

static bool ring_empty(const struct ring *r)
{
	return r->head == r->tail;
}

static void ring_put(struct ring *r, char c)
{
	r->buf[r->head++ % RING_SIZE] = c;
}

static char ring_get(struct ring *r)
{
	return r->buf[r->tail++ % RING_SIZE];
}

/* Move queued bytes into the UART's FIFO. Called with interrupts off. */
static void tx_pump(void)
{
	if (!uart_tx_empty(COM1))
		return;
	for (int n = 0; n < UART_FIFO_DEPTH && !ring_empty(&tx); n++)
		outb(COM1 + REG_DATA, (uint8_t)ring_get(&tx));
	outb(COM1 + REG_IER, IER_RX | (ring_empty(&tx) ? 0 : IER_TX));
}

static void serial_irq(struct trap_frame *f)
{
	(void)f;
	while (uart_rx_ready(COM1)) {
		char c = (char)inb(COM1 + REG_DATA);

		if (!ring_full(&rx))
			ring_put(&rx, c);
	}
	tx_pump();
	if (serial_input_hook && !ring_empty(&rx))
		serial_input_hook();
}

void serial_init(void)
{
	uart_init(COM1);
}

void serial_enable_interrupts(void)
{
	irq_register(IRQ_COM1, serial_irq);
	outb(COM1 + REG_IER, IER_RX);
	pic_unmask(IRQ_COM1);
	interrupts_on = true;
}

/* If the ring is full, drain it by polling rather than wait for an
 * interrupt that cannot come while interrupts are off. */
static void tx_queue(char c)
{
	while (ring_full(&tx))
		uart_put_polled(COM1, ring_get(&tx));
	ring_put(&tx, c);
}

void serial_write(const char *s, size_t len)
{
	uint32_t flags = irq_save();

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			tx_queue('\r');
		tx_queue(s[i]);
	}
	if (interrupts_on)
		tx_pump();
	else
		serial_flush();
	irq_restore(flags);
}

void serial_flush(void)
{
	uint32_t flags = irq_save();

	while (!ring_empty(&tx))
		uart_put_polled(COM1, ring_get(&tx));
	irq_restore(flags);
}

void serial_write_polled(const char *s, size_t len)
{
	serial_flush();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_put_polled(COM1, '\r');
		uart_put_polled(COM1, s[i]);
	}
}

int serial_getc(void)
{
	uint32_t flags = irq_save();
	int c = ring_empty(&rx) ? -1 : (unsigned char)ring_get(&rx);

	irq_restore(flags);
	return c;
}

bool serial_has_input(void)
{
	return !ring_empty(&rx);
}
