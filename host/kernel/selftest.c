/*B:300 host/kernel/selftest.c: things the host does only so that we can watch it
 * work. The boot tests in tests/boot/test_boot.py drive each of them.
 *
 * selftest_timer waits, halted, for twenty ticks: if the PIT or the PIC
 * were misprogrammed we would never print the line, and the test would
 * time out. selftest_fault executes one faulting instruction, chosen on the
 * command line, so that the fault report can be checked. selftest_echo
 * reads console lines through the interrupt-driven serial driver and
 * repeats them until it reads "quit". */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/kernel/selftest.h"
#include "host/kernel/console.h"
#include "host/kernel/serial.h"
#include "host/kernel/timer.h"

#define TIMER_CHECK_TICKS 20

void selftest_timer(void)
{
	uint64_t start = timer_ticks();

	while (timer_ticks() - start < TIMER_CHECK_TICKS)
		cpu_idle();
	kprintf("timer: %u ticks at %u Hz\n", TIMER_CHECK_TICKS, TIMER_HZ);
}

static void divide_by_zero(void)
{
	uint32_t zero = 0;

	asm volatile("xor %%edx, %%edx; mov $1, %%eax; div %0" : : "r"(zero) : "eax", "edx");
}

static void read_unmapped(void)
{
	(void)*(volatile uint32_t *)0xbadf00d0u;
}

static void load_bad_selector(void)
{
	asm volatile("mov %0, %%ds" : : "r"(0xfff8u));
}

void selftest_fault(const char *which)
{
	if (!which[0])
		return;
	kprintf("selftest: provoking a %s fault\n", which);
	if (strcmp(which, "divide") == 0)
		divide_by_zero();
	else if (strcmp(which, "page") == 0)
		read_unmapped();
	else if (strcmp(which, "gp") == 0)
		load_bad_selector();
	else if (strcmp(which, "ud") == 0)
		asm volatile("ud2");
	else if (strcmp(which, "int3") == 0)
		asm volatile("int3");
	panic("selftest: the %s fault did not stop the machine", which);
}

static int read_char(void)
{
	int c;

	while ((c = serial_getc()) < 0)
		cpu_idle();
	return c;
}

void selftest_echo(void)
{
	char line[128];
	size_t n = 0;

	kprintf("echo: type lines; 'quit' ends\n");
	for (;;) {
		int c = read_char();

		if (c != '\r' && c != '\n') {
			if (n + 1 < sizeof(line))
				line[n++] = (char)c;
			continue;
		}
		line[n] = '\0';
		n = 0;
		if (strcmp(line, "quit") == 0)
			break;
		kprintf("echo: %s\n", line);
	}
}
