/*G:640 guest/user/bin/sh.c: pup's shell, the program a person talks to.
 *
 * It greets with /etc/motd, then loops: print the prompt "pup:CWD$ ",
 * read a line, cut it into words and operators (G:650), and run what it
 * says (G:860): commands separated by ";", each a pipeline of programs
 * joined by "|", each program's words possibly followed by redirections
 * ("> FILE", ">> FILE", "< FILE"). Quoting is the Unix shell's: '...'
 * keeps everything, "..." keeps everything but $?, which is the status of
 * the last command. The shell's own words (builtins, because they change
 * the shell itself, or know it):
 *
 *   cd [DIR]      change directory (to / without DIR)
 *   pwd           print the current directory
 *   exit [N]      end the shell with status N (without N: $?)
 *   help          the builtins and the programs in /bin
 *
 * Anything else names a program: /bin/NAME, or the path itself if it has
 * a '/'. Each pipeline is a job with a process group of its own, which
 * the shell makes the console's foreground (setfg), so Ctrl-C's SIGINT
 * goes to the job and not to the shell, which ignores SIGINT (G:800);
 * the shell waits for all of the job and gets the console back. A
 * program a signal ended is reported, "sh: NAME: killed (status 139)"
 * for a CPU fault, 143 for kill, and the shell carries on: a program's
 * crash is never the shell's. A Ctrl-C needs no words: "^C" said it.
 *
 * A command ending in "&" runs in the background: the shell prints
 * "[PID] NAME" and does not wait, nor give it the console. Before each
 * prompt it looks for background children that have finished (zombies
 * in the process table, since pup's wait can only block) and reaps them,
 * printing "sh: [PID] NAME: done (status N)" or "... killed (status N)".
 *
 * Typing is pup's business: its console echoes, edits (arrow keys, a
 * history) and hands over a whole line at a time (guest/kernel/console.c),
 * so the shell simply reads lines; a line longer than the console holds
 * (255 characters) arrives in pieces and is refused. Ctrl-D at the prompt
 * ends the shell with $?, and so (the shell being init's first program)
 * powers pup off with that status. Next: cutting a line into words. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pup.h>

#define LINE_MAX	256	/* pup's console line, with its newline (G:170) */
#define WORDS_MAX	(2 * LINE_MAX)	/* the words, $? made longer */
#define MAX_TOKENS	LINE_MAX
#define MAX_PIPE	8
#define MAX_JOBS	8
#define MOTD		"/etc/motd"

enum token_kind { WORD, PIPE, SEMI, AMP, TO, APPEND, FROM };

struct token {
	enum token_kind kind;
	char *text;			/* WORD */
};

struct command {
	int argc;
	char *argv[PUP_ARGV_MAX + 1];
	const char *to, *from;		/* redirections, or NULL */
	bool append;
};

struct job {
	int pid;			/* 0: a free slot */
	char name[PUP_NAME_MAX + 1];
};

static struct job jobs[MAX_JOBS];
static int last_status;			/* $? */
static int shell_group;

static const char *const builtin_names[] = { "cd", "exit", "help", "pwd" };

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

/*G:650 Cutting a line: spaces and tabs separate words; | ; & > >> <
 * are operators wherever they stand unquoted; quotes join what they hold
 * to the word around them ('it''s' is its). $? becomes the last status,
 * outside quotes and inside "...": the line is cut again before each of
 * its pipelines runs, so "cat x; echo $?" says what cat did. The words
 * are copied into out, which has room for every $? of a line to grow.:*/
struct cutter {
	const char *in;
	char *out, *end;
	struct token *tokens;
	int count;
};

static bool put_char(struct cutter *c, char ch)
{
	if (c->out == c->end)
		return false;
	*c->out++ = ch;
	return true;
}

static bool put_status(struct cutter *c)
{
	char digits[12];

	snprintf(digits, sizeof(digits), "%d", last_status);
	for (char *d = digits; *d; d++)
		if (!put_char(c, *d))
			return false;
	c->in += 2;
	return true;
}

static int operator_at(const char *s, enum token_kind *kind)
{
	switch (*s) {
	case '|': *kind = PIPE; return 1;
	case ';': *kind = SEMI; return 1;
	case '&': *kind = AMP; return 1;
	case '<': *kind = FROM; return 1;
	case '>':
		*kind = s[1] == '>' ? APPEND : TO;
		return s[1] == '>' ? 2 : 1;
	}
	return 0;
}

/* One word, quotes and all, up to a space or an operator. */
static int cut_word(struct cutter *c)
{
	enum token_kind kind;
	char quote = 0;

	c->tokens[c->count++] = (struct token){ WORD, c->out };
	while (*c->in && (quote || (!strchr(" \t", *c->in) && !operator_at(c->in, &kind)))) {
		if (!quote && (*c->in == '\'' || *c->in == '"')) {
			quote = *c->in++;
		} else if (quote && *c->in == quote) {
			quote = 0;
			c->in++;
		} else if (quote != '\'' && c->in[0] == '$' && c->in[1] == '?') {
			if (!put_status(c))
				return -1;
		} else if (!put_char(c, *c->in++)) {
			return -1;
		}
	}
	if (quote) {
		fprintf(stderr, "sh: no closing %c\n", quote);
		return -1;
	}
	return put_char(c, '\0') ? 0 : -1;
}

static int cut_line(const char *line, struct token *tokens, char *words)
{
	struct cutter c = { line, words, words + WORDS_MAX, tokens, 0 };
	enum token_kind kind;
	int len;

	while (*c.in) {
		if (*c.in == ' ' || *c.in == '\t') {
			c.in++;
		} else if ((len = operator_at(c.in, &kind))) {
			tokens[c.count++] = (struct token){ kind, NULL };
			c.in += len;
		} else if (cut_word(&c) < 0) {
			return -1;
		}
	}
	return c.count;
}
/*:*/

static void builtin_cd(struct command *cmd)
{
	const char *dir = cmd->argc > 1 ? cmd->argv[1] : "/";

	last_status = 0;
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		last_status = 1;
	}
}

static void builtin_pwd(void)
{
	char cwd[PUP_PATH_MAX];

	last_status = 0;
	if (getcwd(cwd, sizeof(cwd))) {
		printf("%s\n", cwd);
	} else {
		fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
		last_status = 1;
	}
}

static void builtin_exit(struct command *cmd)
{
	char *end;
	long n = cmd->argc > 1 ? strtol(cmd->argv[1], &end, 10) : last_status;

	if (cmd->argc > 1 && (end == cmd->argv[1] || *end)) {
		fprintf(stderr, "sh: exit: %s: not a number\n", cmd->argv[1]);
		last_status = 2;
		return;
	}
	fflush(NULL);
	exit((int)(n & 255));
}

/*G:655 help: the builtins, then every program in /bin, as ls lists
 * them: what a newcomer can type. */
static void builtin_help(void)
{
	struct pup_dirent de;
	int column = 0;

	printf("builtins:");
	for (size_t i = 0; i < sizeof(builtin_names) / sizeof(builtin_names[0]); i++)
		printf(" %s", builtin_names[i]);
	printf("\nprograms (/bin):");
	for (int i = 0; readdir("/bin", i, &de) == 0; i++, column++)
		printf("%s%s", column % 10 ? " " : "\n  ", de.name);
	printf("\nsyntax: A; B  A | B  A > FILE  A >> FILE  A < FILE  A &  '...'  \"...\"  $?\n");
	printf("keys: Ctrl-C interrupts, Ctrl-D ends, arrows edit and recall, Ctrl-U erases\n");
	last_status = 0;
}

static bool is_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin_names) / sizeof(builtin_names[0]); i++)
		if (strcmp(name, builtin_names[i]) == 0)
			return true;
	return false;
}

static void run_builtin(struct command *cmd)
{
	const char *name = cmd->argv[0];

	if (strcmp(name, "cd") == 0)
		builtin_cd(cmd);
	else if (strcmp(name, "pwd") == 0)
		builtin_pwd();
	else if (strcmp(name, "exit") == 0)
		builtin_exit(cmd);
	else
		builtin_help();
}

/* Ended by a signal pup sends (G:800), as far as a status can tell. */
static bool was_killed(int status)
{
	return status > PUP_EXIT_SIGNAL(0) && status < PUP_EXIT_SIGNAL(PUP_NSIG);
}

static void report_foreground(const char *name, int status)
{
	if (was_killed(status) && status != PUP_EXIT_SIGNAL(PUP_SIGINT))
		fprintf(stderr, "sh: %s: killed (status %d)\n", name, status);
}

static void report_background(const struct job *job, int status)
{
	fprintf(stderr, "sh: [%d] %s: %s (status %d)\n", job->pid, job->name,
		was_killed(status) ? "killed" : "done", status);
}

/*G:860 A child's plumbing, before exec: its process group (the job's),
 * SIGINT back to its default, the pipe ends in place of standard input
 * and output, then the redirections, which come after and so win (as
 * in "a | b > f"). A redirection that cannot be opened ends the child
 * with status 1, a program that cannot be found with 127, the status a
 * Unix shell gives a command it cannot find. A builtin in a pipeline or
 * with a redirection runs here too, in the child, so "cd /x > f" leaves
 * the shell where it was (a Unix shell would change directory).:*/
static void redirect(const char *path, int flags, int fd)
{
	int opened = open(path, flags);

	if (opened < 0) {
		fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	dup2(opened, fd);
	close(opened);
}

static void exec_child(struct command *cmd, int group, int in, int out)
{
	char path[PUP_PATH_MAX];
	const char *name = cmd->argv[0];

	setpgid(0, group);
	signal(PUP_SIGINT, PUP_SIG_DFL);
	if (in != STDIN_FILENO) {
		dup2(in, STDIN_FILENO);
		close(in);
	}
	if (out != STDOUT_FILENO) {
		dup2(out, STDOUT_FILENO);
		close(out);
	}
	if (cmd->from)
		redirect(cmd->from, O_RDONLY, STDIN_FILENO);
	if (cmd->to)
		redirect(cmd->to, O_WRONLY | O_CREAT | (cmd->append ? O_APPEND : O_TRUNC),
			 STDOUT_FILENO);
	if (is_builtin(name)) {
		run_builtin(cmd);
		fflush(NULL);
		_exit(last_status);
	}
	if (strchr(name, '/'))
		strlcpy(path, name, sizeof(path));
	else
		snprintf(path, sizeof(path), "/bin/%s", name);
	exec(path, cmd->argv);
	fprintf(stderr, "sh: %s: %s\n", name, strerror(errno));
	_exit(127);
}
/*:*/

/* The shell empties its stdio buffers before fork, or the child would
 * print the shell's pending output a second time. */
static int start_child(struct command *cmd, int group, int in, int out, int unused)
{
	int pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sh: fork: %s\n", strerror(errno));
	} else if (pid == 0) {
		if (unused >= 0)
			close(unused);
		exec_child(cmd, group, in, out);
	} else {
		setpgid(pid, group ? group : pid);
	}
	return pid;
}

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

/*G:865 A pipeline: n children, each reading the pipe the one before it
 * writes, all in the first one's process group. The shell closes its
 * copies of the pipe ends as it goes, so the last reader sees end of
 * file when the writers are done, and a writer whose reader died gets
 * SIGPIPE. In the foreground the job gets the console, and the shell
 * waits for every child; $? is the last one's status.:*/
static int start_pipeline(struct command *cmds, int n, int *pids)
{
	int in = STDIN_FILENO, group = 0, started = 0;

	for (int i = 0; i < n; i++) {
		int fds[2] = { -1, STDOUT_FILENO };

		if (i < n - 1 && pipe(fds) < 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			break;
		}
		pids[i] = start_child(&cmds[i], group, in, fds[1], fds[0]);
		if (in != STDIN_FILENO)
			close(in);
		if (fds[1] != STDOUT_FILENO)
			close(fds[1]);
		in = fds[0];
		if (pids[i] < 0)
			break;
		group = group ? group : pids[i];
		started++;
	}
	if (in >= 0 && in != STDIN_FILENO)
		close(in);
	return started;
}

static void wait_for_job(struct command *cmds, int *pids, int n)
{
	int status = 0;

	for (int i = 0; i < n; i++) {
		if (waitpid(pids[i], &status) < 0) {
			fprintf(stderr, "sh: wait: %s\n", strerror(errno));
			status = 1;
		}
		report_foreground(cmds[i].argv[0], status);
	}
	last_status = status;
}

static void run_pipeline(struct command *cmds, int n, bool background)
{
	int pids[MAX_PIPE], started;

	if (n == 1 && !background && !cmds[0].to && !cmds[0].from &&
	    is_builtin(cmds[0].argv[0])) {
		run_builtin(&cmds[0]);
		return;
	}
	started = start_pipeline(cmds, n, pids);
	if (started < n)
		last_status = 1;
	if (!started)
		return;
	if (background) {
		printf("[%d] %s\n", pids[started - 1], cmds[started - 1].argv[0]);
		remember_job(pids[started - 1], cmds[started - 1].argv[0]);
		last_status = 0;
		return;
	}
	setfg(pids[0]);
	wait_for_job(cmds, pids, started);
	setfg(shell_group);
}
/*:*/

/*G:870 From tokens to pipelines. A command's words go to argv, at most
 * PUP_ARGV_MAX of them, the limit exec itself has; a redirection takes
 * the word after it; an empty command, a missing file name or more than
 * MAX_PIPE programs is an error said before anything of the line runs.:*/
static int syntax_error(const char *what)
{
	fprintf(stderr, "sh: %s\n", what);
	last_status = 2;
	return -1;
}

static int add_word(struct command *cmd, char *word)
{
	if (cmd->argc == PUP_ARGV_MAX) {
		fprintf(stderr, "sh: too many words: a command has at most %d (the program and %d "
			"arguments)\n", PUP_ARGV_MAX, PUP_ARGV_MAX - 1);
		last_status = 2;
		return -1;
	}
	cmd->argv[cmd->argc++] = word;
	cmd->argv[cmd->argc] = NULL;
	return 0;
}

/* One pipeline from tokens[*at], up to ; or & or the end. */
static int parse_pipeline(struct token *t, int count, int *at, struct command *cmds)
{
	int n = 0;

	memset(&cmds[0], 0, sizeof(cmds[0]));
	for (; *at < count && t[*at].kind != SEMI && t[*at].kind != AMP; (*at)++) {
		struct command *cmd = &cmds[n];
		struct token *tok = &t[*at];

		if (tok->kind == WORD) {
			if (add_word(cmd, tok->text) < 0)
				return -1;
		} else if (tok->kind == PIPE) {
			if (!cmd->argc)
				return syntax_error("a | with no command before it");
			if (++n == MAX_PIPE)
				return syntax_error("too many programs in one pipeline");
			memset(&cmds[n], 0, sizeof(cmds[n]));
		} else if (*at + 1 == count || t[*at + 1].kind != WORD) {
			return syntax_error("a redirection with no file name");
		} else {
			(*at)++;
			if (tok->kind == FROM)
				cmd->from = t[*at].text;
			else
				cmd->to = t[*at].text;
			cmd->append = tok->kind == APPEND;
		}
	}
	if (!cmds[n].argc && (n || cmds[n].to || cmds[n].from))
		return syntax_error("a | or a redirection with no command");
	return cmds[n].argc ? n + 1 : 0;
}
/*:*/

static int check_line(struct token *tokens, int count)
{
	struct command cmds[MAX_PIPE];

	for (int at = 0; at < count; at++)
		if (parse_pipeline(tokens, count, &at, cmds) < 0)
			return -1;
	return 0;
}

static void run_line(const char *line)
{
	static struct token tokens[MAX_TOKENS];
	static char words[WORDS_MAX];
	struct command cmds[MAX_PIPE];
	int count = cut_line(line, tokens, words), n;

	if (count < 0) {
		last_status = 2;
		return;
	}
	if (check_line(tokens, count) < 0)
		return;
	for (int at = 0; at < count; at++) {
		cut_line(line, tokens, words);	/* $? as the last pipeline left it */
		n = parse_pipeline(tokens, count, &at, cmds);
		if (n > 0)
			run_pipeline(cmds, n, at < count && tokens[at].kind == AMP);
	}
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

/*G:875 Reading a line: one read is one line from pup's console. A
 * piece of 255 characters without its newline is what the console hands
 * over when a line outgrows it (G:170): the start of a line too long to
 * hold. The rest is read and thrown away, and the line is refused, not
 * run cut short. A Ctrl-C while the shell waits ends the
 * read (-EINTR): a new prompt, $? 130, as in a Unix shell. 0 is Ctrl-D.:*/
enum got { GOT_LINE, GOT_NOTHING, GOT_END };

static void skip_rest_of_line(char *line)
{
	ssize_t got;

	while ((got = read(STDIN_FILENO, line, LINE_MAX)) > 0 && line[got - 1] != '\n')
		;
}

static enum got read_line(char *line)
{
	ssize_t got = read(STDIN_FILENO, line, LINE_MAX);

	if (got < 0 && errno == EINTR) {
		last_status = PUP_EXIT_SIGNAL(PUP_SIGINT);
		return GOT_NOTHING;
	}
	if (got <= 0)
		return GOT_END;
	if (line[got - 1] != '\n' && got >= LINE_MAX - 1) {	/* the console's 255 and more */
		skip_rest_of_line(line);
		fprintf(stderr, "sh: line too long: at most %d characters; not run\n",
			LINE_MAX - 1);
		last_status = 2;
		return GOT_NOTHING;
	}
	line[got] = '\0';
	if (line[got - 1] == '\n')
		line[got - 1] = '\0';
	return GOT_LINE;
}
/*:*/

int main(void)
{
	char line[LINE_MAX + 1];
	enum got got;

	setpgid(0, 0);
	shell_group = getpid();
	setfg(shell_group);
	signal(PUP_SIGINT, PUP_SIG_IGN);
	print_motd();
	for (;;) {
		reap_background();
		print_prompt();
		if ((got = read_line(line)) == GOT_END)
			break;
		if (got == GOT_LINE)
			run_line(line);
	}
	printf("exit\n");
	fflush(NULL);
	return last_status;
}
