/* guest/kernel/kennel.h: what pup's kennel backend and its device
 * drivers share (G:130): the shared page, the hypercall instruction, the
 * batching ring and the Launcher's device page. */
#ifndef GUEST_KERNEL_KENNEL_H
#define GUEST_KERNEL_KENNEL_H

#include <stdint.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/virtio.h"

extern volatile struct kennel_data kennel_data;

/*S:300 One hypercall, instruction by instruction. Everything in the
 * last two chapters works together on every call a guest makes; here is
 * one followed the whole way: pup's KH_TS, hcall(KH_TS, 1, 0, 0), which
 * sets the guest's virtual TS (kennel_forbid_fpu in guest/kernel/kennel.c).
 *
 * Step 1, in the guest, ring 1. The compiler loads the registers as the
 * constraints say, eax = 10 (KH_TS), ebx = 1, ecx = edx = esi = 0, and
 * executes "int $0x1f" (KH_TRAP_VECTOR). The host may answer in eax and
 * leaves every other register alone; whatever is in eax when the guest
 * resumes is what hcall returns.:*/
static inline uint32_t hcall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t result;

	asm volatile("int $0x1f"
		     : "=a"(result)
		     : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(0)
		     : "memory");
	return result;
}
/*:*/

/* A call that may wait in the asynchronous ring while pup is in a lazy
 * section (kennel_batch.c, G:140); outside one it is made at once. */
void kennel_call(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);
void kennel_lazy_begin(void);
void kennel_lazy_end(void);

/* The Launcher's description of a device, or NULL if it gave none. */
const struct kn_device *kennel_device(uint32_t type);

#endif
