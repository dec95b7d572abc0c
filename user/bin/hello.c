/*U:600 user/bin/hello.c: the smallest complete host program, and the one
 * the boot tests start first. It proves the whole path: the host loaded the
 * ELF file, built the argument block on the stack the way syscall.h says,
 * crt0 found argc and argv there, and SYS_GETPID and SYS_WRITE work. Output:
 *
 *   hello from pid N: argc=K
 *   argv[0] = /bin/hello
 *   argv[1] = ...
 *
 * and exit status 0. Next: spin.c. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("hello from pid %d: argc=%d\n", getpid(), argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return 0;
}
