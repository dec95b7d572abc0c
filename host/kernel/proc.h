/* host/kernel/proc.h: host processes (host/kernel/proc.c, U:100). */
#ifndef HOST_PROC_H
#define HOST_PROC_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86/syscall.h"
#include "host/kernel/trap.h"

#define PROC_MAX	64		/* processes alive or not yet reaped */
#define PROC_MAX_FDS	16
#define KSTACK_PAGES	4
#define KSTACK_SIZE	(KSTACK_PAGES * 4096u)	/* 16 KiB */

enum proc_state {
	PROC_UNUSED,
	PROC_NEW,		/* being built by spawn; not yet runnable */
	PROC_RUNNABLE,		/* waiting for the CPU */
	PROC_RUNNING,		/* this is current */
	PROC_SLEEPING,		/* blocked until proc_wake() */
	PROC_ZOMBIE,		/* exited; the parent has not reaped it yet */
};

struct file;

/* A range of user memory that SYS_MUNMAP must leave alone because
 * somebody else (the hypervisor, for a guest's memory) holds its frames
 * (host/kernel/uspace.c, U:145). */
#define USPACE_PINS	16

struct pinned_range {
	uint32_t va, len;
};

/* A range whose writes someone wants to hear of (U:900). */
#define USPACE_WATCHES	4

typedef void (*uspace_watch_fn)(void *ctx, uint32_t va);

struct watched_range {
	uint32_t va, len;		/* len 0: a free slot */
	uspace_watch_fn fn;
	void *ctx;
};

/* Address space with no frames until its owner puts them in, and the
 * owner's fault handler (U:920): true if the page at va is there now. */
#define USPACE_RESERVES	4

typedef bool (*uspace_fault_fn)(void *ctx, uint32_t va, bool write);

struct demand_range {
	uint32_t va, len;		/* len 0: a free slot */
	uspace_fault_fn fn;		/* NULL: no owner yet, a fault is a fault */
	void *ctx;
};

struct process {
	int32_t pid;
	char name[K_NAME_MAX];		/* the path it was started from */
	struct process *parent;		/* NULL: the host itself */
	volatile enum proc_state state;
	uint32_t *pgdir;		/* its address space; kernel half shared */
	uint8_t *kstack;		/* lowest byte of its KSTACK_SIZE stack */
	uint32_t kesp;			/* saved kernel esp while switched out */
	struct file *fds[PROC_MAX_FDS];
	int32_t exit_status;
	uint32_t pages;			/* user pages mapped */
	uint64_t ticks;			/* timer ticks spent running */
	volatile bool killed;		/* SYS_KILL: exit at the next chance */
	bool exiting;			/* proc_exit has begun */
	volatile bool wake_pending;	/* proc_wake() while not sleeping */
	const void *wait_chan;		/* what sleep_on() waits for */
	uint64_t wake_tick;		/* SYS_SLEEP: wake at this tick; 0 = no */
	struct pinned_range pins[USPACE_PINS];	/* uspace_pin; len 0 = free */
	struct watched_range watches[USPACE_WATCHES];	/* uspace_watch */
	struct demand_range reserves[USPACE_RESERVES];	/* uspace_mmap_reserve */
};

/* The trap frame every entry from ring 3 leaves at the top of the
 * process's kernel stack (TSS esp0 points just above it). */
static inline struct trap_frame *proc_frame(struct process *p)
{
	return (struct trap_frame *)(p->kstack + KSTACK_SIZE) - 1;
}

/* A fresh process in *out: a pid, an empty address space, a kernel
 * stack. The scheduler ignores it until proc_start(). 0, or -EAGAIN when
 * the table is full, -ENOMEM when memory is. */
int32_t proc_alloc(const char *name, struct process *parent, struct process **out);
/* Undo proc_alloc for a process that never ran. */
void proc_discard(struct process *p);
void proc_start(struct process *p);
/* End current: close its files, free its memory, become a zombie and
 * wake the parent. Never returns. */
void proc_exit(int32_t status) __attribute__((noreturn));
/* Free a zombie and return its pid; *status gets its exit status. */
int32_t proc_reap(struct process *p, int32_t *status);
/* SYS_WAIT's blocking part: reap a child (pid, or -1 for any) and
 * return its pid, or -ECHILD (no such child), -EINTR (killed). */
int32_t proc_wait(int32_t pid, int32_t *status);
/* SYS_KILL: 0 or -ESRCH. */
int32_t proc_kill(int32_t pid);
void proc_kill_all(void);

struct process *proc_find(int32_t pid);
/* The index-th process in the table, or NULL past the end. */
struct process *proc_nth(uint32_t index);
/* The slot a process occupies, 0..PROC_MAX-1 (for per-process tables
 * kept by other files, like the console's line buffers). */
unsigned proc_slot(const struct process *p);
struct process *proc_by_slot(unsigned slot);
uint32_t proc_count(void);
/* A zombie child of parent (NULL: the host) with this pid (-1: any);
 * *has_child tells whether parent has any matching child at all. */
struct process *proc_zombie_child(struct process *parent, int32_t pid, bool *has_child);

/* Killed or exiting: long kernel loops must return. */
bool proc_should_stop(struct process *p);

#endif
