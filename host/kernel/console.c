/*B:045 host/kernel/console.c: formatting for the host's messages, and panic.
 * panic() is for hypervisor bugs only: nothing a guest or a user program
 * does may reach it (they are killed instead, with a reason). */
#include <stdarg.h>
#include "lib/format.h"
#include "lib/string.h"
#include "arch/x86/cpu.h"
#include "host/kernel/console.h"
#include "host/kernel/serial.h"
#include "host/kernel/power.h"

/*B:046 One terminal, many writers. A line may be left unfinished on the
 * screen (a program's prompt, U:250); whoever writes next, if it is not
 * the same writer, first ends that line, so no two writers' text shares
 * a line. The writer whose line was cut short can tell (console_owns_end)
 * and write its line again in full when it finishes it. Interrupts are
 * off around the bookkeeping because kprintf runs in interrupt handlers. */
static const void *unfinished_by;	/* who left the screen mid-line, or NULL */

void console_write_as(const void *writer, const char *s, size_t len)
{
	uint32_t flags = irq_save();

	if (len && unfinished_by && unfinished_by != writer)
		serial_write("\n", 1);
	if (len) {
		serial_write(s, len);
		unfinished_by = s[len - 1] == '\n' ? NULL : writer;
	}
	irq_restore(flags);
}

bool console_owns_end(const void *writer)
{
	return writer && unfinished_by == writer;
}

void console_write(const char *s, size_t len)
{
	console_write_as(NULL, s, len);
}

typedef void (*writer_t)(const char *s, size_t len);

/* A message too long for the buffer is cut visibly ("...") and keeps its
 * newline, so the next message still starts on a line of its own. */
static int vprint(writer_t write, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t fmtlen = strlen(fmt);

	if (n >= (int)sizeof(buf) && fmtlen && fmt[fmtlen - 1] == '\n')
		strlcpy(buf + sizeof(buf) - 5, "...\n", 5);
	write(buf, strlen(buf));
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprint(console_write, fmt, ap);
	va_end(ap);
	return n;
}

int kprintf_polled(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprint(serial_write_polled, fmt, ap);
	va_end(ap);
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
