/*H:605 host/fpu_state.h: x87 state images, and the one way the host loads
 * one. An image is what fnsave writes in 32-bit protected mode: 108 bytes,
 * the control, status and tag words at offsets 0, 4 and 8, the eight
 * 80-bit registers from offset 28. Nothing here is privileged, so the unit
 * test (tests/unit/test_fpu_state.c) runs it natively. Next: H:610. */
#ifndef HOST_FPU_STATE_H
#define HOST_FPU_STATE_H

#include <stdint.h>
#include "lib/string.h"

#define FPU_STATE_SIZE	108	/* what fnsave writes */
#define FPU_CW_CLEAN	0x037f	/* every exception masked, 64-bit precision, nearest */
#define FPU_TAGS_EMPTY	0xffff

/* The state every new FPU user starts from: fninit's control words and
 * all eight registers zero. fninit alone leaves the registers as the last
 * owner left them, only marked empty, and fnsave shows them. */
static inline void fpu_clean_state(uint8_t state[FPU_STATE_SIZE])
{
	memset(state, 0, FPU_STATE_SIZE);
	state[0] = FPU_CW_CLEAN & 0xff, state[1] = FPU_CW_CLEAN >> 8;
	state[8] = FPU_TAGS_EMPTY & 0xff, state[9] = FPU_TAGS_EMPTY >> 8;
}

/* frstor is a waiting instruction: an unmasked exception still pending in
 * the unit (the last owner's, perhaps a guest that is gone) would fire in
 * the host, as #MF in ring 0. fnclex, which never waits, drops it first;
 * the state loaded carries its own owner's exceptions, which fire later,
 * in that owner. */
static inline void fpu_load_state(const uint8_t state[FPU_STATE_SIZE])
{
	asm volatile("fnclex\n\tfrstor %0" : : "m"(*(const uint8_t (*)[FPU_STATE_SIZE])state));
}

#endif
