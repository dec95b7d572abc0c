/*S:010 host/switcher.h: the Switcher's pages, as C sees them.
 *
 * Three kinds of page live in page-directory slot 1023 (0xFFC00000) of the
 * host's page tables and of every page directory a guest runs on:
 *
 *   0xFFC00000  the Switcher's text (switcher/switcher.asm, linked here)
 *   0xFFC01000  the regs page: the running guest's registers, at its end
 *   0xFFC02000  the state page: the host's saved state, and the GDT, IDT
 *               and TSS the CPU uses while a guest runs
 *
 * The host maps all three with the rights it needs; a guest sees the text
 * and the state page read-only (CR0.WP makes that hold in ring 1 too) and
 * only its own regs page writable.
 *
 * The reader arrives from run_guest's enter_guest (H:230), which calls
 * switcher_run. The chapter goes the way that call does: the C that
 * prepares the pages (S:100), the call itself (S:110), the assembly that
 * crosses into the guest and back (S:200), and last one hypercall
 * followed through all of it, instruction by instruction (S:300). Next:
 * the two structures on those pages, S:020. */
#ifndef HOST_SWITCHER_H
#define HOST_SWITCHER_H

#include <stdint.h>
#include "arch/x86/desc.h"
#include "arch/x86/paging.h"

#define SWITCHER_TEXT		SWITCHER_ADDR
#define SWITCHER_REGS_PAGE	(SWITCHER_ADDR + PAGE_SIZE)
#define SWITCHER_STATE_PAGE	(SWITCHER_ADDR + 2 * PAGE_SIZE)
#define SWITCHER_PAGES		3
#define SWITCHER_NO_TRAP	256	/* trapnum preset: "the Switcher faulted" */
#define IDT_ENTRIES		256

/*S:020 The guest's registers, in the order the way out leaves them: the
 * Switcher pushes es down to eax, the vector stub pushes errcode and trapnum,
 * and the CPU pushed the rest when it left ring 1 or 3 for ring 0. The TSS
 * points ring 0's stack at the end of the regs page, so this structure is
 * exactly the last bytes of that page. */
struct guest_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint32_t gs, fs, ds, es;
	uint32_t trapnum, errcode;
	uint32_t eip, cs, eflags, esp, ss;
};

#define SWITCHER_REGS \
	(SWITCHER_REGS_PAGE + PAGE_SIZE - (uint32_t)sizeof(struct guest_regs))

/*S:030 The state page. The host half is written on the way in and read on
 * the way out, when the guest's page tables are still loaded and only
 * this page remembers where the host was; guest_cr3 is written there too,
 * so that gdb, which sees CR3 but not which world loaded it, can tell a
 * guest's ring 3 from a host program's. The guest half is what the CPU
 * needs while the guest runs: descriptor tables it can read but never
 * write. */
struct switcher_state {
	uint32_t host_sp;
	uint32_t host_cr3;
	uint32_t guest_cr3;	/* the shadow directory last entered; only
				 * for the debugger (scripts/kennel.gdb) */
	struct desc_ptr host_gdtr;
	struct desc_ptr host_idtr;
	struct desc_ptr guest_gdtr;
	struct desc_ptr guest_idtr;
	struct desc guest_gdt[GDT_ENTRIES] __attribute__((aligned(8)));
	struct desc guest_idt[IDT_ENTRIES];
	struct tss guest_tss;
};

_Static_assert(sizeof(struct switcher_state) <= PAGE_SIZE,
	       "the Switcher's state must fit its page");
_Static_assert(sizeof(struct guest_regs) == 18 * 4,
	       "the regs layout is the Switcher's push order");

struct guest;

/* Map the Switcher into the host's page tables; build the guest IDT's
 * gates. Before any process exists. */
void switcher_init(void);
/* The page table every guest page directory puts in slot 1023. */
uint32_t switcher_guest_pde(void);
/* Load g's descriptor tables into the state page, then switch to it and
 * come back. Interrupts must be off. */
void switcher_run(struct guest *g, uint32_t shadow_cr3);
/* g is going away: never reuse the tables loaded for it. */
void switcher_forget(const struct guest *g);

#endif
