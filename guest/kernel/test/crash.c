/*G:595 guest/kernel/test/crash.c: dies the way it is told, so pup's
 * fault reports can be seen: "page" writes to address 0, "gp" executes a
 * privileged instruction, "divide" divides by zero, "fpu" uses the FPU,
 * which pup forbids its programs. */
#include "guest/kernel/test/ulib.h"

int main(int argc, char **argv);

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "page";

	if (!strcmp(how, "gp"))
		asm volatile("cli");
	if (!strcmp(how, "divide"))
		asm volatile("xor %%edx, %%edx\n\tdivl %0" : : "r"(0) : "eax", "edx");
	if (!strcmp(how, "fpu"))
		asm volatile("fninit");
	*(volatile int *)0 = 1;
	return 0;
}
