/*L:040 launcher/launcher.h: what every part of the Launcher shares, and
 * what a person (or a test) watching the console will see.
 *
 * One Launcher owns one guest, and struct guest is all it knows about it:
 * the guest's memory as mapped here, its devices, and the line buffer its
 * output goes through. Each device is a module (console.c, and the block
 * device, block.c) behind a struct device_ops: the run loop does not know
 * what a console is, only that a queue was kicked or input arrived.
 *
 * Output formats. Guest output, whether written with KH_CONSOLE_WRITE or
 * through the console device, is printed a line at a time, every line
 * starting "[NAME] " so several guests can be told apart (output.c). The
 * Launcher's own lines start "launcher: ":
 *
 *   launcher: guest NAME powered off                   exit 0
 *   launcher: guest NAME powered off: MESSAGE          exit 0
 *   launcher: guest NAME crashed: MESSAGE              exit 126
 *   launcher: guest NAME killed: MESSAGE               exit 127
 *   launcher: guest NAME: bad virtqueue: WHAT          exit 127
 *   launcher: guest NAME: notify of unknown queue 0xX  exit 127
 *   launcher: guest NAME: bad console write 0xX len N  exit 127
 *   launcher: guest NAME: unknown shutdown kind N: MESSAGE     exit 127
 *   launcher: WHY, and on the next line the usage      exit 125 (command line)
 *   launcher: FILE: WHY                                exit 125 (cannot load FILE,
 *                                  or the --disk image, block.c)
 *   launcher: guest NAME: cannot map N KiB of guest memory (--mem M KiB and
 *     its device pages): WHY[; the host has F KiB free: ...]  exit 125
 *   launcher: guest NAME: another guest is already called NAME: give each its
 *     own --name                                     exit 125
 *   launcher: /dev/kennel: OP: REASON                  exit 125 (OP: open, KN_INIT,
 *                                  KN_RUN, KN_IRQ; a failed KN_STATS is reported
 *                                  but leaves the status the guest earned)
 *   launcher: /dev/kennel: KN_RUN: unknown exit reason N       exit 125
 *   launcher: /dev/console: REASON                     exit 125
 *   launcher: NAME stats: COUNTER VALUE                with --stats (stats.h)
 *
 * MESSAGE comes from the guest or the host and is printed with its control
 * bytes turned into '?', like guest output. Next: the command line,
 * launcher/options.h. */
#ifndef LAUNCHER_LAUNCHER_H
#define LAUNCHER_LAUNCHER_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/virtio.h"
#include "launcher/guest_mem.h"
#include "launcher/output.h"
#include "launcher/virtqueue.h"

/*L:045 The exit status says how the guest ended, so a script (or the
 * host's own "exited with status N" line) can tell a guest that finished
 * from one that failed, and a guest that failed from one that was
 * stopped. A guest that powers off gives its own status (KH_SHUTDOWN's
 * third argument: pup's shell's `exit 3` makes the Launcher exit 3), as
 * ssh gives the remote command's; the Launcher's own endings sit above
 * what a guest normally says, as timeout(1)'s do (a guest that says 125
 * itself is told apart by the Launcher's last line):*/
#define LAUNCHER_EXIT_POWEROFF	0	/* the guest powered off (with status 0) */
#define LAUNCHER_EXIT_ERROR	125	/* usage, loading or /dev/kennel error */
#define LAUNCHER_EXIT_CRASHED	126	/* the guest said KH_SHUTDOWN_CRASH */
#define LAUNCHER_EXIT_KILLED	127	/* killed by the host, or broke its devices */
/*:*/

/* Not an exit status: "carry on running the guest". */
#define LAUNCHER_RUNNING	(-1)

struct guest;
struct device;

struct device_ops {
	const char *name;
	uint32_t type;			/* KN_DEV_* */
	uint32_t num_queues;
	/* The guest kicked queue q (KH_NOTIFY). */
	int (*kick)(struct guest *g, struct device *d, uint32_t q);
	/* Console input is waiting (KN_EXIT_INPUT); NULL if not interested. */
	int (*input)(struct guest *g, struct device *d);
};
/* Both return LAUNCHER_RUNNING or the exit status the guest has earned. */

struct device {
	const struct device_ops *ops;
	void *state;			/* the module's own */
	struct vq queues[KN_MAX_QUEUES];
};

struct guest {
	const char *name;
	int fd;				/* /dev/kennel */
	uint32_t entry;			/* the kernel's first instruction */
	struct guest_mem mem;		/* [0, pfn_limit pages) */
	uint32_t ram_bytes;		/* RAM is [0, ram_bytes) */
	struct kn_device_page page;	/* our copy: the guest may scribble on its own */
	struct device devices[KN_MAX_DEVICES];
	struct guest_output out;
};

/* devices.c */
int device_add(struct guest *g, const struct device_ops *ops, void *state);
int attach_queues(struct guest *g, char *why, size_t whylen);
struct device *find_queue(struct guest *g, uint32_t gpa, uint32_t *q);

/* run.c */
int run_guest(struct guest *g);
void print_stats(struct guest *g);
int send_irq(struct guest *g, uint32_t irq);
int bad_virtqueue(struct guest *g, const char *what);

/* console.c */
int console_add(struct guest *g);

/* block.c: the --disk device */
int block_add(struct guest *g, const char *image, bool snapshot);

/* launcher.c: a whole file, in a buffer to free; NULL (said) if not. */
void *read_file(const char *path, uint32_t *size);

#endif
