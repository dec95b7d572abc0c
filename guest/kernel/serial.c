/*G:175 guest/kernel/serial.c: the console natively: COM1, a 16550 UART.
 *
 * Output is polled: pup waits for the transmit register to empty before
 * each byte, which on QEMU is no wait at all, and adds the carriage
 * return a terminal wants before each newline. Input arrives by
 * interrupt (IRQ 4), byte by byte, and goes straight to the line editor
 * (console.c), exactly as the virtio console's receive queue does under
 * kennel. Next: G:180. */
#include "arch/x86/io.h"
#include "guest/kernel/console.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/trap.h"

#define COM1		0x3f8
#define IRQ_COM1	4
#define REG_DATA	0
#define REG_IER		1
#define REG_FCR		2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define IER_RX		0x01
#define LSR_DATA_READY	0x01
#define LSR_TX_EMPTY	0x20
#define MCR_OUT2	0x08	/* gates the UART's interrupt line on PCs */

static void put_byte(char c)
{
	while (!(inb(COM1 + REG_LSR) & LSR_TX_EMPTY))
		;
	outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put_byte('\r');
		put_byte(s[i]);
	}
}

static void serial_irq(void)
{
	while (inb(COM1 + REG_LSR) & LSR_DATA_READY)
		console_input((char)inb(COM1 + REG_DATA));
}

void serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, 0x80);	/* DLAB: set the baud divisor */
	outb(COM1 + REG_DATA, 1);	/* 115200 / 1 */
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, 0x03);	/* 8 bits, no parity, 1 stop */
	outb(COM1 + REG_FCR, 0xc7);	/* FIFOs on and cleared */
	outb(COM1 + REG_MCR, MCR_OUT2 | 0x03);
	irq_register(IRQ_COM1, serial_irq);
	outb(COM1 + REG_IER, IER_RX);
	pv.irq_unmask(IRQ_COM1);
}
