/*B:220 host/kernel/traps.c: what the host does with each vector.
 *
 * Vectors 0-31 are the CPU's exceptions. A fault in the host kernel itself
 * is a hypervisor bug: we print everything we know (the vector and its
 * name, the error code, eip, cr2, the registers, and the ring that was
 * running) and power off with a failure status. A fault in a user program
 * is that program's problem, and the userland chapter (trap_user_fault)
 * kills just the program. Vectors 32-47 are the PIC's hardware interrupts,
 * and 0x80 is the system call. */
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "host/kernel/trap.h"
#include "host/kernel/console.h"
#include "host/kernel/pic.h"
#include "host/kernel/power.h"

static struct desc idt[256] __attribute__((aligned(8)));
static irq_handler_t irq_handlers[VEC_IRQ_COUNT];
extern const uint32_t trap_stubs[256];

static const char *const exception_names[VEC_EXCEPTIONS] = {
	"divide error", "debug", "non-maskable interrupt", "breakpoint",
	"overflow", "bound range exceeded", "invalid opcode",
	"device not available", "double fault", "coprocessor segment overrun",
	"invalid TSS", "segment not present", "stack-segment fault",
	"general protection", "page fault", "reserved (15)",
	"x87 floating-point error", "alignment check", "machine check",
	"SIMD floating-point error", "virtualization exception",
	"control protection", "reserved (22)", "reserved (23)",
	"reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
	"reserved (28)", "reserved (29)", "reserved (30)", "reserved (31)",
};

const char *trap_name(uint32_t vector)
{
	if (vector < VEC_EXCEPTIONS)
		return exception_names[vector];
	if (vector == VEC_SYSCALL)
		return "system call";
	if (irq_vector(vector))
		return "hardware interrupt";
	return "unexpected vector";
}

/* Interrupt gates (IF cleared on entry) everywhere: the host kernel is not
 * reentrant. Only the system-call gate may be invoked from ring 3; the
 * breakpoint gate too, so that int3 in a user program is reported as a
 * breakpoint rather than a general protection fault. */
void traps_init(void)
{
	struct desc_ptr ptr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (int v = 0; v < 256; v++)
		idt[v] = gate_make(trap_stubs[v], KERNEL_CS, GATE_INTERRUPT, 0);
	idt[VEC_SYSCALL] = gate_make(trap_stubs[VEC_SYSCALL], KERNEL_CS, GATE_INTERRUPT, 3);
	idt[VEC_BREAKPOINT] = gate_make(trap_stubs[VEC_BREAKPOINT], KERNEL_CS, GATE_INTERRUPT, 3);
	load_idt(&ptr);
}

void irq_register(unsigned irq, irq_handler_t handler)
{
	irq_handlers[irq] = handler;
}

/*B:230 The fault report. It uses the polled console so that it reaches
 * the terminal even if the fault happened inside the serial driver. */
void trap_report(const struct trap_frame *f, const char *why)
{
	kprintf_polled("\n*** %s: vector %u (%s), error code 0x%x, ring %u\n",
		       why, f->vector, trap_name(f->vector), f->error, f->cs & 3);
	kprintf_polled("    eip %08x  cs %04x  eflags %08x  cr2 %08x  esp %08x\n",
		       f->eip, f->cs, f->eflags, read_cr2(), trap_esp(f));
	kprintf_polled("    eax %08x  ebx %08x  ecx %08x  edx %08x\n",
		       f->eax, f->ebx, f->ecx, f->edx);
	kprintf_polled("    esi %08x  edi %08x  ebp %08x  ds %04x  es %04x\n",
		       f->esi, f->edi, f->ebp, f->ds, f->es);
}

static void handle_irq(struct trap_frame *f)
{
	unsigned irq = f->vector - VEC_IRQ0;

	pic_eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](f);
}

static void kernel_fault(struct trap_frame *f)
{
	trap_report(f, "host kernel fault");
	power_off(false);
}

void trap_dispatch(struct trap_frame *f)
{
	if (irq_vector(f->vector))
		handle_irq(f);
	else if (f->vector == VEC_SYSCALL && trap_from_user(f))
		syscall_dispatch(f);
	else if (trap_from_user(f))
		trap_user_fault(f);
	else
		kernel_fault(f);
	if (trap_from_user(f))
		trap_return_hook(f);
}

/* Defaults, replaced by the userland chapter (U:...). Until then a fault
 * in ring 3 is reported like any other and stops the machine. */
__attribute__((weak)) void trap_user_fault(struct trap_frame *f)
{
	trap_report(f, "user fault");
	power_off(false);
}

__attribute__((weak)) void syscall_dispatch(struct trap_frame *f)
{
	trap_user_fault(f);
}

__attribute__((weak)) void trap_return_hook(struct trap_frame *f)
{
	(void)f;
}
