/*G:020 guest/include/pup/syscall.h: the system-call ABI between pup and
 * its ring-3 programs, the same whether pup runs on kennel or natively.
 *
 * A program calls pup with "int $0x80" (under kennel a direct trap: the
 * CPU goes from the program straight to pup's ring-1 handler, without the
 * host). eax holds the call number; ebx, ecx, edx, esi and edi the
 * arguments; eax the result on return: >= 0 success, or minus an error
 * number (Linux's values, as in arch/x86/syscall.h, which this header
 * reuses for errno values and file flags). Every pointer a program passes
 * is checked against its address space: a bad one earns -EFAULT. */
#ifndef PUP_SYSCALL_H
#define PUP_SYSCALL_H

#include <stdint.h>

#define PUP_SYSCALL_VECTOR	0x80

#define PUP_SYS_EXIT		1	/* (int status) -> does not return */
#define PUP_SYS_WRITE		2	/* (fd, const void *buf, uint32 len) -> bytes */
#define PUP_SYS_READ		3	/* (fd, void *buf, uint32 len) -> bytes, 0 at end */
#define PUP_SYS_OPEN		4	/* (const char *path, int flags) -> fd */
#define PUP_SYS_CLOSE		5	/* (fd) -> 0 */
#define PUP_SYS_FORK		6	/* () -> child pid in the parent, 0 in the child */
#define PUP_SYS_EXEC		7	/* (const char *path, char *const argv[]) -> only on error */
#define PUP_SYS_WAIT		8	/* (int pid or -1, int *status or NULL) -> pid */
#define PUP_SYS_GETPID		9	/* () -> pid */
#define PUP_SYS_KILL		10	/* (int pid, or -pgid; int sig) -> 0 */
#define PUP_SYS_SLEEP		11	/* (uint32 ms) -> 0 */
#define PUP_SYS_UPTIME		12	/* (uint64_t *ms since boot) -> 0 */
#define PUP_SYS_PS		13	/* (int index, struct pup_procinfo *) -> 0, -ENOENT past the end */
#define PUP_SYS_MEMINFO		14	/* (struct pup_meminfo *) -> 0 */
#define PUP_SYS_READDIR		15	/* (const char *dir, int index, struct pup_dirent *) -> 0, -ENOENT past the end */
#define PUP_SYS_STAT		16	/* (const char *path, struct pup_stat *) -> 0 */
#define PUP_SYS_CHDIR		17	/* (const char *path) -> 0 */
#define PUP_SYS_GETCWD		18	/* (char *buf, uint32 size) -> length */
#define PUP_SYS_MKDIR		19	/* (const char *path) -> 0 */
#define PUP_SYS_UNLINK		20	/* (const char *path) -> 0 (files only) */
#define PUP_SYS_POWEROFF	21	/* () -> does not return */
#define PUP_SYS_SBRK		22	/* (int32 increment) -> the old break, or -ENOMEM */
#define PUP_SYS_SEEK		23	/* (fd, int32 offset, int whence) -> new offset */
#define PUP_SYS_SYSINFO		24	/* (struct pup_sysinfo *) -> 0 */
#define PUP_SYS_SIGNAL		25	/* (int sig, PUP_SIG_DFL or PUP_SIG_IGN) -> the old one */
#define PUP_SYS_SETPGID		26	/* (int pid or 0, int pgid or 0) -> 0 */
#define PUP_SYS_SETFG		27	/* (int pgid): the console's foreground group -> 0 */
#define PUP_SYS_PIPE		28	/* (int fds[2]: read end, write end) -> 0 */
#define PUP_SYS_DUP2		29	/* (int fd, int newfd) -> newfd */
#define PUP_SYS_RMDIR		30	/* (const char *path) -> 0 (empty directories only) */
#define PUP_NR_SYSCALLS		31

/* open() flags: O_RDONLY, O_WRONLY, O_RDWR from arch/x86/syscall.h, plus: */
#define PUP_O_CREAT		0x040
#define PUP_O_TRUNC		0x200
#define PUP_O_APPEND		0x400

#define PUP_NAME_MAX		28	/* a path component, without its NUL */
#define PUP_PATH_MAX		256	/* a whole path, with its NUL */
#define PUP_ARGV_MAX		16	/* arguments to exec, program name included */
#define PUP_ARG_BYTES		1024	/* total bytes of all argument strings */

#define PUP_TYPE_FILE		1
#define PUP_TYPE_DIR		2
#define PUP_TYPE_DEVICE		3

struct pup_stat {
	uint32_t type;			/* PUP_TYPE_* */
	uint32_t size;			/* bytes */
	uint32_t inode;
};

struct pup_dirent {
	uint32_t type;
	uint32_t size;
	char name[PUP_NAME_MAX + 1];
};

#define PUP_PROC_RUNNABLE	1
#define PUP_PROC_SLEEPING	2
#define PUP_PROC_ZOMBIE		3

struct pup_procinfo {
	int32_t pid, parent;
	uint32_t state;			/* PUP_PROC_* */
	uint32_t pages;			/* user memory, in 4 KiB pages */
	uint64_t ticks;			/* timer ticks spent running */
	char name[32];
};

struct pup_meminfo {
	uint32_t total_pages, free_pages;
	uint32_t kernel_pages;		/* pages the kernel itself holds */
};

struct pup_sysinfo {
	char backend[16];		/* "kennel" or "native" */
	uint32_t ring;			/* the ring pup's kernel runs in: 1 or 0 */
	uint32_t hz;			/* timer ticks per second */
	uint64_t uptime_ms;
};

/*G:800 Signals. pup's signals have one action each, the default, which
 * ends the process with status 128 + the signal's number, as a Unix
 * shell reports it; a process may ignore any of them but SIGKILL
 * (PUP_SYS_SIGNAL), and what it ignores stays ignored across exec. There
 * are no handlers. kill sends one to a process, or, with a negative pid,
 * to every process of a group (the processes a shell started for one
 * job: PUP_SYS_SETPGID). The console sends SIGINT to its foreground
 * group when Ctrl-C is typed (PUP_SYS_SETFG, G:810), a pipe with no
 * reader sends SIGPIPE to its writer (G:830), and a CPU fault ends a
 * program as SIGSEGV would. Signal 0 sends nothing and only checks the
 * process is there. Next: the console's part, G:810. */
#define PUP_SIGHUP		1
#define PUP_SIGINT		2
#define PUP_SIGQUIT		3
#define PUP_SIGKILL		9
#define PUP_SIGSEGV		11
#define PUP_SIGPIPE		13
#define PUP_SIGTERM		15
#define PUP_NSIG		32	/* numbers 1..31 may be sent */
#define PUP_SIG_DFL		0
#define PUP_SIG_IGN		1

#define PUP_EXIT_SIGNAL(sig)	(128 + (sig))

/* Exit statuses pup gives a process it had to stop. */
#define PUP_EXIT_KILLED		PUP_EXIT_SIGNAL(PUP_SIGTERM)	/* by kill's default, 143 */
#define PUP_EXIT_FAULTED	PUP_EXIT_SIGNAL(PUP_SIGSEGV)	/* by a CPU fault, 139 */

/* The user address space: programs are linked at PUP_USER_BASE; the stack
 * ends at PUP_USER_STACK_TOP; pup's kernel owns PUP_KERNEL_BASE and up. A
 * program starts with esp pointing at argc, then argv[0..argc-1], NULL,
 * and the strings, as on the kennel host (arch/x86/syscall.h). */
#define PUP_USER_BASE		0x00400000u
#define PUP_USER_STACK_TOP	0xBFFF0000u
#define PUP_KERNEL_BASE		0xD0000000u	/* the host's is 0xC0000000 */

#endif
