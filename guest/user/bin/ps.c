/*G:695 guest/user/bin/ps.c: lists pup's processes, one a line, after a
 * heading:
 *
 *     PID  PPID STATE    PAGES    TICKS NAME
 *       1     0 sleeping     9       12 sh
 *       4     1 running      7        0 ps
 *
 * PAGES is the process's user memory in 4 KiB pages, TICKS the timer
 * ticks it has run for, NAME the program's. ps itself is always there,
 * running. It asks SYS_PS for entry 0, 1, 2... until pup answers ENOENT.
 * Next: mem.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

static const char *state_name(uint32_t state)
{
	switch (state) {
	case PUP_PROC_RUNNABLE:
		return "running";
	case PUP_PROC_SLEEPING:
		return "sleeping";
	case PUP_PROC_ZOMBIE:
		return "zombie";
	default:
		return "?";
	}
}

/* The name is printed with a precision, in case pup filled all 32 bytes. */
_Static_assert(sizeof(((struct pup_procinfo *)0)->name) == 32, "%.32s below");

static void print_process(const struct pup_procinfo *p)
{
	printf("%5d %5d %-8s %5u %8llu %.32s\n", p->pid, p->parent, state_name(p->state),
	       p->pages, (unsigned long long)p->ticks, p->name);
}

int main(void)
{
	struct pup_procinfo p;
	int i;

	printf("  PID  PPID STATE    PAGES    TICKS NAME\n");
	for (i = 0; ps(i, &p) == 0; i++)
		print_process(&p);
	if (errno != ENOENT) {
		fprintf(stderr, "ps: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
