/*T:750 user/bin/churn.c: starts and ends guests by the thousand.
 *
 *   churn N
 *
 * runs N Launchers one after another, in turn: a guest that powers off
 * at once (hostile.elf's "quick" case), one the host kills (bad_hcall.elf
 * "unknown_99"), and one that spins forever and is killed mid-run, its
 * Launcher stopped by SYS_KILL after a few milliseconds. Each Launcher's
 * exit status must be what its guest's end says (0, 3, and EXIT_KILLED).
 * The host's free frames are read (SYS_MEMINFO) after a first round of
 * three, which warms the host's caches, and again at the end: a guest of
 * any kind that leaves one frame behind shows as a difference. It prints
 *
 *   churn: N guests: A powered off, B killed by the host, C killed mid-run,
 *          D wrong statuses; free frames after warm-up F, at the end G
 *
 * (one line) and exits 0 only if D is 0 and F == G. Next: T:760. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"

#define KINDS		3
#define WARM_UP		KINDS
#define SPIN_MS		30

static char *const quick[] = { "/bin/launcher", "--mem", "2M", "--name", "quick",
			       "/guests/hostile.elf", "quick", NULL };
static char *const killed[] = { "/bin/launcher", "--mem", "2M", "--name", "killed",
				"/guests/bad_hcall.elf", "unknown_99", NULL };
static char *const spinner[] = { "/bin/launcher", "--mem", "2M", "--name", "spinner",
				 "/guests/spin.elf", NULL };
static char *const *const argvs[KINDS] = { quick, killed, spinner };
static const int want[KINDS] = { LAUNCHER_EXIT_POWEROFF, LAUNCHER_EXIT_KILLED, EXIT_KILLED };

static int run_one(int kind)
{
	int pid = spawn(argvs[kind][0], argvs[kind]), status = -1;

	if (pid < 0) {
		printf("churn: cannot start %s: %s\n", argvs[kind][5], strerror(errno));
		return -1;
	}
	if (kind == 2) {
		sleep_ms(SPIN_MS);
		kill(pid);
	}
	if (waitpid(pid, &status) != pid)
		return -1;
	return status;
}

static uint32_t free_frames(void)
{
	struct k_meminfo m;

	return meminfo(&m) == 0 ? m.free_frames : 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 0, count[KINDS] = { 0 }, wrong = 0;
	uint32_t warm = 0, end;

	if (n < WARM_UP) {
		printf("usage: churn N (N >= %d)\n", WARM_UP);
		return 2;
	}
	for (unsigned i = 0; i < n; i++) {
		int kind = (int)(i % KINDS), status = run_one(kind);

		if (status == want[kind])
			count[kind]++;
		else if (wrong++ < 5)
			printf("churn: guest %u (%s) ended with status %d, want %d\n", i,
			       argvs[kind][4], status, want[kind]);
		if (i + 1 == WARM_UP)
			warm = free_frames();
	}
	end = free_frames();
	printf("churn: %u guests: %u powered off, %u killed by the host, %u killed mid-run, "
	       "%u wrong statuses; free frames after warm-up %u, at the end %u\n",
	       n, count[0], count[1], count[2], wrong, warm, end);
	return wrong == 0 && warm == end ? 0 : 1;
}
