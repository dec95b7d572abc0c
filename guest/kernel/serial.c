/*G:175 guest/kernel/serial.c: the console natively: COM1, a 16550 UART.
 *
 * Output is polled: pup waits for the transmit register to empty before
 * each byte, which on QEMU is no wait at all, and adds the carriage
 * return a terminal wants before each newline. Input arrives by
 * interrupt (IRQ 4), byte by byte, and goes straight to the line editor
 * (console.c), exactly as the virtio console's receive queue does under
 * kennel, as long as the console has room; when it has none, pup stops
 * reading the UART until it has. Next: G:180. */
#include "arch/x86/uart.h"
#include "guest/kernel/console.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/trap.h"

#define IRQ_COM1	4

void serial_write(const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_put_polled(COM1, '\r');
		uart_put_polled(COM1, s[i]);
	}
}

/* With no room, the receive interrupt goes off and the bytes wait in the
 * UART (and QEMU behind it) until the console calls serial_resume. */
static void serial_resume(void)
{
	outb(COM1 + REG_IER, IER_RX);
}

static void serial_irq(void)
{
	while (uart_rx_ready(COM1) && console_room())
		console_input((char)inb(COM1 + REG_DATA));
	if (!console_room()) {
		outb(COM1 + REG_IER, 0);
		console_throttle(serial_resume);
	}
}

void serial_init(void)
{
	uart_init(COM1);
	irq_register(IRQ_COM1, serial_irq);
	outb(COM1 + REG_IER, IER_RX);
	pv.irq_unmask(IRQ_COM1);
}
