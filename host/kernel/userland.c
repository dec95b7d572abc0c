/*U:450 host/kernel/userland.c: the host's own part in running programs.
 *
 * userland_init sets up what every process needs: /dev/null and
 * /dev/console, the file system over the boot modules, and the
 * scheduler's tick. run_programs is what kernel_main does with
 * run=PROG,ARG,... options: start each program as a child of the host
 * (argv[0] is PROG, the commas separate the rest), then let the
 * scheduler loop run until every one has exited. The host reaps its own
 * children, and any orphans, as they exit. Processes still alive after
 * the last program (a forgotten child, say) are killed and reaped too,
 * so that the closing count of free frames must equal the opening one:
 * a leak shows as a difference. Then one line per program with its exit
 * status, and the run succeeds only if every program started and exited
 * with 0 (or, for a lone Launcher, with its guest's status, below). Next: the tests, starting with the ELF checks,
 * tests/unit/test_elf.c (U:460). */
#include "lib/string.h"
#include "host/kernel/userland.h"
#include "host/kernel/var.h"
#include "host/kernel/device.h"
#include "host/kernel/condev.h"
#include "host/kernel/fs.h"
#include "host/kernel/sched.h"
#include "host/kernel/spawn.h"
#include "host/kernel/frames.h"
#include "host/kernel/console.h"

struct program {
	char path[OPT_RUN_MAX];
	int32_t pid;		/* 0: could not be started */
	int32_t status;
	bool exited;
};

static struct program programs[OPT_MAX_RUN];
static unsigned nprograms;
static struct spawn_args boot_args;

void userland_init(const struct boot_info *bi)
{
	device_init();
	console_dev_init();
	fs_init(bi);
	var_init();
	sched_init();
}

static const char *error_text(int32_t err)
{
	switch (-err) {
	case ENOENT: return "no such file";
	case EISDIR: return "is a directory";
	case ENOEXEC: return "not a program kennel can run";
	case ENOMEM: return "out of memory";
	case EAGAIN: return "too many processes";
	case E2BIG: return "too many arguments";
	default: return "cannot start";
	}
}

/* "PROG,ARG,ARG": PROG goes to pr->path and is argv[0] too. */
static int32_t split_spec(const char *spec, struct program *pr, struct spawn_args *a)
{
	const char *comma;
	int32_t err = 0;

	spawn_args_init(a);
	while (!err && (comma = strchr(spec, ','))) {
		err = spawn_args_add(a, spec, (uint32_t)(comma - spec));
		spec = comma + 1;
	}
	if (!err)
		err = spawn_args_add(a, spec, strlen(spec));
	if (a->argc)
		strlcpy(pr->path, a->argv[0], sizeof(pr->path));
	return err;
}

static void start_program(struct program *pr, const char *spec)
{
	int32_t r = split_spec(spec, pr, &boot_args);

	if (r == 0)
		r = spawn(pr->path, &boot_args, NULL);
	if (r < 0)
		kprintf("kennel: cannot start %s: %s\n", pr->path, error_text(r));
	pr->pid = r > 0 ? r : 0;
}

static void record_exit(int32_t pid, int32_t status)
{
	for (unsigned i = 0; i < nprograms; i++) {
		if (programs[i].pid == pid) {
			programs[i].exited = true;
			programs[i].status = status;
		}
	}
}

/* Reap every zombie the host is parent of. Interrupts are off. */
static void reap_host_children(void)
{
	struct process *z;
	int32_t status;
	bool any;

	while ((z = proc_zombie_child(NULL, -1, &any))) {
		int32_t pid = proc_reap(z, &status);

		record_exit(pid, status);
	}
}

static bool programs_done(void)
{
	reap_host_children();
	for (unsigned i = 0; i < nprograms; i++)
		if (programs[i].pid && !programs[i].exited)
			return false;
	return true;
}

static bool all_gone(void)
{
	reap_host_children();
	return proc_count() == 0;
}

/* When the host was started for one Launcher and nothing else, the
 * machine is there for that guest, and ends with its status: a guest that
 * powers off with status 3 (pup after the shell's `exit 3`) makes its
 * Launcher exit 3, and QEMU's status says 3 (P:128). The Launcher's own
 * failures (125 to 127) do not fit and are the machine's failure. */
static bool is_launcher(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash ? slash + 1 : path, "launcher") == 0;
}

static int32_t machine_status(bool success)
{
	const struct program *pr = &programs[0];

	if (nprograms == 1 && pr->pid && is_launcher(pr->path))
		return pr->status;
	return success ? 0 : -1;
}

static bool report(void)
{
	bool success = true;

	for (unsigned i = 0; i < nprograms; i++) {
		const struct program *pr = &programs[i];

		if (pr->pid)
			kprintf("kennel: %s exited with status %d\n", pr->path, pr->status);
		else
			kprintf("kennel: %s was not started\n", pr->path);
		success &= pr->pid && pr->status == 0;
	}
	return success;
}

int32_t run_programs(const struct host_options *o)
{
	bool success;

	kprintf("kennel: %u frames free before the programs\n", frames_free_count());
	nprograms = o->nrun;
	for (unsigned i = 0; i < nprograms; i++)
		start_program(&programs[i], o->run[i]);
	sched_run(programs_done);
	proc_kill_all();
	sched_run(all_gone);
	success = report();
	kprintf("kennel: %u frames free after the programs\n", frames_free_count());
	return machine_status(success);
}
