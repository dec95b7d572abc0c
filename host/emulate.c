/*H:550 host/emulate.c: the few privileged instructions a guest kernel
 * may still execute.
 *
 * A paravirtual kernel asks for everything with hypercalls, but some
 * instructions are too ingrained to remove from every path, or come from
 * code that also runs on bare metal: cli and sti (the virtual interrupt
 * flag does the job), hlt (KH_HALT does), and port I/O from drivers
 * probing for hardware that isn't there. In ring 1 each of these is a
 * general protection fault; the host recognises them and does the
 * harmless equivalent: "in" reads all ones, as from an empty bus, and
 * "out" goes nowhere. Anything else, and any privileged instruction from
 * ring 3, is reflected to the guest's own #GP handler. Next: H:600. */
#include "arch/x86/cpu.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"

#define OP_SIZE_PREFIX	0x66

static uint8_t insn_byte(struct guest *g, uint32_t offset)
{
	uint8_t b;

	guest_read_virt(g, segment_base(g, g->regs->cs) + g->regs->eip + offset, &b, 1);
	return b;
}

/* "in" of a byte, word or dword: all ones, into al, ax or eax. */
static void emulate_in(struct guest *g, uint32_t bytes)
{
	uint32_t mask = bytes == 4 ? 0xffffffffu : (1u << (bytes * 8)) - 1;

	g->regs->eax |= mask;
}

/* The length of an I/O instruction at op, or 0 if op is not one. */
static uint32_t io_insn(uint8_t op, uint32_t prefix, bool *is_in, uint32_t *bytes)
{
	bool imm = op >= 0xe4 && op <= 0xe7, dx = op >= 0xec && op <= 0xef;

	if (!imm && !dx)
		return 0;
	*is_in = (op & 2) == 0;
	*bytes = (op & 1) ? (prefix ? 2 : 4) : 1;
	return prefix + 1 + (imm ? 1 : 0);
}

static uint32_t emulate_io(struct guest *g, uint8_t first)
{
	uint32_t prefix = first == OP_SIZE_PREFIX, bytes, len;
	uint8_t op = prefix ? insn_byte(g, 1) : first;
	bool is_in;

	len = io_insn(op, prefix, &is_in, &bytes);
	if (len && is_in)
		emulate_in(g, bytes);
	return len;
}

/* Returns true if the instruction at eip was emulated (eip now past it). */
bool emulate_insn(struct guest *g)
{
	uint8_t op;
	uint32_t len = 1;

	if ((g->regs->cs & 3) != 1)
		return false;
	op = insn_byte(g, 0);
	if (guest_waits(g))
		return true;	/* its bytes are not there yet: tried again (V:570) */
	if (op == 0xfa)					/* cli */
		set_guest_irq_enabled(g, 0);
	else if (op == 0xfb)				/* sti */
		set_guest_irq_enabled(g, EFLAGS_IF);
	else if (op == 0xf4)				/* hlt */
		g->halted = true;
	else if (!(len = emulate_io(g, op)))
		return guest_waits(g);
	if (guest_waits(g))
		return true;
	g->regs->eip += len;
	g->stats.emulated++;
	return true;
}
