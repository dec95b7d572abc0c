/*G:725 guest/user/bin/poweroff.c: turns pup off (SYS_POWEROFF), and with
 * it the machine it runs on: under kennel the Launcher reports "guest
 * NAME powered off" and exits 0; natively pup writes to QEMU's exit port.
 * Files written since boot go with it under kennel, where the disk is the
 * Launcher's copy in memory (README, "pup"). Next: the boot tests that
 * drive all of these, tests/boot/test_pup.py (T:500). */
#include <stdio.h>
#include <pup.h>

int main(void)
{
	printf("poweroff: powering off\n");
	fflush(stdout);
	poweroff();
}
