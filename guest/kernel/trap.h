/* guest/kernel/trap.h: the frame every trap, interrupt and system call
 * leaves on the kernel stack (trap_entry.asm, G:200), and the handlers that
 * get it (traps.c, irq.c). */
#ifndef GUEST_KERNEL_TRAP_H
#define GUEST_KERNEL_TRAP_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/traps.h"

/* Lowest address first: what trap_common pushed (pusha, then the data
 * segments), the stub's vector and error code, then the CPU's (or the
 * host's) frame; esp and ss only when the trap came from ring 3. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	uint32_t gs, fs, es, ds;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;
};

static inline bool from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

#define NR_EXCEPTIONS	20

void traps_init(void);
void trap_dispatch(struct trap_frame *f);
const char *trap_name(uint32_t vector);

typedef void (*irq_handler)(void);
void irq_register(uint32_t irq, irq_handler handler);
void irq_dispatch(uint32_t irq);

/* trap_entry.asm: the return path, the two ways out (one per backend, behind
 * pv.iret) and the window of the kennel one that the host must not
 * interrupt. */
void trap_return(void);
void kennel_iret(void);
void native_iret(void);
extern const char noirq_start[], noirq_end[];
extern const uint32_t trap_stubs[];
void syscall_entry(void);

#endif
