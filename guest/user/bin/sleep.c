/*G:720 guest/user/bin/sleep.c: "sleep MS" sleeps for MS milliseconds
 * (SYS_SLEEP) and exits 0. It uses no processor time while it waits, so
 * "sleep 100000 &" is a quiet process to look at with ps and to stop with
 * kill. Next: poweroff.c. */
#include <stdio.h>
#include <stdlib.h>
#include <pup.h>

int main(int argc, char **argv)
{
	char *end;
	long ms;

	if (argc != 2 || (ms = strtol(argv[1], &end, 10)) < 0 || end == argv[1] || *end) {
		fprintf(stderr, "usage: sleep MILLISECONDS\n");
		return 2;
	}
	return sleep_ms((uint32_t)ms) < 0 ? 1 : 0;
}
