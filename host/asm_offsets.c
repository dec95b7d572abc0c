/*P:300 host/asm_offsets.c: the one source of every number that both C
 * and assembly need.
 *
 * This file is never linked. The build compiles it to assembly text, in
 * which each DEFINE leaves a line "->NAME value", and turns those lines
 * into build/gen/asm_offsets.inc for nasm. So a structure offset or a
 * layout constant is written once, in C, and assembly can never drift
 * out of step with it. */
#include <stddef.h>
#include "arch/x86/desc.h"
#include "host/layout.h"
#include "host/trap.h"
#include "host/asm_offsets_extra.h"

#define DEFINE(name, value) \
	asm volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(KERNEL_BASE, KERNEL_BASE);
	DEFINE(DIRECT_MAP_SLOTS, DIRECT_MAP_SLOTS);
	DEFINE(BOOT_STACK_SIZE, BOOT_STACK_SIZE);
	DEFINE(KERNEL_CS, KERNEL_CS);
	DEFINE(KERNEL_DS, KERNEL_DS);
	DEFINE(USER_CS, USER_CS);
	DEFINE(USER_DS, USER_DS);
	DEFINE(TSS_SEL, TSS_SEL);
	DEFINE(TRAP_FRAME_SIZE, sizeof(struct trap_frame));
	DEFINE(TRAP_FRAME_VECTOR, offsetof(struct trap_frame, vector));
	ASM_OFFSETS_EXTRA();
}
