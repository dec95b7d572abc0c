/*T:370 tests/guests/lib/catch.c: provoking a trap and living to tell.
 *
 * Most checks of trap delivery have the same shape: run a few instructions
 * that must trap (a "probe", from probes.asm), and look at the frame the
 * host delivered. run_ring1 and run_ring3 do that. Each saves its place
 * (context.asm, T:375) and marks itself as the running probe, then calls
 * the probe: directly in ring 1, or through an iret to ring 3 (T:355) on
 * a stack of its own. If the probe traps and no handler wants the trap,
 * the dispatcher calls catch_trap, which copies the frame and the shared
 * page's view of it into the outcome and jumps back to the saved place,
 * leaving the trap frame (and, from ring 3, the whole ring-3 stack)
 * behind. If the probe returns instead, so does the run: in ring 1 by
 * plain return, in ring 3 through RING3_EXIT_VECTOR, which catch_trap
 * recognises by its vector and ring.
 *
 * A trap that arrives through an interrupt gate turns virtual interrupts
 * off, and nothing on the jump back turns them on again; so a run ends by
 * putting them back as they were before it (and asking for any interrupt
 * that arrived meanwhile). Next: virtual interrupts, T:380. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

struct context {
	uint32_t ebx, esi, edi, ebp, esp, eip;
};

int context_save(struct context *c) __attribute__((returns_twice));
void context_jump(struct context *c, int value) __attribute__((noreturn));
void enter_ring3(probe_fn *fn, uint32_t arg, uint32_t stack_top) __attribute__((noreturn));

struct probe {
	struct context where;
	struct outcome out;
	struct probe *outer;
	uint32_t irq_enabled;		/* before the run */
};

static struct probe *running;
static uint8_t user_stack[USER_STACK_SIZE] __attribute__((aligned(16)));

uint32_t ring3_stack_top(void)
{
	return (uint32_t)(uintptr_t)(user_stack + sizeof(user_stack));
}

static bool from_ring3(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

static void record(struct probe *p, const struct trap_frame *f)
{
	memset(&p->out.frame, 0, sizeof(p->out.frame));
	memcpy(&p->out.frame, f, offsetof(struct trap_frame, user_esp));
	if (from_ring3(f)) {
		p->out.frame.user_esp = f->user_esp;
		p->out.frame.user_ss = f->user_ss;
	}
	p->out.frame_end = (uint32_t)(uintptr_t)&f->eflags + 4 + (from_ring3(f) ? 8 : 0);
	p->out.irq_enabled = kennel_data.irq_enabled;
	p->out.cr2 = kennel_data.cr2;
	p->out.trapped = !(f->vector == RING3_EXIT_VECTOR && from_ring3(f));
	p->out.result = p->out.trapped ? 0 : f->eax;
}

void catch_trap(struct trap_frame *f)
{
	struct probe *p = running;

	if (!p)
		return;
	record(p, f);
	context_jump(&p->where, 1);
}

static void restore_virtual_irqs(uint32_t irq_enabled)
{
	if (irq_enabled & EFLAGS_IF)
		enable_virtual_irqs();
	else
		disable_virtual_irqs();
}

static struct outcome run_probe(probe_fn *fn, uint32_t arg, bool ring3)
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	p.outer = running;
	p.irq_enabled = kennel_data.irq_enabled;
	running = &p;
	if (context_save(&p.where) == 0) {
		if (ring3)
			enter_ring3(fn, arg, ring3_stack_top());
		p.out.result = fn(arg);
		p.out.trapped = false;
	}
	running = p.outer;
	restore_virtual_irqs(p.irq_enabled);
	return p.out;
}

struct outcome run_ring1(probe_fn *fn, uint32_t arg)
{
	return run_probe(fn, arg, false);
}

struct outcome run_ring3(probe_fn *fn, uint32_t arg)
{
	return run_probe(fn, arg, true);
}

bool check_no_trap(const struct outcome *o, const char *what)
{
	return check(!o->trapped, "%s: trap %u (error code 0x%x) at eip 0x%x", what,
		     o->frame.vector, o->frame.errcode, o->frame.eip);
}

bool check_trap(const struct outcome *o, uint32_t vector, uint32_t eip, const char *what)
{
	if (!check(o->trapped, "%s: no trap, the probe returned 0x%x", what, o->result))
		return false;
	return check(o->frame.vector == vector && o->frame.eip == eip,
		     "%s: trap %u at eip 0x%x, want trap %u at eip 0x%x", what,
		     o->frame.vector, o->frame.eip, vector, eip);
}

bool check_trap_code(const struct outcome *o, uint32_t vector, uint32_t errcode,
		     uint32_t eip, const char *what)
{
	if (!check_trap(o, vector, eip, what))
		return false;
	return check(o->frame.errcode == errcode, "%s: error code 0x%x, want 0x%x", what,
		     o->frame.errcode, errcode);
}
