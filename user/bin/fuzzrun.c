/*T:770 user/bin/fuzzrun.c: one fuzz guest after another.
 *
 *   fuzzrun SEED GUESTS CALLS
 *
 * runs GUESTS Launchers in turn, with --stats, each on
 * /guests/fuzz.elf with seed SEED + i and CALLS calls (T:760), and
 * checks that every Launcher ended as a Launcher may: 0 (the guest
 * survived and powered off), 2 (it crashed itself) or 3 (the host killed
 * it). All the while a canary runs beside them: the bystander guest
 * (T:465), which checks its memory pattern across 25 naps and must
 * succeed; each time it ends it is started again. The host's free frames
 * are read before the first guest and canary and after the last. Its last line is
 *
 *   fuzzrun: G guests, S survived, K killed, C crashed, B bad statuses;
 *            R canaries, D disturbed; free frames at the start F,
 *            at the end E
 *
 * and it exits 0 only if B and D are 0 and F == E. scripts/fuzz.py reads the
 * rest from the console. Next: the Mastery chapter, M:010. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"

static uint32_t free_frames(void)
{
	struct k_meminfo m;

	return meminfo(&m) == 0 ? m.free_frames : 0;
}

static char *const canary_args[] = { "/bin/launcher", "--mem", "2M", "--name", "canary",
				      "/guests/bystander.elf", "25", NULL };
static unsigned canaries, disturbed;

static int start_canary(void)
{
	return spawn(canary_args[0], canary_args);
}

static void canary_ended(int status)
{
	canaries++;
	if (status != 0)
		disturbed++;
}

/* Wait for pid, restarting the canary whenever it ends first. */
static int wait_for(int pid, int *canary, int *status)
{
	for (;;) {
		int got = waitpid(-1, status);

		if (got < 0 || got == pid)
			return got;
		if (got == *canary) {
			canary_ended(*status);
			*canary = start_canary();
		}
	}
}

int main(int argc, char **argv)
{
	char seed_word[16], name[24];
	char *args[] = { "/bin/launcher", "--stats", "--mem", "2M", "--name", name,
			 "/guests/fuzz.elf", seed_word, NULL, NULL };
	unsigned seed, guests, survived = 0, killed = 0, crashed = 0, bad = 0;
	uint32_t first = 0, end;
	int canary, canary_status = -1;

	if (argc != 4) {
		printf("usage: fuzzrun SEED GUESTS CALLS\n");
		return 2;
	}
	seed = (unsigned)atoi(argv[1]), guests = (unsigned)atoi(argv[2]);
	args[8] = argv[3];
	first = free_frames();
	canary = start_canary();
	for (unsigned i = 0; i < guests; i++) {
		int pid, status = -1;

		snprintf(seed_word, sizeof(seed_word), "%u", seed + i);
		snprintf(name, sizeof(name), "fz%u", seed + i);
		pid = spawn(args[0], args);
		if (pid < 0 || wait_for(pid, &canary, &status) != pid) {
			printf("fuzzrun: guest %u: %s\n", seed + i, strerror(errno));
			bad++;
			continue;
		}
		if (status == 0)
			survived++;
		else if (status == LAUNCHER_EXIT_KILLED)
			killed++;
		else if (status == LAUNCHER_EXIT_CRASHED)
			crashed++;
		else if (bad++ < 5)
			printf("fuzzrun: guest %u: Launcher status %d\n", seed + i, status);
	}
	if (waitpid(canary, &canary_status) == canary)
		canary_ended(canary_status);
	end = free_frames();
	printf("fuzzrun: %u guests, %u survived, %u killed, %u crashed, %u bad statuses; "
	       "%u canaries, %u disturbed; free frames at the start %u, at the end %u\n",
	       guests, survived, killed, crashed, bad, canaries, disturbed, first, end);
	return bad == 0 && disturbed == 0 && first == end ? 0 : 1;
}
