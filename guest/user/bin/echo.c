/*G:675 guest/user/bin/echo.c: prints its arguments, separated by single
 * spaces, and a newline: "echo hello  pup" prints "hello pup" (the shell
 * has already split the words). Next: write.c, which puts the same kind
 * of line into a file. */
#include <stdio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}
