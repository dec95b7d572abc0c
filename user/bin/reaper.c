/*T:490 user/bin/reaper.c: ends a program that would never end by itself.
 *
 *   reaper MS PROG [ARGS...]
 *
 * spawns PROG with ARGS, sleeps MS milliseconds, kills it, reaps it, and
 * prints
 *
 *   reaper: killed PROG after MS ms
 *
 * exiting 0, but only if PROG was still running to be killed (its status
 * is EXIT_KILLED). If PROG ended by itself first, or could not be started,
 * it says so and exits 1. The boot tests run a Launcher whose guest spins
 * forever under it (tests/guests/spin.c): that the reaper wakes up on time
 * and gets to kill it shows a host program still runs beside a spinning
 * guest. (user/bin/starve.c does the same for a spinning host program,
 * but always spawns /bin/spin.) Next: the Mastery chapter, M:010. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kennel.h>

int main(int argc, char **argv)
{
	int pid, status = -1;
	char *end;
	unsigned long ms;

	if (argc < 3 || (ms = strtoul(argv[1], &end, 10), *end || end == argv[1])) {
		printf("usage: reaper MS PROG [ARGS...]\n");
		return 2;
	}
	pid = spawn(argv[2], argv + 2);
	if (pid < 0) {
		printf("reaper: cannot start %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	sleep_ms((uint32_t)ms);
	if (kill(pid) < 0)
		printf("reaper: kill %s: %s\n", argv[2], strerror(errno));
	if (waitpid(pid, &status) != pid) {
		printf("reaper: waitpid %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (status != EXIT_KILLED) {
		printf("reaper: %s ended by itself with status %d\n", argv[2], status);
		return 1;
	}
	printf("reaper: killed %s after %lu ms\n", argv[2], ms);
	return 0;
}
