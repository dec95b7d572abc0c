/* host/kernel/condev.h: /dev/console (host/kernel/condev.c, U:250). */
#ifndef HOST_CONDEV_H
#define HOST_CONDEV_H

#include <stdbool.h>
#include "host/kernel/proc.h"

#define CONSOLE_LINE	256	/* a process's output is flushed at least this often */

/* Register /dev/console and take over serial input. */
void console_dev_init(void);
/* p has console focus and input is waiting for it. */
bool console_input_ready(struct process *p);
/* Put p in the focus ring (reading the console does it too); for a
 * driver that waits for input on p's behalf, like the hypervisor device
 * running a guest for its Launcher. */
void console_join(struct process *p);
/* p waits for input: if it has focus, show its unfinished line (its
 * prompt). For console reads and for drivers that wait on p's behalf. */
void console_prompt(struct process *p);
/* Show what p's unfinished line holds that is not on the screen yet; the
 * line stays unfinished (and is shown whole again if others write before
 * p finishes it). */
void console_flush(struct process *p);
/* p is exiting: flush its output, take it out of the focus ring. */
void console_proc_exit(struct process *p);

#endif
