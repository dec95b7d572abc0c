/*G:500 guest/kernel/init.c: pid 1.
 *
 * init is a kernel thread: it needs no program of its own, only a
 * process to be the parent of everything. It mounts the disk, which may
 * mean waiting for it, the reason it is a process and not part of the
 * boot code; then it starts the first program, /bin/sh unless the command
 * line says "init=/bin/other,arg,arg" (commas separate the words, as in
 * the host's run=); then it waits, collecting every process that dies
 * without a parent to collect it. When the first program exits, pup
 * powers off, saying with what status: kennel's Launcher then ends the
 * guest (KH_SHUTDOWN) and exits with that status, and natively QEMU's
 * exit status says it (P:128): 33 for 0, 71 for the shell's `exit 3`. A disk or a program
 * that cannot be found is a failure to boot: pup says why and crashes,
 * which a test sees as QEMU status 35 or the Launcher's "crashed".
 * Next: the build tool that makes the disk, G:550. */
#include "lib/format.h"
#include "lib/string.h"
#include "guest/kernel/exec.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/init.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"

#define INIT_OPTION	"init="

static char first_program[PUP_PATH_MAX] = "/bin/sh";

void system_poweroff(const char *why, int32_t status)
{
	kprintf("pup: powering off (%s)\n", why);
	pv.poweroff(why, status);
}

/* "init=/bin/x,a,b" anywhere on the command line; words end at spaces. */
static void take_word(const char *word, uint32_t len)
{
	uint32_t n = len - (uint32_t)strlen(INIT_OPTION);

	if (!starts_with(word, INIT_OPTION) || n >= sizeof(first_program))
		return;
	memcpy(first_program, word + strlen(INIT_OPTION), n);
	first_program[n] = '\0';
}

static void read_cmdline(const char *cmdline)
{
	for (const char *w = cmdline; *w;) {
		uint32_t len = 0;

		while (*w == ' ')
			w++;
		while (w[len] && w[len] != ' ')
			len++;
		take_word(w, len);
		w += len;
	}
}

/* first_program's words, split at the commas, as argv, and the
 * canonical path of the program, the first word. */
static int32_t split_args(struct exec_args *a, char *path)
{
	char words[PUP_PATH_MAX];
	char *w = words;
	int32_t err = 0;

	strlcpy(words, first_program, sizeof(words));
	exec_args_init(a);
	while (w && !err) {
		char *comma = strchr(w, ',');

		if (comma)
			*comma = '\0';
		err = exec_args_add(a, w);
		w = comma ? comma + 1 : NULL;
	}
	return err ? err : path_resolve("/", words, path);
}

static char program_path[PUP_PATH_MAX];

static int32_t start_first_program(void)
{
	static struct exec_args args;
	char why[64];
	int32_t pid;

	if (split_args(&args, program_path))
		panic("init=%s: too many arguments, or a bad path", first_program);
	kprintf("pup: starting %s\n", program_path);
	pid = spawn(program_path, &args, current, why, sizeof(why));
	if (pid < 0)
		panic("cannot run %s: %s", program_path, why);
	return pid;
}

static void init_main(void)
{
	int32_t first, pid, status;
	char why[64];

	if (fs_mount())
		panic("no root file system");
	first = start_first_program();
	for (;;) {
		pid = proc_wait(-1, &status);
		if (pid == first)
			break;
		if (pid < 0)
			panic("init: wait failed (%d)", pid);
	}
	snprintf(why, sizeof(why), "%s exited with status %d", program_path, status);
	system_poweroff(why, status);
}

void start_init(const char *cmdline)
{
	struct proc *p = proc_alloc("init");

	if (!p)
		panic("no process for init");
	read_cmdline(cmdline);
	proc_prepare_thread(p, init_main);
	proc_make_runnable(p);
}
