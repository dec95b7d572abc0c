/*H:110 host/guest.h: everything the host knows about one guest.
 *
 * A guest belongs to the Launcher process that opened /dev/kennel for it
 * and is destroyed when that file is closed. Its memory is the Launcher's
 * (guest-physical X is the Launcher's address mem_base + X), so the host
 * touches guest memory only while that Launcher is the current process,
 * and only through host/memory/access.c. What the guest cannot be trusted
 * to keep, the host keeps here: its descriptor tables as checked, its
 * pending interrupts, its timer, the reason it died. Next: H:120. */
#ifndef HOST_GUEST_H
#define HOST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/desc.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/kennel_dev.h"
#include "host/kernel/proc.h"
#include "host/switcher.h"
#include "host/fpu_state.h"
#include "host/memory/scan.h"

#define GUESTS_MAX	KN_GUESTS_MAX	/* ids are slots of the table (H:130) */

/* A cached shadow page directory (V:150). */
#define SHADOW_DIRS	4

struct shadow_dir {
	uint32_t gpgdir;		/* gpa of the guest's directory */
	uint32_t *pgdir;		/* the host's shadow of it */
};

#define CHECKED_SELECTOR_SETS	4

struct guest {
	struct process *launcher;	/* owns the memory; runs the guest */
	uint32_t mem_base;		/* in the Launcher's address space */
	uint32_t pfn_limit;		/* frames [0, pfn_limit) are valid */
	bool pinned;			/* the OS keeps that range mapped (U:145) */
	struct gpage *gpages;		/* the guest memory object (V:300) */
	uint8_t gmap_ready[512];	/* per frame of gpages: 1 once cleared (V:315) */
	uint32_t gmap_live;		/* gpages with ref > 0 */
	bool gmap_dying;		/* teardown begun: gmap_get refuses */
	bool wp_pending;		/* pages armed since the last sweep (V:340) */
	bool special_held;		/* special_gpfn is held for the guest's life */
	uint32_t special_gpfn;		/* the shared page (V:350) */
	uint32_t flags;			/* KN_INIT_* */
	char name[KN_NAME_MAX];		/* the Launcher's --name, for the monitor */
	uint64_t created_ms;		/* timer_ms() at KN_INIT */

	/* The CPU state: the registers live in a host frame mapped as the
	 * Switcher's regs page while this guest runs. */
	uint32_t regs_frame;
	struct guest_regs *regs;
	uint32_t cr2;			/* the last page fault's address */
	struct desc gdt[GDT_ENTRIES];	/* as checked (host/guest_descriptors.c) */
	struct desc idt[IDT_ENTRIES];	/* the guest's own gates */
	uint32_t stack_ss, stack_esp;	/* KH_SET_STACK */

	/* The shared page and the hypercalls that came through it. */
	uint32_t data_gpa;		/* 0: KH_INIT not done yet */
	uint8_t *data_view;		/* the shared page in the host's direct map, held
					   by the gmap, or NULL when it straddles two
					   pages (V:205) */
	uint32_t async_next;		/* next ring slot the host runs */
	bool hcall_waiting;		/* regs hold a hypercall to run */
	uint64_t time_written;		/* tick of the last time_ns update */
	int64_t time_offset_ns;		/* guest clock - host clock (a restore's) */

	/* Interrupts. Set from the timer interrupt: volatile. */
	volatile uint32_t irqs_pending;	/* bit n: IRQ n waits */
	volatile uint64_t timer_deadline; /* host tick; 0 = no timer */
	bool halted;			/* KH_HALT: wait for an interrupt */
	uint32_t blocked_when_halted;	/* its blocked_irqs as it halted */

	/* Lazy FPU switching (host/guest_fpu.c). */
	bool virtual_ts;		/* the guest's own CR0.TS (KH_TS) */
	bool fpu_saved;			/* fpu_state holds its registers */
	uint8_t fpu_state[FPU_STATE_SIZE] __attribute__((aligned(16)));

	/* The shadow page tables (host/memory/shadow.c): one linear directory
	 * until the guest's first KH_NEW_PGTABLE, then a cache of shadows. */
	uint32_t *linear_pgdir;
	struct shadow_dir shadows[SHADOW_DIRS];
	uint32_t shadow_now;		/* index of the one in use */
	uint32_t shadow_victim;		/* the next to evict */
	uint32_t shadow_budget;		/* shadow pages it may hold (V:172) */
	uint32_t kernel_address;	/* from kennel_data at KH_NEW_PGTABLE */
	uint32_t kernel_slot;		/* pgd_index(kernel_address) */
	uint32_t syscall_vector;	/* direct-trap vector, 0 = none */

	/* Why KN_RUN returns: set by whatever needs the Launcher. */
	bool exit_ready;
	struct kn_exit exit;
	bool dead;
	volatile bool paused;		/* KN_CTL_PAUSE: run_guest waits (H:225) */

	bool descriptors_changed;	/* the Switcher must reload its copies */
	uint32_t gdt_version;		/* bumped by every change of gdt[] */
	struct checked_selectors {	/* the last sets that passed the entry */
		uint32_t cs, ss, ds, es, fs, gs, gdt_version;	/* check (H:225) */
		bool valid;
	} checked[CHECKED_SELECTOR_SETS];
	uint32_t checked_next;		/* the set the next new one replaces */
	struct checked_addresses {	/* what guest_addresses_ok last passed */
		uint32_t gdt_version, stack_ss, stack_esp, vector;	/* (H:236) */
		struct desc gate;
		bool valid;
	} checked_addresses;
	struct kn_stats stats;
	struct userfault *userfault;	/* KN_UF_OPEN's handle, or NULL (V:500) */
	/* A missing page stopped the guest (L:710, V:570): KN_RUN returns
	 * KN_EXIT_USERFAULT until the page is woken. */
	union {
		uint32_t uf_state;	/* nonzero: one of these, for run_guest (H:245) */
		struct {
			bool uf_waiting;
			uint8_t unused;
			uint16_t retry_trap;	/* vector + 1 of a trap to deliver again */
		};
	};
	uint32_t uf_wait_gpa, uf_wait_flags;
	bool exit_on_halt;		/* KN_EXIT_ON_HALT */
	bool lazy;			/* its Launcher's faults in its memory are ours (V:578) */

	/* A snapshot the monitor asked for (KN_CTL_SAVE, H:840): run_guest
	 * returns KN_EXIT_SAVE, the Launcher saves and answers KN_SAVE_DONE. */
	bool save_pending;		/* not yet handed to the Launcher */
	bool save_busy;			/* asked for, not yet answered */
	uint32_t save_kind;		/* KN_SAVE_* */
	char save_path[KN_PATH_MAX];
	struct save_wait *save_wait;	/* the monitor's, while it waits */
	struct scan_index written;	/* pages that may be written (V:420) */
	bool watched;			/* the Launcher's mapping is (V:440) */
};

/*H:120 The one way a guest dies. kill_guest records the first reason (the
 * later ones are usually consequences) and marks the guest dead; run_guest
 * sees that before the next entry and returns it to the Launcher. Host code
 * never passes a guest's error upward: it kills, then carries on with
 * harmless values until control gets back to run_guest. */
void kill_guest(struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ask run_guest to return to the Launcher with this exit. */
void guest_exit_to_launcher(struct guest *g, uint32_t reason, uint32_t arg0, uint32_t arg1);

/* The guest's memory size in bytes: every valid gpa is below it. */
static inline uint64_t guest_limit(const struct guest *g)
{
	return (uint64_t)g->pfn_limit * PAGE_SIZE;
}

/* The guest-physical address of a field of the guest's struct kennel_data
 * (valid once KH_INIT has set data_gpa). */
#define KDATA(g, field)	((g)->data_gpa + offsetof(struct kennel_data, field))

/* Is [gpa, gpa+len) wholly inside the guest's memory? In 64 bits, so
 * that no gpa + len can wrap around. */
static inline bool guest_range_ok(const struct guest *g, uint64_t gpa, uint64_t len)
{
	return gpa <= guest_limit(g) && len <= guest_limit(g) - gpa;
}

/* host/guests.c: the table of guests alive (H:130). guest_slot(i) is the
 * guest in slot i, or NULL; guests_add is 0, -EEXIST when another guest
 * has g's name, or -EAGAIN when the table is full. */
struct guest *guest_slot(uint32_t i);
int32_t guests_add(struct guest *g);
void guests_remove(struct guest *g);

/* host/kennel_dev.c */
void kennel_dev_init(void);

/* host/control.c: /dev/kennelctl, the monitor's view (H:700). */
void control_dev_init(void);

/* host/run_guest.c */
void run_guest(struct guest *g);

/* host/hypercalls.c */
void hypercalls_init(void);
void do_hypercalls(struct guest *g);
void update_guest_time(struct guest *g);

/* host/guest_descriptors.c */
void guest_gdt_init(struct guest *g);
const char *gdt_entry_problem(uint32_t index, struct desc d);
void set_gdt_entry(struct guest *g, uint32_t index, struct desc d);
const char *idt_entry_problem(uint32_t vector, struct desc gate);
void set_idt_entry(struct guest *g, uint32_t vector, struct desc gate);
uint32_t guest_eflags(uint32_t eflags);
const char *stack_selector_problem(const struct guest *g, uint32_t ss);
bool guest_selectors_ok(const struct guest *g, const struct guest_regs *r, const char **why);
bool guest_eip_ok(const struct guest *g, const struct guest_regs *r, const char **why);
#define SWITCHER_REACHED "reaches into the Switcher's pages"
bool stack_in_bounds(const struct guest *g, uint32_t ss, uint32_t esp);
bool handler_in_bounds(const struct guest *g, struct desc gate);
bool guest_addresses_ok(const struct guest *g, const char **why);
uint32_t guest_stub_dpl(const struct guest *g, uint32_t vector);
bool direct_trap(const struct guest *g, uint32_t vector);
const char *syscall_vector_problem(uint32_t vector);
uint32_t segment_base(const struct guest *g, uint32_t sel);

/* host/guest_interrupts.c */
void interrupts_init(void);
void deliver_trap(struct guest *g, uint32_t vector);
void maybe_deliver_interrupt(struct guest *g);
bool interrupt_deliverable(struct guest *g);
void raise_irq(struct guest *g, uint32_t irq);
void set_guest_timer(struct guest *g, uint32_t usecs);
uint32_t guest_irq_enabled(struct guest *g);
void set_guest_irq_enabled(struct guest *g, uint32_t flag);

/* host/guest_state.c: snapshots of the CPU side (H:800). */
int32_t guest_get_state(struct guest *g, struct kn_guest_state *s);
int32_t guest_set_state(struct guest *g, const struct kn_guest_state *s);
int32_t guest_request_save(struct guest *g, struct kn_save_request *req);
bool guest_take_save(struct guest *g);
int32_t guest_save_answered(struct guest *g, const struct kn_save_result *answer);
void guest_save_abandon(struct guest *g);
uint64_t guest_clock_ns(const struct guest *g);

/* host/emulate.c */
bool emulate_insn(struct guest *g);

/* host/memory/userfault.c: the userfault handle (V:500). */
int32_t userfault_open(struct guest *g, uint32_t flags);
void userfault_guest_gone(struct guest *g);
/* A page the guest, or the host for it (KN_UF_FLAG_HOST), could not use:
 * queue its message and make the guest wait, or kill it (V:570). */
void userfault_raise(struct guest *g, uint32_t gpa, uint32_t flags);
/* The Launcher touched missing page gpa itself (V:578): told, refused. */
void userfault_launcher_touch(struct guest *g, uint32_t gpa, bool write);

/* Whether a missing page stopped the guest in the middle of something:
 * whoever acts after touching guest memory asks, and gives up without
 * acting, to start again from the beginning once the page is there. */
static inline bool guest_waits(const struct guest *g)
{
	return g->uf_waiting;
}

/* host/guest_fpu.c */
void fpu_init(void);
void fpu_before_entry(struct guest *g);
void fpu_after_exit(struct guest *g);
void fpu_take(struct guest *g);
void fpu_forget(struct guest *g);
void fpu_release(struct guest *g);

#endif
