/*H:400 host/guest_descriptors.c: which descriptors a guest may have.
 *
 * A guest kernel needs segments like any x86 kernel: its own code and data
 * at ring 1, code and data for its user programs at ring 3, and perhaps a
 * few more (thread-local storage). It may not have anything that would
 * lift it to ring 0 or reach outside its world: a DPL-0 segment, a TSS,
 * an LDT, a call or task gate. So the host keeps the guest's GDT itself,
 * accepts entries only in the slots arch/x86/desc.h leaves to guests, and
 * checks each one; the Switcher's copy gets the host-owned slots put back.
 *
 * Interrupt gates are the guest's only in a weaker sense: the IDT the CPU
 * uses always sends every vector to the Switcher at ring 0. The guest's
 * own gates say where the host should deliver a trap (H:500), and their
 * DPL which rings may raise a vector with "int". Next: H:410. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "lib/format.h"
#include "host/guest.h"
#include "host/kernel/trap.h"

/*H:410 The four slots with fixed meaning start flat, 4 GiB and the
 * ring they are named for, so a guest can run before it loads any. */
void guest_gdt_init(struct guest *g)
{
	memset(g->gdt, 0, sizeof(g->gdt));
	g->gdt[GDT_USER_CS] = desc_flat(1, 3);
	g->gdt[GDT_USER_DS] = desc_flat(0, 3);
	g->gdt[GDT_GUEST_CS] = desc_flat(1, 1);
	g->gdt[GDT_GUEST_DS] = desc_flat(0, 1);
	g->descriptors_changed = true;
	g->gdt_version++;
}

static bool loadable_slot(uint32_t index)
{
	return index == GDT_USER_CS || index == GDT_USER_DS || index == GDT_GUEST_CS ||
	       index == GDT_GUEST_DS || (index >= GDT_GUEST_FIRST && index < GDT_ENTRIES);
}

/* NULL if d may go in slot index; otherwise why not. A descriptor that is
 * not present just empties the slot. */
const char *gdt_entry_problem(uint32_t index, struct desc d)
{
	uint32_t access = desc_access(d);

	if (!loadable_slot(index))
		return "not a slot a guest may load";
	if (!(access & DESC_PRESENT))
		return NULL;
	if (!(access & DESC_S))
		return "system descriptors (TSS, LDT, gates) are the host's";
	if (desc_dpl(d) != 1 && desc_dpl(d) != 3)
		return "DPL must be 1 or 3";
	if ((access & DESC_EXEC) && (access & DESC_CONFORMING))
		return "conforming code segments are refused";
	return NULL;
}

/* The accessed bit is set here so that the CPU never needs to write it
 * into the Switcher's read-only copy of the GDT. */
void set_gdt_entry(struct guest *g, uint32_t index, struct desc d)
{
	if (!(desc_access(d) & DESC_PRESENT))
		d = (struct desc){ 0, 0 };
	else
		d.hi |= DESC_ACCESSED << 8;
	g->gdt[index] = d;
	g->descriptors_changed = true;
	g->gdt_version++;
}

/*H:420 Gates. Vectors 2 (NMI), 8 (double fault) and KH_TRAP_VECTOR are
 * never the guest's to handle. A present gate must be a 32-bit interrupt
 * or trap gate; its selector is replaced by GUEST_CS, because a guest
 * handler always runs in the guest's ring-1 code segment. */
static bool reserved_vector(uint32_t vector)
{
	return vector == VEC_NMI || vector == VEC_DOUBLE || vector == KH_TRAP_VECTOR;
}

const char *idt_entry_problem(uint32_t vector, struct desc gate)
{
	if (vector >= IDT_ENTRIES)
		return "no such vector";
	if (reserved_vector(vector))
		return "reserved for the host";
	if (!gate_present(gate))
		return NULL;
	if (gate_type(gate) != GATE_INTERRUPT && gate_type(gate) != GATE_TRAP)
		return "not a 32-bit interrupt or trap gate";
	return NULL;
}

void set_idt_entry(struct guest *g, uint32_t vector, struct desc gate)
{
	if (gate_present(gate))
		gate.lo = (gate.lo & 0xffff) | ((uint32_t)GUEST_CS << 16);
	else
		gate = (struct desc){ 0, 0 };
	g->idt[vector] = gate;
	g->descriptors_changed = true;
}

/*H:430 The DPL of the Switcher's gate for a vector: the lowest ring that
 * may reach it with a software "int". Hypercalls: ring 1 only. Vectors
 * where the CPU pushes an error code, NMI, and the host's own interrupts
 * (32-47): nobody, since an "int" there would leave a frame the Switcher
 * misreads or fake a host interrupt. Otherwise what the guest's gate says,
 * so a guest's system-call vector can have DPL 3. */
uint32_t guest_stub_dpl(const struct guest *g, uint32_t vector)
{
	if (vector == KH_TRAP_VECTOR)
		return 1;
	if (vector_has_error_code(vector) || vector == VEC_NMI ||
	    irq_vector(vector))
		return 0;
	return gate_present(g->idt[vector]) ? desc_dpl(g->idt[vector]) : 0;
}

/*H:435 Direct traps: system calls that never reach the host. A guest's
 * system-call vector can go straight from its ring 3 to its ring-1
 * handler: the CPU's IDT gets the guest's handler itself, with GUEST_CS,
 * DPL 3, so the CPU switches to the ring-1 stack in the TSS (esp1/ss1,
 * from KH_SET_STACK) and never leaves the guest. Only a trap gate will
 * do: an interrupt gate would clear the real IF in ring 1 and keep the
 * host's own interrupts out. The vector may be none the host needs:
 * not an exception, not a host interrupt, not the hypercall vector. */
const char *syscall_vector_problem(uint32_t vector)
{
	if (vector == 0)
		return NULL;
	if (vector < 32 || vector >= IDT_ENTRIES)
		return "must be between 32 and 255";
	if (vector == KH_TRAP_VECTOR || irq_vector(vector))
		return "belongs to the host";
	return NULL;
}

bool direct_trap(const struct guest *g, uint32_t vector)
{
	struct desc gate = g->idt[vector];

	return g->syscall_vector && vector == g->syscall_vector && g->stack_ss &&
	       gate_present(gate) && gate_type(gate) == GATE_TRAP &&
	       desc_dpl(gate) == 3;
}

/*H:440 Before every entry the host checks the selectors it is about to
 * load, because a guest can change a GDT slot under a selector it already
 * holds, and a Launcher can set any registers it likes (KN_SET_REGS). If
 * the Switcher's pops or iret faulted, the CPU would be in the middle of
 * the world switch: better to refuse here with a reason. */
static struct desc selector_desc(const struct guest *g, uint32_t sel, const char **why)
{
	uint32_t index = (sel & 0xffff) >> 3;

	if (sel > 0xffff || (sel & 4) || !loadable_slot(index)) {
		*why = "is not a guest GDT slot";
		return (struct desc){ 0, 0 };
	}
	if (!(desc_access(g->gdt[index]) & DESC_PRESENT))
		*why = "names an empty slot";
	return g->gdt[index];
}

static const char *cs_problem(const struct guest *g, uint32_t cs)
{
	const char *why = NULL;
	struct desc d = selector_desc(g, cs, &why);
	uint32_t cpl = cs & 3;

	if (why)
		return why;
	if (cpl != 1 && cpl != 3)
		return "runs in neither ring 1 nor ring 3";
	if (!(desc_access(d) & DESC_EXEC) || desc_dpl(d) != cpl)
		return "is not code of its own ring";
	return NULL;
}

static const char *ss_problem(const struct guest *g, uint32_t ss, uint32_t cpl)
{
	const char *why = NULL;
	struct desc d = selector_desc(g, ss, &why);

	if (why)
		return why;
	if ((ss & 3) != cpl || desc_dpl(d) != cpl)
		return "is not the stack of the code's ring";
	if ((desc_access(d) & DESC_EXEC) || !(desc_access(d) & DESC_RW))
		return "is not writable data";
	return NULL;
}

static const char *data_problem(const struct guest *g, uint32_t sel, uint32_t cpl)
{
	const char *why = NULL;
	struct desc d;
	uint32_t rpl = sel & 3;

	if ((sel & 0xffff) < 4 && sel <= 0xffff)
		return NULL;			/* the null selector */
	d = selector_desc(g, sel, &why);
	if (why)
		return why;
	if ((desc_access(d) & DESC_EXEC) && !(desc_access(d) & DESC_RW))
		return "is execute-only code";
	if (desc_dpl(d) < (rpl > cpl ? rpl : cpl))
		return "is more privileged than its user";
	return NULL;
}

/* KH_SET_STACK's ss: the guest kernel's own stack, ring-1 writable data. */
const char *stack_selector_problem(const struct guest *g, uint32_t ss)
{
	return ss_problem(g, ss, 1);
}

/* The last valid offset of a segment: its limit, in pages when G is set. */
static uint32_t segment_limit(struct desc d)
{
	uint32_t limit = (d.lo & 0xffff) | (d.hi & 0xf0000);

	return (d.hi & (DESC_FLAG_G << 20)) ? limit << 12 | 0xfff : limit;
}

/* The iret that enters the guest would fault on an eip beyond cs's limit,
 * inside the Switcher (QEMU's TCG does not check, real CPUs do). eip
 * changes on every exit, so this is checked on every entry, even when the
 * selectors are known good (H:235). */
bool guest_eip_ok(const struct guest *g, const struct guest_regs *r, const char **why)
{
	static char reason[96];
	uint32_t limit = segment_limit(g->gdt[(r->cs & 0xffff) >> 3]);

	*why = reason;
	if (r->eip <= limit)
		return true;
	snprintf(reason, sizeof(reason), "eip 0x%x is beyond the limit 0x%x of cs 0x%x", r->eip,
		 limit, r->cs);
	return false;
}

bool guest_selectors_ok(const struct guest *g, const struct guest_regs *r, const char **why)
{
	static char reason[96];
	const char *problem;
	const char *name = "cs";
	uint32_t value = r->cs, cpl = r->cs & 3;
	const uint32_t data[4] = { r->ds, r->es, r->fs, r->gs };
	const char *data_names[4] = { "ds", "es", "fs", "gs" };

	problem = cs_problem(g, r->cs);
	if (!problem && (problem = ss_problem(g, r->ss, cpl)))
		name = "ss", value = r->ss;
	for (int i = 0; i < 4 && !problem; i++)
		if ((problem = data_problem(g, data[i], cpl)))
			name = data_names[i], value = data[i];
	if (!problem)
		return guest_eip_ok(g, r, why);
	*why = reason;
	snprintf(reason, sizeof(reason), "%s 0x%x %s", name, value, problem);
	return false;
}

/*H:445 Addresses the CPU uses for the guest with no host in between: the
 * ring-1 stack a trap from ring 3 pushes its frame onto (TSS.esp1, from
 * KH_SET_STACK) and the handler of a direct trap (H:435). Each is a
 * selector and an offset, so the segment's base counts too, and linear
 * addresses wrap at 4 GiB as the CPU's do. None may reach the Switcher's
 * pages, directly or by wrapping: a frame pushed there would land on the
 * regs page, a handler there would run the Switcher's text in ring 1.
 * They are checked when the guest names them and again before each entry
 * and each delivery, because the guest may move a segment's base between
 * the two. */
#define TRAP_FRAME_MAX	(6 * 4)	/* error code, eip, cs, eflags, esp, ss */

static bool below_switcher(const struct guest *g, uint32_t sel, uint32_t offset,
			   uint32_t before, uint32_t after)
{
	uint32_t linear = segment_base(g, sel) + offset;

	return offset >= before && linear >= before && (uint64_t)linear + after <= SWITCHER_ADDR;
}

bool stack_in_bounds(const struct guest *g, uint32_t ss, uint32_t esp)
{
	return below_switcher(g, ss, esp, TRAP_FRAME_MAX, 0);
}

bool handler_in_bounds(const struct guest *g, struct desc gate)
{
	return below_switcher(g, GUEST_CS, gate_offset(gate), 0, 1);
}

bool guest_addresses_ok(const struct guest *g, const char **why)
{
	static char reason[96];

	*why = reason;
	if (g->stack_ss && !stack_in_bounds(g, g->stack_ss, g->stack_esp)) {
		snprintf(reason, sizeof(reason), "stack 0x%x:0x%x %s", g->stack_ss, g->stack_esp,
			 SWITCHER_REACHED);
		return false;
	}
	if (direct_trap(g, g->syscall_vector) && !handler_in_bounds(g, g->idt[g->syscall_vector])) {
		snprintf(reason, sizeof(reason), "handler 0x%x:0x%x of vector %u %s", GUEST_CS,
			 gate_offset(g->idt[g->syscall_vector]), g->syscall_vector, SWITCHER_REACHED);
		return false;
	}
	return true;
}

/* The linear address a selector's offsets start from. */
uint32_t segment_base(const struct guest *g, uint32_t sel)
{
	uint32_t index = (sel & 0xffff) >> 3;

	return index && index < GDT_ENTRIES ? desc_base(g->gdt[index]) : 0;
}

/*H:450 eflags as the guest will run with it: interrupts on (the guest's
 * own interrupt flag is virtual: H:500), no I/O privilege, no nested task
 * or virtual-8086 mode, no single-stepping through the host's iret. */
uint32_t guest_eflags(uint32_t eflags)
{
	eflags &= ~(EFLAGS_IOPL | EFLAGS_NT | EFLAGS_VM | EFLAGS_TF | EFLAGS_RF |
		    EFLAGS_VIF | EFLAGS_VIP);
	return eflags | EFLAGS_IF | EFLAGS_RESERVED;
}
