/*G:580 guest/kernel/test/ktest.c: pup's kernel, checked from ring 3.
 *
 * Until the userland exists, this is the program pup runs first
 * (init=/bin/ktest) to exercise every system call: files (create, write,
 * append, seek, truncate, stat, readdir, unlink, mkdir, chdir, getcwd),
 * processes (fork, exec with arguments, wait and exit statuses, kill,
 * a faulting child killed while the rest run on, preemption of two
 * spinning children), signals, groups, pipes, dup2, rmdir and exec's
 * argument limit (G:890), memory (sbrk up and down, stack growth), time,
 * and bad pointers (-EFAULT); and that all of it leaves no page of
 * memory behind. It prints one line per failed check and
 * ends with "ktest: N checks, M failed"; its exit status is M. Next:
 * G:590. */
#include "guest/kernel/test/ulib.h"

int main(int argc, char **argv);

static int checks, failures;

static void check(int ok, const char *what, int32_t got)
{
	checks++;
	if (ok)
		return;
	failures++;
	uprintf("ktest: FAILED: %s (got %d)\n", what, got);
}

static int run(const char *path, char *const argv[], int *status)
{
	int pid = fork();

	if (pid == 0) {
		exec(path, argv);
		exit(99);
	}
	return wait(pid, status);
}

static void test_files(void)
{
	char buf[64];
	struct pup_stat st;
	struct pup_dirent de;
	int fd, r;

	check(mkdir("/kt") == 0, "mkdir /kt", 0);
	check(mkdir("/kt") == -EEXIST, "mkdir twice", 0);
	check(chdir("/kt") == 0, "chdir /kt", 0);
	check(getcwd(buf, sizeof(buf)) == 3 && !strcmp(buf, "/kt"), "getcwd", 0);
	fd = open("a.txt", O_WRONLY | PUP_O_CREAT);
	check(fd >= 3, "open O_CREAT", fd);
	check(write(fd, "hello, ", 7) == 7, "write", 0);
	close(fd);
	fd = open("/kt/../kt/a.txt", O_WRONLY | PUP_O_APPEND);
	check(write(fd, "pupfs\n", 6) == 6, "append", 0);
	close(fd);
	check(stat("/kt/a.txt", &st) == 0 && st.size == 13 && st.type == PUP_TYPE_FILE,
	      "stat size 13", (int32_t)st.size);
	fd = open("a.txt", O_RDONLY);
	r = read(fd, buf, sizeof(buf));
	check(r == 13 && !memcmp(buf, "hello, pupfs\n", 13), "read back", r);
	check(seek(fd, 7, SEEK_SET) == 7 && read(fd, buf, 5) == 5 && !memcmp(buf, "pupfs", 5),
	      "seek and read", 0);
	check(write(fd, "x", 1) == -EBADF, "write to O_RDONLY", 0);
	close(fd);
	check(readdir("/kt", 0, &de) == 0 && !strcmp(de.name, "a.txt") && de.size == 13,
	      "readdir", 0);
	check(readdir("/kt", 1, &de) == -ENOENT, "readdir end", 0);
	fd = open("a.txt", O_RDWR | PUP_O_TRUNC);
	check(stat("a.txt", &st) == 0 && st.size == 0, "O_TRUNC", (int32_t)st.size);
	check(seek(fd, 5000, SEEK_SET) == 5000 && write(fd, "z", 1) == 1, "write past end", 0);
	check(seek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 4) == 4 && buf[0] == 0, "hole", 0);
	check(unlink("a.txt") == -EBUSY, "unlink open file", 0);
	close(fd);
	check(unlink("a.txt") == 0 && stat("a.txt", &st) == -ENOENT, "unlink", 0);
	check(unlink("/kt") == -EISDIR, "unlink dir", 0);
	check(open("/nope/x", O_RDONLY) == -ENOENT, "open missing", 0);
	check(open("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", O_RDONLY | PUP_O_CREAT) == -ENAMETOOLONG,
	      "long name", 0);
	check(chdir("/") == 0, "chdir /", 0);
}

static void test_big_file(void)
{
	static char block[1024];
	struct pup_stat st;
	int fd = open("/big", O_RDWR | PUP_O_CREAT | PUP_O_TRUNC), ok = 1;

	for (int i = 0; i < 40; i++) {
		memset(block, 'a' + i % 26, sizeof(block));
		ok &= write(fd, block, sizeof(block)) == sizeof(block);
	}
	check(ok && stat("/big", &st) == 0 && st.size == 40 * 1024, "40 KiB file", (int32_t)st.size);
	seek(fd, 30 * 1024 + 5, SEEK_SET);
	check(read(fd, block, 10) == 10 && block[0] == 'a' + 30 % 26, "read via indirect", block[0]);
	close(fd);
	check(unlink("/big") == 0, "unlink big", 0);
}

static void test_processes(void)
{
	char *args[] = { "hello", "one", "two", NULL };
	char *page[] = { "crash", "page", NULL };
	char *gp[] = { "crash", "gp", NULL };
	int status = -1, pid;

	check(run("/bin/hello", args, &status) > 0 && status == 3, "exec hello, status 3", status);
	check(run("/bin/crash", page, &status) > 0 && status == PUP_EXIT_FAULTED,
	      "page fault kills", status);
	check(run("/bin/crash", gp, &status) > 0 && status == PUP_EXIT_FAULTED, "gp kills", status);
	check(run("/bin/none", args, &status) > 0 && status == 99, "exec missing fails", status);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100000);
		exit(0);
	}
	sleep_ms(20);
	check(kill(pid) == 0 && wait(pid, &status) == pid && status == PUP_EXIT_KILLED,
	      "kill a sleeper", status);
	check(wait(-1, &status) == -ECHILD, "no children left", 0);
	check(kill(1) == -EPERM, "kill init", 0);
}

/*G:890 Signals, groups, pipes, dup2, rmdir and exec's limit, each
 * by the result or status it must give. */
static int exec_status(int words)
{
	char *argv[PUP_ARGV_MAX + 2];
	int pid, status = -1;

	for (int i = 0; i < words; i++)
		argv[i] = "w";
	argv[words] = NULL;
	if ((pid = fork()) == 0)
		exit(-exec("/bin/hello", argv));
	wait(pid, &status);
	return status;
}

static int child_status(int pid)
{
	int status = -1;

	wait(pid, &status);
	return status;
}

static void test_signals(void)
{
	int pid;

	check(signal(PUP_SIGKILL, PUP_SIG_IGN) == -EINVAL, "SIGKILL cannot be ignored", 0);
	check(kill_sig(getpid(), PUP_NSIG) == -EINVAL, "signal 32 refused", 0);
	check(kill_sig(getpid(), 0) == 0, "signal 0 checks", 0);
	if ((pid = fork()) == 0) {
		signal(PUP_SIGTERM, PUP_SIG_IGN);
		sleep_ms(100000);
		exit(0);
	}
	sleep_ms(20);
	check(kill_sig(pid, PUP_SIGTERM) == 0 && kill_sig(pid, 0) == 0, "SIGTERM ignored", 0);
	check(kill_sig(pid, PUP_SIGKILL) == 0 && child_status(pid) == PUP_EXIT_SIGNAL(PUP_SIGKILL),
	      "SIGKILL kills anyway", 0);
	if ((pid = fork()) == 0) {
		setpgid(0, 0);
		sleep_ms(100000);
		exit(0);
	}
	sleep_ms(20);
	check(kill_sig(-pid, PUP_SIGINT) == 0 && child_status(pid) == PUP_EXIT_SIGNAL(PUP_SIGINT),
	      "SIGINT to a group", 0);
	check(kill_sig(-pid, PUP_SIGINT) == -ESRCH, "an empty group", 0);
	check(exec_status(PUP_ARGV_MAX) == PUP_ARGV_MAX, "exec takes PUP_ARGV_MAX words", 0);
	check(exec_status(PUP_ARGV_MAX + 1) == E2BIG, "and no more", 0);
}

static void test_pipes(void)
{
	int fds[2], pid;
	char buf[8];

	check(pipe(fds) == 0 && write(fds[1], "pipe", 4) == 4, "pipe and write", 0);
	check(read(fds[0], buf, sizeof(buf)) == 4 && !memcmp(buf, "pipe", 4), "read it back", 0);
	check(dup2(fds[1], 9) == 9 && write(9, "d", 1) == 1 && read(fds[0], buf, 1) == 1 &&
	      buf[0] == 'd', "dup2 shares the end", 0);
	check(read(fds[1], buf, 1) == -EBADF && write(fds[0], "x", 1) == -EBADF, "one way only", 0);
	close(fds[1]);
	close(9);
	check(read(fds[0], buf, 1) == 0, "end of file once the writers close", 0);
	close(fds[0]);
	check(pipe(fds) == 0 && close(fds[0]) == 0, "a pipe without a reader", 0);
	if ((pid = fork()) == 0)
		exit(write(fds[1], "x", 1) == -EPIPE ? 0 : 1);
	check(child_status(pid) == PUP_EXIT_SIGNAL(PUP_SIGPIPE), "SIGPIPE", 0);
	if ((pid = fork()) == 0) {
		signal(PUP_SIGPIPE, PUP_SIG_IGN);
		exit(write(fds[1], "x", 1) == -EPIPE ? 7 : 1);
	}
	check(child_status(pid) == 7, "EPIPE when SIGPIPE is ignored", 0);
	close(fds[1]);
	check(mkdir("/kd") == 0 && mkdir("/kd/in") == 0 && rmdir("/kd") == -ENOTEMPTY,
	      "rmdir refuses a full directory", 0);
	check(rmdir("/kd/in") == 0 && rmdir("/kd") == 0 && rmdir("/kd") == -ENOENT, "rmdir", 0);
}

static void spin_child(int id)
{
	uint64_t start, now;

	uptime(&start);
	do
		uptime(&now);
	while (now - start < 300);
	exit(id);
}

static void test_preemption(void)
{
	int a = fork(), b, sa, sb;
	struct pup_procinfo info;
	int both = 0;

	if (a == 0)
		spin_child(1);
	b = fork();
	if (b == 0)
		spin_child(2);
	sleep_ms(100);
	for (int i = 0; ps(i, &info) == 0; i++)
		both += (info.pid == a || info.pid == b) && info.ticks > 0;
	check(both == 2, "both spinners ran", both);
	check(wait(a, &sa) == a && sa == 1 && wait(b, &sb) == b && sb == 2, "spinners' status", 0);
}

static void test_memory(void)
{
	char *old = (char *)sbrk(0), *p;
	volatile char big[20000];

	check(sbrk(8192) == (int32_t)(uintptr_t)old, "sbrk grows", 0);
	p = old;
	p[0] = 1, p[8191] = 2;
	check(p[0] + p[8191] == 3, "heap usable", 0);
	check(sbrk(-8192) == (int32_t)(uintptr_t)old + 8192, "sbrk shrinks", 0);
	check(sbrk(0x7fffffff) == -ENOMEM, "sbrk too much", 0);
	big[0] = 1, big[19999] = 2;
	check(big[0] + big[19999] == 3, "stack grows", 0);
	check(write(1, (void *)(PUP_KERNEL_BASE + 0x100000), 4) == -EFAULT, "kernel pointer", 0);
	check(write(1, (void *)0x10, 4) == -EFAULT, "unmapped pointer", 0);
	check(read(0, (void *)0x400000, 4) == -EFAULT, "read into code", 0);
	check(stat((const char *)0xBFFFFFFF, (void *)0) == -EFAULT, "bad path", 0);
}

static void test_info(void)
{
	struct pup_sysinfo si;
	struct pup_meminfo mi;
	uint64_t t0, t1;

	check(sysinfo(&si) == 0 && si.hz == 100, "sysinfo", 0);
	uprintf("ktest: backend %s, ring %u, uptime %u ms\n", si.backend, si.ring,
		(uint32_t)si.uptime_ms);
	check(meminfo(&mi) == 0 && mi.free_pages < mi.total_pages, "meminfo", 0);
	uptime(&t0);
	sleep_ms(50);
	uptime(&t1);
	check(t1 - t0 >= 50 && t1 - t0 < 500, "sleep 50 ms", (int32_t)(t1 - t0));
}

/* Free pages plus our own: unchanged if no child left anything behind. */
static uint32_t pages_not_leaked(void)
{
	struct pup_meminfo mi;
	struct pup_procinfo info;
	uint32_t mine = 0;

	meminfo(&mi);
	for (int i = 0; ps(i, &info) == 0; i++)
		if (info.pid == getpid())
			mine = info.pages;
	return mi.free_pages + mine;
}

int main(int argc, char **argv)
{
	uint32_t before;

	(void)argc, (void)argv;
	uprintf("ktest: pid %d\n", getpid());
	test_info();
	before = pages_not_leaked();
	test_files();
	test_big_file();
	test_processes();
	test_signals();
	test_pipes();
	test_preemption();
	test_memory();
	check(pages_not_leaked() == before, "no pages leaked", (int32_t)(pages_not_leaked() - before));
	uprintf("ktest: %d checks, %d failed\n", checks, failures);
	return failures;
}
