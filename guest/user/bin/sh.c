/*G:640 guest/user/bin/sh.c: pup's shell, the program a person talks to.
 *
 * It greets with /etc/motd, then loops: print the prompt "pup:CWD$ ",
 * read a line, split it into commands at ";" and each command into words
 * at spaces, and run the commands in order. Three words are the shell's
 * own (builtins, because they change the shell itself):
 *
 *   cd [DIR]      change directory (to / without DIR)
 *   pwd           print the current directory
 *   exit [N]      end the shell with status N (0 without N)
 *
 * Anything else names a program: /bin/NAME, or the path itself if it has
 * a '/'. The shell forks; the child execs the program with the words as
 * its arguments; the parent waits for exactly that child. A program pup
 * had to stop is reported, "sh: NAME: killed (status 139)" for a CPU
 * fault (PUP_EXIT_FAULTED) or status 128 for kill (PUP_EXIT_KILLED), and
 * the shell carries on: a program's crash is never the shell's.
 *
 * A command ending in "&" runs in the background: the shell prints
 * "[PID] NAME" and does not wait. Before each prompt it looks for
 * background children that have finished (zombies in the process table,
 * since pup's wait can only block) and reaps them, printing
 * "sh: [PID] NAME: done (status N)" or "... killed (status N)".
 *
 * Typing is pup's business: its console echoes, edits and hands over a
 * whole line at a time (guest/kernel/console.c), so the shell simply
 * reads lines. Next: splitting a command into words. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pup.h>

#define LINE_MAX	256
#define MAX_JOBS	8
#define MOTD		"/etc/motd"

struct command {
	int argc;
	char *argv[PUP_ARGV_MAX + 1];
	bool background;
};

struct job {
	int pid;			/* 0: a free slot */
	char name[PUP_NAME_MAX + 1];
};

static struct job jobs[MAX_JOBS];

static void print_prompt(void)
{
	char cwd[PUP_PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "?");
	printf("pup:%s$ ", cwd);
	fflush(stdout);
}

static void print_motd(void)
{
	char buf[256];
	int fd = open(MOTD, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		write(STDOUT_FILENO, buf, (size_t)got);
	close(fd);
}

/*G:650 Splitting a command: words are separated by spaces and tabs, with
 * no quoting; a last word "&" asks for the background. More words than
 * exec takes (PUP_ARGV_MAX) is an error, said before anything runs.:*/
static int parse_command(char *line, struct command *cmd)
{
	char *save, *word;

	cmd->argc = 0;
	cmd->background = false;
	for (word = strtok_r(line, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
		if (cmd->argc == PUP_ARGV_MAX) {
			fprintf(stderr, "sh: too many words (at most %d)\n", PUP_ARGV_MAX);
			return -1;
		}
		cmd->argv[cmd->argc++] = word;
	}
	if (cmd->argc && strcmp(cmd->argv[cmd->argc - 1], "&") == 0) {
		cmd->background = true;
		cmd->argc--;
	}
	cmd->argv[cmd->argc] = NULL;
	return 0;
}
/*:*/

static void builtin_cd(struct command *cmd)
{
	const char *dir = cmd->argc > 1 ? cmd->argv[1] : "/";

	if (chdir(dir) < 0)
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
}

static void builtin_pwd(void)
{
	char cwd[PUP_PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)))
		printf("%s\n", cwd);
	else
		fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
}

static void builtin_exit(struct command *cmd)
{
	exit(cmd->argc > 1 ? atoi(cmd->argv[1]) : 0);
}

/* Run cmd if it is a builtin; false if it is not one. */
static bool run_builtin(struct command *cmd)
{
	const char *name = cmd->argv[0];

	if (strcmp(name, "cd") == 0)
		builtin_cd(cmd);
	else if (strcmp(name, "pwd") == 0)
		builtin_pwd();
	else if (strcmp(name, "exit") == 0)
		builtin_exit(cmd);
	else
		return false;
	return true;
}

static bool was_killed(int status)
{
	return status == PUP_EXIT_FAULTED || status == PUP_EXIT_KILLED;
}

static void report_foreground(const char *name, int status)
{
	if (was_killed(status))
		fprintf(stderr, "sh: %s: killed (status %d)\n", name, status);
}

static void report_background(const struct job *job, int status)
{
	fprintf(stderr, "sh: [%d] %s: %s (status %d)\n", job->pid, job->name,
		was_killed(status) ? "killed" : "done", status);
}

/*G:655 Starting a program is fork, then exec in the child. The child
 * owns a copy of the shell's stdio buffers, so the shell empties them
 * first, or the child would print the shell's pending output a second
 * time. A child whose exec fails says why and exits 127, the status a
 * Unix shell gives a command it cannot find.:*/
static void exec_child(struct command *cmd)
{
	char path[PUP_PATH_MAX];
	const char *name = cmd->argv[0];

	if (strchr(name, '/'))
		strlcpy(path, name, sizeof(path));
	else
		snprintf(path, sizeof(path), "/bin/%s", name);
	exec(path, cmd->argv);
	fprintf(stderr, "sh: %s: %s\n", name, strerror(errno));
	_exit(127);
}

static int start_program(struct command *cmd)
{
	int pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fprintf(stderr, "sh: fork: %s\n", strerror(errno));
	else if (pid == 0)
		exec_child(cmd);
	return pid;
}
/*:*/

static void remember_job(int pid, const char *name)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		if (jobs[i].pid)
			continue;
		jobs[i].pid = pid;
		strlcpy(jobs[i].name, name, sizeof(jobs[i].name));
		return;
	}
	/* No slot: the child still runs, and is reaped with the next one. */
}

static struct job *job_of(int pid)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].pid == pid)
			return &jobs[i];
	return NULL;
}

static void run_program(struct command *cmd)
{
	int pid = start_program(cmd), status = 0;

	if (pid <= 0)
		return;
	if (cmd->background) {
		printf("[%d] %s\n", pid, cmd->argv[0]);
		remember_job(pid, cmd->argv[0]);
		return;
	}
	if (waitpid(pid, &status) < 0)
		fprintf(stderr, "sh: wait: %s\n", strerror(errno));
	else
		report_foreground(cmd->argv[0], status);
}

/*G:660 Reaping the background: pup's process table (SYS_PS) shows which
 * of the shell's children are zombies, and waiting for one of those
 * returns at once. A job the shell does not know (the table of jobs was
 * full) is reaped too, under the name pup gave it.:*/
static void reap_zombie(const struct pup_procinfo *p)
{
	struct job *job = job_of(p->pid), unknown = { .pid = p->pid };
	int status = 0;

	if (waitpid(p->pid, &status) < 0)
		return;
	if (!job) {
		strlcpy(unknown.name, p->name, sizeof(unknown.name));
		job = &unknown;
	}
	report_background(job, status);
	job->pid = 0;
}

static void reap_background(void)
{
	struct pup_procinfo p;
	int me = getpid();

	for (int i = 0; ps(i, &p) == 0; i++)
		if (p.parent == me && p.state == PUP_PROC_ZOMBIE)
			reap_zombie(&p);
}
/*:*/

static void run_command(char *text)
{
	struct command cmd;

	if (parse_command(text, &cmd) < 0 || cmd.argc == 0)
		return;
	if (!run_builtin(&cmd))
		run_program(&cmd);
}

/* The ";"-separated commands of a line, in order. */
static void run_line(char *line)
{
	char *save, *text;

	for (text = strtok_r(line, ";", &save); text; text = strtok_r(NULL, ";", &save))
		run_command(text);
}

int main(void)
{
	char line[LINE_MAX];

	print_motd();
	for (;;) {
		reap_background();
		print_prompt();
		if (readline(line, sizeof(line)) < 0)
			break;
		run_line(line);
	}
	return 0;
}
