/*P:300 host/kernel/asm_offsets.c: the one source of every number that both
 * the host kernel's C and its assembly need.
 *
 * This file is never linked. The build compiles it to assembly text, in
 * which each DEFINE (arch/x86/asm_define.h) leaves a line "->NAME value",
 * and turns those lines into build/gen/kernel_asm_offsets.inc for nasm
 * (P:020). So a structure offset or a layout constant is written once, in
 * C, and assembly can never drift out of step with it. The Switcher's
 * numbers come the same way from host/asm_offsets.c (P:310), and the
 * hardware facts from arch/x86/asm_facts.c (P:126). Next: P:310. */
#include <stddef.h>
#include "arch/x86/asm_define.h"
#include "arch/x86/desc.h"
#include "host/kernel/layout.h"
#include "host/kernel/trap.h"

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(KERNEL_BASE, KERNEL_BASE);
	DEFINE(DIRECT_MAP_SLOTS, DIRECT_MAP_SLOTS);
	DEFINE(BOOT_STACK_SIZE, BOOT_STACK_SIZE);
	DEFINE(KERNEL_DS, KERNEL_DS);
	DEFINE(TRAP_FRAME_SIZE, sizeof(struct trap_frame));
	DEFINE(TRAP_FRAME_VECTOR, offsetof(struct trap_frame, vector));
}
