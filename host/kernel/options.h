/* host/kernel/options.h: the host command line (host/kernel/options.c, B:140). */
#ifndef HOST_OPTIONS_H
#define HOST_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define OPT_MAX_RUN	8
#define OPT_RUN_MAX	256

struct host_options {
	char fault[16];			/* "" or divide|page|gp|ud|int3 */
	bool echo;			/* console=echo */
	bool verbose;			/* verbose=1: list every module at boot */
	unsigned poison;		/* poison=1: poison freed frames (B:115);
					   poison=test: and prove the check fires */
	unsigned nrun;
	char run[OPT_MAX_RUN][OPT_RUN_MAX];	/* "PROG,ARG,ARG" */
};

/* Returns 0, or -1 with a message in err naming the bad word and why. */
int options_parse(const char *cmdline, struct host_options *o, char *err, size_t errlen);

#endif
