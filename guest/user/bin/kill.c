/*G:715 guest/user/bin/kill.c: "kill PID..." asks pup to stop each
 * process. The victim ends with status PUP_EXIT_KILLED (128), which its
 * parent sees in wait (the shell says "killed (status 128)"). A pid that
 * is not a number, or names no process, is an error with its reason, and
 * makes the exit status 1. Next: sleep.c, something to kill. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pup.h>

static int kill_one(const char *text)
{
	char *end;
	long pid = strtol(text, &end, 10);

	if (end == text || *end || pid <= 0) {
		fprintf(stderr, "kill: %s: not a process id\n", text);
		return 1;
	}
	if (kill((int)pid) < 0) {
		fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: kill PID...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		status |= kill_one(argv[i]);
	return status;
}
