/*G:190 guest/kernel/desc.c: segments and gates.
 *
 * pup needs four segments, all flat: code and data for its kernel, in
 * the kernel's ring (0 natively, 1 under kennel, so in GDT slots 1-2 or
 * 6-7: pv.kernel_cs and pv.kernel_ds say which), and code and data for
 * its programs in ring 3 (slots 3-4, USER_CS and USER_DS, in both). Under
 * kennel all four exist before pup starts (H:410); pup loads them anyway,
 * through the same operation as natively, so the two paths stay one.
 *
 * The gates: exceptions 0-19, except NMI and double fault, which kennel
 * keeps for itself (natively they would go to the same handler, and a
 * double fault ends in a reset); the 32 interrupt lines from vector 32;
 * and the system call, 0x80. Every gate but the last is an interrupt
 * gate, so handlers start with interrupts off (under kennel, the host
 * clears the virtual flag). The system call's is a trap gate with DPL 3:
 * ring 3 may raise it, and under kennel exactly that kind of gate becomes
 * a direct trap, which reaches pup without the host (H:435). Breakpoint
 * (int3) has DPL 3 too, so a program's int3 is reported as what it is.
 * Fifty-odd entries are a burst: under kennel they go through the
 * batching ring (G:140). Next: the trap entry code, G:200. */
#include "arch/x86/desc.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/trap.h"

static void set_gate(uint32_t vector, uint32_t handler, uint32_t type, uint32_t dpl)
{
	pv.write_idt_entry(vector, gate_make(handler, pv.kernel_cs, type, dpl));
}

static bool host_owned(uint32_t vector)
{
	return vector == VEC_NMI || vector == VEC_DOUBLE || vector == VEC_RESERVED;
}

static void load_segments(void)
{
	pv.write_gdt_entry(pv.kernel_cs >> 3, desc_flat(1, (int)pv.ring));
	pv.write_gdt_entry(pv.kernel_ds >> 3, desc_flat(0, (int)pv.ring));
	pv.write_gdt_entry(GDT_USER_CS, desc_flat(1, 3));
	pv.write_gdt_entry(GDT_USER_DS, desc_flat(0, 3));
}

static void load_gates(void)
{
	for (uint32_t v = 0; v < NR_EXCEPTIONS; v++)
		if (!host_owned(v))
			set_gate(v, trap_stubs[v], GATE_INTERRUPT, v == VEC_BREAKPOINT ? 3 : 0);
	for (uint32_t irq = 0; irq < NR_IRQS; irq++)
		set_gate(VEC_IRQ0 + irq, trap_stubs[VEC_IRQ0 + irq], GATE_INTERRUPT, 0);
	set_gate(PUP_SYSCALL_VECTOR, (uint32_t)syscall_entry, GATE_TRAP, 3);
}

void descriptors_init(void)
{
	pv.lazy_begin();
	load_segments();
	load_gates();
	pv.lazy_end();
	pv.load_descriptor_tables();
}
