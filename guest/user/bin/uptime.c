/*G:705 guest/user/bin/uptime.c: how long pup has been up, to the
 * millisecond: "up 12.345 s". The time is pup's own (SYS_UPTIME), counted
 * from its boot, not the host's. Next: sysinfo.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

int main(void)
{
	uint64_t ms;

	if (uptime(&ms) < 0) {
		fprintf(stderr, "uptime: %s\n", strerror(errno));
		return 1;
	}
	printf("up %llu.%03u s\n", (unsigned long long)(ms / 1000), (unsigned)(ms % 1000));
	return 0;
}
