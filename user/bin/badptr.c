/*U:630 user/bin/badptr.c: attacks the host with bad pointers. Every system
 * call that takes a pointer is given NULL, kernel addresses, unmapped user
 * addresses, ranges that wrap past 0xFFFFFFFF or run from mapped into
 * unmapped memory, read-only memory to write into, strings that never end
 * and argument arrays that point nowhere. Each must fail with -1 and the
 * documented errno (EFAULT for a bad pointer, ENAMETOOLONG for a path that
 * is too long, E2BIG for too many or too long arguments, ENOSYS for a call
 * that does not exist, EINVAL for an munmap outside the mmap region or a
 * zero-length mmap, ENOMEM for an mmap too big to satisfy), and the host
 * must neither crash nor kill this program. SYS_WAIT with a bad status
 * pointer must fail without reaping the child. After the storm, ordinary
 * calls must still work. Each failed check prints one line
 * "badptr: FAILED ...", then a count "badptr: N checks, M failed"; the
 * last line is exactly
 *
 *   Test result: SUCCESS      (exit status 0)
 *   Test result: FAILURE      (exit status 1)
 *
 * Run with any argument, badptr just exits with status 7: that is the
 * child it spawns to test SYS_SPAWN and SYS_WAIT. Next: worker.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>

#define PAGE		4096
#define CHILD_STATUS	7

static const uintptr_t bad_addresses[] = {
	0,			/* NULL */
	0x00001000,		/* below the program: never mapped */
	0x30000000,		/* between the program and the mmap region */
	0xBFFFFFF0,		/* just above the stack */
	0xC0000000,		/* the host kernel */
	0xC0100000,		/* the host kernel's code */
	0xFFFFF000,		/* the very top */
};
#define NBAD (sizeof(bad_addresses) / sizeof(bad_addresses[0]))

static const char read_only[64] = "this lives in .rodata";
static const char *self = "/bin/badptr";
static int checks, failures;

/* Expect r == -1 with errno err; "what" describes the call for the report. */
static void expect(int err, long r, const char *what, ...)
{
	char text[160];
	va_list ap;

	checks++;
	if (r == -1 && errno == err)
		return;
	va_start(ap, what);
	vsnprintf(text, sizeof(text), what, ap);
	va_end(ap);
	if (r == -1)
		printf("badptr: FAILED %s: errno %d (%s), expected %d (%s)\n", text,
		       errno, strerror(errno), err, strerror(err));
	else
		printf("badptr: FAILED %s: returned %ld, expected -1 with errno %d (%s)\n",
		       text, r, err, strerror(err));
	failures++;
}

static void expect_ok(long r, const char *what)
{
	checks++;
	if (r >= 0)
		return;
	printf("badptr: FAILED %s: %s\n", what, strerror(errno));
	failures++;
}

/* spawn must fail; should it wrongly succeed, stop and reap the child. */
static void expect_spawn(int err, const char *path, char *const argv[], const char *what, uintptr_t a)
{
	int pid = spawn(path, argv);

	if (pid > 0) {
		kill(pid);
		waitpid(pid, NULL);
	}
	expect(err, pid, what, a);
}

/* Every pointer argument of every call, given one bad address. */
static void attack_with(uintptr_t a, int fd)
{
	void *p = (void *)a;
	char *argv_bad_string[] = { "badptr", p, NULL };
	char *argv_ok[] = { "badptr", "child", NULL };
	struct k_stat st;
	struct k_dirent ent;

	expect(EFAULT, write(STDOUT_FILENO, p, 16), "write(1, 0x%x, 16)", a);
	expect(EFAULT, read(fd, p, 16), "read(file, 0x%x, 16)", a);
	expect(EFAULT, open(p, O_RDONLY), "open(0x%x)", a);
	expect(EFAULT, stat(p, &st), "stat(0x%x, &st)", a);
	expect(EFAULT, stat(self, p), "stat(self, 0x%x)", a);
	expect(EFAULT, fstat(fd, p), "fstat(file, 0x%x)", a);
	expect(EFAULT, readdir(p, 0, &ent), "readdir(0x%x, 0, &ent)", a);
	expect(EFAULT, readdir("/", 0, p), "readdir(\"/\", 0, 0x%x)", a);
	expect(EFAULT, clock_get(p), "clock(0x%x)", a);
	expect(EFAULT, ps(0, p), "ps(0, 0x%x)", a);
	expect(EFAULT, meminfo(p), "meminfo(0x%x)", a);
	expect_spawn(EFAULT, p, argv_ok, "spawn(0x%x, argv)", a);
	if (!a)
		return;	/* a NULL argv, or a NULL in one, ends the list: valid */
	expect_spawn(EFAULT, self, argv_bad_string, "spawn(self, {\"badptr\", 0x%x})", a);
	expect_spawn(EFAULT, self, p, "spawn(self, 0x%x)", a);
}

/* Lengths that make a good start address wrap around 0xFFFFFFFF, and
 * ranges that start in user space and end in the kernel. */
static void attack_ranges(int fd)
{
	char buf[64];
	uint32_t wrap = (uint32_t)(0 - (uintptr_t)buf) + 16;

	expect(EFAULT, write(STDOUT_FILENO, buf, wrap), "write(1, stack, wrapping length 0x%x)", wrap);
	expect(EFAULT, read(fd, buf, wrap), "read(file, stack, wrapping length 0x%x)", wrap);
	expect(EFAULT, write(STDOUT_FILENO, buf, 0xFFFFFFFFu), "write(1, stack, 0x%x)", 0xFFFFFFFFu);
	expect(EFAULT, write(STDOUT_FILENO, (void *)0xBFFFFFF0, 0x20), "write(1, 0x%x, 0x20)", 0xBFFFFFF0);
	expect(EFAULT, write(STDOUT_FILENO, (void *)0xFFFFFFF0, 0x20), "write(1, 0x%x, 0x20)", 0xFFFFFFF0);
	expect(EFAULT, read(fd, (void *)read_only, 16), "read(file, read-only %p, 16)", read_only);
	expect(EFAULT, stat(self, (void *)read_only), "stat(self, read-only %p)", read_only);
	expect(EFAULT, clock_get((void *)read_only), "clock(read-only %p)", read_only);
	expect(EFAULT, ps(0, (void *)read_only), "ps(0, read-only %p)", read_only);
	expect(EFAULT, meminfo((void *)read_only), "meminfo(read-only %p)", read_only);
}

/* edge is the first unmapped byte after a mapped page. */
static void attack_edge(char *edge, int fd)
{
	char *page = edge - PAGE;
	char **argv = (char **)(edge - 2 * sizeof(char *));
	char *argv_unended[] = { "badptr", edge - 100, NULL };
	uintptr_t e = (uintptr_t)edge;

	memset(page, 'a', PAGE);
	expect(EFAULT, write(STDOUT_FILENO, edge - 8, 16), "write(1, edge-8, 16) at 0x%x", e);
	expect(EFAULT, read(fd, edge - 8, 16), "read(file, edge-8, 16) at 0x%x", e);
	expect(EFAULT, stat(self, (void *)(edge - 4)), "stat(self, edge-4) at 0x%x", e);
	expect(EFAULT, fstat(fd, (void *)(edge - 4)), "fstat(file, edge-4) at 0x%x", e);
	expect(EFAULT, clock_get((void *)(edge - 4)), "clock(edge-4) at 0x%x", e);
	expect(EFAULT, ps(0, (void *)(edge - 8)), "ps(0, edge-8) at 0x%x", e);
	expect(EFAULT, meminfo((void *)(edge - 4)), "meminfo(edge-4) at 0x%x", e);
	expect(EFAULT, readdir("/", 0, (void *)(edge - 8)), "readdir(\"/\", 0, edge-8) at 0x%x", e);

	/* Strings that run off the end of the page, 100 bytes in. */
	expect(EFAULT, open(edge - 100, O_RDONLY), "open(unterminated at edge) at 0x%x", e);
	expect(EFAULT, stat(edge - 100, (void *)page), "stat(unterminated at edge) at 0x%x", e);
	expect(EFAULT, readdir(edge - 100, 0, (void *)page), "readdir(unterminated at edge) at 0x%x", e);
	expect_spawn(EFAULT, edge - 100, NULL, "spawn(unterminated at edge) at 0x%x", e);
	expect_spawn(EFAULT, self, argv_unended, "spawn(self, {.., unterminated at edge}) at 0x%x", e);

	/* An argument array without its NULL, running into the hole. */
	argv[0] = "badptr";
	argv[1] = "child";
	expect_spawn(EFAULT, self, argv, "spawn(self, argv without NULL at edge) at 0x%x", e);

	/* A path far longer than K_PATH_MAX, but mapped and terminated. */
	page[K_PATH_MAX + 100] = '\0';
	expect(ENAMETOOLONG, open(page, O_RDONLY), "open(%d-byte path)", K_PATH_MAX + 100);
	expect(ENAMETOOLONG, stat(page, (void *)(page + 1024)), "stat(%d-byte path)", K_PATH_MAX + 100);
}

static void attack_argument_limits(void)
{
	static char *many[K_ARGV_MAX + 2];
	static char big[K_ARG_BYTES + 16];
	char *argv_big[] = { "badptr", big, NULL };

	for (int i = 0; i < K_ARGV_MAX + 1; i++)
		many[i] = "x";
	many[K_ARGV_MAX + 1] = NULL;
	expect_spawn(E2BIG, self, many, "spawn(self, %u arguments)", K_ARGV_MAX + 1);
	memset(big, 'b', sizeof(big) - 1);
	expect_spawn(E2BIG, self, argv_big, "spawn(self, a %u-byte argument)", sizeof(big) - 1);
}

static void attack_wait(void)
{
	char *argv[] = { "badptr", "child", NULL };
	int pid = spawn(self, argv), status = -1;

	expect_ok(pid, "spawn(self, child)");
	if (pid < 0)
		return;
	for (size_t i = 0; i < NBAD; i++)
		if (bad_addresses[i])	/* NULL means "no status wanted" */
			expect(EFAULT, waitpid(pid, (int *)bad_addresses[i]),
			       "waitpid(child, 0x%x)", bad_addresses[i]);
	expect(EFAULT, waitpid(pid, (int *)read_only), "waitpid(child, read-only %p)", read_only);
	expect_ok(waitpid(pid, &status), "waitpid(child, &status) after the bad ones");
	checks++;
	if (status != CHILD_STATUS) {
		printf("badptr: FAILED the child's status is %d, expected %d\n", status, CHILD_STATUS);
		failures++;
	}
}

static void attack_numbers(void)
{
	static const uint32_t numbers[] = { 0, NR_SYSCALLS, 0x100, 0x80000000u, 0xFFFFFFFFu };

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		expect(ENOSYS, kennel_syscall(numbers[i], 0, 0, 0, 0, 0), "system call 0x%x", numbers[i]);
}

/* Ordinary calls, after all that, must work as before. */
static void check_still_working(int fd)
{
	struct k_stat st = { 0, 0 };
	char magic[4] = { 0 };
	uint64_t before = clock_ms();
	void *m;

	expect_ok(stat(self, &st), "stat(self)");
	expect_ok(lseek(fd, 0, SEEK_SET), "lseek(file, 0)");
	expect_ok(read(fd, magic, 4), "read(file, 4)");
	checks++;
	if (st.type != K_TYPE_FILE || st.size < 4 || memcmp(magic, "\177ELF", 4)) {
		printf("badptr: FAILED self is not a readable ELF file\n");
		failures++;
	}
	expect_ok(getpid(), "getpid");
	m = mmap(PAGE);
	expect_ok(m == MAP_FAILED ? -1 : 0, "mmap(4096)");
	if (m != MAP_FAILED)
		expect_ok(munmap(m, PAGE), "munmap");
	expect_ok(sleep_ms(1), "sleep_ms(1)");
	checks++;
	if (clock_ms() < before + 1) {
		printf("badptr: FAILED the clock did not advance across a 1 ms sleep\n");
		failures++;
	}
}

/* Three pages with the middle one unmapped again: the first byte of the
 * hole is the edge. The hole is a single page between two mapped ones, so
 * no later mapping (malloc asks for 64 KiB at a time) can fill it. */
static char *map_edge(void)
{
	char *m = mmap(3 * PAGE);

	if (m == MAP_FAILED || munmap(m + PAGE, PAGE)) {
		printf("badptr: FAILED could not map a page followed by a hole: %s\n",
		       strerror(errno));
		failures++;
		return NULL;
	}
	return m + PAGE;
}

static void unmap_edge(char *edge)
{
	munmap(edge - PAGE, PAGE);
	munmap(edge + PAGE, PAGE);
}

/* mmap and munmap take no pointers to read, but an address to unmap and a
 * length to map: they must refuse the ones that are not the program's to
 * give back, or that cannot be had. */
static void attack_mappings(void)
{
	expect(EINVAL, mmap(0) == MAP_FAILED ? -1 : 0, "mmap(0)");
	expect(ENOMEM, mmap(0xFFFFFFFFu) == MAP_FAILED ? -1 : 0, "mmap(0xffffffff)");
	expect(EINVAL, munmap((void *)0xC0000000, PAGE), "munmap(0xc0000000, 4096)");
	expect(EINVAL, munmap((void *)USER_LOAD_MIN, PAGE), "munmap(the program's code)");
	expect(EINVAL, munmap((void *)(USER_STACK_TOP - PAGE), PAGE), "munmap(the stack)");
	expect(EINVAL, munmap((void *)(USER_MMAP_BASE + 1), PAGE), "munmap(unaligned)");
	expect(EINVAL, munmap((void *)USER_MMAP_BASE, 0), "munmap(length 0)");
	expect(EINVAL, munmap((void *)USER_MMAP_BASE, 0xFFFFF000u), "munmap(wrapping length)");
}

int main(int argc, char **argv)
{
	struct k_stat st;
	char *edge;
	int fd;

	if (argc != 1 || !argv[0])
		return CHILD_STATUS;
	free(malloc(1));	/* malloc's first arena, before any hole exists */
	if (stat(argv[0], &st) == 0)
		self = argv[0];
	fd = open(self, O_RDONLY);
	if (fd < 0) {
		printf("badptr: cannot open %s: %s\nTest result: FAILURE\n", self, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < NBAD; i++)
		attack_with(bad_addresses[i], fd);
	attack_ranges(fd);
	edge = map_edge();
	if (edge) {
		attack_edge(edge, fd);
		unmap_edge(edge);
	}
	attack_mappings();
	attack_argument_limits();
	attack_wait();
	attack_numbers();
	check_still_working(fd);
	close(fd);
	printf("badptr: %d checks, %d failed\n", checks, failures);
	printf("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
	return failures ? 1 : 0;
}
