/*U:620 user/bin/fault.c: misbehaves on request, to show that a faulting
 * program is killed (exit status EXIT_FAULTED) and that the host and every
 * other program carry on. "fault KIND" first prints "fault: about to KIND",
 * then:
 *
 *   page    writes to address 0 (a page fault: nothing is mapped there)
 *   gp      executes cli, which ring 3 may not (general protection)
 *   divide  divides by zero (divide error)
 *   ud      executes ud2 (invalid opcode)
 *   kernel  writes to 0xC0100000, the host kernel's code (a page fault on
 *           a supervisor page)
 *   fpu     executes fld1: the host keeps the FPU for guests (H:600), so
 *           this is device-not-available, and a host program that could
 *           see a guest's x87 registers is killed instead
 *
 * Each fault is written in assembly so the compiler cannot reason about it.
 * If the program is still alive afterwards, it says so and exits 1. Next:
 * badptr.c, which attacks the system calls instead of the CPU. */
#include <stdio.h>
#include <string.h>

static void fault_page(void)
{
	asm volatile("movl $1, (%0)" : : "r"(0) : "memory");
}

static void fault_gp(void)
{
	asm volatile("cli");
}

static void fault_divide(void)
{
	asm volatile("xorl %%edx, %%edx\n\t"
		     "movl $1, %%eax\n\t"
		     "xorl %%ecx, %%ecx\n\t"
		     "divl %%ecx" : : : "eax", "ecx", "edx", "cc");
}

static void fault_ud(void)
{
	asm volatile("ud2");
}

static void fault_kernel(void)
{
	asm volatile("movl $1, (%0)" : : "r"(0xC0100000) : "memory");
}

static void fault_fpu(void)
{
	asm volatile("fld1\n\tfstp %%st(0)" : : : "memory");
}

static const struct {
	const char *name;
	void (*provoke)(void);
} kinds[] = {
	{ "page", fault_page },
	{ "gp", fault_gp },
	{ "divide", fault_divide },
	{ "ud", fault_ud },
	{ "kernel", fault_kernel },
	{ "fpu", fault_fpu },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc == 2 && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].name))
			continue;
		printf("fault: about to %s\n", kinds[i].name);
		kinds[i].provoke();
		printf("fault: %s did not fault\n", kinds[i].name);
		return 1;
	}
	fprintf(stderr, "usage: fault page|gp|divide|ud|kernel|fpu\n");
	return 2;
}
