/*P:107 arch/x86/uart.h: the 16550 UART, register by register.
 *
 * COM1 is the console of the host and of pup natively. Both set it up the
 * same way (115200 baud, 8N1, FIFOs on, the interrupt line gated through)
 * and write a byte the same polled way; what they do with interrupts is
 * their own. Next: arch/x86/cpu.h, the other privileged instructions. */
#ifndef ARCH_X86_UART_H
#define ARCH_X86_UART_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/io.h"

#define COM1		0x3f8
#define REG_DATA	0	/* with DLAB=0: transmit/receive */
#define REG_IER		1	/* interrupt enable */
#define REG_FCR		2	/* FIFO control (write) */
#define REG_LCR		3	/* line control */
#define REG_MCR		4	/* modem control */
#define REG_LSR		5	/* line status */
#define IER_RX		0x01
#define IER_TX		0x02
#define LSR_DATA_READY	0x01
#define LSR_TX_EMPTY	0x20
#define MCR_OUT2	0x08	/* gates the UART's interrupt line on PCs */
#define UART_FIFO_DEPTH	16

/* 115200 baud, 8N1, FIFOs on; every interrupt off. */
static inline void uart_init(uint16_t port)
{
	outb(port + REG_IER, 0);
	outb(port + REG_LCR, 0x80);	/* DLAB: set the baud divisor */
	outb(port + REG_DATA, 1);	/* 115200 / 1 */
	outb(port + REG_IER, 0);
	outb(port + REG_LCR, 0x03);	/* 8 bits, no parity, 1 stop */
	outb(port + REG_FCR, 0xc7);	/* FIFOs on and cleared */
	outb(port + REG_MCR, MCR_OUT2 | 0x03);
}

static inline bool uart_tx_empty(uint16_t port)
{
	return inb(port + REG_LSR) & LSR_TX_EMPTY;
}

static inline bool uart_rx_ready(uint16_t port)
{
	return inb(port + REG_LSR) & LSR_DATA_READY;
}

/* Wait for the transmit register to empty, then write c. */
static inline void uart_put_polled(uint16_t port, char c)
{
	while (!uart_tx_empty(port))
		;
	outb(port + REG_DATA, (uint8_t)c);
}

#endif
