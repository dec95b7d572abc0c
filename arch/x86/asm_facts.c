/*P:126 arch/x86/asm_facts.c: the hardware facts of arch/x86/traps.h, for
 * nasm.
 *
 * Like every asm_offsets.c in the tree (P:300), this file is never linked:
 * the build compiles it to assembly text and turns each DEFINE's
 * "->NAME value" marker into a %define in build/gen/arch_x86.inc, which
 * arch/x86/trap_entry.inc and the Switcher include. Next:
 * arch/x86/paging.h. */
#include "arch/x86/asm_define.h"
#include "arch/x86/traps.h"

void asm_facts(void);

void asm_facts(void)
{
	DEFINE(ERROR_CODE_VECTORS, ERROR_CODE_VECTORS);
	DEFINE(VEC_IRQ0, VEC_IRQ0);
	DEFINE(VEC_IRQ_COUNT, VEC_IRQ_COUNT);
}
