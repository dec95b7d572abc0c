/*U:680 user/bin/monitor.c: the host monitor, a kennel> prompt that sees and
 * steers every guest, in the spirit of Xen's xl and QEMU's monitor.
 *
 * It is an ordinary host program: it reads commands from the console and
 * reaches the guests through /dev/kennelctl (H:700), which names each
 * guest by its slot in the host's table. It claims the console's monitor
 * key, so Ctrl-] brings its prompt back from whichever guest has the
 * keyboard; Ctrl-T cycles as always. Start it with run=/bin/monitor on the
 * host command line. Every command checks its arguments and says what is
 * wrong in one line beginning "monitor: ". Its boot test is T:560, and
 * the device it talks to is read in the Host chapter. Next: its commands,
 * U:681. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/kennel_dev.h"

#define LINE_MAX_BYTES	256
#define WORDS_MAX	32
#define TOP_PERIOD_MS	1000

static int ctl = -1;			/* /dev/kennelctl */
static int console_fd = -1;		/* /dev/console, non-blocking, for top */

static const char *const state_names[] = {
	[KN_STATE_RUNNING] = "running", [KN_STATE_HALTED] = "halted",
	[KN_STATE_PAUSED] = "paused", [KN_STATE_DEAD] = "dead",
};

static void complain(const char *cmd, const char *what)
{
	printf("monitor: %s: %s\n", cmd, what);
}

/* A guest id from a word: digits only, below KN_GUESTS_MAX. */
static int parse_id(const char *cmd, const char *word, uint32_t *id)
{
	char *end;
	unsigned long v = strtoul(word, &end, 10);

	if (!word[0] || *end || word[0] == '-' || v >= KN_GUESTS_MAX) {
		printf("monitor: %s: '%s' is not a guest id (0 to %d)\n", cmd, word,
		       KN_GUESTS_MAX - 1);
		return -1;
	}
	*id = (uint32_t)v;
	return 0;
}

static int guest_info(uint32_t id, struct kn_guest_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = id;
	return ioctl(ctl, KN_CTL_INFO, info);
}

/* The one id argument of pause, resume, kill, stats and focus. */
static int one_id(int argc, char **argv, uint32_t *id)
{
	if (argc != 2) {
		complain(argv[0], "needs one guest id (see list)");
		return -1;
	}
	if (parse_id(argv[0], argv[1], id))
		return -1;
	return 0;
}

/* The same, for a guest that must exist. */
static int existing_guest(int argc, char **argv, uint32_t *id, struct kn_guest_info *info)
{
	if (one_id(argc, argv, id))
		return -1;
	if (guest_info(*id, info) == 0)
		return 0;
	printf("monitor: %s: no guest %u\n", argv[0], *id);
	return -1;
}

/*U:681 list and top show one line per guest: the counters that say what
 * it is doing, and exits per second over its life (top: over the last
 * period). */
static void print_header(void)
{
	printf("%-3s %-12s %5s %8s %-8s %9s %9s %9s %9s %9s %7s %6s\n", "ID", "NAME", "PID",
	       "MEMORY", "STATE", "UPTIME", "EXITS/S", "HCALLS", "TRAPS", "IRQS", "FAULTS",
	       "FRAMES");
}

static uint64_t total(const uint64_t *v, int n)
{
	uint64_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum;
}

static void print_guest(const struct kn_guest_info *g, uint64_t exits_per_s)
{
	printf("%-3u %-12s %5d %7uK %-8s %8llus %9llu %9llu %9llu %9llu %7llu %6u\n", g->id,
	       g->name, g->launcher_pid, g->pfn_limit * 4, state_names[g->state],
	       (unsigned long long)(g->uptime_ms / 1000), (unsigned long long)exits_per_s,
	       (unsigned long long)total(g->stats.hypercalls, KH_NR_CALLS),
	       (unsigned long long)total(g->stats.traps, KN_STATS_TRAPS),
	       (unsigned long long)g->stats.irqs_delivered,
	       (unsigned long long)g->stats.shadow_faults, g->host_frames);
}

static uint64_t lifetime_rate(const struct kn_guest_info *g)
{
	return g->uptime_ms ? g->stats.switches * 1000 / g->uptime_ms : 0;
}

static int cmd_list(int argc, char **argv)
{
	struct kn_guest_info info;
	int n = 0;

	if (argc != 1) {
		complain(argv[0], "takes no arguments");
		return -1;
	}
	print_header();
	for (uint32_t id = 0; id < KN_GUESTS_MAX; id++)
		if (guest_info(id, &info) == 0)
			print_guest(&info, lifetime_rate(&info)), n++;
	printf("%d guest%s\n", n, n == 1 ? "" : "s");
	return 0;
}

/* top: the table again every period, with each guest's exits in that
 * period, until "q" is typed (and Enter), or for N rounds with top N. */
static bool quit_typed(void)
{
	char line[LINE_MAX_BYTES];
	int n = (int)read(console_fd, line, sizeof(line) - 1);

	return n > 0 && line[0] == 'q';
}

static void top_round(uint64_t last[KN_GUESTS_MAX], int round)
{
	struct kn_guest_info info;

	printf("top: round %d (q and Enter to leave)\n", round);
	print_header();
	for (uint32_t id = 0; id < KN_GUESTS_MAX; id++) {
		if (guest_info(id, &info) != 0) {
			last[id] = 0;
			continue;
		}
		print_guest(&info, round > 1 ? info.stats.switches - last[id] : lifetime_rate(&info));
		last[id] = info.stats.switches;
	}
}

static int cmd_top(int argc, char **argv)
{
	uint64_t last[KN_GUESTS_MAX] = { 0 };
	long rounds = -1;
	char *end;

	if (argc > 2 || (argc == 2 && ((rounds = strtol(argv[1], &end, 10)) <= 0 || *end))) {
		complain(argv[0], "takes an optional number of rounds above 0");
		return -1;
	}
	for (int round = 1; rounds < 0 || round <= rounds; round++) {
		top_round(last, round);
		if (quit_typed())
			break;
		if (rounds < 0 || round < rounds)
			sleep_ms(TOP_PERIOD_MS);
	}
	return 0;
}

/*U:682 stats: every counter of one guest, the way `launcher --stats`
 * names them. */
static int cmd_stats(int argc, char **argv)
{
	struct kn_guest_info g;
	uint32_t id;

	if (existing_guest(argc, argv, &id, &g))
		return -1;
	printf("guest %u (%s): %s, launcher pid %d, %uK, up %llu ms, %u host frames\n", id,
	       g.name, state_names[g.state], g.launcher_pid, g.pfn_limit * 4,
	       (unsigned long long)g.uptime_ms, g.host_frames);
	for (int i = 0; i < KH_NR_CALLS; i++)
		if (g.stats.hypercalls[i])
			printf("  hypercall[%d] %llu\n", i, (unsigned long long)g.stats.hypercalls[i]);
	for (int i = 0; i < KN_STATS_TRAPS; i++)
		if (g.stats.traps[i])
			printf("  trap[%d] %llu\n", i, (unsigned long long)g.stats.traps[i]);
	printf("  host_interrupts %llu\n  switches %llu\n  irqs_delivered %llu\n"
	       "  reflected %llu\n  emulated %llu\n  shadow_faults %llu\n  page_tables %llu\n",
	       (unsigned long long)g.stats.host_interrupts, (unsigned long long)g.stats.switches,
	       (unsigned long long)g.stats.irqs_delivered, (unsigned long long)g.stats.reflected,
	       (unsigned long long)g.stats.emulated, (unsigned long long)g.stats.shadow_faults,
	       (unsigned long long)g.stats.page_tables);
	return 0;
}

/*U:683 pause, resume and kill: one request each (H:720). The host's
 * answer is turned into words the user can act on. */
static int steer(int argc, char **argv, uint32_t request, const char *done, const char *already)
{
	uint32_t id;

	if (one_id(argc, argv, &id))
		return -1;
	if (ioctl(ctl, request, (void *)(uintptr_t)id) == 0) {
		printf("monitor: guest %u %s\n", id, done);
		return 0;
	}
	if (errno == ENOENT)
		printf("monitor: %s: no guest %u\n", argv[0], id);
	else if (errno == EALREADY)
		printf("monitor: %s: guest %u is %s\n", argv[0], id, already);
	else
		printf("monitor: %s: guest %u: %s\n", argv[0], id, strerror(errno));
	return -1;
}

static int cmd_pause(int argc, char **argv)
{
	return steer(argc, argv, KN_CTL_PAUSE, "paused", "already paused, or dead");
}

static int cmd_resume(int argc, char **argv)
{
	return steer(argc, argv, KN_CTL_RESUME, "resumed", "not paused");
}

static int cmd_kill(int argc, char **argv)
{
	return steer(argc, argv, KN_CTL_KILL, "killed", "already dead");
}

/*U:684 start runs a new Launcher with the arguments given, from the
 * module file system, as the host command line's run= would; focus gives
 * a guest's Launcher the keyboard. */
static int cmd_start(int argc, char **argv)
{
	char *args[WORDS_MAX + 1];
	int pid;

	if (argc < 2) {
		complain(argv[0], "needs the Launcher's arguments, ending with the guest's "
			 "file (for example: start --mem 4M /guests/echo.elf)");
		return -1;
	}
	args[0] = "/bin/launcher";
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	pid = spawn(args[0], args);
	if (pid < 0) {
		printf("monitor: start: /bin/launcher: %s\n", strerror(errno));
		return -1;
	}
	printf("monitor: started /bin/launcher as pid %d\n", pid);
	return 0;
}

/*U:687 save and delta ask a guest's Launcher for a snapshot in FILE
 * (H:730, L:540) and wait for its answer: a full one, or the pages
 * written since the last. The Launcher's line says what it wrote, or why
 * it could not. */
static int snapshot(int argc, char **argv, uint32_t kind)
{
	static struct kn_save_request req;

	if (argc != 3) {
		complain(argv[0], "needs a guest id and a file (for example: save 0 /var/a.snap)");
		return -1;
	}
	if (parse_id(argv[0], argv[1], &req.id))
		return -1;
	if (strlen(argv[2]) >= KN_PATH_MAX) {
		printf("monitor: %s: the file's name is longer than %d bytes\n", argv[0],
		       KN_PATH_MAX - 1);
		return -1;
	}
	req.kind = kind;
	strlcpy(req.path, argv[2], sizeof(req.path));
	if (ioctl(ctl, KN_CTL_SAVE, &req) < 0) {
		if (errno == ENOENT)
			printf("monitor: %s: no guest %u\n", argv[0], req.id);
		else if (errno == EBUSY)
			printf("monitor: %s: guest %u is being saved already\n", argv[0], req.id);
		else if (errno == EPIPE)
			printf("monitor: %s: guest %u is dead\n", argv[0], req.id);
		else
			printf("monitor: %s: guest %u: %s\n", argv[0], req.id, strerror(errno));
		return -1;
	}
	req.answer.message[KN_MESSAGE_MAX - 1] = '\0';
	if (req.answer.result < 0) {
		printf("monitor: %s: guest %u: %s\n", argv[0], req.id, req.answer.message);
		return -1;
	}
	printf("monitor: guest %u saved: %s\n", req.id, req.answer.message);
	return 0;
}

static int cmd_save(int argc, char **argv)
{
	return snapshot(argc, argv, KN_SAVE_FULL);
}

static int cmd_delta(int argc, char **argv)
{
	return snapshot(argc, argv, KN_SAVE_DELTA);
}

static int cmd_focus(int argc, char **argv)
{
	struct kn_guest_info g;
	uint32_t id;

	if (existing_guest(argc, argv, &id, &g))
		return -1;
	if (ioctl(console_fd, CONSOLE_GIVE_FOCUS, (void *)(uintptr_t)g.launcher_pid) == 0)
		return 0;
	printf("monitor: focus: guest %u's Launcher (pid %d) does not read the console\n", id,
	       g.launcher_pid);
	return -1;
}

/*U:685 mem: the host's frames, who holds them: each process's user
 * pages (a Launcher's include its guest's memory) and, per guest, what the
 * host holds besides (shadow tables, the regs page). */
static int cmd_mem(int argc, char **argv)
{
	struct k_meminfo m;
	struct k_procinfo p;
	struct kn_guest_info g;

	if (argc != 1) {
		complain(argv[0], "takes no arguments");
		return -1;
	}
	meminfo(&m);
	printf("host: %u frames, %u free, heap %u bytes\n", m.total_frames, m.free_frames,
	       m.heap_bytes);
	for (int i = 0; ps(i, &p) == 0; i++)
		printf("  pid %d (%s): %u frames\n", p.pid, p.name, p.pages);
	for (uint32_t id = 0; id < KN_GUESTS_MAX; id++)
		if (guest_info(id, &g) == 0)
			printf("  guest %u (%s): %u frames held by the host\n", id, g.name,
			       g.host_frames);
	return 0;
}

/*V:460 scan: the category histogram of one guest's memory, from
 * KN_CTL_PM_SCAN (V:450): one walk of every page with no mask, so every
 * page matches, and every category returned, so each region is a run of
 * pages alike; the regions come in vectors of SCAN_VEC, each call going
 * on from the last one's walk_end, and each region's pages are counted
 * under each of its categories. */
#define SCAN_VEC	64

static const struct {
	uint64_t bit;
	const char *name;
} scan_categories[] = {
	{ PAGE_IS_PRESENT, "present" }, { PAGE_IS_PFNZERO, "zero" },
	{ PAGE_IS_MISSING, "missing" }, { PAGE_IS_WRITTEN, "written" },
	{ PAGE_IS_WPALLOWED, "armed" }, { PAGE_IS_ACCESSED, "accessed" },
	{ PAGE_IS_PAGETABLE, "page-table" }, { PAGE_IS_PINNED, "pinned" },
	{ PAGE_IS_SWAPPED, "swapped" }, { PAGE_IS_FILE, "file" },
};

#define NCATEGORIES ((int)(sizeof(scan_categories) / sizeof(scan_categories[0])))

static void count_regions(const struct page_region *vec, int n, uint64_t pages[NCATEGORIES])
{
	for (int i = 0; i < n; i++) {
		uint64_t len = (vec[i].end - vec[i].start) / 4096;

		for (int c = 0; c < NCATEGORIES; c++)
			if (vec[i].categories & scan_categories[c].bit)
				pages[c] += len;
	}
}

static int cmd_scan(int argc, char **argv)
{
	static struct page_region vec[SCAN_VEC];
	uint64_t pages[NCATEGORIES] = { 0 }, regions = 0;
	struct kn_guest_info g;
	struct kn_ctl_scan s;
	uint32_t id;
	int n;

	if (existing_guest(argc, argv, &id, &g))
		return -1;
	memset(&s, 0, sizeof(s));
	s.id = id;
	s.arg = (struct pm_scan_arg){ .size = sizeof(s.arg), .end = (uint64_t)g.pfn_limit * 4096,
		.vec = (uint64_t)(uintptr_t)vec, .vec_len = SCAN_VEC,
		.return_mask = PM_SCAN_CATEGORIES };
	do {
		s.arg.start = s.arg.walk_end;
		if ((n = ioctl(ctl, KN_CTL_PM_SCAN, &s)) < 0) {
			printf("monitor: scan: guest %u: %s\n", id, strerror(errno));
			return -1;
		}
		count_regions(vec, n, pages);
		regions += (uint64_t)n;
	} while (s.arg.walk_end != s.arg.end);
	printf("guest %u (%s): %u pages in %llu runs of pages alike\n", id, g.name,
	       g.pfn_limit, (unsigned long long)regions);
	for (int c = 0; c < NCATEGORIES; c++)
		printf("  %-10s %8llu\n", scan_categories[c].name, (unsigned long long)pages[c]);
	return 0;
}

static int cmd_help(int argc, char **argv);

struct command {
	const char *name, *args, *what;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "list", "", "every guest: id, name, memory, state, uptime, exits/s", cmd_list },
	{ "top", "[N]", "the same, live, every second (q and Enter to leave)", cmd_top },
	{ "stats", "ID", "every counter of one guest", cmd_stats },
	{ "pause", "ID", "stop a guest where it is", cmd_pause },
	{ "resume", "ID", "let a paused guest go on", cmd_resume },
	{ "kill", "ID", "kill a guest (its Launcher says so)", cmd_kill },
	{ "start", "ARGS...", "run /bin/launcher ARGS...", cmd_start },
	{ "focus", "ID", "give the keyboard to a guest", cmd_focus },
	{ "save", "ID FILE", "snapshot a guest to FILE (launcher --restore FILE)", cmd_save },
	{ "delta", "ID FILE", "the pages written since its last snapshot, to FILE", cmd_delta },
	{ "mem", "", "host frames, by holder", cmd_mem },
	{ "scan", "ID", "a guest's pages by category (present, written...)", cmd_scan },
	{ "help", "", "this list", cmd_help },
	{ "quit", "", "leave the monitor", NULL },
};

#define NCOMMANDS ((int)(sizeof(commands) / sizeof(commands[0])))

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (int i = 0; i < NCOMMANDS; i++)
		printf("  %-6s %-8s %s\n", commands[i].name, commands[i].args, commands[i].what);
	printf("Ctrl-] comes back here from a guest; Ctrl-T moves the keyboard on.\n");
	return 0;
}

/*U:686 The loop: a prompt, a line, its words, the command. The host does
 * not echo what is typed, so the monitor does, finishing the prompt's
 * line. */
static int split(char *line, char **words)
{
	int n = 0;

	for (char *w = strtok(line, " \t\n"); w && n < WORDS_MAX; w = strtok(NULL, " \t\n"))
		words[n++] = w;
	return n;
}

/* Zombie children (Launchers started here that have ended) are reaped
 * before each prompt, so none lingers. */
static void reap_children(void)
{
	struct k_procinfo p;
	int me = getpid();

	for (int i = 0; ps(i, &p) == 0; i++)
		if (p.parent == me && p.state == K_PROC_ZOMBIE)
			waitpid(p.pid, NULL);
}

/* 1 to quit. */
static int run_line(char *line)
{
	char *words[WORDS_MAX];
	int n = split(line, words);

	if (n == 0)
		return 0;
	if (strcmp(words[0], "quit") == 0)
		return 1;
	for (int i = 0; i < NCOMMANDS; i++)
		if (commands[i].run && strcmp(words[0], commands[i].name) == 0) {
			commands[i].run(n, words);
			return 0;
		}
	printf("monitor: unknown command '%s': type help\n", words[0]);
	return 0;
}

int main(void)
{
	char line[LINE_MAX_BYTES];

	ctl = open(KN_CTL_PATH, O_RDWR);
	console_fd = open("/dev/console", O_RDONLY | O_NONBLOCK);
	if (ctl < 0 || console_fd < 0) {
		perror("monitor: " KN_CTL_PATH " or /dev/console");
		return 1;
	}
	if (ioctl(console_fd, CONSOLE_CLAIM_MONITOR, NULL) < 0)
		printf("monitor: Ctrl-] belongs to another monitor already\n");
	printf("kennel monitor: type help; Ctrl-] comes back here\n");
	for (;;) {
		reap_children();
		printf("kennel> ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			break;
		printf("%s%s", line, strchr(line, '\n') ? "" : "\n");	/* the echo */
		if (run_line(line))
			break;
	}
	return 0;
}
