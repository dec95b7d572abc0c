/*T:400 tests/guests/hcalls.c: every hypercall, used as intended.
 *
 * The boot contract first: the registers at the first instruction
 * (eax the magic, esi the boot information, ring-1 selectors, IF, and
 * zero everywhere else, esp included), the boot information (the test
 * passes the expected RAM size as the first word of the command line and
 * checks the whole line on the console), and the linear map up to the
 * last valid byte. Then each call with arguments it must accept:
 *
 *   KH_INIT           done by the runtime; the host's fields are filled in
 *   KH_LOAD_GDT_ENTRY slots 8 and 9 with a base of 0x1000, read through fs
 *                     in ring 1 and ring 3; a DPL-1 slot refused to ring 3;
 *                     a not-present descriptor empties its slot;
 *                     the four fixed slots reloaded with what they hold
 *   KH_LOAD_IDT_ENTRY trap gate vs interrupt gate (the virtual IF inside
 *                     the handler and after it), DPL 3 vs DPL 1 from ring 3
 *   KH_SET_STACK      a second trap stack, and back; frames land at its top
 *   KH_TS             1: x87 raises #NM to the guest; 0: it just works
 *   KH_FLUSH_ASYNC    two calls batched in the asynchronous ring, run and
 *                     marked done
 *   KH_SET_TIMER, KH_HALT   a timer interrupt wakes a halted guest
 *   KH_SEND_INTERRUPTS with nothing pending: nothing happens
 *   KH_NOTIFY         the console's transmit queue, empty: nothing happens
 *   KH_CONSOLE_WRITE  an empty write, and the largest, 4096 bytes as 64
 *                     numbered lines that the boot test counts
 *   KH_SHUTDOWN       test_result's, with "SUCCESS" as the message
 *
 * Every other register survives a hypercall. Next: T:410, traps. */
#include "lib/format.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

#define SLOT_RING1_DATA		8
#define SLOT_RING3_DATA		9
#define SLOT_RING1_ONLY		10
#define ALT_STACK_SIZE		4096
#define CONSOLE_LINES		64
#define CONSOLE_LINE_LEN	64	/* with its newline: 64 * 64 = 4096 */

static uint8_t alt_stack[ALT_STACK_SIZE] __attribute__((aligned(16)));
static char big_write[KH_CONSOLE_MAX];

static void check_boot_registers(void)
{
	const struct boot_regs *r = &boot_regs;

	check_eq(r->eax, KENNEL_BOOT_MAGIC, "eax at entry");
	check_eq(r->esi, KENNEL_BOOT_INFO_GPA, "esi at entry");
	check_eq(r->ebx, 0, "ebx at entry");
	check_eq(r->ecx, 0, "ecx at entry");
	check_eq(r->edx, 0, "edx at entry");
	check_eq(r->edi, 0, "edi at entry");
	check_eq(r->ebp, 0, "ebp at entry");
	check_eq(r->esp, 0, "esp at entry");
	check_eq(r->cs & 0xffff, GUEST_CS, "cs at entry");
	check_eq(r->ds & 0xffff, GUEST_DS, "ds at entry");
	check_eq(r->es & 0xffff, GUEST_DS, "es at entry");
	check_eq(r->ss & 0xffff, GUEST_DS, "ss at entry");
	check_eq(r->fs & 0xffff, 0, "fs at entry");
	check_eq(r->gs & 0xffff, 0, "gs at entry");
	check(r->eflags & EFLAGS_IF, "eflags 0x%x at entry lacks IF", r->eflags);
}

static void check_boot_info(void)
{
	uint32_t want_mem = cmdline_number(0, 0);

	print("hcalls: command line '%s'\n", boot_info.cmdline);
	check_eq(boot_info.magic, KENNEL_BOOT_MAGIC, "boot_info.magic");
	check_eq(boot_info.mem_bytes, want_mem, "boot_info.mem_bytes");
	check(boot_info.device_page >= boot_info.mem_bytes &&
	      boot_info.device_page < memory_limit(),
	      "device page 0x%x is not between RAM's end 0x%x and the limit 0x%x",
	      boot_info.device_page, boot_info.mem_bytes, memory_limit());
	check(find_device(KN_DEV_CONSOLE) != NULL, "no console in the device page");
}

static void check_linear_map(void)
{
	volatile uint32_t *top_of_ram = (volatile uint32_t *)(uintptr_t)(boot_info.mem_bytes - 4);
	struct outcome o;

	*top_of_ram = 0xfeedf00d;
	check_eq(*top_of_ram, 0xfeedf00d, "the last word of RAM, written and read back");
	o = run_ring1(probe_read, boot_info.device_page);
	if (check_no_trap(&o, "reading the device page"))
		check_eq(o.result, KN_DEVICE_MAGIC, "the device page's first word");
	o = run_ring1(probe_read, memory_limit() - 4);
	check_no_trap(&o, "reading the last word below pfn_limit");
}

static void check_shared_page(void)
{
	uint32_t reserved_from = 0u - kennel_data.reserve_mem;

	check(kennel_data.reserve_mem != 0 && reserved_from >= memory_limit(),
	      "reserve_mem 0x%x: the reserved top must start above guest memory (0x%x)",
	      kennel_data.reserve_mem, memory_limit());
	check_eq(probe_hcall_preserves(0), 0, "mask of registers a hypercall changed");
}

static struct desc data_segment(uint32_t base, uint32_t dpl)
{
	return desc_make(base, 0xfff, DESC_PRESENT | DESC_S | DESC_RW | DESC_DPL(dpl),
			 DESC_FLAG_DB);
}

static void check_gdt_entries(void)
{
	struct outcome o;

	kh_load_gdt_entry(SLOT_RING1_DATA, data_segment(KENNEL_BOOT_INFO_GPA, 1));
	kh_load_gdt_entry(SLOT_RING3_DATA, data_segment(KENNEL_BOOT_INFO_GPA, 3));
	kh_load_gdt_entry(SLOT_RING1_ONLY, data_segment(KENNEL_BOOT_INFO_GPA, 1));
	o = run_ring1(probe_read_fs0, SEL(SLOT_RING1_DATA, 1));
	if (check_no_trap(&o, "fs = slot 8 in ring 1"))
		check_eq(o.result, KENNEL_BOOT_MAGIC, "fs:0 with slot 8 (base 0x1000)");
	o = run_ring3(probe_read_fs0, SEL(SLOT_RING3_DATA, 3));
	if (check_no_trap(&o, "fs = slot 9 in ring 3"))
		check_eq(o.result, KENNEL_BOOT_MAGIC, "fs:0 with slot 9 (base 0x1000) in ring 3");
	o = run_ring3(probe_read_fs0, SEL(SLOT_RING1_ONLY, 3));
	check_trap_code(&o, 13, SEL(SLOT_RING1_ONLY, 0), SITE(probe_read_fs0),
			"ring 3 loading a DPL-1 data segment");
	kh_load_gdt_entry(SLOT_RING1_ONLY, (struct desc){ 0x1234, 0x00cf1200 });
	o = run_ring1(probe_read_fs0, SEL(SLOT_RING1_ONLY, 1));
	check_trap_code(&o, 13, SEL(SLOT_RING1_ONLY, 0), SITE(probe_read_fs0),
			"ring 1 loading a slot emptied by a not-present descriptor");

	kh_load_gdt_entry(GDT_USER_CS, desc_flat(1, 3));
	kh_load_gdt_entry(GDT_USER_DS, desc_flat(0, 3));
	kh_load_gdt_entry(GDT_GUEST_CS, desc_flat(1, 1));
	kh_load_gdt_entry(GDT_GUEST_DS, desc_flat(0, 1));
	o = run_ring3(probe_read_cs, 0);
	if (check_no_trap(&o, "ring 3 after reloading the fixed slots"))
		check_eq(o.result & 0xffff, USER_CS, "cs in ring 3 after reloading the fixed slots");
}

/* What the handlers of the gate checks saw. */
static volatile uint32_t gate_calls, gate_irq_enabled, gate_eflags, gate_cs;

static void note_gate(struct trap_frame *f)
{
	gate_calls++;
	gate_irq_enabled = kennel_data.irq_enabled;
	gate_eflags = f->eflags;
	gate_cs = f->cs;
}

static void check_gate(probe_fn *probe, bool irqs_on, uint32_t want_inside, const char *what)
{
	uint32_t calls = gate_calls;

	if (irqs_on)
		enable_virtual_irqs();
	else
		disable_virtual_irqs();
	probe(0);
	check(gate_calls == calls + 1, "%s: the handler did not run", what);
	check(gate_irq_enabled == want_inside, "%s: irq_enabled 0x%x in the handler, want 0x%x",
	      what, gate_irq_enabled, want_inside);
	check((gate_eflags & EFLAGS_IF) == (irqs_on ? EFLAGS_IF : 0),
	      "%s: the frame's eflags 0x%x does not carry the virtual IF", what, gate_eflags);
	check(kennel_data.irq_enabled == (irqs_on ? EFLAGS_IF : 0),
	      "%s: irq_enabled 0x%x after the handler returned", what, kennel_data.irq_enabled);
	enable_virtual_irqs();
}

static void check_idt_entries(void)
{
	struct outcome o;

	set_gate(0x42, GATE_TRAP, 3);
	set_gate(0x43, GATE_INTERRUPT, 3);
	set_gate(0x45, GATE_INTERRUPT, 1);
	set_handler(0x42, note_gate);
	set_handler(0x43, note_gate);
	set_handler(0x45, note_gate);
	check_gate(probe_int_0x42, true, EFLAGS_IF, "trap gate, interrupts on");
	check_gate(probe_int_0x43, true, 0, "interrupt gate, interrupts on");
	check_gate(probe_int_0x42, false, 0, "trap gate, interrupts off");
	check_gate(probe_int_0x45, true, 0, "DPL-1 gate from ring 1");

	o = run_ring3(probe_int_0x42, 0);
	if (check_no_trap(&o, "DPL-3 gate from ring 3"))
		check_eq(gate_cs & 0xffff, USER_CS, "cs in the frame of an int from ring 3");
	o = run_ring3(probe_int_0x45, 0);
	check_trap_code(&o, 13, 0x45 * 8 + 2, SITE(probe_int_0x45), "DPL-1 gate from ring 3");
}

static void check_trap_stack(uint32_t top, const char *what)
{
	struct outcome o = run_ring3(probe_int3, 0);

	if (!check_trap(&o, 3, SITE(probe_int3) + INT3_LEN, what))
		return;
	check(o.frame_end == top, "%s: the frame ends at 0x%x, want the stack's top 0x%x",
	      what, o.frame_end, top);
	check_eq(o.frame.user_ss & 0xffff, USER_DS, "ss pushed for a trap from ring 3");
}

static void check_set_stack(void)
{
	uint32_t alt_top = (uint32_t)(uintptr_t)(alt_stack + sizeof(alt_stack));

	check_trap_stack(trap_stack_top(), "int3 from ring 3 on the runtime's stack");
	kh_set_stack(GUEST_DS, alt_top);
	check_trap_stack(alt_top, "int3 from ring 3 after KH_SET_STACK to a second stack");
	kh_set_stack(GUEST_DS, trap_stack_top());
	check_trap_stack(trap_stack_top(), "int3 from ring 3 after KH_SET_STACK back");
}

static void check_ts(void)
{
	struct outcome o;

	kh_ts(1);
	o = run_ring1(probe_fld1, 0);
	check_trap(&o, 7, SITE(probe_fld1), "fld1 with KH_TS(1)");
	kh_ts(0);
	o = run_ring1(probe_fld1, 0);
	if (check_no_trap(&o, "fld1 with KH_TS(0)"))
		check_eq(o.result, 1, "fld1 probe's result");
}

static volatile uint32_t async_gate_calls;

static void note_async_gate(struct trap_frame *f)
{
	(void)f;
	async_gate_calls++;
}

static void queue_async(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t slot = kennel_data.async_next;

	kennel_data.async_calls[slot].nr = nr;
	kennel_data.async_calls[slot].arg1 = a1;
	kennel_data.async_calls[slot].arg2 = a2;
	kennel_data.async_calls[slot].arg3 = a3;
	kennel_data.async_calls[slot].arg4 = 0;
	compiler_barrier();
	kennel_data.async_status[slot] = KH_ASYNC_READY;
	kennel_data.async_next = (slot + 1) % KH_ASYNC_SLOTS;
}

static uint32_t timer_base;

static bool timer_fired(void)
{
	return irq_count[KH_IRQ_TIMER] > timer_base;
}

static void check_async_ring(void)
{
	struct desc gate = gate_make(stub_address(0x44), GUEST_CS, GATE_INTERRUPT, 1);
	uint32_t first = kennel_data.async_next;

	set_handler(0x44, note_async_gate);
	timer_base = irq_count[KH_IRQ_TIMER];
	queue_async(KH_LOAD_IDT_ENTRY, 0x44, gate.lo, gate.hi);
	queue_async(KH_SET_TIMER, 20000, 0, 0);
	kh_flush_async();
	check_eq(kennel_data.async_status[first], KH_ASYNC_DONE, "first async slot's status");
	check_eq(kennel_data.async_status[first + 1], KH_ASYNC_DONE, "second async slot's status");
	probe_int_0x44(0);
	check_eq(async_gate_calls, 1, "handler runs of the gate loaded through the async ring");
	halt_until(timer_fired);	/* the batched KH_SET_TIMER's interrupt */
}

static void check_timer_halt_and_time(void)
{
	uint64_t start = now_ns(), took;

	sleep_us(50000);
	took = now_ns() - start;
	check(took + HOST_TICK_NS >= 50 * NS_PER_MS,
	      "a 50 ms KH_SET_TIMER + KH_HALT took only %u ms of host time",
	      (uint32_t)(took / NS_PER_MS));
}

static void check_send_interrupts_idle(void)
{
	uint32_t before = irq_count[KH_IRQ_TIMER] + irq_count[1];

	kh_send_interrupts();
	check_eq(irq_count[KH_IRQ_TIMER] + irq_count[1], before,
		 "interrupts after KH_SEND_INTERRUPTS with nothing pending");
}

static void check_notify_empty_queue(void)
{
	const struct kn_device *console = find_device(KN_DEV_CONSOLE);
	const volatile struct vring_used *used;

	if (!console)
		return;
	used = (const volatile struct vring_used *)(uintptr_t)
		(console->queues[KN_CONSOLE_TX].gpa + vring_used_offset(KN_QUEUE_SIZE));
	kh_notify(console->queues[KN_CONSOLE_TX].gpa);
	check_eq(used->idx, 0, "used.idx of the empty transmit queue after KH_NOTIFY");
}

static void check_console_writes(void)
{
	char line[CONSOLE_LINE_LEN + 1];

	kh_console_write(gpa_of(big_write), 0);
	for (int i = 0; i < CONSOLE_LINES; i++) {
		int n = snprintf(line, sizeof(line), "console-max: line %02d of %d ", i, CONSOLE_LINES);

		memset(line + n, '.', CONSOLE_LINE_LEN - 1 - n);
		memcpy(big_write + i * CONSOLE_LINE_LEN, line, CONSOLE_LINE_LEN - 1);
		big_write[i * CONSOLE_LINE_LEN + CONSOLE_LINE_LEN - 1] = '\n';
	}
	console_write(big_write, sizeof(big_write));
}

void test_main(void)
{
	check_boot_registers();
	check_boot_info();
	check_linear_map();
	check_shared_page();
	check_gdt_entries();
	check_idt_entries();
	check_set_stack();
	check_ts();
	check_async_ring();
	check_timer_halt_and_time();
	check_send_interrupts_idle();
	check_notify_empty_queue();
	check_console_writes();
	print("hcalls: %u failed checks\n", failures());
	test_finish();
}
