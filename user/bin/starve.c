/*U:650 user/bin/starve.c: proves that a process which never gives up the
 * CPU cannot starve the others. It spawns /bin/spin, then checks that it
 * itself still runs: twenty 10 ms sleeps must take at least 200 ms and not
 * absurdly longer, and twenty yields must come back. It spawns /bin/hello
 * and waits for it, so a third process ran too. Finally it kills the
 * spinner with SYS_KILL and reaps it, expecting status EXIT_KILLED. The
 * last lines are
 *
 *   starve: spinner killed, others ran
 *   Test result: SUCCESS
 *
 * or "Test result: FAILURE" after a line saying why (exit status 1). The
 * ISO must hold /bin/spin and /bin/hello. Next: ls.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kennel.h>

#define SLEEPS		20
#define SLEEP_MS	10
#define YIELDS		20
#define SANE_MS		10000	/* far more than a fair scheduler needs */

static int failures;

static void fail(const char *what)
{
	printf("starve: %s\n", what);
	failures++;
}

static int start(const char *path, char **argv)
{
	int pid = spawn(path, argv);

	if (pid < 0)
		printf("starve: spawn %s failed: %s\n", path, strerror(errno));
	else
		printf("starve: started %s as pid %d\n", path, pid);
	return pid;
}

static void check_sleeps(void)
{
	uint64_t start_ms = clock_ms(), took;

	for (int i = 0; i < SLEEPS; i++)
		if (sleep_ms(SLEEP_MS))
			fail("sleep_ms failed");
	took = clock_ms() - start_ms;
	printf("starve: %d sleeps of %d ms took %u ms\n", SLEEPS, SLEEP_MS, (unsigned)took);
	if (took < SLEEPS * SLEEP_MS)
		fail("the sleeps ended too early");
	if (took > SANE_MS)
		fail("the sleeps took far too long");
}

static void check_yields(void)
{
	uint64_t start_ms = clock_ms(), took;

	for (int i = 0; i < YIELDS; i++)
		if (yield())
			fail("yield failed");
	took = clock_ms() - start_ms;
	printf("starve: %d yields took %u ms\n", YIELDS, (unsigned)took);
	if (took > SANE_MS)
		fail("the yields took far too long");
}

static void check_third_process(void)
{
	char *argv[] = { "/bin/hello", "from", "starve", NULL };
	int status = -1, pid = start("/bin/hello", argv);

	if (pid < 0) {
		fail("could not start /bin/hello");
		return;
	}
	if (waitpid(pid, &status) != pid)
		fail("waitpid for /bin/hello failed");
	else if (status != 0)
		fail("/bin/hello did not exit 0");
}

static void check_kill(int spinner)
{
	int status = -1;

	if (kill(spinner)) {
		fail("kill of the spinner failed");
		return;
	}
	if (waitpid(spinner, &status) != spinner) {
		fail("waitpid for the spinner failed");
		return;
	}
	printf("starve: spinner exited with status %d\n", status);
	if (status != EXIT_KILLED)
		fail("the spinner's status is not EXIT_KILLED");
	else
		printf("starve: spinner killed, others ran\n");
}

int main(void)
{
	char *argv[] = { "/bin/spin", NULL };
	int spinner = start("/bin/spin", argv);

	if (spinner < 0) {
		fail("could not start /bin/spin");
	} else {
		check_sleeps();
		check_yields();
		check_third_process();
		check_kill(spinner);
	}
	printf("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
	return failures ? 1 : 0;
}
