/*G:120 guest/kernel/paravirt.h: the one table that lets one kernel run
 * in two worlds.
 *
 * Everything pup does that a ring-1 guest may not do by itself goes
 * through struct pv_ops: the interrupt flag, the descriptor tables, the
 * kernel stack the CPU switches to, page tables and the TLB, the timer,
 * halting, the console, the disk, and the end. pup fills the table once,
 * at boot, from one of two backends, chosen by the magic number it was
 * started with (G:110), the way Linux's paravirt_ops chooses lguest or
 * bare metal:
 *
 *   native (native.c): the instructions themselves in ring 0, the 8259
 *     PIC and 8254 PIT, the COM1 UART, an ATA disk by PIO, and QEMU's
 *     isa-debug-exit port to power off;
 *   kennel (kennel.c): hypercalls, the shared struct kennel_data, and the
 *     Launcher's virtio-style console and block devices.
 *
 * The rest of pup never asks which world it is in: it calls pv.op(). The
 * price is one indirect call per operation, cheap next to what the
 * operations cost under kennel, where most of them leave the guest. The
 * interesting part is what kennel lets pup batch: page-table updates in a
 * "lazy" section (fork, exit, exec) go into the shared page's
 * asynchronous ring and reach the host together, on one exit (G:140).
 * Next: the kennel backend, G:130. */
#ifndef GUEST_KERNEL_PARAVIRT_H
#define GUEST_KERNEL_PARAVIRT_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/desc.h"

/* What a backend learns from whoever started pup. */
#define BOOT_MAX_RANGES	8

struct boot_params {
	uint32_t map_bytes;		/* the boot map covers [0, map_bytes) */
	uint32_t nranges;		/* free RAM the frame allocator may use */
	struct { uint32_t start, end; } ranges[BOOT_MAX_RANGES];
	char cmdline[256];
};

struct pv_ops {
	/* Who we are. */
	const char *name;		/* "kennel" or "native" */
	uint32_t ring;			/* the ring pup's kernel runs in */
	uint16_t kernel_cs, kernel_ds;
	void (*setup)(uint32_t info_pa, struct boot_params *bp);

	/* The interrupt flag: EFLAGS_IF or 0, as pushf would show it. */
	uint32_t (*save_flags)(void);
	void (*irq_disable)(void);
	void (*irq_enable)(void);
	void (*safe_halt)(void);	/* enable and sleep, with no window */
	void (*iret)(void);		/* jumped to by every trap's return */

	/* Descriptor tables and the stack for traps from ring 3. */
	void (*write_gdt_entry)(uint32_t index, struct desc d);
	void (*write_idt_entry)(uint32_t vector, struct desc gate);
	void (*load_descriptor_tables)(void);
	void (*set_kernel_stack)(uint32_t esp);
	void (*forbid_fpu)(void);

	/* Page tables, which the kernel writes itself, then reports. The
	 * report is the TLB flush: natively invlpg (or a CR3 reload, for a
	 * directory entry) when the directory is the one in use; under kennel
	 * KH_SET_PTE and KH_SET_PDE, which drop the host's shadow entries.
	 * pup changes nothing in its tables except through these two, so it
	 * never needs a flush of its own. */
	void (*load_pgdir)(uint32_t pgdir_pa);
	void (*set_pte)(uint32_t *pgdir, uint32_t va, uint32_t *pte, uint32_t value);
	void (*set_pde)(uint32_t *pgdir, uint32_t index, uint32_t value);
	uint32_t (*fault_address)(void);

	/* A burst of the updates above (and of descriptors) may be batched
	 * between these two; all of it is done when lazy_end returns. */
	void (*lazy_begin)(void);
	void (*lazy_end)(void);

	/* Interrupt lines and time. IRQ n always arrives on vector 32 + n. */
	void (*irq_unmask)(uint32_t irq);
	void (*irq_eoi)(uint32_t irq);
	void (*timer_start)(void);	/* TICK_HZ ticks a second on IRQ 0 */
	void (*timer_rearm)(void);	/* called at each tick */
	uint64_t (*clock_ns)(void);	/* since boot */

	/* Devices. */
	void (*console_init)(void);
	void (*console_write)(const char *s, uint32_t len);
	int32_t (*disk_init)(uint32_t *sectors);
	int32_t (*disk_rw)(uint32_t sector, uint32_t count, void *buf, bool write);

	/* The end. */
	void (*poweroff)(const char *why, int32_t status) __attribute__((noreturn));
	void (*crash)(const char *why) __attribute__((noreturn));
};

extern struct pv_ops pv;
extern const struct pv_ops kennel_pv_ops, native_pv_ops;

void pv_select(uint32_t boot_magic);

#define TICK_HZ		100u
#define NR_IRQS		32u
#define IRQ_TIMER	0u

/* Interrupts off around a critical section that may be entered with them
 * on or off (an interrupt handler shares the data). */
static inline uint32_t pv_irq_save(void)
{
	uint32_t flags = pv.save_flags();

	pv.irq_disable();
	return flags;
}

static inline void pv_irq_restore(uint32_t flags)
{
	if (flags)
		pv.irq_enable();
}

#endif
