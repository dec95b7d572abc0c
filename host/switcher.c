/*S:100 host/switcher.c: the C half of the Switcher.
 *
 * switcher/switcher.asm does the swap; this file makes the pages it runs
 * on and fills them. Two page tables cover slot 1023: the host's (in
 * kernel_pgdir, so every host address space has it) maps the text
 * read-only and the regs and state pages writable; the guests' (in every
 * shadow page directory) maps the text and the state page read-only and
 * only the regs page writable. Both map the regs page to the running
 * guest's own regs frame, repointed before each entry, so whatever a guest
 * does to that page it does to its own registers and nothing else.
 *
 * One thing must never happen: a host mapping surviving the switch into a
 * guest's page tables. Loading CR3 flushes every TLB entry except global
 * ones, so the host never turns on global pages (CR4.PGE), and
 * switcher_init checks that. One more door must stay shut: sysenter jumps
 * from any ring straight to ring 0, at whatever SYSENTER_CS says. The host
 * never uses it and sets that MSR to 0, which makes sysenter fault with
 * #GP in guests as in host programs. Next: the call, S:110. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/switcher.h"
#include "host/guest.h"
#include "host/kernel/layout.h"
#include "host/kernel/frames.h"
#include "host/kernel/vm.h"
#include "host/kernel/console.h"

extern const uint8_t switcher_text_phys[], switcher_text_size[];
extern const uint32_t switcher_exit_stubs[IDT_ENTRIES];
extern struct desc host_gdt[GDT_ENTRIES];
void switch_to_guest(void);

static uint32_t *host_table, *guest_table;	/* slot 1023 page tables */
static struct switcher_state *state;		/* the host's view of it */
static const struct guest *loaded_guest;	/* whose tables are in state */

#define TEXT_INDEX	0
#define REGS_INDEX	1
#define STATE_INDEX	2

static uint32_t *zeroed_page(uint32_t *pa)
{
	*pa = frame_alloc();
	BUG_ON(!*pa);
	memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	return phys_to_virt(*pa);
}

/*S:130 The guest's TSS says one thing that matters: where ring 0's stack
 * is, the end of the regs page, so that leaving the guest pushes its
 * registers exactly into struct guest_regs. It grants no I/O ports.
 * Next: the assembly that runs on these pages, S:200. */
static void init_state(void)
{
	state->host_gdtr = (struct desc_ptr){ sizeof(host_gdt) - 1, (uint32_t)(uintptr_t)host_gdt };
	asm volatile("sidt %0" : "=m"(state->host_idtr));
	state->guest_gdtr = (struct desc_ptr){ sizeof(state->guest_gdt) - 1,
		SWITCHER_STATE_PAGE + offsetof(struct switcher_state, guest_gdt) };
	state->guest_idtr = (struct desc_ptr){ sizeof(state->guest_idt) - 1,
		SWITCHER_STATE_PAGE + offsetof(struct switcher_state, guest_idt) };
	state->guest_tss.ss0 = KERNEL_DS;
	state->guest_tss.esp0 = SWITCHER_REGS_PAGE + PAGE_SIZE;
	state->guest_tss.iomap_base = TSS_NO_IOMAP;
}

void switcher_init(void)
{
	uint32_t host_pa, guest_pa, state_pa, text_pa = (uint32_t)(uintptr_t)switcher_text_phys;

	BUG_ON(read_cr4() & CR4_PGE);
	wrmsr(MSR_SYSENTER_CS, 0);
	BUG_ON((uintptr_t)switcher_text_size > PAGE_SIZE);
	host_table = zeroed_page(&host_pa);
	guest_table = zeroed_page(&guest_pa);
	state = (struct switcher_state *)zeroed_page(&state_pa);
	host_table[TEXT_INDEX] = text_pa | PTE_PRESENT;
	host_table[STATE_INDEX] = state_pa | PTE_PRESENT | PTE_RW;
	guest_table[TEXT_INDEX] = text_pa | PTE_PRESENT;
	guest_table[STATE_INDEX] = state_pa | PTE_PRESENT;
	init_state();
	vm_set_kernel_slot(SWITCHER_PGD, host_pa | PTE_PRESENT | PTE_RW);
	kprintf("switcher: %u bytes of text at 0x%x, state page at 0x%x\n",
		(uint32_t)(uintptr_t)switcher_text_size, SWITCHER_TEXT, SWITCHER_STATE_PAGE);
}

uint32_t switcher_guest_pde(void)
{
	return virt_to_phys(guest_table) | PTE_PRESENT | PTE_RW;
}

/*S:120 The descriptor tables the CPU uses while g runs. The GDT is the
 * guest's checked copy with the host-owned slots put back: ring-0 code and
 * data for the Switcher, and the TSS. Every IDT gate leads to a Switcher
 * stub at ring 0; its DPL says only which rings may reach it with "int"
 * (host/guest_descriptors.c decides), except a direct trap's (H:435), which
 * leads straight to the guest's own handler. They are copied only when another guest ran
 * in between or g changed its tables. */
static void load_gdt_copy(const struct guest *g)
{
	uint32_t tss = SWITCHER_STATE_PAGE + offsetof(struct switcher_state, guest_tss);

	memcpy(state->guest_gdt, g->gdt, sizeof(state->guest_gdt));
	state->guest_gdt[GDT_NULL] = (struct desc){ 0, 0 };
	state->guest_gdt[GDT_KERNEL_CS] = host_gdt[GDT_KERNEL_CS];
	state->guest_gdt[GDT_KERNEL_DS] = host_gdt[GDT_KERNEL_DS];
	state->guest_gdt[GDT_TSS] = desc_make(tss, sizeof(struct tss) - 1,
					      DESC_PRESENT | DESC_TYPE_TSS32, 0);
}

static void load_idt_copy(const struct guest *g)
{
	for (uint32_t v = 0; v < IDT_ENTRIES; v++)
		state->guest_idt[v] = gate_make(switcher_exit_stubs[v], KERNEL_CS,
						GATE_INTERRUPT, guest_stub_dpl(g, v));
	if (direct_trap(g, g->syscall_vector))
		state->guest_idt[g->syscall_vector] =
			gate_make(gate_offset(g->idt[g->syscall_vector]), GUEST_CS, GATE_TRAP, 3);
}

static void load_guest_tables(struct guest *g)
{
	if (loaded_guest == g && !g->descriptors_changed)
		return;
	load_gdt_copy(g);
	load_idt_copy(g);
	loaded_guest = g;
	g->descriptors_changed = false;
}

static void point_regs_page(const struct guest *g)
{
	uint32_t pte = g->regs_frame | PTE_PRESENT | PTE_RW;

	if (host_table[REGS_INDEX] == pte)
		return;
	host_table[REGS_INDEX] = pte;
	guest_table[REGS_INDEX] = pte;
	invlpg(SWITCHER_REGS_PAGE);
}

/*M:010 The last chapter: what kennel leaves out, and exercises for a reader
 * who has followed it this far, one limit at a time.
 *
 * What a guest can see. The state page is read-only to a guest, but
 * not hidden: ring 1 is "supervisor" to the paging hardware, so a guest
 * can read the host's saved stack pointer, its CR3 and the addresses of
 * its GDT and IDT, as an lguest guest could. None of it lets the guest
 * write anything or reach ring 0, but it does leak where the host's
 * kernel lives. An exercise: give each guest its own state page and keep
 * the host's values elsewhere (they could travel in registers the
 * Switcher pushes on the regs page, at the cost of trusting that page on
 * the way out). */

/* A guest being destroyed must not be mistaken for the next one that
 * happens to get the same struct address. */
void switcher_forget(const struct guest *g)
{
	if (loaded_guest == g)
		loaded_guest = NULL;
}

/*S:110 The call itself. trapnum is preset to SWITCHER_NO_TRAP: a real
 * exit overwrites it, so if it is still there afterwards, the Switcher
 * faulted on the guest's behalf (S:230). The far call's target is the
 * Switcher's address, reached with the host's code segment; the "+b"
 * hands switch_to_guest the shadow directory in ebx, its register
 * contract (S:200). Before it, the tables the CPU will use are put in
 * place (S:120) and the regs page is pointed at g's registers. When the
 * call returns, the guest has exited and run_guest goes on (H:240).:*/
void switcher_run(struct guest *g, uint32_t shadow_cr3)
{
	static const struct { uint32_t offset; uint16_t sel; } __attribute__((packed))
		entry = { (uint32_t)(uintptr_t)switch_to_guest, KERNEL_CS };
	uint32_t cr3 = shadow_cr3;

	load_guest_tables(g);
	state->guest_tss.ss1 = g->stack_ss;
	state->guest_tss.esp1 = g->stack_esp;
	point_regs_page(g);
	g->regs->trapnum = SWITCHER_NO_TRAP;
	asm volatile("pushf\n\tlcall *%[entry]"
		     : "+b"(cr3)
		     : [entry] "m"(entry)
		     : "eax", "ecx", "edx", "esi", "edi", "memory", "cc");
}
/*:*/
