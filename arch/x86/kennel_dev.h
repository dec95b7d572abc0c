/*L:020 arch/x86/kennel_dev.h: how a Launcher drives the hypervisor.
 *
 * A Launcher opens /dev/kennel (one guest per open file) and talks to it
 * with ioctl. KN_INIT hands the host the guest's memory: the Launcher has
 * mapped it at mem_base in its own address space, so guest-physical X is
 * the Launcher's address mem_base + X, valid for X < pfn_limit pages.
 * KN_RUN runs the guest until something needs the Launcher and then fills
 * a struct kn_exit saying what. Closing the file (or exiting) destroys the
 * guest and frees everything the host held for it. */
#ifndef ARCH_X86_KENNEL_DEV_H
#define ARCH_X86_KENNEL_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/hypercall.h"

#define KN_DEVICE_PATH		"/dev/kennel"

#define KN_INIT			0x4b01	/* struct kn_init * */
#define KN_RUN			0x4b02	/* struct kn_exit * (out) */
#define KN_IRQ			0x4b03	/* irq number (by value) */
#define KN_GET_REGS		0x4b04	/* struct kn_regs * (out) */
#define KN_SET_REGS		0x4b05	/* struct kn_regs * (in) */
#define KN_STATS		0x4b06	/* struct kn_stats * (out) */
#define KN_PM_SCAN		0x4b07	/* struct pm_scan_arg * (in/out) */

#define KN_NAME_MAX		32	/* a guest's name, with its NUL */

struct kn_init {
	uint32_t mem_base;		/* page-aligned address in the Launcher */
	uint32_t pfn_limit;		/* guest frames [0, pfn_limit) are valid */
	uint32_t entry;			/* initial eip */
	uint32_t boot_info;		/* initial esi: gpa of kennel_boot_info */
	uint32_t flags;			/* KN_INIT_* */
	char name[KN_NAME_MAX];		/* printable, NUL-terminated, not empty, and
					 * no other guest's (else EEXIST) */
};

/* Return from KN_RUN also when console input waits for this Launcher. */
#define KN_INIT_WAKE_ON_INPUT	0x1

#define KN_EXIT_NOTIFY		1	/* arg0 = the KH_NOTIFY value */
#define KN_EXIT_CONSOLE		2	/* arg0 = gpa, arg1 = len: KH_CONSOLE_WRITE */
#define KN_EXIT_INPUT		3	/* console input is ready for us */
#define KN_EXIT_SHUTDOWN	4	/* arg0 = KH_SHUTDOWN_*, arg1 = status; message = the guest's */
#define KN_EXIT_KILLED		5	/* the host killed the guest; message = why */

#define KN_MESSAGE_MAX		160

struct kn_exit {
	uint32_t reason;		/* KN_EXIT_* */
	uint32_t arg0, arg1;
	char message[KN_MESSAGE_MAX];	/* NUL-terminated */
};

struct kn_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
	uint32_t eip, eflags, cs, ss, ds, es, fs, gs;
	uint32_t trapnum, errcode;
};

/* Counters the host keeps per guest (KN_STATS). */
#define KN_STATS_TRAPS		32	/* trap vectors 0..31 counted one by one */

struct kn_stats {
	uint64_t hypercalls[KH_NR_CALLS];	/* by call number */
	uint64_t traps[KN_STATS_TRAPS];	/* by vector, as seen by the host */
	uint64_t host_interrupts;	/* host IRQs that ended a guest run */
	uint64_t switches;		/* entries into the guest */
	uint64_t irqs_delivered;	/* virtual interrupts delivered */
	uint64_t reflected;		/* traps reflected to the guest */
	uint64_t emulated;		/* instructions emulated by the host */
	uint64_t shadow_faults;		/* page faults fixed by shadow paging */
	uint64_t page_tables;		/* shadow page-table pages held now */
};

/* KN_PM_SCAN: the categories of guest-physical pages, with the argument
 * layout and the semantics of Linux's PAGEMAP_SCAN (struct pm_scan_arg,
 * uapi linux/fs.h), except that start and end are guest-physical
 * addresses. The ioctl returns the number of regions written to vec.
 * Bits 0-6 mean what Linux's do; kennel's own start at 16. */
#define PAGE_IS_WPALLOWED	(1ull << 0)	/* write tracking armed */
#define PAGE_IS_WRITTEN		(1ull << 1)	/* written since armed, by any path */
#define PAGE_IS_FILE		(1ull << 2)	/* backed by a file not yet read in */
#define PAGE_IS_PRESENT		(1ull << 3)	/* has a frame */
#define PAGE_IS_SWAPPED		(1ull << 4)	/* paged out (reserved) */
#define PAGE_IS_PFNZERO		(1ull << 5)	/* the shared zero frame */
#define PAGE_IS_HUGE		(1ull << 6)	/* reserved, never set */
#define PAGE_IS_MISSING		(1ull << 16)	/* registered missing, not yet filled */
#define PAGE_IS_PINNED		(1ull << 17)	/* referenced beyond the Launcher's mapping */
#define PAGE_IS_PAGETABLE	(1ull << 18)	/* shadowed as a guest page table */
#define PAGE_IS_ACCESSED	(1ull << 19)	/* used by the guest since armed */
#define PM_SCAN_CATEGORIES	(0x7full | (0xfull << 16))

#define PM_SCAN_WP_MATCHING	(1ull << 0)	/* re-arm write tracking of what matched */
#define PM_SCAN_CHECK_WPASYNC	(1ull << 1)	/* -EPERM if any page is not armed */
#define PM_SCAN_FLAGS		(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC)

struct page_region {
	uint64_t start, end;		/* [start, end), guest-physical */
	uint64_t categories;		/* PAGE_IS_* & return_mask */
};

struct pm_scan_arg {
	uint64_t size;			/* sizeof(struct pm_scan_arg) */
	uint64_t flags;			/* PM_SCAN_* */
	uint64_t start, end;		/* start page-aligned */
	uint64_t walk_end;		/* out: where the walk stopped */
	uint64_t vec, vec_len;		/* struct page_region[vec_len]; 0: none */
	uint64_t max_pages;		/* 0: no limit */
	uint64_t category_inverted;
	uint64_t category_mask;		/* all of these, after inversion */
	uint64_t category_anyof_mask;	/* if not 0, at least one of these */
	uint64_t return_mask;		/* reported in page_region.categories */
};

/* The control device: how the monitor (/bin/monitor) sees and steers
 * every guest. Guests are numbered by their slot in the host's table,
 * 0..KN_GUESTS_MAX-1. Each request takes a guest id; it fails with -EINVAL
 * for an id beyond the table and -ENOENT for an empty slot. KN_CTL_PAUSE
 * stops a guest until KN_CTL_RESUME (-EALREADY if it already is, or is
 * not); KN_CTL_KILL kills it, and its Launcher reports the reason. */
#define KN_CTL_PATH		"/dev/kennelctl"
#define KN_GUESTS_MAX		16

#define KN_CTL_INFO		0x4b11	/* struct kn_guest_info * (id in, rest out) */
#define KN_CTL_PAUSE		0x4b12	/* guest id (by value) */
#define KN_CTL_RESUME		0x4b13	/* guest id (by value) */
#define KN_CTL_KILL		0x4b14	/* guest id (by value) */

#define KN_STATE_RUNNING	1	/* running, or ready to */
#define KN_STATE_HALTED		2	/* waiting for an interrupt */
#define KN_STATE_PAUSED		3	/* stopped by KN_CTL_PAUSE */
#define KN_STATE_DEAD		4	/* killed; its Launcher has yet to close it */

struct kn_guest_info {
	uint32_t id;			/* in */
	int32_t launcher_pid;
	uint32_t state;			/* KN_STATE_* */
	uint32_t pfn_limit;		/* its memory, in pages */
	uint64_t uptime_ms;		/* since KN_INIT */
	uint32_t host_frames;		/* frames the host holds for it */
	char name[KN_NAME_MAX];
	uint32_t reserved;
	struct kn_stats stats;
};

/* These structures cross from the Launcher's build to the host's, so
 * their layout is the ABI: pinned here, field by field. */
_Static_assert(sizeof(struct kn_init) == 20 + KN_NAME_MAX, "struct kn_init is ABI");
_Static_assert(offsetof(struct kn_guest_info, name) == 28 &&
	       offsetof(struct kn_guest_info, stats) == 28 + KN_NAME_MAX + 4 &&
	       sizeof(struct kn_guest_info) == 32 + KN_NAME_MAX + sizeof(struct kn_stats),
	       "struct kn_guest_info is ABI");
_Static_assert(offsetof(struct kn_exit, message) == 12 &&
	       sizeof(struct kn_exit) == 12 + KN_MESSAGE_MAX, "struct kn_exit is ABI");
_Static_assert(offsetof(struct kn_regs, eip) == 32 && offsetof(struct kn_regs, trapnum) == 64 &&
	       sizeof(struct kn_regs) == 72, "struct kn_regs is ABI");
_Static_assert(sizeof(struct pm_scan_arg) == 96 && offsetof(struct pm_scan_arg, walk_end) == 32 &&
	       sizeof(struct page_region) == 24, "struct pm_scan_arg is Linux's layout");
_Static_assert(offsetof(struct kn_stats, traps) == 8 * KH_NR_CALLS &&
	       offsetof(struct kn_stats, host_interrupts) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS) &&
	       offsetof(struct kn_stats, page_tables) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS + 6) &&
	       sizeof(struct kn_stats) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS + 7),
	       "struct kn_stats is ABI");

#endif
