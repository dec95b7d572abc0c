/*G:715 guest/user/bin/kill.c: "kill [-SIGNAL] PID..." sends a signal
 * (G:800) to each process: SIGTERM unless told otherwise, by name
 * ("-INT", "-SIGINT") or number ("-9"). A process the signal ends exits
 * with 128 + its number, which its parent sees in wait (the shell says
 * "killed (status 143)" for SIGTERM). A negative PID names a process
 * group. A pid that is not a number, a signal pup does not know, or a
 * pid that names no process, is an error with its reason, and makes the
 * exit status 1. Next: sleep.c, something to kill. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pup.h>

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "HUP", PUP_SIGHUP }, { "INT", PUP_SIGINT }, { "QUIT", PUP_SIGQUIT },
	{ "KILL", PUP_SIGKILL }, { "SEGV", PUP_SIGSEGV }, { "PIPE", PUP_SIGPIPE },
	{ "TERM", PUP_SIGTERM },
};

/* "INT", "SIGINT" or "2"; -1 if none of those. */
static int signal_of(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (end != text && !*end)
		return n >= 0 && n < PUP_NSIG ? (int)n : -1;
	if (strncmp(text, "SIG", 3) == 0)
		text += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(text, signals[i].name) == 0)
			return signals[i].number;
	return -1;
}

static int kill_one(const char *text, int sig)
{
	char *end;
	long pid = strtol(text, &end, 10);

	if (end == text || *end || pid == 0) {
		fprintf(stderr, "kill: %s: not a process id\n", text);
		return 1;
	}
	if (kill((int)pid, sig) < 0) {
		fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0, sig = PUP_SIGTERM, first = 1;

	if (argc > 1 && argv[1][0] == '-' && (argv[1][1] < '0' || argv[1][1] > '9' || argc > 2)) {
		if ((sig = signal_of(argv[1] + 1)) < 0) {
			fprintf(stderr, "kill: %s: no such signal (HUP INT QUIT KILL SEGV PIPE TERM,"
				" or 0 to %d)\n", argv[1] + 1, PUP_NSIG - 1);
			return 1;
		}
		first = 2;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: kill [-SIGNAL] PID...\n");
		return 2;
	}
	for (int i = first; i < argc; i++)
		status |= kill_one(argv[i], sig);
	return status;
}
