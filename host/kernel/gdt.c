/*B:080 host/kernel/gdt.c: the host's segments.
 *
 * x86 still insists on segmentation, so kennel gives it the flattest
 * possible answer: code and data segments covering all 4 GiB, at ring 0
 * for the kernel and ring 3 for user programs. The TSS holds only the
 * stack the CPU must switch to when an interrupt arrives from ring 3, and
 * no I/O bitmap, so user programs cannot touch ports. The layout is the one
 * in arch/x86/desc.h that guests share. */
#include "lib/string.h"
#include "host/kernel/gdt.h"

struct desc host_gdt[GDT_ENTRIES] __attribute__((aligned(8)));
struct tss host_tss;

static void reload_segments(void)
{
	asm volatile("ljmp %0, $1f\n1:\n"
		     "mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
		     "mov %2, %%fs\n mov %2, %%gs\n"
		     : : "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(0) : "memory");
}

void gdt_init(void)
{
	struct desc_ptr ptr = { sizeof(host_gdt) - 1, (uint32_t)(uintptr_t)host_gdt };

	host_gdt[GDT_KERNEL_CS] = desc_flat(1, 0);
	host_gdt[GDT_KERNEL_DS] = desc_flat(0, 0);
	host_gdt[GDT_USER_CS] = desc_flat(1, 3);
	host_gdt[GDT_USER_DS] = desc_flat(0, 3);
	memset(&host_tss, 0, sizeof(host_tss));
	host_tss.ss0 = KERNEL_DS;
	host_tss.iomap_base = TSS_NO_IOMAP;
	host_gdt[GDT_TSS] = desc_make((uint32_t)(uintptr_t)&host_tss, sizeof(host_tss) - 1,
				      DESC_PRESENT | DESC_TYPE_TSS32, 0);
	load_gdt(&ptr);
	reload_segments();
	load_tr(TSS_SEL);
}

void tss_set_kernel_stack(uint32_t esp0)
{
	host_tss.esp0 = esp0;
}
