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
 *   launcher: scan-test: ...                           a test guest's scan (L:400)
 *   launcher: lazy: N pages on demand, ...             lazy memory's progress (lazy.h),
 *                                  every 64 MiB filled and when the guest stops
 *   launcher: guest NAME: lazy memory: OP[ of page 0xX]: WHY   exit 125
 *
 * MESSAGE comes from the guest or the host and is printed with its control
 * bytes turned into '?', like guest output. Next: the command line,
 * launcher/options.h. */
#ifndef LAUNCHER_LAUNCHER_H
#define LAUNCHER_LAUNCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "arch/x86/kennel_dev.h"
#include "arch/x86/virtio.h"
#include "launcher/guest_mem.h"
#include "launcher/output.h"
#include "launcher/virtqueue.h"

/* The Launcher's exit statuses are in arch/x86/kennel_dev.h (L:045): the
 * programs that start Launchers read them too. */

/* Not an exit status: "carry on running the guest". */
#define LAUNCHER_RUNNING	(-1)

struct guest;
struct device;
struct lazy;

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

/* The last snapshot this guest was saved to or restored from: a delta
 * names it as its parent (snapshot.c). */
struct snap_chain {
	uint64_t id;
	uint32_t sequence;
	int valid;			/* 0: the next save must be a full one */
	int scan_errno;			/* why write tracking could not be armed, or 0 */
};

struct guest {
	const char *name;
	const char *elf_path;		/* the kernel's file */
	int fd;				/* /dev/kennel */
	uint32_t entry;			/* the kernel's first instruction */
	struct guest_mem mem;		/* [0, pfn_limit pages) */
	uint32_t ram_bytes;		/* RAM is [0, ram_bytes) */
	struct kn_device_page page;	/* our copy: the guest may scribble on its own */
	struct device devices[KN_MAX_DEVICES];
	struct guest_output out;
	const char *disk_path;		/* --disk or --snapshot-disk IMAGE, or NULL */
	int disk_in_memory;		/* --snapshot-disk: a copy in our memory */
	struct snap_chain snap;
	struct lazy *lazy;		/* lazy memory's state (lazy.c), or NULL */
};

/* devices.c */
int device_add(struct guest *g, const struct device_ops *ops, void *state);
int attach_queues(struct guest *g, char *why, size_t whylen);
struct device *find_queue(struct guest *g, uint32_t gpa, uint32_t *q);

/* run.c */
int start_guest(struct guest *g);
int serve_guest(struct guest *g);
void say(struct guest *g, FILE *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_stats(struct guest *g);
int send_irq(struct guest *g, uint32_t irq);
int bad_virtqueue(struct guest *g, const char *what);

/* scan_test.c: a KH_NOTIFY of KN_SCAN_TEST_NOTIFY | gpa (L:400). */
int scan_test(struct guest *g, uint32_t value);

/* console.c */
int console_add(struct guest *g);
/* Typed input not yet given to the guest, for snapshots. */
uint32_t console_pending(const char **bytes);
void console_set_pending(const char *bytes, uint32_t len);

/* block.c: the --disk device */
int block_add(struct guest *g, const char *image, bool snapshot);
/* A disk in memory of this many bytes, zeroed, for a restore to fill. */
int block_add_memory(struct guest *g, const char *image, uint32_t bytes);
/* The disk's bytes in memory (NULL for a disk on a file), and its size. */
uint8_t *block_bytes(uint32_t *bytes);

/* snapshot.c: KN_EXIT_SAVE, and launcher --restore. */
struct launch_options;
int snapshot_save_request(struct guest *g, uint32_t kind, const char *path);
int snapshot_restore(struct guest *g, const struct launch_options *o);
/* snapshot_restore.c: page gpfn as the files of a lazy restore hold it,
 * for a save of pages still missing (L:620): 1 and its bytes (or CRC), 0
 * for a page of zeroes (none of the files has it; so too for a guest not
 * restored lazily), -1 if a file failed (said). */
int restore_page(uint32_t gpfn, uint8_t *page);
int restore_page_crc(uint32_t gpfn, uint32_t *crc);

/* launcher.c: mapping guest memory (0 or -1, said); the output's name. */
int map_memory(struct guest *g, uint32_t ram_bytes);
void start_output(struct guest *g, const char *name);
/* launcher.c: a whole file, in a buffer to free; NULL (said) if not. */
void *read_file(const char *path, uint32_t *size);
/* launcher.c: the TSC, and the host's halted TSC ticks, now and at main's
 * first line: a lazy restore's figure is the busy ticks in between. */
struct launcher_clock {
	uint64_t tsc, idle;
};
extern struct launcher_clock launcher_start;
struct launcher_clock launcher_clock_now(void);

#endif
