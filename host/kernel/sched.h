/* host/kernel/sched.h: the scheduler, sleeping and waking (host/kernel/sched.c, U:300).
 *
 * The sleep protocol. A kernel path that must wait for a condition that
 * an interrupt (or another process) makes true writes:
 *
 *	uint32_t flags = irq_save();
 *	while (!condition && !proc_should_stop(current))
 *		proc_sleep();			(or sleep_on(chan))
 *	irq_restore(flags);
 *
 * proc_sleep must be called with interrupts disabled; it gives up the CPU
 * and returns, still with interrupts disabled, after a proc_wake(current)
 * (or spuriously: hence the loop). Because the condition is tested with
 * interrupts off, an interrupt cannot make it true and call proc_wake
 * between the test and the sleep; and a proc_wake that reaches a process
 * which is not sleeping is remembered, so the next proc_sleep returns at
 * once instead of losing it. */
#ifndef HOST_SCHED_H
#define HOST_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "host/kernel/proc.h"

extern struct process *current;	/* NULL while the scheduler itself runs */

/* Takes timer_tick_hook, calling any hook installed before it. */
void sched_init(void);
/* The scheduler loop, on the boot stack: run processes until done()
 * returns true (asked with interrupts disabled before each choice),
 * halting when nothing is runnable. */
void sched_run(bool (*done)(void));
/* TSC ticks spent halted with nothing to run, since boot. */
uint64_t sched_idle_tsc(void);
/* Give up the CPU; current stays runnable. */
void sched_yield(void);
/* If the timer asked for a reschedule, yield now. Callable in kernel
 * context with interrupts on (a long kernel loop calls it). */
void sched_preempt_point(void);
/* Lay out p's kernel stack so that the first switch to it "returns"
 * through trap_return into ring 3, from the frame spawn left in
 * proc_frame(p). */
void sched_new_context(struct process *p);
/* The last switch away from an exiting process. */
void sched_exit(void) __attribute__((noreturn));

void proc_sleep(void);
/* Safe from interrupt context. */
void proc_wake(struct process *p);
/* Sleep until wakeup(chan), with the same protocol as proc_sleep. */
void sleep_on(const void *chan);
void wakeup(const void *chan);
/* SYS_SLEEP: 0, or -EINTR if killed. */
int32_t sched_sleep_ms(uint32_t ms);

#endif
