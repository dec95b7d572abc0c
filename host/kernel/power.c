/*B:090 host/kernel/power.c: the end of every run.
 *
 * On QEMU we are started with an isa-debug-exit device at port 0xf4: a
 * byte written there ends QEMU with status value*2+1. Success and failure
 * get different values so a test can tell them apart; a triple fault makes
 * QEMU exit 0 instead, which tests treat as a crash. On real hardware, or a
 * QEMU without the device, the write does nothing and we halt for good. */
#include "arch/x86/io.h"
#include "arch/x86/cpu.h"
#include "host/kernel/power.h"
#include "host/kernel/console.h"
#include "host/kernel/serial.h"

#define DEBUG_EXIT_PORT 0xf4

void power_off(bool success)
{
	irq_disable();
	kprintf_polled("kennel: powering off (%s)\n", success ? "success" : "failure");
	serial_flush();
	outb(DEBUG_EXIT_PORT, success ? EXIT_VALUE_SUCCESS : EXIT_VALUE_FAILURE);
	for (;;)
		cpu_halt();
}
