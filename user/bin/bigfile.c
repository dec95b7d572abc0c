/*U:850 user/bin/bigfile.c: large files on /var, for the tests and for
 * measuring the disk.
 *
 *   bigfile write PATH MIB     writes MIB MiB of a pattern, fsyncs, closes
 *   bigfile check PATH MIB     reads it back and compares every byte
 *   bigfile both PATH MIB      write, then check
 *   bigfile fill PATH          writes until the disk is full
 *
 * The pattern depends on each byte's offset, so a block written in the
 * wrong place, or read from the wrong place, is found. Each step prints
 * its bytes and its time ("bigfile: wrote 67108864 bytes to /var/big in
 * 9120 ms") and how long it kept the machine busy ("bigfile: write busy
 * N TSC ticks, M per KiB": instructions, under QEMU's -icount); a short
 * write says why (the disk full: "No space left on
 * device"). The exit status is 0 only if every step did all it should
 * (fill: if it ended with a full disk). Next: U:700. */
#include <errno.h>
#include <kennel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arch/x86/cpu.h"

#define CHUNK	(64 * 1024)

static uint32_t buf[CHUNK / 4], back[CHUNK / 4];

static void pattern(uint32_t *words, uint32_t offset)
{
	for (uint32_t i = 0; i < CHUNK / 4; i++)
		words[i] = (offset / 4 + i) * 2654435761u ^ 0x6b656e6e;
}

static int fail(const char *what, const char *path)
{
	printf("bigfile: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

/* How long a step kept the machine busy: TSC ticks, less those the host
 * spent halted waiting (for the disk, mostly). Under QEMU's -icount a
 * TSC tick is one instruction, in every ring, so this is the step's
 * instruction count, the host's driver and file system included; without
 * -icount it is only a rough scale. */
struct busy {
	uint64_t tsc, idle;
};

static struct busy busy_now(void)
{
	struct k_meminfo m;

	meminfo(&m);
	return (struct busy){ rdtsc(), m.idle_tsc };
}

static void report_busy(const char *what, struct busy start, uint32_t bytes)
{
	struct busy now = busy_now();
	uint64_t ticks = (now.tsc - start.tsc) - (now.idle - start.idle);

	printf("bigfile: %s busy %llu TSC ticks, %llu per KiB\n", what,
	       (unsigned long long)ticks, (unsigned long long)(ticks / (bytes / 1024 ? bytes / 1024 : 1)));
}

static int write_file(const char *path, uint32_t bytes, int fill)
{
	uint64_t start = clock_ms();
	struct busy busy = busy_now();
	uint32_t done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);

	if (fd < 0)
		return fail("open", path);
	while (fill || done < bytes) {
		ssize_t n;

		pattern(buf, done);
		n = write(fd, buf, CHUNK);
		if (n > 0)
			done += (uint32_t)n;
		if (n == CHUNK)
			continue;
		if (n > 0)
			continue;		/* a short write: the next says why */
		printf("bigfile: write %s after %u bytes: %s\n", path, done, strerror(errno));
		fsync(fd);
		close(fd);
		return fill && errno == ENOSPC ? 0 : 1;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return fail("fsync", path);
	printf("bigfile: wrote %u bytes to %s in %u ms\n", done, path,
	       (uint32_t)(clock_ms() - start));
	report_busy("write", busy, done);
	return 0;
}

static int check_file(const char *path, uint32_t bytes)
{
	uint64_t start = clock_ms();
	struct busy busy = busy_now();
	struct k_stat st;
	uint32_t done = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		return fail("open", path);
	if (st.size != bytes) {
		printf("bigfile: %s is %u bytes, not %u\n", path, st.size, bytes);
		return 1;
	}
	for (; done < bytes; done += CHUNK) {
		ssize_t n = read(fd, back, CHUNK);

		pattern(buf, done);
		if (n != CHUNK || memcmp(buf, back, CHUNK)) {
			printf("bigfile: %s differs in the 64 KiB at %u\n", path, done);
			return 1;
		}
	}
	close(fd);
	printf("bigfile: checked %u bytes of %s in %u ms\n", done, path,
	       (uint32_t)(clock_ms() - start));
	report_busy("check", busy, done);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t bytes = argc > 3 ? (uint32_t)atoi(argv[3]) << 20 : 0;

	if (argc == 3 && strcmp(argv[1], "fill") == 0)
		return write_file(argv[2], 0, 1);
	if (argc != 4 || !bytes || bytes > 1024u << 20) {
		fprintf(stderr, "usage: bigfile write|check|both PATH MIB, bigfile fill PATH\n");
		return 2;
	}
	if (strcmp(argv[1], "write") == 0)
		return write_file(argv[2], bytes, 0);
	if (strcmp(argv[1], "check") == 0)
		return check_file(argv[2], bytes);
	if (strcmp(argv[1], "both") == 0)
		return write_file(argv[2], bytes, 0) || check_file(argv[2], bytes);
	fprintf(stderr, "bigfile: unknown step '%s'\n", argv[1]);
	return 2;
}
