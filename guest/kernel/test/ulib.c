/*G:593 guest/kernel/test/ulib.c: exit and uprintf for the test programs
 * (ulib.h). */
#include "guest/kernel/test/ulib.h"

void exit(int status)
{
	for (;;)
		sc(PUP_SYS_EXIT, (uint32_t)status, 0, 0);
}

void uprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	write(1, buf, n < (int)sizeof(buf) ? (uint32_t)n : sizeof(buf) - 1);
}
