/*G:150 guest/kernel/native.c: pup on bare metal.
 *
 * The other column of the table (G:120): each operation is the
 * instruction itself, since pup now runs in ring 0 and owns the machine.
 * cli and sti, lgdt and lidt, a TSS whose esp0 is the kernel stack, CR3
 * and invlpg, CR2. Where kennel has a hypercall, the PC has a chip: the
 * 8259 PIC for interrupt lines, the 8254 PIT for the tick (pic.c, pit.c),
 * COM1 for the console (serial.c), the primary IDE master for the disk
 * (ata.c), and QEMU's isa-debug-exit port for the power switch. Reading
 * the two columns side by side is the quickest way to see what a
 * hypervisor takes away from a kernel, and what it gives back instead.
 *
 * Nothing here batches: lazy sections cost nothing natively, and a page
 * table change needs only an invlpg (a reload of CR3 for a directory
 * entry), and only when the directory is the one the CPU is using.
 * Next: G:158. */
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/multiboot.h"
#include "arch/x86/debug_exit.h"
#include "lib/string.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/timer.h"
#include "guest/kernel/trap.h"


extern uint32_t boot_map_bytes;

static struct desc gdt[GDT_ENTRIES];
static struct desc idt[256];
static struct tss tss;

/*G:151 Multiboot's memory map lists the usable RAM; QEMU's loader puts
 * the kernel's file name before its command line, which pup drops, as the
 * host does (B:100). Everything Multiboot hands over lies in low memory,
 * inside the boot map, so it is read through the direct map. */
static void add_range(struct boot_params *bp, uint64_t start, uint64_t end)
{
	end = end < bp->map_bytes ? end : bp->map_bytes;
	if (start >= end || bp->nranges == BOOT_MAX_RANGES)
		return;
	bp->ranges[bp->nranges].start = (uint32_t)start;
	bp->ranges[bp->nranges++].end = (uint32_t)end;
}

static void read_memory_map(const struct multiboot_info *mbi, struct boot_params *bp)
{
	uint32_t off = 0;

	if (!(mbi->flags & MB_INFO_MEM_MAP)) {
		add_range(bp, 0x100000, 0x100000 + (uint64_t)mbi->mem_upper * 1024);
		return;
	}
	if ((uint64_t)mbi->mmap_addr + mbi->mmap_length > bp->map_bytes)
		return;
	while (off + sizeof(struct multiboot_mmap) <= mbi->mmap_length) {
		const struct multiboot_mmap *e = phys_to_virt(mbi->mmap_addr + off);

		if (e->size < sizeof(*e) - 4)
			return;
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
			add_range(bp, e->addr, e->addr + e->len);
		off += e->size + 4;
	}
}

static void read_cmdline(const struct multiboot_info *mbi, struct boot_params *bp)
{
	const char *line = (mbi->flags & MB_INFO_CMDLINE) ? phys_to_virt(mbi->cmdline) : "";
	const char *loader = (mbi->flags & MB_INFO_LOADER_NAME) ?
			     phys_to_virt(mbi->boot_loader_name) : "";

	if (starts_with(loader, "qemu")) {
		while (*line && *line != ' ')
			line++;
		while (*line == ' ')
			line++;
	}
	strlcpy(bp->cmdline, line, sizeof(bp->cmdline));
}

static void native_setup(uint32_t info_pa, struct boot_params *bp)
{
	const struct multiboot_info *mbi = phys_to_virt(info_pa);

	bp->map_bytes = boot_map_bytes;
	read_memory_map(mbi, bp);
	read_cmdline(mbi, bp);
	pic_init();
}

/*G:152 The interrupt flag is the real one. */
static uint32_t native_save_flags(void)
{
	return read_eflags() & EFLAGS_IF;
}

static void native_irq_disable(void)
{
	irq_disable();
}

static void native_irq_enable(void)
{
	irq_enable();
}

static void native_safe_halt(void)
{
	cpu_idle();
}

/*G:153 Descriptors: pup's own GDT (the layout of arch/x86/desc.h, with
 * the kernel's segments in slots 1 and 2 at ring 0), its IDT, and a TSS
 * that holds nothing but the kernel stack for traps from ring 3. Loading
 * a GDT means reloading every segment register, cs by a far jump. */
static void native_write_gdt_entry(uint32_t index, struct desc d)
{
	gdt[index] = d;
}

static void native_write_idt_entry(uint32_t vector, struct desc gate)
{
	idt[vector] = gate;
}

static void reload_segments(void)
{
	asm volatile("ljmp %0, $1f\n1:" : : "i"(KERNEL_CS));
	asm volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%ss\n\t"
		     "mov %0, %%fs\n\tmov %0, %%gs" : : "r"((uint32_t)KERNEL_DS));
}

static void native_load_descriptor_tables(void)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint32_t)idt };

	tss.ss0 = KERNEL_DS;
	tss.iomap_base = TSS_NO_IOMAP;
	gdt[GDT_TSS] = desc_make((uint32_t)&tss, sizeof(tss) - 1,
				 DESC_PRESENT | DESC_TYPE_TSS32, 0);
	load_gdt(&gdtr);
	reload_segments();
	load_tr(TSS_SEL);
	load_idt(&idtr);
}

static void native_set_kernel_stack(uint32_t esp)
{
	tss.esp0 = esp;
}

static void native_forbid_fpu(void)
{
	write_cr0(read_cr0() | CR0_TS | CR0_MP);
}

/*G:154 Page tables: the CPU's own. */
static bool is_current(const uint32_t *pgdir)
{
	return read_cr3() == virt_to_phys(pgdir);
}

static void native_load_pgdir(uint32_t pgdir_pa)
{
	write_cr3(pgdir_pa);
}

static void native_set_pte(uint32_t *pgdir, uint32_t va, uint32_t *pte, uint32_t value)
{
	*pte = value;
	if (is_current(pgdir))
		invlpg(va);
}

static void flush_tlb(void)
{
	write_cr3(read_cr3());
}

static void native_set_pde(uint32_t *pgdir, uint32_t index, uint32_t value)
{
	pgdir[index] = value;
	if (is_current(pgdir))
		flush_tlb();
}

static void native_nothing(void)
{
}

static uint32_t native_fault_address(void)
{
	return read_cr2();
}

static void native_timer_start(void)
{
	pit_start(TICK_HZ);
	pic_unmask(IRQ_TIMER);
}

static uint64_t native_clock_ns(void)
{
	return timer_ticks() * (1000000000ull / TICK_HZ);
}

/*G:156 The end: QEMU's isa-debug-exit device turns a byte into QEMU's
 * exit status: a poweroff's status goes in it as P:128 says, so the
 * shell's `exit 3` ends QEMU with 71, as under kennel. On a machine without it, pup halts for good. */
static void __attribute__((noreturn)) native_exit(uint8_t value)
{
	irq_disable();
	outb(DEBUG_EXIT_PORT, value);
	for (;;)
		cpu_halt();
}

static void __attribute__((noreturn)) native_poweroff(const char *why, int32_t status)
{
	(void)why;
	native_exit(debug_exit_value(status));
}

static void __attribute__((noreturn)) native_crash(const char *why)
{
	(void)why;
	native_exit(DEBUG_EXIT_FAILURE);
}

const struct pv_ops native_pv_ops = {
	.name = "native",
	.ring = 0,
	.kernel_cs = KERNEL_CS,
	.kernel_ds = KERNEL_DS,
	.setup = native_setup,
	.save_flags = native_save_flags,
	.irq_disable = native_irq_disable,
	.irq_enable = native_irq_enable,
	.safe_halt = native_safe_halt,
	.iret = native_iret,
	.write_gdt_entry = native_write_gdt_entry,
	.write_idt_entry = native_write_idt_entry,
	.load_descriptor_tables = native_load_descriptor_tables,
	.set_kernel_stack = native_set_kernel_stack,
	.forbid_fpu = native_forbid_fpu,
	.load_pgdir = native_load_pgdir,
	.set_pte = native_set_pte,
	.set_pde = native_set_pde,
	.lazy_begin = native_nothing,
	.lazy_end = native_nothing,
	.fault_address = native_fault_address,
	.irq_unmask = pic_unmask,
	.irq_eoi = pic_eoi,
	.timer_start = native_timer_start,
	.timer_rearm = native_nothing,
	.clock_ns = native_clock_ns,
	.console_init = serial_init,
	.console_write = serial_write,
	.disk_init = ata_init,
	.disk_rw = ata_rw,
	.poweroff = native_poweroff,
	.crash = native_crash,
};
