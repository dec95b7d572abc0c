/*T:360 tests/guests/lib/idt.c: gates, handlers, and the dispatcher every
 * trap and interrupt goes through.
 *
 * A guest has no IDT of its own: it tells the host, one vector at a time
 * with KH_LOAD_IDT_ENTRY, which handler to run (a gate, as in
 * arch/x86/desc.h; the host forces the selector to GUEST_CS). The runtime
 * points every gate it sets at that vector's stub in traps.asm, so the
 * one C entry, trap_dispatch, sees every trap with its vector.
 *
 * At start the runtime gates the CPU's exceptions (not 2, 8 and 31, which
 * the host keeps, nor the reserved 15), the 32 interrupt vectors, and its
 * ring-3 exit. All are interrupt gates, so a handler starts with virtual
 * interrupts off, and all have DPL 1 (an "int" from ring 3 is a #GP)
 * except the ones ring 3 must reach: int3 and into, like any kernel's,
 * and RING3_EXIT_VECTOR.
 *
 * The dispatcher counts every interrupt (irq_count), then runs the
 * vector's handler if a test set one. Otherwise an interrupt is simply
 * done, and any other trap ends the running probe (catch.c); a trap that
 * nobody expected ends the test with ERROR and the frame's details.
 * Next: catching traps and running in ring 3, T:370. */
#include "tests/guests/lib/guest.h"

extern const uint32_t trap_stubs[256];

/* trap_entry pushes ds, es, fs, gs and then pusha's eight registers below
 * the vector: 12 words, then vector and error code, then the host's eip. */
_Static_assert(offsetof(struct trap_frame, vector) == 12 * 4, "trap frame layout");
_Static_assert(offsetof(struct trap_frame, eip) == 14 * 4, "trap frame layout");

volatile uint32_t irq_count[KH_NR_IRQS];
static trap_handler_fn *handlers[256];

static const char *const exception_names[20] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved",
	"x87 floating point", "alignment check", "machine check", "SIMD floating point",
};

static const char *vector_name(uint32_t vector)
{
	if (vector < 20)
		return exception_names[vector];
	if (vector >= KH_IRQ_VECTOR_BASE && vector < KH_IRQ_VECTOR_BASE + KH_NR_IRQS)
		return "interrupt";
	return "software interrupt";
}

uint32_t stub_address(uint32_t vector)
{
	return trap_stubs[vector & 0xff];
}

void set_gate(uint32_t vector, uint32_t type, uint32_t dpl)
{
	kh_load_idt_entry(vector, gate_make(stub_address(vector), GUEST_CS, type, dpl));
}

void clear_gate(uint32_t vector)
{
	kh_load_idt_entry(vector, (struct desc){ 0, 0 });
}

void set_handler(uint32_t vector, trap_handler_fn *fn)
{
	handlers[vector & 0xff] = fn;
}

static bool host_owned(uint32_t vector)
{
	return vector == 2 || vector == 8 || vector == 15 || vector == KH_TRAP_VECTOR;
}

void install_default_gates(void)
{
	for (uint32_t v = 0; v < 20; v++)
		if (!host_owned(v))
			set_gate(v, GATE_INTERRUPT, v == 3 || v == 4 ? 3 : 1);
	for (uint32_t irq = 0; irq < KH_NR_IRQS; irq++)
		set_gate(KH_IRQ_VECTOR_BASE + irq, GATE_INTERRUPT, 1);
	set_gate(RING3_EXIT_VECTOR, GATE_INTERRUPT, 3);
}

static bool is_interrupt(uint32_t vector)
{
	return vector >= KH_IRQ_VECTOR_BASE && vector < KH_IRQ_VECTOR_BASE + KH_NR_IRQS;
}

static void report_unexpected(const struct trap_frame *f)
{
	test_error("unexpected trap %u (%s) at eip 0x%x, cs 0x%x, error code 0x%x, "
		   "shared cr2 0x%x", f->vector, vector_name(f->vector), f->eip, f->cs,
		   f->errcode, kennel_data.cr2);
}

void trap_dispatch(struct trap_frame *f)
{
	uint32_t vector = f->vector;

	if (is_interrupt(vector))
		irq_count[vector - KH_IRQ_VECTOR_BASE]++;
	if (handlers[vector]) {
		handlers[vector](f);
		return;
	}
	if (is_interrupt(vector))
		return;
	catch_trap(f);
	report_unexpected(f);
}
