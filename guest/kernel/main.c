/*G:010 guest/kernel/main.c: pup, the guest, from its first line of C.
 *
 * The host, the Switcher and the shadow page tables are behind you (H, S,
 * V); this chapter is the kernel that runs on them, then its programs and
 * its disk.
 *
 * pup is kennel's own guest operating system: small, like xv6, with
 * processes in ring 3 that fork, exec, wait and exit, a preemptive
 * scheduler, a console with a line editor, and a file system it can read
 * and write on a disk. What makes it a paravirtual guest is one table,
 * struct pv_ops (G:120): every operation a kernel can do only because it
 * runs in ring 0 goes through it, and the same image fills it at boot
 * either with the instructions themselves (natively, in ring 0, on a PC
 * or QEMU) or with what kennel offers a ring-1 guest instead: hypercalls,
 * a page of memory shared with the host, and the Launcher's virtio-style
 * devices. This chapter reads the table as a list of what a guest has to
 * ask its host for, and why, and shows what each request costs.
 *
 * pup_main below is the table of contents, in boot order. The entry code
 * (G:110) has already turned paging on with every frame of RAM mapped at
 * KERNEL_BASE, and left interrupts off. Next: G:100, the memory layout. */
#include "guest/kernel/console.h"
#include "guest/kernel/init.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/timer.h"
#include "guest/kernel/trap.h"

void descriptors_init(void);
void pup_main(uint32_t boot_magic, uint32_t boot_info_pa);

static struct boot_params boot;

static void say_hello(void)
{
	kprintf("pup %s: running on %s in ring %u\n", KENNEL_VERSION, pv.name, pv.ring);
	if (boot.cmdline[0])
		kprintf("pup: command line: %s\n", boot.cmdline);
}

static void say_memory(void)
{
	kprintf("pup: memory: %u KiB, %u KiB free\n",
		frames_total() * 4, frames_free() * 4);
}

/*G:015 The table of contents. Each line is a chapter below: choose the
 * world and learn what it gave us, find the console and say so, load the
 * descriptor tables, forbid programs the FPU, take charge of memory and
 * drop the boot map's low half, start the scheduler and the tick, make
 * init, and become the idle task.:*/
void pup_main(uint32_t boot_magic, uint32_t boot_info_pa)
{
	pv_select(boot_magic);
	pv.setup(boot_info_pa, &boot);
	pv.console_init();
	say_hello();
	descriptors_init();
	pv.forbid_fpu();
	frames_init(&boot);
	paging_init(&boot);
	say_memory();
	sched_init();
	timer_init();
	start_init(boot.cmdline);
	idle_loop();
}
/*:*/
