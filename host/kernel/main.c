/*B:030 host/kernel/main.c: kernel_main, the table of contents of the host.
 *
 * Read it top to bottom: each line brings up one piece of the machine, in
 * the only order that works. The serial port comes first so that every
 * later step can complain; the boot information is copied before the frame
 * allocator can hand out the memory it lives in; interrupts are enabled
 * only once every vector has a handler. After that the host does what its
 * command line asks and, when there is nothing left to do, powers off. */
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "lib/string.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"
#include "host/kernel/serial.h"
#include "host/kernel/bootinfo.h"
#include "host/kernel/gdt.h"
#include "host/kernel/trap.h"
#include "host/kernel/vm.h"
#include "host/kernel/memory_map.h"
#include "host/kernel/frames.h"
#include "lib/bitmap.h"
#include "host/kernel/heap.h"
#include "host/kernel/pic.h"
#include "host/kernel/timer.h"
#include "host/kernel/options.h"
#include "host/kernel/power.h"
#include "host/kernel/selftest.h"
#include "host/kernel/userland.h"
#include "host/hypervisor.h"

static struct boot_info boot;
static struct host_options options;

static const void *boot_phys(uint32_t pa, uint32_t len)
{
	if ((uint64_t)pa + len > DIRECT_MAP_SIZE)
		return NULL;
	return phys_to_virt(pa);
}

static void print_banner(void)
{
	kprintf("kennel %s: an lguest-style paravirtual hypervisor for 32-bit x86\n",
		KENNEL_VERSION);
	kprintf("boot: loader '%s', command line '%s'\n", boot.loader, boot.cmdline);
}

static void print_modules(void)
{
	for (unsigned i = 0; i < boot.nmodules; i++) {
		const struct boot_module *m = &boot.modules[i];

		kprintf("module: %s at 0x%08x, %u bytes%s%s\n", m->name, m->start,
			m->end - m->start, m->args[0] ? ", args: " : "", m->args);
	}
}

static void read_boot_info(uint32_t magic, uint32_t mbi_pa)
{
	const char *err = bootinfo_parse(&boot, magic, mbi_pa, boot_phys);

	print_banner();
	if (err)
		panic("boot information: %s", err);
}

static void read_options(void)
{
	char err[128];

	if (options_parse(boot.cmdline, &options, err, sizeof(err)) != 0) {
		kprintf("kennel: %s\n", err);
		power_off(false);
	}
}

/* poison=1 (B:115): which frames the allocator filled, one bit each. */
static uint32_t poison_bitmap[BITMAP_WORDS(DIRECT_MAP_SIZE / PAGE_SIZE)];

static uint32_t *frame_words(uint32_t pa)
{
	return phys_to_virt(pa);
}

static void poison_violation(uint32_t pa, uint32_t word, uint32_t value)
{
	kprintf("poison violation at frame 0x%x: word %u is 0x%x, written after the frame "
		"was freed\n", pa, word, value);
}

static void start_poisoning(void)
{
	if (!options.poison)
		return;
	frames_poison_enable(poison_bitmap, frame_words, poison_violation);
	kprintf("poison: freed frames are filled with 0x%x and checked when reused\n",
		POISON_WORD);
	if (options.poison == 2)
		selftest_poison();
}

void kernel_main(uint32_t magic, uint32_t mbi_pa);

void kernel_main(uint32_t magic, uint32_t mbi_pa)
{
	serial_init();			/* a voice, polled for now */
	read_boot_info(magic, mbi_pa);	/* copy what the loader told us */
	read_options();			/* and what the user asked for */
	gdt_init();			/* our own segments and TSS */
	traps_init();			/* every exception now reports */
	vm_init();			/* drop the boot identity map */
	memory_init(&boot);		/* free frames from the memory map */
	if (!memory_enough())
		power_off(false);
	start_poisoning();		/* poison=1: watch freed frames */
	if (options.verbose)
		print_modules();	/* verbose=1: one line per module */
	pic_init();			/* IRQs on vectors 32-47, all masked */
	timer_init();			/* 100 Hz tick on IRQ 0 */
	serial_enable_interrupts();	/* IRQ 4: queued output, buffered input */
	irq_enable();
	selftest_timer();		/* prove the tick is alive */
	timer_calibrate_tsc();		/* and time the TSC against it */
	selftest_fault(options.fault);	/* fault=...: provoke one on purpose */
	if (options.echo)
		selftest_echo();	/* console=echo: prove input works */
	userland_init(&boot);		/* files, devices, the scheduler */
	hypervisor_init();		/* the Switcher and /dev/kennel */
	if (options.nrun)
		power_off_status(run_programs(&options));	/* run=...: until all exit */
	kprintf("kennel: nothing left to run\n");
	power_off(true);
}
