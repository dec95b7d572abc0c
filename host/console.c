/*B:045 host/console.c: formatting for the host's messages, and panic.
 * panic() is for hypervisor bugs only: nothing a guest or a user program
 * does may reach it (they are killed instead, with a reason). */
#include <stdarg.h>
#include "lib/format.h"
#include "lib/string.h"
#include "arch/x86/cpu.h"
#include "host/console.h"
#include "host/serial.h"
#include "host/power.h"

void console_write(const char *s, size_t len)
{
	serial_write(s, len);
}

int kprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, strlen(buf));
	return n;
}

int kprintf_polled(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	serial_write_polled(buf, strlen(buf));
	return n;
}

void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	irq_disable();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf_polled("\nkennel: PANIC: %s\n", buf);
	power_off(false);
}
