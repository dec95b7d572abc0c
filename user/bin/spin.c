/*U:610 user/bin/spin.c: a program that never gives the CPU back. It loops
 * forever without a single system call, so the only way anything else runs
 * is the timer interrupt preempting it, and the only way it ends is SYS_KILL
 * from another process (see starve.c). It prints nothing, on purpose: even
 * printing would enter the host. Next: fault.c. */
int main(void)
{
	volatile unsigned long laps = 0;

	for (;;)
		laps++;
}
