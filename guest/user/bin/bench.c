/*G:730 guest/user/bin/bench.c: pup's benchmark, the same program in both
 * worlds.
 *
 * `make bench` (T:830) boots pup with init=/bin/bench on its command line,
 * natively and under kennel, in QEMU with -icount shift=0,sleep=off, where
 * rdtsc counts exactly one per instruction executed in every ring: pup's
 * and its programs', and under kennel the host's, the Switcher's and the
 * Launcher's too. So the same loop, timed in both worlds, shows exactly
 * how many instructions kennel adds to each operation.
 *
 * Each operation is a loop of n iterations. A round is one call of that
 * loop between two rdtscs; the result is the fastest of ROUNDS rounds,
 * which leaves out rounds that a timer tick happened to land in, and the
 * same is measured for an empty loop of the same length, which the
 * reader subtracts. Every figure is deterministic: the machine executes
 * the same instructions on every run. One line per operation:
 *
 *   bench: NAME OPS TOTAL EMPTY
 *
 * OPS is how many operations the round did (for a context switch: two a
 * yield, one by each process), TOTAL and EMPTY the fastest rounds of the
 * loop and of the empty loop, in instructions. Inside each loop the
 * marker instructions of arch/x86/bench_mark.h bracket the round for
 * `make profile`, which finds an operation's number by its name: NAME
 * is the enum's OP_NAME in lower case. "bench -exit" exits at once: fork+exec runs that.
 * When all is measured, bench exits 0 and pup powers off. Next: T:820. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pup.h>
#include "arch/x86/bench_mark.h"
#include "user/libc/trap.h"

#define ROUNDS		7
#define SCRATCH		"/bench.tmp"
#define IO_BYTES	1024
#define FAULT_PAGES	16
#define FAULT_BASE	(PUP_USER_STACK_TOP - 0x40000u)	/* below the stack in use */
#define PAGE		4096u
#define WORKING_SET	16384u

enum op_id {
	OP_EMPTY, OP_NULL_SYSCALL, OP_INVALID_SYSCALL, OP_NULL_READ, OP_NULL_WRITE,
	OP_CONSOLE_WRITE, OP_STAT, OP_OPEN_CLOSE, OP_FILE_READ_1K, OP_FILE_WRITE_1K,
	OP_CREATE_UNLINK_1K, OP_SBRK_PAGE, OP_PAGE_FAULT, OP_YIELD, OP_CTX_2P,
	OP_CTX_8P_16K, OP_CTX_16P_16K, OP_PIPE_CTX_2P, OP_FORK_EXIT, OP_FORK_EXEC,
};

static int null_fd, file_fd, scratch_fd;
static int to_partner[2], from_partner[2];	/* pipe_ctx_2p's two pipes */
static char buf[IO_BYTES];
static uint32_t fault_round;
static char *program;

static inline uint64_t read_tsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The working set of the 8- and 16-process switches: a word of every
 * cache line of WORKING_SET bytes, written by each process between yields. */
static char working_set[WORKING_SET];

static void touch_working_set(void)
{
	for (uint32_t at = 0; at < WORKING_SET; at += 64)
		((volatile char *)working_set)[at]++;
}

/* A loop of n iterations of body, between the markers of op. */
#define BENCH_LOOP(fn, op, ...)					\
	static void fn(uint32_t n)					\
	{								\
		bench_mark_begin(op);					\
		for (uint32_t i = 0; i < n; i++) {			\
			__VA_ARGS__;						\
			asm volatile("" : : : "memory");		\
		}							\
		bench_mark_end(op);					\
	}

BENCH_LOOP(loop_empty, OP_EMPTY, (void)i)
BENCH_LOOP(loop_null_syscall, OP_NULL_SYSCALL, getpid())
BENCH_LOOP(loop_invalid_syscall, OP_INVALID_SYSCALL, trap(999, 0, 0, 0, 0, 0))
BENCH_LOOP(loop_null_read, OP_NULL_READ, read(null_fd, buf, 1))
BENCH_LOOP(loop_null_write, OP_NULL_WRITE, write(null_fd, buf, 1))
BENCH_LOOP(loop_console_write, OP_CONSOLE_WRITE, write(1, " ", 1))
BENCH_LOOP(loop_stat, OP_STAT, { struct pup_stat st; stat("/etc/motd", &st); })
BENCH_LOOP(loop_open_close, OP_OPEN_CLOSE, close(open("/etc/motd", O_RDONLY)))
BENCH_LOOP(loop_file_read, OP_FILE_READ_1K,
	   { lseek(file_fd, 0, SEEK_SET); read(file_fd, buf, IO_BYTES); })
BENCH_LOOP(loop_file_write, OP_FILE_WRITE_1K,
	   { lseek(scratch_fd, 0, SEEK_SET); write(scratch_fd, buf, IO_BYTES); })
BENCH_LOOP(loop_create_unlink, OP_CREATE_UNLINK_1K, {
	int fd = open(SCRATCH ".2", O_WRONLY | O_CREAT | O_TRUNC);
	write(fd, buf, IO_BYTES);
	close(fd);
	fd = open(SCRATCH ".2", O_RDONLY);
	read(fd, buf, IO_BYTES);
	close(fd);
	unlink(SCRATCH ".2");
})
BENCH_LOOP(loop_sbrk_page, OP_SBRK_PAGE, { sbrk(PAGE); sbrk(-(intptr_t)PAGE); })
BENCH_LOOP(loop_page_fault, OP_PAGE_FAULT,
	   *(volatile char *)(FAULT_BASE - ((fault_round * FAULT_PAGES + i + 1) * PAGE)) = 1)
BENCH_LOOP(loop_yield, OP_YIELD, sleep_ms(0))
BENCH_LOOP(loop_ctx_2p, OP_CTX_2P, sleep_ms(0))
BENCH_LOOP(loop_ctx_8p, OP_CTX_8P_16K, { touch_working_set(); sleep_ms(0); })
BENCH_LOOP(loop_ctx_16p, OP_CTX_16P_16K, { touch_working_set(); sleep_ms(0); })
/*G:735 pipe_ctx_2p is lmbench's lat_ctx: a byte passed back and forth
 * between two processes over two pipes, each read blocking until the
 * other's write wakes it, so every iteration is two context switches
 * made by pup's own blocking (G:830), not by yielding.:*/
BENCH_LOOP(loop_pipe_ctx, OP_PIPE_CTX_2P, {
	char token = 't';
	write(to_partner[1], &token, 1);
	read(from_partner[0], &token, 1);
})
/*:*/
BENCH_LOOP(loop_fork_exit, OP_FORK_EXIT, {
	int pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL);
})
BENCH_LOOP(loop_fork_exec, OP_FORK_EXEC, {
	int pid = fork();
	if (pid == 0) {
		char *argv[] = { program, "-exit", NULL };
		exec(program, argv);
		_exit(1);
	}
	waitpid(pid, NULL);
})

struct op {
	const char *name;
	void (*loop)(uint32_t n);
	uint32_t n;			/* iterations of the loop */
	uint32_t per;			/* operations an iteration does */
	uint32_t procs;			/* processes taking turns (context switches) */
	void (*before)(void);		/* before each round, not timed */
	int (*start)(void);		/* before the rounds: a partner, say */
	void (*stop)(void);
};

static int pipe_partner = -1;

/* The partner answers every byte with one, until its pipe closes. */
static int start_pipe_partner(void)
{
	char token;

	if (pipe(to_partner) < 0 || pipe(from_partner) < 0)
		return -1;
	if ((pipe_partner = fork()) == 0) {
		close(to_partner[1]);
		close(from_partner[0]);
		while (read(to_partner[0], &token, 1) == 1)
			write(from_partner[1], &token, 1);
		_exit(0);
	}
	close(to_partner[0]);
	close(from_partner[1]);
	return pipe_partner < 0 ? -1 : 0;
}

static void stop_pipe_partner(void)
{
	close(to_partner[1]);		/* its read ends: end of file */
	close(from_partner[0]);
	if (pipe_partner > 0)
		waitpid(pipe_partner, NULL);
}

static void next_fault_round(void)
{
	fault_round++;
}

static const struct op ops[] = {
	{ "null_syscall", loop_null_syscall, 1000, 1, 0, NULL, NULL, NULL },
	{ "invalid_syscall", loop_invalid_syscall, 1000, 1, 0, NULL, NULL, NULL },
	{ "null_read", loop_null_read, 1000, 1, 0, NULL, NULL, NULL },
	{ "null_write", loop_null_write, 1000, 1, 0, NULL, NULL, NULL },
	{ "console_write", loop_console_write, 100, 1, 0, NULL, NULL, NULL },
	{ "stat", loop_stat, 200, 1, 0, NULL, NULL, NULL },
	{ "open_close", loop_open_close, 200, 1, 0, NULL, NULL, NULL },
	{ "file_read_1k", loop_file_read, 200, 1, 0, NULL, NULL, NULL },
	{ "file_write_1k", loop_file_write, 200, 1, 0, NULL, NULL, NULL },
	{ "create_unlink_1k", loop_create_unlink, 50, 1, 0, NULL, NULL, NULL },
	{ "sbrk_page", loop_sbrk_page, 200, 1, 0, NULL, NULL, NULL },
	{ "page_fault", loop_page_fault, FAULT_PAGES, 1, 0, next_fault_round, NULL, NULL },
	{ "yield", loop_yield, 1000, 1, 0, NULL, NULL, NULL },
	{ "ctx_2p", loop_ctx_2p, 500, 2, 2, NULL, NULL, NULL },
	{ "ctx_8p_16k", loop_ctx_8p, 10, 8, 8, NULL, NULL, NULL },
	{ "ctx_16p_16k", loop_ctx_16p, 5, 16, 16, NULL, NULL, NULL },
	{ "pipe_ctx_2p", loop_pipe_ctx, 200, 2, 0, NULL, start_pipe_partner, stop_pipe_partner },
	{ "fork_exit", loop_fork_exit, 2, 1, 0, NULL, NULL, NULL },
	{ "fork_exec", loop_fork_exec, 2, 1, 0, NULL, NULL, NULL },
};

static uint64_t fastest(void (*loop)(uint32_t), uint32_t n, void (*before)(void))
{
	uint64_t best = ~0ull;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t start, took;

		if (before)
			before();
		start = read_tsc();
		loop(n);
		took = read_tsc() - start;
		if (took < best)
			best = took;
	}
	return best;
}

/* The other processes of a context-switch benchmark: each touches the
 * working set (when there is one) and yields, until it is killed. */
static void __attribute__((noreturn)) take_turns(bool touch)
{
	for (;;) {
		if (touch)
			touch_working_set();
		sleep_ms(0);
	}
}

static int start_partners(int pids[], uint32_t procs)
{
	for (uint32_t p = 0; p + 1 < procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			take_turns(procs > 2);
		if (pids[p] < 0)
			return -1;
	}
	return 0;
}

static void stop_partners(int pids[], uint32_t procs)
{
	for (uint32_t p = 0; p + 1 < procs; p++) {
		if (pids[p] > 0) {
			kill(pids[p], PUP_SIGKILL);
			waitpid(pids[p], NULL);
		}
	}
}

static int run(const struct op *op)
{
	int pids[16];
	uint64_t total, empty;

	if ((op->procs && start_partners(pids, op->procs)) || (op->start && op->start())) {
		printf("bench: %s: fork failed\n", op->name);
		return -1;
	}
	total = fastest(op->loop, op->n, op->before);
	if (op->procs)
		stop_partners(pids, op->procs);
	if (op->stop)
		op->stop();
	empty = fastest(loop_empty, op->n, NULL);
	if (op->loop == loop_console_write)
		printf("\n");
	printf("bench: %s %u %llu %llu\n", op->name, op->n * op->per, total, empty);
	return 0;
}

static int open_files(void)
{
	null_fd = open("/dev/null", O_RDWR);
	file_fd = open("/README", O_RDONLY);
	scratch_fd = open(SCRATCH, O_RDWR | O_CREAT | O_TRUNC);
	if (null_fd < 0 || file_fd < 0 || scratch_fd < 0)
		return -1;
	memset(buf, 'b', sizeof(buf));
	return write(scratch_fd, buf, IO_BYTES) == IO_BYTES ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct pup_sysinfo info;
	int failed = 0;

	if (argc > 1 && !strcmp(argv[1], "-exit"))
		return 0;
	program = argv[0];
	if (sysinfo(&info) || open_files()) {
		printf("bench: cannot set up\n");
		return 1;
	}
	printf("bench: begin %s rounds %d\n", info.backend, ROUNDS);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		failed |= run(&ops[i]);
	close(scratch_fd);
	unlink(SCRATCH);
	printf("bench: end\n");
	return failed ? 1 : 0;
}
