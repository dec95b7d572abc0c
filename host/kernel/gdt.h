/* host/kernel/gdt.h: the host's own GDT and TSS (host/kernel/gdt.c, B:080). */
#ifndef HOST_GDT_H
#define HOST_GDT_H

#include <stdint.h>
#include "arch/x86/desc.h"

extern struct desc host_gdt[GDT_ENTRIES];
extern struct tss host_tss;

void gdt_init(void);
/* The ring-0 stack the CPU switches to on an interrupt from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);

#endif
