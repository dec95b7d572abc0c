/*T:750 user/bin/churn.c: starts and ends guests by the thousand.
 *
 *   churn N
 *
 * runs N Launchers one after another, in turn: a guest that powers off
 * at once (hostile.elf's "quick" case), one the host kills (bad_hcall.elf
 * "unknown_99"), and one that spins forever and is killed mid-run, its
 * Launcher stopped by SYS_KILL after a few milliseconds. Each Launcher's
 * exit status must be what its guest's end says (0, LAUNCHER_EXIT_KILLED and EXIT_KILLED).
 * The host's free frames are read (SYS_MEMINFO) after a first round of
 * three, which warms the host's caches, and again at the end: a guest of
 * any kind that leaves one frame behind shows as a difference. It prints
 *
 *   churn: N guests: A powered off, B killed by the host, C killed mid-run,
 *          D wrong statuses; free frames after warm-up F, at the end G
 *
 * (one line) and exits 0 only if D is 0 and F == G.
 *
 *   churn N memory
 *
 * churns the guest memory object (V:300) instead: in turn a paging guest
 * whose shadows fill and are evicted (paging_churn.elf, 40 address
 * spaces), a guest of hypercalls whose results the host copies into its
 * memory (hcalls.elf), and pup on a disk image, killed at a different
 * moment of its boot each time (between 20 and 420 ms: reading its
 * disk, starting its shell, at its prompt), so that block I/O and
 * shadows are in flight when its Launcher goes. Its line is
 *
 *   churn: N memory guests: A paging, B hypercalls, C pups killed mid-run,
 *          D wrong statuses; free frames after warm-up F, at the end G
 *
 *   churn N lazy
 *
 * churns lazy memory (V:560): every guest runs on memory that comes
 * only when touched (launcher --lazy-memory), in turn the paging guest,
 * which must finish, the hypercall guest with fail-fast on, which the
 * host must kill at its first missing page, and pup, killed at a
 * different moment each time while it waits for pages, so that faults
 * are outstanding when its Launcher goes. A Launcher left waiting would
 * hang the churn; a frame left behind shows at the end. Its line is
 *
 *   churn: N lazy guests: A paging, B failing fast, C pups killed mid-run,
 *          D wrong statuses; free frames after warm-up F, at the end G
 *
 * Next: T:760. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"

#define KINDS		3
#define WARM_UP		KINDS
#define SPIN_MS		30
#define PUP_MS		400

struct kind {
	char *const *argv;
	int want;			/* its Launcher's exit status */
	unsigned kill_ms;		/* 0, or kill its Launcher after that long */
	bool vary;			/* or after a time that changes with each run */
};

static char *const quick[] = { "/bin/launcher", "--mem", "2M", "--name", "quick",
			       "/guests/hostile.elf", "quick", NULL };
static char *const killed[] = { "/bin/launcher", "--mem", "2M", "--name", "killed",
				"/guests/bad_hcall.elf", "unknown_99", NULL };
static char *const spinner[] = { "/bin/launcher", "--mem", "2M", "--name", "spinner",
				 "/guests/spin.elf", NULL };
static const struct kind guests[KINDS] = {
	{ quick, 0, 0, false }, { killed, LAUNCHER_EXIT_KILLED, 0, false },
	{ spinner, EXIT_KILLED, SPIN_MS, false },
};

static char *const paging[] = { "/bin/launcher", "--mem", "2M", "--name", "paging",
				"/guests/paging_churn.elf", "40", NULL };
static char *const hcalls[] = { "/bin/launcher", "--mem", "2M", "--name", "hcalls",
				"/guests/hcalls.elf", "2097152", "alpha", "beta", NULL };
static char *const pup[] = { "/bin/launcher", "--mem", "16M", "--name", "pup",
			     "--snapshot-disk", "/guests/disk.img", "/guests/pup.elf", NULL };
static const struct kind memory[KINDS] = {
	{ paging, 0, 0, false }, { hcalls, 0, 0, false }, { pup, EXIT_KILLED, PUP_MS, true },
};

static char *const lazy_paging[] = { "/bin/launcher", "--mem", "2M", "--name", "paging",
				     "--lazy-memory", "/guests/paging_churn.elf", "40", NULL };
static char *const lazy_failfast[] = { "/bin/launcher", "--mem", "2M", "--name", "failfast",
				       "--lazy-memory=failfast", "/guests/hcalls.elf",
				       "2097152", "alpha", "beta", NULL };
static char *const lazy_pup[] = { "/bin/launcher", "--mem", "64M", "--name", "pup",
				  "--lazy-memory", "--snapshot-disk", "/guests/disk.img",
				  "/guests/pup.elf", NULL };
static const struct kind lazy[KINDS] = {
	{ lazy_paging, 0, 0, false }, { lazy_failfast, LAUNCHER_EXIT_KILLED, 0, false },
	{ lazy_pup, EXIT_KILLED, PUP_MS, true },
};

/* What each mode churns, and how its line names the three kinds. */
struct mode {
	const char *name;
	const struct kind *kinds;
	const char *what[KINDS + 1];
};

static const struct mode modes[] = {
	{ "", guests, { "guests", "powered off", "killed by the host", "killed mid-run" } },
	{ "memory", memory, { "memory guests", "paging", "hypercalls", "pups killed mid-run" } },
	{ "lazy", lazy, { "lazy guests", "paging", "failing fast", "pups killed mid-run" } },
};

static const struct mode *mode_named(const char *name)
{
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].name, name) == 0)
			return &modes[i];
	return NULL;
}

/* The i-th run's wait: spread over [20, 20 + kill_ms) by a step prime
 * to it, so that successive runs land at different moments. */
static unsigned kill_after(const struct kind *k, unsigned i)
{
	return k->vary ? 20 + (i * 53) % k->kill_ms : k->kill_ms;
}

static int run_one(const struct kind *k, unsigned i)
{
	int pid = spawn(k->argv[0], k->argv), status = -1;

	if (pid < 0) {
		printf("churn: cannot start %s: %s\n", k->argv[4], strerror(errno));
		return -1;
	}
	if (k->kill_ms) {
		sleep_ms(kill_after(k, i));
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
	const struct mode *mode = mode_named(argc > 2 ? argv[2] : "");
	const struct kind *kinds;
	uint32_t warm = 0, end;

	if (n < WARM_UP || !mode || argc > 3) {
		printf("usage: churn N [memory|lazy] (N >= %d)\n", WARM_UP);
		return 2;
	}
	kinds = mode->kinds;
	for (unsigned i = 0; i < n; i++) {
		const struct kind *k = &kinds[i % KINDS];
		int status = run_one(k, i);

		if (status == k->want)
			count[i % KINDS]++;
		else if (wrong++ < 5)
			printf("churn: guest %u (%s) ended with status %d, want %d\n", i,
			       k->argv[4], status, k->want);
		if (i + 1 == WARM_UP)
			warm = free_frames();
	}
	end = free_frames();
	printf("churn: %u %s: %u %s, %u %s, %u %s, %u wrong statuses; free frames after "
	       "warm-up %u, at the end %u\n", n, mode->what[0], count[0], mode->what[1],
	       count[1], mode->what[2], count[2], mode->what[3], wrong, warm, end);
	return wrong == 0 && warm == end ? 0 : 1;
}
