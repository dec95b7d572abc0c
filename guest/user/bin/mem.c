/*G:700 guest/user/bin/mem.c: how pup's memory is used, in KiB:
 *
 *   memory: 32768 KiB total, 30112 KiB free, 1024 KiB kernel
 *
 * total is the RAM pup manages (under kennel, the Launcher's --mem less
 * what pup keeps for itself; natively, what the machine has), free what
 * no one holds, kernel what pup's kernel holds for itself (page tables,
 * stacks, buffers). The numbers come from SYS_MEMINFO, in 4 KiB pages.
 * Next: uptime.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pup.h>

#define KIB_PER_PAGE 4

int main(void)
{
	struct pup_meminfo m;

	if (meminfo(&m) < 0) {
		fprintf(stderr, "mem: %s\n", strerror(errno));
		return 1;
	}
	printf("memory: %u KiB total, %u KiB free, %u KiB kernel\n",
	       m.total_pages * KIB_PER_PAGE, m.free_pages * KIB_PER_PAGE,
	       m.kernel_pages * KIB_PER_PAGE);
	return 0;
}
