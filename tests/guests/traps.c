/*T:410 tests/guests/traps.c: traps reflected to the guest, and the
 * instructions the host emulates instead.
 *
 * From ring 1, each fault must arrive at the guest's own handler with
 * the frame the CPU would have built (H:530): the right vector, eip at the
 * faulting instruction (or after it, for int3), cs = GUEST_CS, an error
 * code where the vector has one, the virtual IF in the pushed eflags, and
 * virtual interrupts off inside the handler (an interrupt gate). A page
 * fault beyond the guest's memory, which the linear map leaves unmapped,
 * also leaves its address in kennel_data.cr2. Privileged instructions are
 * #GP, except the few the host emulates for ring 1 (H:550): cli and sti
 * change the virtual IF, in reads all ones into exactly the bytes it
 * reads, out goes nowhere, and hlt waits for an interrupt.
 *
 * From ring 3, the frame also carries ss and esp and sits at the top of
 * the KH_SET_STACK stack; every privileged instruction is a #GP, and so is
 * "int" on any vector ring 3 may not use, the hypercall vector included,
 * with the error code the CPU gives (vector * 8 + 2). A timer interrupt
 * that arrives while ring 3 spins is delivered there too, and ring 3 goes
 * on afterwards. Next: T:420, the timer. */
#include "arch/x86/paging.h"
#include "tests/guests/lib/guest.h"

#define BEYOND_OFFSET	0x123
#define FAR_ADDRESS	0x80000000u	/* far above any test guest's memory */

static void check_ring1_frame(const struct outcome *o, const char *what)
{
	if (!o->trapped)
		return;
	check_eq(o->frame.cs & 0xffff, GUEST_CS, what);
	check(o->frame.eflags & EFLAGS_IF, "%s: pushed eflags 0x%x lacks the virtual IF",
	      what, o->frame.eflags);
	check(o->irq_enabled == 0, "%s: irq_enabled 0x%x in an interrupt gate's handler",
	      what, o->irq_enabled);
}

/* Ring 1 can run the Switcher's first instructions, but their first store
 * to the state page faults: the page is read-only to the guest. */
static void check_switcher_is_read_only(void)
{
	const uint32_t text = SWITCHER_ADDR, state = text + 2 * PAGE_SIZE;
	struct outcome o = run_ring1(probe_call, text);

	if (!check(o.trapped, "calling the Switcher's text from ring 1 did not trap"))
		return;
	check_eq(o.frame.vector, 14, "vector after calling the Switcher's text");
	check_eq(o.frame.errcode, PF_PRESENT | PF_WRITE, "error code of the Switcher's store");
	check_eq(o.cr2, state, "cr2 of the Switcher's store");
	check(o.frame.eip >= text && o.frame.eip < text + PAGE_SIZE,
	      "eip 0x%x of the Switcher's store is outside its text", o.frame.eip);
}

static void check_ring1_faults(void)
{
	uint32_t beyond = memory_limit() + BEYOND_OFFSET;
	struct outcome o;

	o = run_ring1(probe_divide, 0);
	check_trap(&o, 0, SITE(probe_divide), "ring-1 divide error");
	check_ring1_frame(&o, "ring-1 divide error: cs");
	o = run_ring1(probe_int3, 0);
	check_trap(&o, 3, SITE(probe_int3) + INT3_LEN, "ring-1 int3");
	check_ring1_frame(&o, "ring-1 int3: cs");
	o = run_ring1(probe_ud2, 0);
	check_trap(&o, 6, SITE(probe_ud2), "ring-1 ud2");
	check_ring1_frame(&o, "ring-1 ud2: cs");
	o = run_ring1(probe_read, beyond);
	check_trap_code(&o, 14, 0, SITE(probe_read), "ring-1 read beyond memory");
	check_eq(o.cr2, beyond, "kennel_data.cr2 after a ring-1 read beyond memory");
	check_ring1_frame(&o, "ring-1 page fault: cs");
	o = run_ring1(probe_write, beyond + 8);
	check_trap_code(&o, 14, PF_WRITE, SITE(probe_write), "ring-1 write beyond memory");
	check_eq(o.cr2, beyond + 8, "kennel_data.cr2 after a ring-1 write beyond memory");
	o = run_ring1(probe_read_cr0, 0);
	check_trap_code(&o, 13, 0, SITE(probe_read_cr0), "ring-1 mov from cr0");
	check_ring1_frame(&o, "ring-1 #GP: cs");
	o = run_ring1(probe_sysenter, 0);
	check_trap_code(&o, 13, 0, SITE(probe_sysenter), "ring-1 sysenter");
	check_switcher_is_read_only();
}

static uint32_t cli_then_look(uint32_t arg)
{
	(void)arg;
	probe_cli(0);
	return kennel_data.irq_enabled;
}

static uint32_t sti_then_look(uint32_t arg)
{
	(void)arg;
	probe_sti(0);
	return kennel_data.irq_enabled;
}

static void check_in(probe_fn *probe, uint32_t arg, uint32_t want, const char *what)
{
	struct outcome o = run_ring1(probe, arg);

	if (check_no_trap(&o, what))
		check_eq(o.result, want, what);
}

static void check_ring1_emulation(void)
{
	uint32_t timer_irqs;
	struct outcome o;

	enable_virtual_irqs();
	o = run_ring1(cli_then_look, 0);
	if (check_no_trap(&o, "ring-1 cli"))
		check_eq(o.result, 0, "irq_enabled after an emulated cli");
	disable_virtual_irqs();
	o = run_ring1(sti_then_look, 0);
	if (check_no_trap(&o, "ring-1 sti"))
		check_eq(o.result, EFLAGS_IF, "irq_enabled after an emulated sti");
	enable_virtual_irqs();

	check_in(probe_in8_dx, 0x60, 0x123456ff, "ring-1 in al, dx");
	check_in(probe_in16_dx, 0x60, 0x1234ffff, "ring-1 in ax, dx");
	check_in(probe_in32_dx, 0xcf8, 0xffffffff, "ring-1 in eax, dx");
	check_in(probe_in8_imm, 0, 0x123456ff, "ring-1 in al, 0x61");
	o = run_ring1(probe_out8_dx, 0x80);
	check_no_trap(&o, "ring-1 out dx, al");
	o = run_ring1(probe_out8_imm, 0);
	check_no_trap(&o, "ring-1 out 0x80, al");

	timer_irqs = irq_count[KH_IRQ_TIMER];
	kh_set_timer(20000);
	o = run_ring1(probe_hlt, 0);
	check_no_trap(&o, "ring-1 hlt");
	check(irq_count[KH_IRQ_TIMER] == timer_irqs + 1,
	      "ring-1 hlt returned before the timer interrupt (%u timer interrupts, want %u)",
	      irq_count[KH_IRQ_TIMER], timer_irqs + 1);
}

static void check_ring3_frame(const struct outcome *o, const char *what)
{
	if (!o->trapped)
		return;
	check(o->frame.cs == USER_CS && o->frame.user_ss == USER_DS,
	      "%s: frame has cs 0x%x, ss 0x%x, want 0x%x and 0x%x", what,
	      o->frame.cs, o->frame.user_ss, USER_CS, USER_DS);
	check(o->frame_end == trap_stack_top(),
	      "%s: frame ends at 0x%x, not at the KH_SET_STACK stack's top 0x%x", what,
	      o->frame_end, trap_stack_top());
	check(o->frame.user_esp > ring3_stack_top() - USER_STACK_SIZE &&
	      o->frame.user_esp < ring3_stack_top(),
	      "%s: pushed esp 0x%x is not on the ring-3 stack below 0x%x", what,
	      o->frame.user_esp, ring3_stack_top());
}

static struct outcome check_ring3_fault(probe_fn *probe, uint32_t arg, uint32_t vector,
					uint32_t errcode, uint32_t eip, const char *what)
{
	struct outcome o = run_ring3(probe, arg);

	if (check_trap_code(&o, vector, errcode, eip, what))
		check_ring3_frame(&o, what);
	return o;
}

static void check_ring3_faults(void)
{
	uint32_t beyond = memory_limit() + BEYOND_OFFSET;
	struct outcome o;

	o = run_ring3(probe_read_cs, 0);
	if (check_no_trap(&o, "ring 3 returning normally"))
		check_eq(o.result & 0xffff, USER_CS, "cs in ring 3");
	o = run_ring3(probe_int3, 0);
	check_trap(&o, 3, SITE(probe_int3) + INT3_LEN, "ring-3 int3");
	check_ring3_frame(&o, "ring-3 int3");
	o = run_ring3(probe_ud2, 0);
	check_trap(&o, 6, SITE(probe_ud2), "ring-3 ud2");
	check_ring3_frame(&o, "ring-3 ud2");
	o = run_ring3(probe_divide, 0);
	check_trap(&o, 0, SITE(probe_divide), "ring-3 divide error");
	o = check_ring3_fault(probe_write, beyond, 14, PF_WRITE | PF_USER, SITE(probe_write),
			      "ring-3 write beyond memory");
	check_eq(o.cr2, beyond, "kennel_data.cr2 after a ring-3 write beyond memory");
	o = check_ring3_fault(probe_read, FAR_ADDRESS, 14, PF_USER, SITE(probe_read),
			      "ring-3 read far beyond memory");
	check_eq(o.cr2, FAR_ADDRESS, "kennel_data.cr2 after a ring-3 read at 0x80000000");

	check_ring3_fault(probe_cli, 0, 13, 0, SITE(probe_cli), "ring-3 cli");
	check_ring3_fault(probe_sti, 0, 13, 0, SITE(probe_sti), "ring-3 sti");
	check_ring3_fault(probe_hlt, 0, 13, 0, SITE(probe_hlt), "ring-3 hlt");
	check_ring3_fault(probe_in8_dx, 0x60, 13, 0, SITE(probe_in8_dx), "ring-3 in al, dx");
	check_ring3_fault(probe_out8_imm, 0, 13, 0, SITE(probe_out8_imm), "ring-3 out 0x80, al");
	check_ring3_fault(probe_read_cr0, 0, 13, 0, SITE(probe_read_cr0), "ring-3 mov from cr0");
	check_ring3_fault(probe_int_0x1f, 0, 13, KH_TRAP_VECTOR * 8 + 2, SITE(probe_int_0x1f),
			  "ring-3 hypercall");
	check_ring3_fault(probe_int_0x40, 0, 13, 0x40 * 8 + 2, SITE(probe_int_0x40),
			  "ring-3 int on a vector with no gate");
}

static volatile uint32_t ring3_timer_seen, ring3_timer_cs, ring3_timer_frame_end;

static void note_timer_in_ring3(struct trap_frame *f)
{
	ring3_timer_cs = f->cs;
	ring3_timer_frame_end = (uint32_t)(uintptr_t)&f->eflags + 4 + 8;
	ring3_timer_seen = 1;
}

static void check_interrupt_in_ring3(void)
{
	struct outcome o;

	set_handler(KH_IRQ_VECTOR_BASE + KH_IRQ_TIMER, note_timer_in_ring3);
	enable_virtual_irqs();
	kh_set_timer(20000);
	o = run_ring3(probe_spin_until_set, (uint32_t)(uintptr_t)&ring3_timer_seen);
	set_handler(KH_IRQ_VECTOR_BASE + KH_IRQ_TIMER, NULL);
	if (!check_no_trap(&o, "ring 3 spinning until the timer's handler ran"))
		return;
	check_eq(o.result, 1, "the flag ring 3 saw set");
	check_eq(ring3_timer_cs & 0xffff, USER_CS, "cs of the timer interrupt's frame");
	check(ring3_timer_frame_end == trap_stack_top(),
	      "the timer's frame from ring 3 ends at 0x%x, not at the trap stack's top 0x%x",
	      ring3_timer_frame_end, trap_stack_top());
}

void test_main(void)
{
	check_ring1_faults();
	check_ring1_emulation();
	check_ring3_faults();
	check_interrupt_in_ring3();
	print("traps: %u failed checks\n", failures());
	test_finish();
}
