/*B:140 host/kernel/options.c: reading the host command line.
 *
 * The command line comes from the GRUB menu entry or QEMU's -append. It is
 * a list of words of the form key=value; an unknown word or a bad value is
 * an error that names the word, because a typo that is silently ignored
 * costs a user far more time than a refusal. Pure logic, unit-tested in
 * tests/unit/test_options.c. */
#include "lib/string.h"
#include "lib/format.h"
#include "host/kernel/options.h"

static const char *const faults[] = { "divide", "page", "gp", "ud", "int3" };

static bool valid_fault(const char *v)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (strcmp(v, faults[i]) == 0)
			return true;
	return false;
}

static int fail(char *err, size_t errlen, const char *word, const char *why)
{
	snprintf(err, errlen, "bad option '%s': %s", word, why);
	return -1;
}

static int apply(struct host_options *o, const char *word, char *err, size_t errlen)
{
	const char *eq = strchr(word, '=');
	const char *v = eq ? eq + 1 : "";

	if (!eq)
		return fail(err, errlen, word, "expected key=value");
	if (starts_with(word, "fault=")) {
		if (!valid_fault(v))
			return fail(err, errlen, word, "fault must be divide, page, gp, ud or int3");
		strlcpy(o->fault, v, sizeof(o->fault));
	} else if (starts_with(word, "console=")) {
		if (strcmp(v, "echo") != 0)
			return fail(err, errlen, word, "the only console mode is 'echo'");
		o->echo = true;
	} else if (starts_with(word, "verbose=")) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return fail(err, errlen, word, "verbose is 0 or 1");
		o->verbose = v[0] == '1';
	} else if (starts_with(word, "poison=")) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0 && strcmp(v, "test") != 0)
			return fail(err, errlen, word, "poison is 0, 1 or test");
		o->poison = v[0] == '0' ? 0 : v[0] == '1' ? 1 : 2;
	} else if (starts_with(word, "run=")) {
		if (o->nrun == OPT_MAX_RUN)
			return fail(err, errlen, word, "too many programs (at most 8)");
		if (v[0] != '/' || strlen(v) >= OPT_RUN_MAX)
			return fail(err, errlen, word, "expected run=/path[,arg...] under 256 bytes");
		strlcpy(o->run[o->nrun++], v, OPT_RUN_MAX);
	} else {
		return fail(err, errlen, word, "unknown option");
	}
	return 0;
}

int options_parse(const char *cmdline, struct host_options *o, char *err, size_t errlen)
{
	char word[OPT_RUN_MAX + 8];

	memset(o, 0, sizeof(*o));
	while (*cmdline) {
		size_t n = 0;

		while (*cmdline == ' ')
			cmdline++;
		while (cmdline[n] && cmdline[n] != ' ')
			n++;
		if (n == 0)
			break;
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "bad option '%.40s...': too long", cmdline);
			return -1;
		}
		memcpy(word, cmdline, n);
		word[n] = '\0';
		cmdline += n;
		if (apply(o, word, err, errlen) != 0)
			return -1;
	}
	return 0;
}
