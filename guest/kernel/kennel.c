/*G:130 guest/kernel/kennel.c: pup as a guest of kennel.
 *
 * Here each operation of the table (G:120) becomes what a ring-1 guest
 * may do instead. Some are hypercalls: descriptors (KH_LOAD_GDT_ENTRY,
 * KH_LOAD_IDT_ENTRY), the ring-1 stack for traps from ring 3
 * (KH_SET_STACK), a new address space (KH_NEW_PGTABLE), the timer, halt,
 * the end. Some are plain memory: the interrupt flag is irq_enabled in the
 * page pup shares with the host, struct kennel_data, and the address of a
 * page fault is its cr2, because ring 1 can neither clear the real IF nor
 * read CR2. And page tables are pup's own memory, written directly, but
 * the host runs pup on shadow copies of them (V:120), so every change to
 * an entry that might be in use is reported, like an invlpg: KH_SET_PTE
 * and KH_SET_PDE, batched when pup is in a lazy section (G:140).
 *
 * The interrupt flag has one subtlety. Switching it on must not strand an
 * interrupt the host held back while it was off: the host says so in
 * irq_pending, and pup then asks for it with KH_SEND_INTERRUPTS. The other
 * subtlety, returning from a trap, is in trap_entry.asm (G:210). Next: the
 * batching ring, G:140. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "guest/kernel/kennel.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/trap.h"

volatile struct kennel_data kennel_data __attribute__((aligned(PAGE_SIZE)));
extern uint32_t boot_map_bytes;

static const struct kn_device_page *device_page;
static uint64_t boot_ns;

/*G:131 What the Launcher told pup (struct kennel_boot_info): how much RAM
 * it has, and where the device page is, just above RAM. The shared page
 * was registered by the entry code; what remains is the window of the
 * return path the host must not interrupt, and every IRQ blocked until a
 * driver asks for it (pv.irq_unmask), as a PIC starts masked. The host
 * said at KH_INIT how much of the top of the address space it keeps for
 * its Switcher (reserve_mem, 4 MiB): pup's map ends far below. */
static void read_boot_info(const struct kennel_boot_info *bi, struct boot_params *bp)
{
	bp->map_bytes = boot_map_bytes;
	bp->ranges[0].start = 0;
	bp->ranges[0].end = MIN(bi->mem_bytes, boot_map_bytes);
	bp->nranges = 1;
	memcpy(bp->cmdline, bi->cmdline, MIN(sizeof(bp->cmdline), sizeof(bi->cmdline)));
	bp->cmdline[sizeof(bp->cmdline) - 1] = '\0';
	if ((uint64_t)bi->device_page + sizeof(*device_page) <= boot_map_bytes)
		device_page = phys_to_virt(bi->device_page);
}

static void kennel_setup(uint32_t info_pa, struct boot_params *bp)
{
	read_boot_info(phys_to_virt(info_pa), bp);
	kennel_data.noirq_start = (uint32_t)noirq_start;
	kennel_data.noirq_end = (uint32_t)noirq_end;
	kennel_data.blocked_irqs = ~0u;
	boot_ns = kennel_data.time_ns;
	if ((uint64_t)KERNEL_BASE + boot_map_bytes > 0x100000000ull - kennel_data.reserve_mem)
		panic("the direct map reaches into the %u bytes kennel reserves",
		      kennel_data.reserve_mem);
}

const struct kn_device *kennel_device(uint32_t type)
{
	if (!device_page || device_page->magic != KN_DEVICE_MAGIC)
		return NULL;
	for (uint32_t i = 0; i < device_page->count && i < KN_MAX_DEVICES; i++)
		if (device_page->devices[i].type == type)
			return &device_page->devices[i];
	return NULL;
}

/*G:132 The virtual interrupt flag. */
static uint32_t kennel_save_flags(void)
{
	return kennel_data.irq_enabled & EFLAGS_IF;
}

static void kennel_irq_disable(void)
{
	kennel_data.irq_enabled = 0;
	barrier();
}

static void kennel_irq_enable(void)
{
	kennel_data.irq_enabled = EFLAGS_IF;
	barrier();
	if (kennel_data.irq_pending)
		hcall(KH_SEND_INTERRUPTS, 0, 0, 0);
}

static void kennel_safe_halt(void)
{
	hcall(KH_HALT, 0, 0, 0);
}

/*G:133 Descriptors. The host keeps pup's GDT and IDT; pup only names
 * entries. The kernel stack must be in place before pup next returns to
 * ring 3, since the very next system call (a direct trap, with no host in
 * between) lands on it: outside a lazy section it is set at once, inside
 * one (a process switch, G:340) by the end of the section. */
static void kennel_write_gdt_entry(uint32_t index, struct desc d)
{
	kennel_call(KH_LOAD_GDT_ENTRY, index, d.lo, d.hi);
}

static void kennel_write_idt_entry(uint32_t vector, struct desc gate)
{
	kennel_call(KH_LOAD_IDT_ENTRY, vector, gate.lo, gate.hi);
}

/* Nothing to load: the host puts pup's entries into the tables the CPU
 * uses at every entry. */
static void kennel_load_descriptor_tables(void)
{
}

static void kennel_set_kernel_stack(uint32_t esp)
{
	kennel_call(KH_SET_STACK, GUEST_DS, esp, 0);
}

/* pup keeps no FPU state for its programs: the virtual TS makes any FPU
 * instruction fault into pup, which kills the program (G:220). */
static void kennel_forbid_fpu(void)
{
	hcall(KH_TS, 1, 0, 0);
}

/*G:134 Page tables: write, then tell. Except when an entry goes from not
 * present to present: the host shadows only entries it found present in
 * the guest's tables (V:110), and pup told it when each entry it had
 * found was emptied, so there is nothing for the host to forget, and the
 * first access faults the new entry in by itself. That saves an exit on
 * every page pup maps: stack growth, sbrk, fork's copies, exec. */
static void kennel_load_pgdir(uint32_t pgdir_pa)
{
	hcall(KH_NEW_PGTABLE, pgdir_pa, 0, 0);
}

static void kennel_set_pte(uint32_t *pgdir, uint32_t va, uint32_t *pte, uint32_t value)
{
	uint32_t old = *pte;

	*pte = value;
	if (!(old & PTE_PRESENT))
		return;
	kennel_call(KH_SET_PTE, virt_to_phys(pgdir), va, value);
}

static void kennel_set_pde(uint32_t *pgdir, uint32_t index, uint32_t value)
{
	pgdir[index] = value;
	kennel_call(KH_SET_PDE, virt_to_phys(pgdir), index, value);
}

static uint32_t kennel_fault_address(void)
{
	return kennel_data.cr2;
}

/*G:135 Interrupt lines and time. The host's timer is one-shot, so each
 * tick sets the next; the clock is the host's, in the shared page. */
static void kennel_irq_unmask(uint32_t irq)
{
	kennel_data.blocked_irqs &= ~(1u << irq);
}

/* Nothing to acknowledge: delivering the interrupt consumed it. */
static void kennel_irq_eoi(uint32_t irq)
{
	(void)irq;
}

static void kennel_timer_rearm(void)
{
	hcall(KH_SET_TIMER, 1000000u / TICK_HZ, 0, 0);
}

static void kennel_timer_start(void)
{
	kennel_irq_unmask(IRQ_TIMER);
	kennel_timer_rearm();
}

static uint64_t kennel_clock_ns(void)
{
	return kennel_data.time_ns - boot_ns;
}

/*G:136 The end: the Launcher prints the message and exits, reporting a
 * poweroff (with its status, which becomes the Launcher's) or a crash. */
static void __attribute__((noreturn)) kennel_shutdown(const char *why, uint32_t kind,
						     uint32_t status)
{
	static char message[KH_MESSAGE_MAX];

	strlcpy(message, why, sizeof(message));
	for (;;)
		hcall(KH_SHUTDOWN, virt_to_phys(message), kind, status);
}

/* The host takes statuses 0..KH_STATUS_MAX; a Unix status is a byte. */
static void __attribute__((noreturn)) kennel_poweroff(const char *why, int32_t status)
{
	kennel_shutdown(why, KH_SHUTDOWN_POWEROFF, (uint32_t)status & KH_STATUS_MAX);
}

static void __attribute__((noreturn)) kennel_crash(const char *why)
{
	kennel_shutdown(why, KH_SHUTDOWN_CRASH, 0);
}

const struct pv_ops kennel_pv_ops = {
	.name = "kennel",
	.ring = 1,
	.kernel_cs = GUEST_CS,
	.kernel_ds = GUEST_DS,
	.setup = kennel_setup,
	.save_flags = kennel_save_flags,
	.irq_disable = kennel_irq_disable,
	.irq_enable = kennel_irq_enable,
	.safe_halt = kennel_safe_halt,
	.iret = kennel_iret,
	.write_gdt_entry = kennel_write_gdt_entry,
	.write_idt_entry = kennel_write_idt_entry,
	.load_descriptor_tables = kennel_load_descriptor_tables,
	.set_kernel_stack = kennel_set_kernel_stack,
	.forbid_fpu = kennel_forbid_fpu,
	.load_pgdir = kennel_load_pgdir,
	.set_pte = kennel_set_pte,
	.set_pde = kennel_set_pde,
	.lazy_begin = kennel_lazy_begin,
	.lazy_end = kennel_lazy_end,
	.fault_address = kennel_fault_address,
	.irq_unmask = kennel_irq_unmask,
	.irq_eoi = kennel_irq_eoi,
	.timer_start = kennel_timer_start,
	.timer_rearm = kennel_timer_rearm,
	.clock_ns = kennel_clock_ns,
	.console_init = virtio_console_init,
	.console_write = virtio_console_write,
	.disk_init = virtio_block_init,
	.disk_rw = virtio_block_rw,
	.poweroff = kennel_poweroff,
	.crash = kennel_crash,
};
