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
#define KN_GET_STATE		0x4b20	/* struct kn_guest_state * (out) */
#define KN_SET_STATE		0x4b21	/* struct kn_guest_state * (in) */
#define KN_SAVE_DONE		0x4b22	/* struct kn_save_result * (in) */
#define KN_EXIT_ON_HALT		0x4b09	/* 0 or 1 (by value): a halted guest returns
					   KN_EXIT_HALTED instead of sleeping in KN_RUN */
/* Request numbers: 0x4b01-0x4b0f /dev/kennel (0x4b08 is KN_UF_OPEN), 0x4b10-0x4b1f
 * /dev/kennelctl, 0x4b20-0x4b2f snapshots, 0x4b40-0x4b7f the userfault handle
 * (arch/x86/kennel_userfault.h). A new request takes the next free number
 * of its block, here. */

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
#define KN_EXIT_SAVE		6	/* arg0 = KN_SAVE_*; message = the file: save,
					   then answer with KN_SAVE_DONE */
#define KN_EXIT_USERFAULT	7	/* arg0 = gpa (page), arg1 = KN_UF_FLAG_*: the guest
					   waits for that page (L:710); read the handle */
#define KN_EXIT_HALTED		8	/* the guest halted, with KN_EXIT_ON_HALT set */

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

/*H:805 A guest's whole CPU-side state, for snapshots (host/guest_state.c):
 * everything the host keeps for a guest that is not in its memory. The
 * Launcher reads it with KN_GET_STATE and gives it to a new guest with
 * KN_SET_STATE, between two KN_RUNs (the guest is not running then). A
 * snapshot file is untrusted input, so KN_SET_STATE checks all of it as
 * the hypercalls that set each part would (H:810) and refuses the whole
 * with -EINVAL, changing nothing, if any part is wrong (-EAGAIN if the
 * page of its shared data is missing, L:710). KN_GET_STATE says -EAGAIN
 * while a trap's delivery waits for a page: resolve it, run, ask again.
 * The timer travels
 * as the time left, since host ticks mean nothing in another boot; the
 * guest's clock as the value it had, so it goes on from there. */
#define KN_GDT_SLOTS		16	/* GDT_ENTRIES (arch/x86/desc.h) */
#define KN_IDT_GATES		256
#define KN_FPU_BYTES		108	/* an fnsave image */

#define KN_GS_LINEAR		0x01	/* no KH_NEW_PGTABLE yet: gpgdir unused */
#define KN_GS_HALTED		0x02	/* in KH_HALT */
#define KN_GS_VIRTUAL_TS	0x04	/* its own CR0.TS (KH_TS) */
#define KN_GS_FPU_SAVED		0x08	/* fpu holds its x87 registers */
#define KN_GS_HCALL_WAITING	0x10	/* regs hold a hypercall not yet run */
#define KN_GS_FLAGS		0x1f

struct kn_desc {
	uint32_t lo, hi;
};

struct kn_guest_state {
	uint32_t size;			/* sizeof(struct kn_guest_state) */
	uint32_t flags;			/* KN_GS_* */
	struct kn_regs regs;
	uint32_t cr2;
	uint32_t data_gpa;		/* KH_INIT's shared page, 0: none */
	uint32_t async_next;		/* next async ring slot the host runs */
	uint32_t syscall_vector;	/* read at KH_INIT */
	uint32_t stack_ss, stack_esp;	/* KH_SET_STACK */
	uint32_t gpgdir;		/* KH_NEW_PGTABLE's directory, the one in use */
	uint32_t kernel_address;	/* as KH_NEW_PGTABLE read it */
	uint32_t irqs_pending;		/* bit n: IRQ n waits */
	uint32_t blocked_when_halted;
	uint64_t timer_left_us;		/* 0: no timer */
	uint64_t time_ns;		/* the guest's clock (kennel_data.time_ns) */
	struct kn_desc gdt[KN_GDT_SLOTS];	/* as the host keeps them */
	struct kn_desc idt[KN_IDT_GATES];
	uint8_t fpu[KN_FPU_BYTES];
	uint32_t reserved;		/* 0: the size is a multiple of 8 */
};

/* KN_EXIT_SAVE's kind, and the Launcher's answer (KN_SAVE_DONE): 0 or a
 * negative errno, and a line saying what was done or what went wrong. */
#define KN_SAVE_FULL		0	/* memory, state and devices */
#define KN_SAVE_DELTA		1	/* only what changed since the last */

struct kn_save_result {
	int32_t result;
	char message[KN_MESSAGE_MAX];	/* NUL-terminated */
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
	uint64_t uf_guest_faults;	/* missing pages the guest touched (L:710) */
	uint64_t uf_host_faults;	/* ... the host touched for it, the operation restarted */
	uint64_t uf_launcher_faults;	/* ... its Launcher touched (refused: L:715) */
	uint64_t uf_zero_copies;	/* shared zero pages copied on their first write */
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
#define KN_CTL_PM_SCAN		0x4b18	/* struct kn_ctl_scan * (in/out) */
#define KN_CTL_SAVE		0x4b1c	/* struct kn_save_request * (in/out) */

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

/*L:045 A Launcher's exit status says how the guest ended, so a script (or the
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
/* KN_CTL_PM_SCAN: KN_PM_SCAN (above) of any guest, for the monitor's
 * scan command; the same checks, errors and answer, vec in the caller's
 * memory. */
struct kn_ctl_scan {
	uint32_t id;			/* in */
	uint32_t reserved;
	struct pm_scan_arg arg;		/* in/out, as for KN_PM_SCAN */
};

/* KN_CTL_SAVE asks a guest's Launcher to save it (KN_EXIT_SAVE) and waits
 * for its answer: -EBUSY while another save of it is under way, -EINVAL
 * for a bad kind or a path that is empty, too long or not printable,
 * -EPIPE if the guest dies first. */
#define KN_PATH_MAX		128	/* a snapshot's path, with its NUL */

struct kn_save_request {
	uint32_t id;			/* in */
	uint32_t kind;			/* in: KN_SAVE_* */
	char path[KN_PATH_MAX];		/* in */
	struct kn_save_result answer;	/* out */
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
_Static_assert(offsetof(struct kn_guest_state, regs) == 8 &&
	       offsetof(struct kn_guest_state, timer_left_us) == 8 + 72 + 40 &&
	       offsetof(struct kn_guest_state, gdt) == 8 + 72 + 56 &&
	       offsetof(struct kn_guest_state, fpu) == 136 + 8 * (KN_GDT_SLOTS + KN_IDT_GATES) &&
	       sizeof(struct kn_guest_state) ==
	       136 + 8 * (KN_GDT_SLOTS + KN_IDT_GATES) + KN_FPU_BYTES + 4,
	       "struct kn_guest_state is ABI");
_Static_assert(sizeof(struct kn_save_result) == 4 + KN_MESSAGE_MAX &&
	       offsetof(struct kn_save_request, answer) == 8 + KN_PATH_MAX &&
	       sizeof(struct kn_save_request) == 12 + KN_PATH_MAX + KN_MESSAGE_MAX,
	       "struct kn_save_request is ABI");
_Static_assert(sizeof(struct kn_stats) == KH_STATS_MAX, "KH_GET_STATS writes a struct kn_stats");
_Static_assert(offsetof(struct kn_ctl_scan, arg) == 8 && sizeof(struct kn_ctl_scan) == 104,
	       "struct kn_ctl_scan is ABI");
_Static_assert(offsetof(struct kn_stats, traps) == 8 * KH_NR_CALLS &&
	       offsetof(struct kn_stats, host_interrupts) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS) &&
	       offsetof(struct kn_stats, page_tables) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS + 6) &&
	       offsetof(struct kn_stats, uf_zero_copies) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS + 10) &&
	       sizeof(struct kn_stats) == 8 * (KH_NR_CALLS + KN_STATS_TRAPS + 11),
	       "struct kn_stats is ABI");

#endif
