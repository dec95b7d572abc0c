/*G:710 guest/user/bin/sysinfo.c: which pup this is. One image runs both
 * ways, so a program can ask (SYS_SYSINFO) and get, say,
 *
 *   pup on kennel: kernel in ring 1, timer 100 Hz, up 2.031 s
 *   pup on native: kernel in ring 0, timer 100 Hz, up 1.502 s
 *
 * It is the one program whose output is meant to differ between the two.
 * Next: kill.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

_Static_assert(sizeof(((struct pup_sysinfo *)0)->backend) == 16, "%.16s below");

int main(void)
{
	struct pup_sysinfo s;

	if (sysinfo(&s) < 0) {
		fprintf(stderr, "sysinfo: %s\n", strerror(errno));
		return 1;
	}
	printf("pup on %.16s: kernel in ring %u, timer %u Hz, up %llu.%03u s\n",
	       s.backend, s.ring, s.hz,
	       (unsigned long long)(s.uptime_ms / 1000), (unsigned)(s.uptime_ms % 1000));
	return 0;
}
