/*U:845 user/bin/fsck.c: "fsck [-r]" checks /var, the host's file system
 * (lib/pupfs_check.c, G:448): the host prints one line per problem
 * ("fsck: /var: inode 9: block 700 is cross-linked ..."), and with -r
 * repairs each. fsck then says how it went and exits 0 if /var was clean,
 * 1 if not, 2 if it could not check. Next: U:850. */
#include <errno.h>
#include <kennel.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int repair = argc > 1 && strcmp(argv[1], "-r") == 0;
	int problems = fsck(repair);

	if (problems < 0) {
		fprintf(stderr, "fsck: /var: %s\n", strerror(errno));
		return 2;
	}
	if (!problems) {
		printf("fsck: /var: clean\n");
		return 0;
	}
	printf("fsck: /var: %d problems%s\n", problems, repair ? ", repaired" : "");
	return 1;
}
