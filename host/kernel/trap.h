/*B:200 host/kernel/trap.h: the trap frame, the picture of the CPU that every
 * interrupt, exception and system call leaves on the kernel stack.
 *
 * Reading from the bottom (highest address) up: the CPU pushes ss and esp
 * (only when it changed privilege), eflags, cs and eip; the entry stub in
 * host/kernel/entry.asm pushes an error code (a zero when the CPU gave none) and
 * the vector number; the common entry code pushes the data segments and
 * the general registers with pusha. trap_dispatch() receives a pointer to
 * the lowest word. */
#ifndef HOST_TRAP_H
#define HOST_TRAP_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86/traps.h"

struct trap_frame {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax; /* pusha */
	uint32_t gs, fs, es, ds;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;	/* pushed by the CPU */
	uint32_t user_esp, user_ss;	/* only when entered from ring 1-3 */
};

#define VEC_SYSCALL	0x80	/* host system calls, from ring 3 */

#define IRQ_TIMER	0
#define IRQ_COM1	4

static inline bool trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) != 0;
}

/* The esp the interrupted code had: saved by the CPU if the privilege
 * changed, otherwise just above the frame the CPU pushed. */
static inline uint32_t trap_esp(const struct trap_frame *f)
{
	return trap_from_user(f) ? f->user_esp : (uint32_t)(uintptr_t)&f->user_esp;
}

typedef void (*irq_handler_t)(struct trap_frame *f);

void traps_init(void);
void irq_register(unsigned irq, irq_handler_t handler);
void trap_dispatch(struct trap_frame *f);
const char *trap_name(uint32_t vector);
void trap_report(const struct trap_frame *f, const char *why);

/* Provided by later chapters; weak defaults do nothing. */
void trap_user_fault(struct trap_frame *f);
void syscall_dispatch(struct trap_frame *f);
void trap_return_hook(struct trap_frame *f);

#endif
