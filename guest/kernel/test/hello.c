/*G:594 guest/kernel/test/hello.c: prints its arguments and exits with
 * the number of them, so a parent can check both exec's argv and exit's
 * status. */
#include "guest/kernel/test/ulib.h"

int main(int argc, char **argv);

int main(int argc, char **argv)
{
	uprintf("hello from pid %d:", getpid());
	for (int i = 0; i < argc; i++)
		uprintf(" %s", argv[i]);
	uprintf("\n");
	return argc;
}
