/*G:158 guest/kernel/printk.c: how pup speaks. kprintf formats with the
 * tree's one printf engine (lib/format.c) and writes to the console,
 * whichever it is. panic says why on one line and stops the machine the
 * way that reports a failure: KH_SHUTDOWN(CRASH), or QEMU's failure exit
 * status natively. Next: the interrupt
 * controller natively, G:160. */
#include <stdarg.h>
#include "lib/format.h"
#include "guest/kernel/console.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"

void kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (uint32_t)n : sizeof(buf) - 1);
}

void panic(const char *fmt, ...)
{
	char why[128];
	va_list ap;

	pv.irq_disable();
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	kprintf("pup: panic: %s\n", why);
	pv.crash(why);
}
