/*T:340 tests/guests/lib/hcall.h: making a hypercall.
 *
 * One instruction, "int $0x1f", with the call in eax and its arguments in
 * ebx, ecx, edx and esi (arch/x86/hypercall.h). The host may answer in
 * eax; it must leave every other register as it was, which hcalls.c checks
 * with a probe written in assembly, since the compiler could not tell. The
 * wrappers below name each call; bad_hcall.c uses hcall() itself to pass
 * what no wrapper would. Next: the trap stubs, T:350. */
#ifndef TESTS_GUESTS_LIB_HCALL_H
#define TESTS_GUESTS_LIB_HCALL_H

#include <stdint.h>
#include "arch/x86/desc.h"
#include "arch/x86/hypercall.h"

static inline uint32_t hcall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
	uint32_t result;

	asm volatile("int $0x1f"
		     : "=a"(result)
		     : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
		     : "memory");
	return result;
}

static inline uint32_t gpa_of(const volatile void *p)
{
	return (uint32_t)(uintptr_t)p;	/* the linear map: virtual = physical */
}

static inline void kh_flush_async(void)
{
	hcall(KH_FLUSH_ASYNC, 0, 0, 0, 0);
}

static inline void kh_init(const volatile struct kennel_data *data)
{
	hcall(KH_INIT, gpa_of(data), 0, 0, 0);
}

static inline void kh_shutdown(const char *message, uint32_t kind)
{
	hcall(KH_SHUTDOWN, gpa_of(message), kind, 0, 0);
}

static inline void kh_load_gdt_entry(uint32_t index, struct desc d)
{
	hcall(KH_LOAD_GDT_ENTRY, index, d.lo, d.hi, 0);
}

static inline void kh_load_idt_entry(uint32_t vector, struct desc gate)
{
	hcall(KH_LOAD_IDT_ENTRY, vector, gate.lo, gate.hi, 0);
}

static inline void kh_set_stack(uint32_t ss, uint32_t esp)
{
	hcall(KH_SET_STACK, ss, esp, 0, 0);
}

static inline void kh_set_timer(uint32_t usecs)
{
	hcall(KH_SET_TIMER, usecs, 0, 0, 0);
}

static inline void kh_halt(void)
{
	hcall(KH_HALT, 0, 0, 0, 0);
}

static inline void kh_notify(uint32_t value)
{
	hcall(KH_NOTIFY, value, 0, 0, 0);
}

static inline void kh_send_interrupts(void)
{
	hcall(KH_SEND_INTERRUPTS, 0, 0, 0, 0);
}

static inline void kh_ts(uint32_t on)
{
	hcall(KH_TS, on, 0, 0, 0);
}

static inline void kh_console_write(uint32_t gpa, uint32_t len)
{
	hcall(KH_CONSOLE_WRITE, gpa, len, 0, 0);
}

static inline void kh_new_pgtable(uint32_t dir)
{
	hcall(KH_NEW_PGTABLE, dir, 0, 0, 0);
}

static inline void kh_set_pte(uint32_t dir, uint32_t va, uint32_t pte)
{
	hcall(KH_SET_PTE, dir, va, pte, 0);
}

static inline void kh_set_pde(uint32_t dir, uint32_t index, uint32_t pde)
{
	hcall(KH_SET_PDE, dir, index, pde, 0);
}

static inline void kh_flush_tlb(uint32_t all)
{
	hcall(KH_FLUSH_TLB, all, 0, 0, 0);
}

#endif
