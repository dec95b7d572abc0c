/*T:745 user/bin/hog.c: leaves the host's free memory full of old data.
 *
 *   hog PROG [ARGS...]
 *
 * takes every free frame the host will give it (SYS_MMAP in ever smaller
 * pieces until even one page is refused), writes 0xA5 over all of it,
 * gives it all back, then runs PROG with ARGS and exits with PROG's
 * status. Two things follow for PROG: the frames it gets hold 0xA5 until
 * someone clears them, and the allocator, having been driven to the end
 * of memory, starts again from the bottom, so PROG's frames really are
 * the hog's. That is how the boot test catches a host that hands a frame
 * to a guest without clearing it (T:730: the regs page). It prints
 *
 *   hog: dirtied N pages
 *
 * before starting PROG. Next: T:750. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kennel.h>

#define PAGE		4096u
#define PIECES_MAX	4096

static void *pieces[PIECES_MAX];
static size_t sizes[PIECES_MAX];

static unsigned take_everything(void)
{
	unsigned n = 0, pages = 0;
	size_t size = 16u << 20;

	while (size >= PAGE && n < PIECES_MAX) {
		void *p = mmap(size);

		if (p == MAP_FAILED) {
			size /= 2;
			continue;
		}
		memset(p, 0xa5, size);
		pieces[n] = p, sizes[n++] = size;
		pages += size / PAGE;
	}
	for (unsigned i = 0; i < n; i++)
		munmap(pieces[i], sizes[i]);
	return pages;
}

int main(int argc, char **argv)
{
	int pid, status = -1;

	if (argc < 2) {
		printf("usage: hog PROG [ARGS...]\n");
		return 2;
	}
	printf("hog: dirtied %u pages\n", take_everything());
	pid = spawn(argv[1], argv + 1);
	if (pid < 0) {
		printf("hog: cannot start %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (waitpid(pid, &status) != pid) {
		printf("hog: waitpid %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return status;
}
