/*B:300 host/kernel/selftest.c: things the host does only so that we can watch it
 * work. The boot tests in tests/boot/test_boot.py drive each of them.
 *
 * selftest_timer waits, halted, for twenty ticks: if the PIT or the PIC
 * were misprogrammed we would never print the line, and the test would
 * time out. selftest_fault executes one faulting instruction, chosen on the
 * command line, so that the fault report can be checked. selftest_echo
 * reads console lines through the interrupt-driven serial driver and
 * repeats them until it reads "quit". selftest_poison (poison=test) writes
 * into a frame it has freed and allocates it again, so that the poison
 * check (B:115) must report it. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/kernel/selftest.h"
#include "host/kernel/console.h"
#include "host/kernel/serial.h"
#include "host/kernel/timer.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"

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

/* frames_alloc_contig takes the lowest free frame, so the frame freed is
 * the one handed out again. */
#define POISON_TEST_WORD	7
#define POISON_TEST_VALUE	0x5ca1ab1eu

void selftest_poison(void)
{
	uint32_t pa = frames_alloc_contig(1), again;

	BUG_ON(!pa || frame_free(pa) != 0);
	((uint32_t *)phys_to_virt(pa))[POISON_TEST_WORD] = POISON_TEST_VALUE;
	again = frames_alloc_contig(1);
	kprintf("poison: self-test: frame 0x%x freed, written at word %u, allocated again as 0x%x\n",
		pa, POISON_TEST_WORD, again);
	BUG_ON(frame_free(again) != 0);
}
