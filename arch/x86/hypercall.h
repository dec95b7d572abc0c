/*H:010 arch/x86/hypercall.h: the ABI between a guest kernel and kennel.
 *
 * A guest kernel runs in ring 1 and asks the host for what it cannot do
 * itself with a hypercall: "int $0x1f" (KH_TRAP_VECTOR) with the call
 * number in eax and up to four arguments in ebx, ecx, edx and esi. Only
 * ring 1 may use the vector (its gate has DPL 1): a guest's user program
 * that tries gets a general protection fault, reflected to its kernel.
 * Results come back in eax only where a call says so. A call with bad
 * arguments is not an error the guest can handle: the host kills the guest
 * with a reason naming the call. That keeps every call's contract sharp.
 *
 * Besides the registers, guest and host share one page of guest memory,
 * struct kennel_data, registered with KH_INIT. It holds the virtual
 * interrupt flag (a guest cannot clear the real one), the bitmap of
 * pending interrupts, the last page-fault address, the time, and a ring
 * of batched hypercalls that the host drains on every exit.
 *
 * All addresses passed in hypercalls are guest-physical unless a call
 * says "virtual". Next: H:020, the ring, and H:030, how a guest starts. */
#ifndef ARCH_X86_HYPERCALL_H
#define ARCH_X86_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#define KH_TRAP_VECTOR		0x1f

#define KH_FLUSH_ASYNC		0	/* (): just drain the async ring */
#define KH_INIT			1	/* (gpa of struct kennel_data): must come first */
#define KH_SHUTDOWN		2	/* (gpa of message, KH_SHUTDOWN_*, status): never returns */
#define KH_LOAD_GDT_ENTRY	3	/* (index, lo, hi) */
#define KH_LOAD_IDT_ENTRY	4	/* (vector, lo, hi) */
#define KH_SET_STACK		5	/* (ss, esp virtual): ring-1 stack for traps from ring 3 */
#define KH_SET_TIMER		6	/* (delta in microseconds; 0 cancels): one shot, IRQ 0 */
#define KH_HALT			7	/* (): sleep until an interrupt; enables interrupts */
#define KH_NOTIFY		8	/* (value): wake the Launcher (a virtqueue kick) */
#define KH_SEND_INTERRUPTS	9	/* (): deliver what irq_pending announced */
#define KH_TS			10	/* (0 or 1): the guest's CR0.TS */
#define KH_CONSOLE_WRITE	11	/* (gpa, len <= 4096): early console, via the Launcher */
#define KH_NEW_PGTABLE		12	/* (gpa of page directory): switch address space */
#define KH_SET_PTE		13	/* (gpa of page directory, virtual address, pte) */
#define KH_SET_PDE		14	/* (gpa of page directory, index, pde) */
#define KH_FLUSH_TLB		15	/* (0: user mappings, 1: all) */
#define KH_GET_STATS		16	/* (gpa, len 1..KH_STATS_MAX): the host's counters
					   of this guest (struct kn_stats), written there */
#define KH_NR_CALLS		17

#define KH_SHUTDOWN_POWEROFF	0
#define KH_SHUTDOWN_CRASH	1
#define KH_STATUS_MAX		255	/* a poweroff's status: 0..255, 0 for a crash */
#define KH_MESSAGE_MAX		128	/* bytes of a shutdown message */
#define KH_CONSOLE_MAX		4096
#define KH_STATS_MAX		(8 * (KH_NR_CALLS + 32 + 11))	/* sizeof(struct kn_stats) */

/* Interrupt n (0..31) arrives on vector KH_IRQ_VECTOR_BASE + n. IRQ 0 is
 * the guest's timer; the Launcher numbers its devices' interrupts from 1. */
#define KH_IRQ_VECTOR_BASE	32
#define KH_NR_IRQS		32
#define KH_IRQ_TIMER		0

/* The GDT slots a guest may load (arch/x86/desc.h): its user code and data,
 * its ring-1 code and data, and GDT_GUEST_FIRST..GDT_ENTRIES-1. A
 * descriptor that is not present empties its slot.
 *
 * Page tables. The host keeps shadows of the guest's last few page
 * directories, keyed by their guest-physical addresses, and learns of
 * changes only through KH_SET_PTE and KH_SET_PDE (or KH_FLUSH_TLB): like a
 * TLB, but one that survives KH_NEW_PGTABLE. So a guest that frees a page
 * directory and later uses the same frame for another must first have
 * reported every slot it emptied (or flushed everything); otherwise the
 * new directory inherits the old one's mappings. Entries in slot 1023
 * (the Switcher's, kennel_data.reserve_mem), 4 MiB pages and frames at or
 * beyond pfn_limit are never accepted. */

/*H:020 The asynchronous ring. While the guest batches work (say, filling
 * many page-table entries), it writes calls into hcalls[] and marks each
 * slot's status KH_ASYNC_READY; the host runs them in ring order on its
 * next exit and marks them KH_ASYNC_DONE. A guest that finds the next slot
 * still READY makes a synchronous call instead, which drains the ring. */
#define KH_ASYNC_SLOTS		64
#define KH_ASYNC_DONE		0xff
#define KH_ASYNC_READY		0x00

struct kh_args {
	uint32_t nr, arg1, arg2, arg3, arg4;
};

struct kennel_data {
	/* Written by the guest. */
	uint32_t irq_enabled;		/* 0, or EFLAGS_IF (0x200): virtual IF */
	uint32_t blocked_irqs;		/* bit n: don't deliver IRQ n */
	uint32_t noirq_start;		/* [start, end): eip range where the host */
	uint32_t noirq_end;		/*   must not deliver (the guest's iret) */
	uint32_t kernel_address;	/* virtual addresses >= this are shared by
					   all address spaces (0 = none) */
	uint32_t syscall_vector;	/* direct-trap vector (0 = none) */
	/* Written by the host. */
	uint32_t irq_pending;		/* nonzero: an interrupt waits for irq_enabled */
	uint32_t cr2;			/* address of the last reflected page fault */
	uint64_t time_ns;		/* host time, ns since host boot */
	uint32_t tsc_khz;		/* rdtsc ticks per millisecond (0 = unknown) */
	uint32_t reserve_mem;		/* top bytes of the address space the
					   guest must leave alone (the Switcher) */
	/* The asynchronous ring. */
	uint32_t async_next;		/* the guest's next slot (host ignores) */
	uint8_t async_status[KH_ASYNC_SLOTS];
	struct kh_args async_calls[KH_ASYNC_SLOTS];
};

/* The shared page is ABI between separately built guests and the host:
 * every field's offset is pinned, and the whole must fit in the one page
 * KH_INIT registers. */
_Static_assert(offsetof(struct kennel_data, irq_enabled) == 0 &&
	       offsetof(struct kennel_data, blocked_irqs) == 4 &&
	       offsetof(struct kennel_data, noirq_start) == 8 &&
	       offsetof(struct kennel_data, noirq_end) == 12 &&
	       offsetof(struct kennel_data, kernel_address) == 16 &&
	       offsetof(struct kennel_data, syscall_vector) == 20 &&
	       offsetof(struct kennel_data, irq_pending) == 24 &&
	       offsetof(struct kennel_data, cr2) == 28 &&
	       offsetof(struct kennel_data, time_ns) == 32 &&
	       offsetof(struct kennel_data, tsc_khz) == 40 &&
	       offsetof(struct kennel_data, reserve_mem) == 44 &&
	       offsetof(struct kennel_data, async_next) == 48 &&
	       offsetof(struct kennel_data, async_status) == 52 &&
	       offsetof(struct kennel_data, async_calls) == 52 + KH_ASYNC_SLOTS &&
	       sizeof(struct kh_args) == 20 &&
	       offsetof(struct kennel_data, async_calls) + sizeof(struct kh_args) * KH_ASYNC_SLOTS ==
	       52 + KH_ASYNC_SLOTS * 21,
	       "struct kennel_data is ABI");
_Static_assert(sizeof(struct kennel_data) <= 4096, "the shared page is one page");

/*H:030 Booting a guest. The Launcher loads the guest kernel (an ELF
 * file, placed at its physical addresses) and writes a struct
 * kennel_boot_info into guest memory. The guest starts in ring 1 at the
 * ELF entry point with:
 *   eax = KENNEL_BOOT_MAGIC (a Multiboot kernel sees 0x2BADB002 instead,
 *         which is how one kernel image tells where it is running),
 *   esi = guest-physical address of struct kennel_boot_info,
 *   cs = GUEST_CS, ds = es = ss = GUEST_DS, eflags = IF, other registers 0.
 * Until its first KH_NEW_PGTABLE, a guest runs on a linear mapping: every
 * virtual address below its memory size maps the same physical address.
 * Next: the host's half, starting where a Launcher comes in, H:100. */
#define KENNEL_BOOT_MAGIC	0x4b454e4eu	/* "KENN" */
#define KENNEL_BOOT_INFO_GPA	0x1000u	/* where the Launcher puts it */
#define KENNEL_CMDLINE_MAX	256

struct kennel_boot_info {
	uint32_t magic;			/* KENNEL_BOOT_MAGIC */
	uint32_t mem_bytes;		/* RAM: guest-physical [0, mem_bytes) */
	uint32_t pfn_limit;		/* every valid guest frame is below this */
	uint32_t device_page;		/* gpa of struct kn_device_page */
	char cmdline[KENNEL_CMDLINE_MAX];
};

_Static_assert(offsetof(struct kennel_boot_info, cmdline) == 16 &&
	       sizeof(struct kennel_boot_info) == 16 + KENNEL_CMDLINE_MAX,
	       "struct kennel_boot_info is ABI");

#endif
