/*G:596 guest/kernel/test/ksh.c: a shell small enough to test the
 * console with: it reads a line, runs /bin/WORD with the line's words as
 * arguments and waits for it, and knows only "cd" and "exit" itself.
 * Next: the userland, G:600. */
#include "guest/kernel/test/ulib.h"

int main(int argc, char **argv);

static int split(char *line, char **words, int max)
{
	int n = 0;

	for (char *p = line; *p && n < max - 1;) {
		while (*p == ' ' || *p == '\n')
			*p++ = '\0';
		if (*p)
			words[n++] = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	words[n] = NULL;
	return n;
}

static void run(char **words)
{
	char path[64];
	int pid, status;

	snprintf(path, sizeof(path), "/bin/%s", words[0]);
	if ((pid = fork()) == 0) {
		exec(path, words);
		uprintf("ksh: %s: not found\n", words[0]);
		exit(127);
	}
	wait(pid, &status);
	if (status)
		uprintf("ksh: %s: status %d\n", words[0], status);
}

int main(int argc, char **argv)
{
	char line[256], *words[16];
	int n;

	(void)argc, (void)argv;
	for (;;) {
		uprintf("ksh$ ");
		if ((n = read(0, line, sizeof(line) - 1)) <= 0)
			return 0;
		line[n] = '\0';
		if (!split(line, words, 16))
			continue;
		if (!strcmp(words[0], "exit"))
			return 0;
		if (strcmp(words[0], "cd"))
			run(words);
		else if (chdir(words[1] ? words[1] : "/"))
			uprintf("ksh: cd: failed\n");
	}
}
