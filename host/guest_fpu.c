/*H:600 host/guest_fpu.c: one FPU, many guests.
 *
 * Saving and restoring the x87 registers on every switch would be slow and
 * mostly pointless: most exits are back to the same guest, and many guests
 * never touch the FPU. So the switch is lazy, as in every x86 kernel: CR0.TS
 * stays set, and the first FPU instruction after a change of owner raises
 * device-not-available (#NM, vector 7). Only then does the host save the
 * previous owner's registers and load this guest's.
 *
 * The host and its programs never use the FPU (they are built with
 * -mgeneral-regs-only), so outside a guest that owns the FPU, TS is always
 * set: a host program that tries anyway faults and is killed, and cannot
 * see a guest's registers. Only x87 state is kept (fnsave): the host never
 * sets CR4.OSFXSR, so SSE instructions fault in every guest.
 *
 * A guest has its own idea of TS (KH_TS), for its own lazy switching among
 * its processes: while it is set, #NM goes to the guest's handler instead.
 * Next: H:610. */
#include "arch/x86/cpu.h"
#include <stddef.h>
#include "host/guest.h"

static struct guest *fpu_owner;
static uint8_t clean_state[FPU_STATE_SIZE] __attribute__((aligned(16)));

static void clts(void)
{
	asm volatile("clts");
}

static void stts(void)
{
	write_cr0(read_cr0() | CR0_TS);
}

/*M:030 Only the x87 registers travel between guests: no SSE, because the
 * host leaves CR4.OSFXSR clear, so SSE instructions fault with #UD in
 * every guest. Supporting SSE means fxsave/fxrstor (a 512-byte, 16-byte
 * aligned area per guest), setting OSFXSR, and telling guests through
 * the boot information that they may use it. */
void fpu_init(void)
{
	fpu_clean_state(clean_state);
	write_cr0(read_cr0() | CR0_TS | CR0_MP | CR0_NE);
}

/*H:610 Around each entry: the owner runs with TS clear unless it asked
 * for TS itself; everyone else, and the host, with TS set. */
void fpu_before_entry(struct guest *g)
{
	if (fpu_owner == g && !g->virtual_ts)
		clts();
}

void fpu_after_exit(struct guest *g)
{
	if (fpu_owner == g)
		stts();
}

/*H:620 #NM with the guest's own TS clear: give it the FPU. fnsave stores
 * the old owner's registers (and reinitialises the unit, without waiting
 * for its exceptions); a guest that never had any starts from the clean
 * state, never from what the last owner left, alive or dead. */
void fpu_take(struct guest *g)
{
	clts();
	if (fpu_owner && fpu_owner != g) {
		asm volatile("fnsave %0" : "=m"(fpu_owner->fpu_state));
		fpu_owner->fpu_saved = true;
	}
	if (fpu_owner != g)
		fpu_load_state(g->fpu_saved ? g->fpu_state : clean_state);
	fpu_owner = g;
	stts();
}

/* Its registers out of the unit and into fpu_state, for a snapshot
 * (H:820): the next #NM loads them back, as after any other owner. */
void fpu_release(struct guest *g)
{
	if (fpu_owner != g)
		return;
	clts();
	asm volatile("fnsave %0" : "=m"(g->fpu_state));
	g->fpu_saved = true;
	fpu_owner = NULL;
	stts();
}

/* g is being destroyed: its registers in the FPU are nobody's now. */
void fpu_forget(struct guest *g)
{
	if (fpu_owner == g)
		fpu_owner = NULL;
}
