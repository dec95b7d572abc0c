/* guest/kernel/proc.h: processes (proc.c, G:330), the scheduler
 * (sched.c, G:340) and their lives (lifecycle.c, G:360). */
#ifndef GUEST_KERNEL_PROC_H
#define GUEST_KERNEL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/include/pup/syscall.h"
#include "guest/kernel/trap.h"

#define NPROC		64
#define NOFILE		16
#define PROC_NAME_MAX	32

enum proc_state {
	PROC_UNUSED,
	PROC_EMBRYO,		/* being built by fork or spawn */
	PROC_RUNNABLE,
	PROC_RUNNING,
	PROC_SLEEPING,
	PROC_ZOMBIE,
};

struct file;

struct proc {
	int32_t pid;
	enum proc_state state;
	struct proc *parent;
	char name[PROC_NAME_MAX];
	uint32_t *pgdir;		/* kernel_pgdir for kernel threads */
	uint32_t kstack;		/* the lowest address of its kernel stack */
	uint32_t context;		/* saved esp while switched out (G:350) */
	struct trap_frame *frame;	/* its ring-3 registers, at the stack's top */
	void (*thread)(void);		/* a kernel thread's body */
	const void *chan;		/* what it sleeps on */
	uint64_t wake_ms;		/* a timed sleep's end, or 0 */
	bool killed;			/* a signal ends it on its way out (G:820) */
	uint8_t kill_signal;		/* which one */
	uint32_t sig_ignored;		/* bit n: signal n is ignored */
	int32_t pgid;			/* its process group */
	int32_t exit_status;
	uint32_t heap_start, brk;	/* sbrk's range: [heap_start, brk) */
	uint64_t ticks;			/* timer ticks spent running */
	struct file *files[NOFILE];
	char cwd[PUP_PATH_MAX];
};

extern struct proc *current;

/* proc.c */
struct proc *proc_alloc(const char *name);
void proc_free(struct proc *p);
struct proc *proc_find(int32_t pid);
struct proc *proc_at(uint32_t slot);
struct proc *proc_idle(void);
struct proc *proc_init_idle(void);
void proc_set_name(struct proc *p, const char *name);
void proc_prepare_user(struct proc *p);
void proc_prepare_thread(struct proc *p, void (*body)(void));
void proc_make_runnable(struct proc *p);

/* sched.c */
void sched_init(void);
void schedule(void);
void sleep_on(const void *chan);	/* interrupts off */
void wakeup(const void *chan);
void wake_process(struct proc *p);
int32_t sleep_ms(uint32_t ms);
void sched_tick(void);
void use_pgdir(uint32_t *pgdir);
void return_to_user(struct trap_frame *f);
void __attribute__((noreturn)) idle_loop(void);

/* lifecycle.c */
int32_t proc_fork(struct trap_frame *f);
void __attribute__((noreturn)) proc_exit(int32_t status);
int32_t proc_wait(int32_t pid, int32_t *status);
int32_t proc_kill(int32_t pid, int32_t sig);
int32_t proc_kill_group(int32_t pgid, int32_t sig);
int32_t proc_set_group(int32_t pid, int32_t pgid);


/* A sleeping lock, for what may be held across a disk wait. */
struct sleeplock {
	bool held;
};

void lock(struct sleeplock *l);
void unlock(struct sleeplock *l);

#endif
