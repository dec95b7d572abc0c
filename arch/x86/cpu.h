/*P:110 arch/x86/cpu.h: control registers, EFLAGS bits and the few
 * privileged instructions the host needs, each behind a named helper.
 *
 * The guest never executes most of these: in ring 1 they fault, which is
 * exactly how kennel keeps control. Next: arch/x86/desc.h. */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include <stdint.h>

#define EFLAGS_CF	0x00000001u
#define EFLAGS_RESERVED	0x00000002u	/* bit 1 always reads as 1 */
#define EFLAGS_TF	0x00000100u
#define EFLAGS_IF	0x00000200u
#define EFLAGS_DF	0x00000400u
#define EFLAGS_IOPL	0x00003000u
#define EFLAGS_NT	0x00004000u
#define EFLAGS_RF	0x00010000u
#define EFLAGS_VM	0x00020000u
#define EFLAGS_AC	0x00040000u
#define EFLAGS_VIF	0x00080000u
#define EFLAGS_VIP	0x00100000u
#define EFLAGS_ID	0x00200000u

#define CR0_PE	0x00000001u
#define CR0_MP	0x00000002u
#define CR0_EM	0x00000004u
#define CR0_TS	0x00000008u
#define CR0_NE	0x00000020u
#define CR0_WP	0x00010000u
#define CR0_PG	0x80000000u

#define CR4_PSE	0x00000010u
#define CR4_PGE	0x00000080u
#define CR4_OSFXSR 0x00000200u

static inline uint32_t read_cr0(void)
{
	uint32_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint32_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr3(void)
{
	uint32_t v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint32_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint32_t read_cr4(void)
{
	uint32_t v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint32_t v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint32_t read_eflags(void)
{
	uint32_t v;

	asm volatile("pushf; pop %0" : "=r"(v));
	return v;
}

static inline void irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

/* Save the interrupt flag and disable: the pair brackets short critical
 * sections that may be entered with interrupts on or off. */
static inline uint32_t irq_save(void)
{
	uint32_t flags = read_eflags();

	irq_disable();
	return flags;
}

static inline void irq_restore(uint32_t flags)
{
	if (flags & EFLAGS_IF)
		irq_enable();
}

static inline void cpu_halt(void)
{
	asm volatile("hlt" : : : "memory");
}

/* Enable interrupts and halt with no window between: an interrupt that
 * arrives after the test of "is there work?" still wakes the halt. */
static inline void cpu_idle(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static inline void invlpg(uint32_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

#define MSR_SYSENTER_CS 0x174

#endif
