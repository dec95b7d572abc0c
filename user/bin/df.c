/*U:840 user/bin/df.c: "df [PATH]" shows how much of /var's disk is used:
 *
 *   /var: 131072 KiB, 4242 KiB used, 126830 KiB free; 16383 inodes, 16381 free
 *
 * Only /var has a disk; the module files live in memory. Next: U:845. */
#include <errno.h>
#include <kennel.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/var";
	struct k_statfs st;
	uint32_t kib;

	if (statfs(path, &st) < 0) {
		fprintf(stderr, "df: %s: %s\n", path, strerror(errno));
		return 1;
	}
	kib = st.block_size / 1024;
	printf("%s: %u KiB, %u KiB used, %u KiB free; %u inodes, %u free\n", path,
	       st.blocks * kib, (st.blocks - st.free_blocks) * kib, st.free_blocks * kib,
	       st.inodes, st.free_inodes);
	return 0;
}
