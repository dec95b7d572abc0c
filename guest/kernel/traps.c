/*G:220 guest/kernel/traps.c: what each trap means.
 *
 * trap_dispatch sorts a frame three ways: a system call (G:380), an
 * interrupt line (irq.c), or a CPU exception. An exception in ring 3 is
 * the program's fault: a page fault in its stack's range may just be the
 * stack growing (G:313); anything else kills the program with a one-line
 * report, and pup carries on. An exception in pup's own code is a bug,
 * and pup stops with the registers on the console.
 *
 * Under kennel some exceptions never reach pup (the host fixes its shadow
 * page faults and emulates cli and friends itself); the rest come with
 * the same frame the CPU would have pushed, and the page-fault address in
 * the shared page instead of CR2 (pv.fault_address). It is read first,
 * with interrupts still off, before anything can fault again.
 *
 * Whatever the trap, if it came from ring 3 it goes back there through
 * return_to_user (G:342): the place where a killed process dies and a
 * process whose time is up gives way. Next: G:225. */
#include "guest/kernel/kernel.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/syscall.h"
#include "guest/kernel/trap.h"

static const char *const exception_names[NR_EXCEPTIONS] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "FPU not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection fault",
	"page fault", "reserved", "x87 floating-point error", "alignment check",
	"machine check", "SIMD floating-point error",
};

const char *trap_name(uint32_t vector)
{
	if (vector < NR_EXCEPTIONS)
		return exception_names[vector];
	if (vector == PUP_SYSCALL_VECTOR)
		return "system call";
	return vector >= VEC_IRQ0 && vector < VEC_IRQ0 + NR_IRQS ?
	       "interrupt" : "unexpected vector";
}

/*G:221 A program's fault: one line, then it dies, with the status a
 * shell would call "segmentation fault" (128 + SIGSEGV). */
static void kill_faulting(const struct trap_frame *f, uint32_t address)
{
	if (f->vector == VEC_PAGE)
		kprintf("pup: pid %d (%s) killed: page fault at 0x%08x eip 0x%08x\n",
			current->pid, current->name, address, f->eip);
	else
		kprintf("pup: pid %d (%s) killed: %s at eip 0x%08x\n",
			current->pid, current->name, trap_name(f->vector), f->eip);
	proc_exit(PUP_EXIT_FAULTED);
}

static void __attribute__((noreturn)) kernel_fault(const struct trap_frame *f, uint32_t address)
{
	kprintf("pup: %s (vector %u, error 0x%x) in the kernel, ring %u\n",
		trap_name(f->vector), f->vector, f->error, f->cs & 3);
	kprintf("    eip %08x  cs %04x  eflags %08x  address %08x\n",
		f->eip, f->cs, f->eflags, address);
	kprintf("    eax %08x  ebx %08x  ecx %08x  edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
	kprintf("    esi %08x  edi %08x  ebp %08x  pid %d (%s)\n",
		f->esi, f->edi, f->ebp, current->pid, current->name);
	panic("%s in the kernel at eip 0x%08x", trap_name(f->vector), f->eip);
}

static void handle_exception(struct trap_frame *f)
{
	uint32_t address = f->vector == VEC_PAGE ? pv.fault_address() : 0;

	if (f->vector == VEC_PAGE && from_user(f) && grow_stack(current->pgdir, address))
		return;
	if (from_user(f))
		kill_faulting(f, address);
	kernel_fault(f, address);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == PUP_SYSCALL_VECTOR)
		syscall_dispatch(f);
	else if (f->vector >= VEC_IRQ0 && f->vector < VEC_IRQ0 + NR_IRQS)
		irq_dispatch(f->vector - VEC_IRQ0);
	else
		handle_exception(f);
	if (from_user(f))
		return_to_user(f);
}
