/*B:090 host/kernel/power.c: the end of every run.
 *
 * On QEMU we are started with an isa-debug-exit device at port 0xf4: a
 * byte written there ends QEMU with status value*2+1. Success and failure
 * get different values so a test can tell them apart; a triple fault makes
 * QEMU exit 0 instead, which tests treat as a crash. On real hardware, or a
 * QEMU without the device, the write does nothing and we halt for good.
 * When the host was started for one Launcher, the machine ends with its
 * guest's status instead (power_off_status, the values of P:128). */
#include "arch/x86/debug_exit.h"
#include "arch/x86/io.h"
#include "arch/x86/cpu.h"
#include "host/kernel/power.h"
#include "host/kernel/console.h"
#include "host/kernel/serial.h"

static void __attribute__((noreturn)) power_off_value(uint8_t value)
{
	serial_flush();
	outb(DEBUG_EXIT_PORT, value);
	for (;;)
		cpu_halt();
}

void power_off(bool success)
{
	irq_disable();
	kprintf_polled("kennel: powering off (%s)\n", success ? "success" : "failure");
	power_off_value(success ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
}

/* The machine's status is one program's (P:128): 0 is success, 1..95 is
 * passed on to QEMU, anything else is failure. */
void power_off_status(int32_t status)
{
	irq_disable();
	if (status == 0 || debug_exit_value(status) == DEBUG_EXIT_FAILURE)
		power_off(status == 0);
	kprintf_polled("kennel: powering off (status %d)\n", status);
	power_off_value(debug_exit_value(status));
}
