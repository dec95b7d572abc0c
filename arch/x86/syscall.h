/*U:010 arch/x86/syscall.h: the system-call ABI between the host kernel
 * and its ring-3 programs (the Launcher, test programs, and any program a
 * user writes). It is the only header user programs share with the host.
 *
 * The host kernel is up (B); this chapter gives it programs: processes,
 * system calls, files, the scheduler, and the C library and programs that
 * run on them, of which the next chapter's Launcher is one.
 *
 * A program calls the host with "int $0x80": eax holds the call number,
 * ebx, ecx, edx, esi and edi the arguments, and eax the result on return.
 * A result >= 0 is success; a negative result is minus an error number
 * (the values below are Linux's, so they read familiarly). Every pointer
 * and length a program passes is checked: a bad one earns -EFAULT, never
 * a crash of the host. Next: the host side, beginning with its processes,
 * host/kernel/proc.c (U:100); the system call itself is U:400. */
#ifndef ARCH_X86_SYSCALL_H
#define ARCH_X86_SYSCALL_H

#include <stdint.h>

#define SYSCALL_VECTOR	0x80

#define SYS_EXIT	1	/* (int status) -> does not return */
#define SYS_WRITE	2	/* (fd, const void *buf, size_t len) -> bytes */
#define SYS_READ	3	/* (fd, void *buf, size_t len) -> bytes; 0 = end */
#define SYS_OPEN	4	/* (const char *path, int flags) -> fd */
#define SYS_CLOSE	5	/* (fd) -> 0 */
#define SYS_SEEK	6	/* (fd, int32 offset, int whence) -> new offset */
#define SYS_STAT	7	/* (const char *path, struct k_stat *) -> 0 */
#define SYS_FSTAT	8	/* (fd, struct k_stat *) -> 0 */
#define SYS_READDIR	9	/* (const char *dir, int index, struct k_dirent *) -> 0, -ENOENT past the end */
#define SYS_MMAP	10	/* (size_t len, uint32 flags) -> address of zeroed, RW memory */
#define MMAP_RESERVE	0x1	/* SYS_MMAP: address space only, no frames (U:920) */
#define SYS_MUNMAP	11	/* (void *addr, size_t len) -> 0 */
#define SYS_SPAWN	12	/* (const char *path, char *const argv[]) -> pid */
#define SYS_WAIT	13	/* (int pid or -1, int *status or NULL) -> pid */
#define SYS_SLEEP	14	/* (uint32 ms) -> 0 */
#define SYS_YIELD	15	/* () -> 0 */
#define SYS_CLOCK	16	/* (uint64_t *ms_since_boot) -> 0 */
#define SYS_IOCTL	17	/* (fd, uint32 request, void *arg) -> depends */
#define SYS_GETPID	18	/* () -> pid */
#define SYS_KILL	19	/* (int pid) -> 0 */
#define SYS_PS		20	/* (int index, struct k_procinfo *) -> 0, -ENOENT past the end */
#define SYS_MEMINFO	21	/* (struct k_meminfo *) -> 0 */
/* Files on /var, the host's disk (the module files are read-only: -EROFS). */
#define SYS_TRUNCATE	22	/* (fd, uint32 size) -> 0 */
#define SYS_FSYNC	23	/* (fd) -> 0 once all /var has reached the disk */
#define SYS_UNLINK	24	/* (const char *path) -> 0; files only */
#define SYS_MKDIR	25	/* (const char *path) -> 0 */
#define SYS_RMDIR	26	/* (const char *path) -> 0; empty directories only */
#define SYS_RENAME	27	/* (const char *from, const char *to) -> 0; replaces a file */
#define SYS_STATFS	28	/* (const char *path, struct k_statfs *) -> 0 */
#define SYS_FSCK	29	/* (int repair) -> problems found in /var (listed on the console) */
#define NR_SYSCALLS	30

/* open() flags */
#define O_RDONLY	0x0
#define O_WRONLY	0x1
#define O_RDWR		0x2
#define O_ACCMODE	0x3
#define O_CREAT		0x040	/* make the file if it is missing (on /var) */
#define O_TRUNC		0x200	/* empty it, when opened for writing */
#define O_APPEND	0x400	/* every write goes to the end */
#define O_NONBLOCK	0x800	/* reads return -EAGAIN instead of blocking */
#define O_LOCK		0x1000	/* only one open file at a time may hold the file so: else -EBUSY */

/* Files on /var may be up to K_FILE_MAX bytes, so offsets (seek's, and
 * the file sizes in k_stat) fit 32 bits, signed. */
#define K_FILE_MAX	0x7ffffc00u

/* seek() whence */
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

/* Descriptors every process starts with: all three are the console. */
#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

#define K_NAME_MAX	64	/* a path component, with its NUL */
#define K_PATH_MAX	256	/* a whole path, with its NUL */
#define K_ARGV_MAX	32	/* arguments to spawn, program name included */
#define K_ARG_BYTES	4096	/* total bytes of all argument strings */

#define K_TYPE_FILE	1
#define K_TYPE_DIR	2
#define K_TYPE_DEVICE	3

struct k_stat {
	uint32_t type;		/* K_TYPE_* */
	uint32_t size;		/* bytes, for files */
};

struct k_dirent {
	uint32_t type;
	uint32_t size;
	char name[K_NAME_MAX];
};

struct k_statfs {
	uint32_t block_size;	/* bytes */
	uint32_t blocks, free_blocks;
	uint32_t inodes, free_inodes;
};

struct k_procinfo {
	int32_t pid, parent;
	uint32_t state;		/* K_PROC_* */
	uint32_t pages;		/* user memory, in 4 KiB pages */
	uint64_t ticks;		/* timer ticks spent running */
	char name[K_NAME_MAX];
};

#define K_PROC_RUNNABLE	1
#define K_PROC_SLEEPING	2
#define K_PROC_ZOMBIE	3

struct k_meminfo {
	uint32_t total_frames, free_frames;
	uint32_t heap_bytes;
	uint64_t idle_tsc;	/* TSC ticks the host has spent halted, with nothing to run */
};

/* Exit statuses the host gives a process it had to kill. */
#define EXIT_KILLED	128	/* by SYS_KILL */
#define EXIT_FAULTED	139	/* by a CPU fault (like a shell's 128+SIGSEGV) */

/* Error numbers (Linux's values). */
#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define E2BIG		7
#define ENOEXEC		8
#define EBADF		9
#define ECHILD		10
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define EXDEV		18
#define ENODEV		19
#define ENOTDIR		20
#define EISDIR		21
#define EINVAL		22
#define ENFILE		23
#define EMFILE		24
#define ENOTTY		25
#define EFBIG		27
#define ENOSPC		28
#define ESPIPE		29
#define EROFS		30
#define EPIPE		32
#define ERANGE		34
#define ENAMETOOLONG	36
#define ENOSYS		38
#define ENOTEMPTY	39
#define ESHUTDOWN	108
#define EALREADY	114

/* The user address space: programs are linked at USER_LOAD_MIN or above;
 * the stack ends just below USER_STACK_TOP; SYS_MMAP hands out addresses
 * from USER_MMAP_BASE up. Everything at or above USER_SPACE_END belongs
 * to the host kernel. */
#define USER_LOAD_MIN	0x00400000u
#define USER_MMAP_BASE	0x40000000u
#define USER_STACK_TOP	0xBFFF0000u
#define USER_STACK_SIZE	0x00100000u	/* 1 MiB */
#define USER_SPACE_END	0xC0000000u

/* A program starts at its ELF entry point with esp pointing at argc;
 * above it argv[0..argc-1], a NULL, and then the argument strings:
 *
 *   [esp]      argc
 *   [esp+4]    argv[0]  ... argv[argc-1], NULL
 *
 * All general registers are zero except esp; eflags has only IF set. */

/* The console: Ctrl-T moves console input to the next program that reads
 * the console (for example, the next guest's Launcher); Ctrl-] moves it
 * to the program that claimed the monitor key (/bin/monitor) with
 * CONSOLE_CLAIM_MONITOR, an ioctl on /dev/console. */
#define CONSOLE_FOCUS_KEY	0x14
#define CONSOLE_MONITOR_KEY	0x1d
#define CONSOLE_CLAIM_MONITOR	0x4301	/* () -> 0, or -EBUSY: claimed by another */
#define CONSOLE_GIVE_FOCUS	0x4302	/* (pid, by value) -> 0, or -ESRCH: pid
					   does not read the console */
#define CONSOLE_SET_LABEL	0x4303	/* (const char *label) -> 0, or -EINVAL:
					   empty, not printable, K_NAME_MAX or
					   longer: the focus line shows it */

#endif
