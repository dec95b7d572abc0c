/*T:300 tests/guests/lib/guest.h: the test guests, and everything a test
 * guest can call.
 *
 * The boot tests of the earlier chapters watch the host from outside. The
 * hypervisor's promises (arch/x86/hypercall.h) are made to a guest, so
 * they are best checked from inside one. A test guest is a tiny guest
 * kernel with one job: it boots in ring 1 exactly as hypercall.h says,
 * checks one area of the contract, prints a single line
 *
 *   Test result: SUCCESS        (or FAILURE, SKIP, ERROR)
 *
 * and powers off. A test guest whose line is missing has crashed or hung,
 * which is a failure too. The boot test (tests/boot/test_guests.py, T:480)
 * starts guests through the Launcher and reads their lines off the serial
 * console, where the Launcher prefixes each one with "[NAME] ".
 *
 * Each guest is one C file in tests/guests/ that defines test_main(). The
 * runtime in tests/guests/lib/ does the rest: it sets up a stack, zeroes
 * the bss, registers the shared page (KH_INIT), points every exception
 * vector at its own entry stubs, names a stack for traps from ring 3,
 * turns virtual interrupts on and calls test_main. The pieces, in the
 * order the tour reads them: the link script (T:305), the build (T:310),
 * the first instructions (T:320), the start in C (T:330), hypercalls
 * (T:340), the trap entry and exit (T:350, T:360), catching traps and
 * running code in ring 3 (T:370), virtual interrupts and time (T:380),
 * printing and results (T:390), and the probes, the instructions the
 * tests provoke (T:395). Then the guests, from T:400; the paging guests
 * have a little runtime of their own, address spaces (T:600). */
#ifndef TESTS_GUESTS_LIB_GUEST_H
#define TESTS_GUESTS_LIB_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/paging.h"
#include "arch/x86/virtio.h"
#include "tests/guests/lib/hcall.h"

#define GUEST_STACK_SIZE	16384u		/* the ring-1 boot stack */
#define TRAP_STACK_SIZE		8192u		/* KH_SET_STACK's, for traps from ring 3 */
#define USER_STACK_SIZE		8192u		/* the ring-3 stack of run_ring3 */

/* The vector the ring-3 trampoline raises to come back to ring 1 when the
 * function it ran returns (a DPL-3 interrupt gate). */
#define RING3_EXIT_VECTOR	0x81

/* ---- the test: defined by each guest ------------------------------------ */

void test_main(void);
/* Runs before KH_INIT, with no console yet; the runtime's does nothing. */
void test_before_init(void);

/* ---- results and output (print.c) ----------------------------------------- */

enum test_result { RESULT_SUCCESS, RESULT_FAILURE, RESULT_SKIP, RESULT_ERROR };

/* One "Test result: X" line, then KH_SHUTDOWN(poweroff). Never returns. */
void test_result(enum test_result r) __attribute__((noreturn));
/* SUCCESS if no check failed so far, else FAILURE. */
void test_finish(void) __attribute__((noreturn));
/* The test could not run as designed: "ERROR: why", then ERROR. */
void test_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* If !ok, print "FAIL: what" and remember the failure. Returns ok. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Compare two numbers, printing both (in hex) when they differ. */
bool check_eq(uint32_t got, uint32_t want, const char *what);
unsigned failures(void);

void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const void *buf, uint32_t len);

/* ---- what the guest was given (runtime.c) --------------------------------- */

/* The registers at the first instruction, saved by entry.asm. */
struct boot_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
	uint32_t cs, ds, es, fs, gs, ss, eflags;
};

extern struct boot_regs boot_regs;
extern struct kennel_boot_info boot_info;		/* a copy */
extern volatile struct kennel_data kennel_data;		/* the shared page */

/* pfn_limit * 4096: every address at or above it is outside the guest. */
uint32_t memory_limit(void);
/* Word n (from 0) of the command line, copied into buf; false if none. */
bool cmdline_word(unsigned n, char *buf, size_t size);
/* The entry of a table of cases whose name is word 0 of the command line
 * (each entry is a struct whose first member is its const char *name), or
 * NULL; the word goes to name. CMDLINE_CASE(table, name) for an array. */
const void *cmdline_case(const void *table, size_t count, size_t size, char *name,
			 size_t name_size);
#define CMDLINE_CASE(table, name) \
	cmdline_case((table), sizeof(table) / sizeof((table)[0]), sizeof((table)[0]), \
		     (name), sizeof(name))
/* Word n as a decimal number, or fallback if there is none. */
uint32_t cmdline_number(unsigned n, uint32_t fallback);
/* The first byte after the guest image (the linker's _end). */
uint32_t image_end(void);
/* The Launcher's device of this type (KN_DEV_*) in the device page, or
 * NULL (also when the page lacks its magic). */
const struct kn_device *find_device(uint32_t type);

/* A split virtqueue, seen from the guest (lib/vqueue.c, T:398). */
struct queue {
	uint32_t gpa;
	uint32_t num;
	uint32_t irq;
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t seen_used;		/* used entries collected so far */
};

void queue_init(struct queue *q, const struct kn_queue_info *info);
void queue_set_buffer(struct queue *q, uint16_t i, const void *buf, uint32_t len, bool writable);
void queue_offer(struct queue *q, uint16_t head);
bool queue_has_used(const struct queue *q);
struct vring_used_elem queue_take_used(struct queue *q);

/* ---- traps and interrupts (idt.c, catch.c) -------------------------------- */

/* What the entry stubs push below the frame the host built (T:350). The
 * last two words exist only for a trap that came from ring 3. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;	/* pusha */
	uint32_t gs, fs, es, ds;
	uint32_t vector, errcode;
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss;
};

typedef void trap_handler_fn(struct trap_frame *f);

/* Point vector at the runtime's entry stub: KH_LOAD_IDT_ENTRY with a
 * present gate of this type (GATE_INTERRUPT, GATE_TRAP) and DPL. */
void set_gate(uint32_t vector, uint32_t type, uint32_t dpl);
/* KH_LOAD_IDT_ENTRY with a not-present gate: no handler at all. */
void clear_gate(uint32_t vector);
/* The address of vector's entry stub (for hand-made gates). */
uint32_t stub_address(uint32_t vector);
/* Call fn for traps on vector (NULL: none); it may edit the frame. */
void set_handler(uint32_t vector, trap_handler_fn *fn);

/* The return path's no-interrupt window (traps.asm, T:350). */
extern const char noirq_start[], noirq_end[];

/* Interrupts seen so far, per IRQ (counted before any handler runs). */
extern volatile uint32_t irq_count[KH_NR_IRQS];

/* Where the ring-3 trap stack ends: KH_SET_STACK's esp (runtime.c). */
uint32_t trap_stack_top(void);
/* Where the stack run_ring3 gives ring 3 ends (catch.c). */
uint32_t ring3_stack_top(void);

/* run_ring1 and run_ring3 call fn(arg) and catch any trap on the way:
 * an exception, or an "int" of a vector nobody handles. The outcome says
 * which: fn returned (trapped false, result), or it trapped (a copy of the
 * frame, where that frame ended, and the shared page's irq_enabled and cr2
 * as the handler found them). Virtual interrupts are as they were before
 * the call either way. */
typedef uint32_t probe_fn(uint32_t arg);

struct outcome {
	bool trapped;
	uint32_t result;
	struct trap_frame frame;
	uint32_t frame_end;		/* first byte above the host's frame */
	uint32_t irq_enabled;		/* as the handler found it */
	uint32_t cr2;			/* kennel_data.cr2, as the handler found it */
};

struct outcome run_ring1(probe_fn *fn, uint32_t arg);
struct outcome run_ring3(probe_fn *fn, uint32_t arg);
/* Check that an outcome is the trap we expected, at the expected eip. */
bool check_trap(const struct outcome *o, uint32_t vector, uint32_t eip, const char *what);
bool check_trap_code(const struct outcome *o, uint32_t vector, uint32_t errcode,
		     uint32_t eip, const char *what);
bool check_no_trap(const struct outcome *o, const char *what);

/* ---- the probes (probes.asm, T:395) ---------------------------------------- */

#define PROBE(name) \
	probe_fn name; \
	extern const char name##_site[]

PROBE(probe_divide);
PROBE(probe_int3);
PROBE(probe_ud2);
PROBE(probe_read);
PROBE(probe_write);
PROBE(probe_read_cr0);
PROBE(probe_sysenter);
PROBE(probe_call);
PROBE(probe_cli);
PROBE(probe_sti);
PROBE(probe_hlt);
PROBE(probe_in8_dx);
PROBE(probe_in16_dx);
PROBE(probe_in32_dx);
PROBE(probe_in8_imm);
PROBE(probe_out8_dx);
PROBE(probe_out8_imm);
PROBE(probe_int_0x1f);
PROBE(probe_int_0x40);
PROBE(probe_int_0x42);
PROBE(probe_int_0x43);
PROBE(probe_int_0x44);
PROBE(probe_int_0x45);
PROBE(probe_fld1);
PROBE(probe_read_cs);
PROBE(probe_read_fs0);
PROBE(probe_spin_until_set);
PROBE(probe_hcall_preserves);
PROBE(probe_spin_window);
extern const char probe_window_start[], probe_window_end[];

/* A label's address, as the host reports eips. */
#define SITE(name)	((uint32_t)(uintptr_t)(name##_site))
#define INT_LEN		2	/* "int N" */
#define INT3_LEN	1

/* ---- virtual interrupts and time (irq.c) ---------------------------------- */

void enable_virtual_irqs(void);		/* and ask for what is pending */
void disable_virtual_irqs(void);
bool virtual_irqs_enabled(void);
/* Host time from the shared page, in nanoseconds (host-tick resolution). */
uint64_t now_ns(void);
/* Spin (no hypercalls) until now_ns() has advanced by at least ns. */
void spin_ns(uint64_t ns);
/* Sleep with KH_SET_TIMER and KH_HALT until the timer interrupt came. */
void sleep_us(uint32_t usecs);
/* KH_HALT with interrupts off until cond() holds (checked race-free). */
void halt_until(bool (*cond)(void));

#define NS_PER_MS	1000000ull
#define HOST_TICK_NS	(10 * NS_PER_MS)	/* the granularity of guest time */

/* ---- address spaces (paging.c, T:600) -------------------------------------- */

/* The layout of every paging guest's address spaces. Below USER_BASE, the
 * identity map of the guest's memory (virtual = physical, user-accessible,
 * so the runtime and its ring-3 trampoline run unchanged); from USER_BASE,
 * each space's private pages; from KERNEL_BASE (kennel_data.kernel_address)
 * up, what every space shares: the kernel's supervisor-only view of all
 * guest memory, and KERNEL_WINDOW, a shared slot with a page table but no
 * pages, for the tests to map into. */
#define USER_BASE	0x40000000u
#define KERNEL_BASE	0xc0000000u
#define KERNEL_WINDOW	0xf0000000u
#define USER_PAGE	(PTE_PRESENT | PTE_RW | PTE_USER)
#define KERNEL_PAGE	(PTE_PRESENT | PTE_RW)

/* Build the shared tables and set kernel_address; still in linear mode. */
void paging_init(void);
/* A zeroed page of guest memory: its gpa, which is also its address in the
 * identity map. ERROR if memory has run out. */
uint32_t page_alloc(void);
uint32_t pages_free(void);
/* A new page directory holding the shared mappings: its gpa. */
uint32_t space_new(void);
/* KH_NEW_PGTABLE: run on dir from now on. */
void space_switch(uint32_t dir);
uint32_t current_space(void);
/* dir's entry for va, and the page-table entry for va (giving a private
 * slot a page table first if it has none). */
volatile uint32_t *space_pde(uint32_t dir, uint32_t va);
volatile uint32_t *space_pte(uint32_t dir, uint32_t va);
/* Set va's entry in dir to gpa | flags and tell the host (KH_SET_PTE). */
void space_map(uint32_t dir, uint32_t va, uint32_t gpa, uint32_t flags);
/* Where gpa is in the kernel's shared view (ring 1, once paging is on). */
volatile uint32_t *kernel_view(uint32_t gpa);
/* Queue a call in the asynchronous ring; it runs at the next exit. */
void batch_hcall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);

/* ---- inside the runtime only ---------------------------------------------- */

void runtime_start(uint32_t magic, uint32_t boot_info_gpa) __attribute__((noreturn));
void install_default_gates(void);
void trap_dispatch(struct trap_frame *f);
/* If a probe is running, end it with this trap (never returns); else return. */
void catch_trap(struct trap_frame *f);
/* Where enter_ring3 starts ring 3 (traps.asm, T:355): eax = fn, [esp] =
 * arg; calls fn(arg), then raises RING3_EXIT_VECTOR with its result. */
extern const char ring3_trampoline[];

static inline void compiler_barrier(void)
{
	asm volatile("" : : : "memory");
}

#endif
