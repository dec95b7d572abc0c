/*P:122 arch/x86/traps.h: the CPU's exception vectors, which of them push an
 * error code, and where kennel puts the sixteen PIC interrupts.
 *
 * These are hardware facts, so they are written once, here, for the host,
 * the Switcher, pup and the test guests; arch/x86/asm_facts.c hands the
 * two that assembly needs to nasm. Vectors 0-31 belong to the CPU. The
 * host and pup both remap the PICs to 32-47 (VEC_IRQ0), so "is this a
 * hardware interrupt?" has one answer everywhere. Next:
 * arch/x86/trap_entry.inc. */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

#define VEC_DIVIDE	0
#define VEC_DEBUG	1
#define VEC_NMI		2
#define VEC_BREAKPOINT	3
#define VEC_INVALID_OP	6
#define VEC_NO_FPU	7
#define VEC_DOUBLE	8
#define VEC_GP		13
#define VEC_PAGE	14
#define VEC_RESERVED	15
#define VEC_EXCEPTIONS	32	/* 0-31 are the CPU's */

/* The exceptions that push an error code: double fault (8), invalid TSS,
 * segment not present, stack fault, general protection, page fault
 * (10-14), alignment check (17) and control protection (21). Bit n set:
 * vector n pushes one. */
#define ERROR_CODE_VECTORS \
	((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | \
	 (1u << 14) | (1u << 17) | (1u << 21))

#define VEC_IRQ0	32	/* IRQ n arrives at vector 32 + n */
#define VEC_IRQ_COUNT	16

static inline bool vector_has_error_code(uint32_t vector)
{
	return vector < VEC_EXCEPTIONS && ((ERROR_CODE_VECTORS >> vector) & 1);
}

static inline bool irq_vector(uint32_t vector)
{
	return vector >= VEC_IRQ0 && vector < VEC_IRQ0 + VEC_IRQ_COUNT;
}

#endif
