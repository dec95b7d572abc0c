/*T:345 tests/guests/lib/guest_abi.c: the numbers the runtime's assembly
 * shares with C, written once.
 *
 * Like host/asm_offsets.c (P:300), this file is compiled to assembly text
 * and never linked: each DEFINE leaves a "->NAME value" line that
 * tests/guests/build.mk turns into build/gen/guest_abi.inc for nasm. So
 * the selectors, the interrupt flag, where irq_enabled sits in the shared
 * page and the runtime's own vectors come from the same headers the C
 * code uses. Next: the entry stubs that use them, T:350. */
#include <stddef.h>
#include "arch/x86/asm_define.h"
#include "tests/guests/lib/guest.h"

void guest_abi(void);

void guest_abi(void)
{
	DEFINE(GUEST_CS, GUEST_CS);
	DEFINE(GUEST_DS, GUEST_DS);
	DEFINE(USER_CS, USER_CS);
	DEFINE(USER_DS, USER_DS);
	DEFINE(EFLAGS_IF, EFLAGS_IF);
	DEFINE(EFLAGS_RESERVED, EFLAGS_RESERVED);
	DEFINE(KD_IRQ_ENABLED, offsetof(struct kennel_data, irq_enabled));
	DEFINE(KH_TRAP_VECTOR, KH_TRAP_VECTOR);
	DEFINE(KH_FLUSH_ASYNC, KH_FLUSH_ASYNC);
	DEFINE(RING3_EXIT_VECTOR, RING3_EXIT_VECTOR);
	DEFINE(GUEST_STACK_SIZE, GUEST_STACK_SIZE);
	DEFINE(BOOT_REGS_EAX, offsetof(struct boot_regs, eax));
	DEFINE(BOOT_REGS_EBX, offsetof(struct boot_regs, ebx));
	DEFINE(BOOT_REGS_ECX, offsetof(struct boot_regs, ecx));
	DEFINE(BOOT_REGS_EDX, offsetof(struct boot_regs, edx));
	DEFINE(BOOT_REGS_ESI, offsetof(struct boot_regs, esi));
	DEFINE(BOOT_REGS_EDI, offsetof(struct boot_regs, edi));
	DEFINE(BOOT_REGS_EBP, offsetof(struct boot_regs, ebp));
	DEFINE(BOOT_REGS_ESP, offsetof(struct boot_regs, esp));
	DEFINE(BOOT_REGS_CS, offsetof(struct boot_regs, cs));
	DEFINE(BOOT_REGS_DS, offsetof(struct boot_regs, ds));
	DEFINE(BOOT_REGS_ES, offsetof(struct boot_regs, es));
	DEFINE(BOOT_REGS_FS, offsetof(struct boot_regs, fs));
	DEFINE(BOOT_REGS_GS, offsetof(struct boot_regs, gs));
	DEFINE(BOOT_REGS_SS, offsetof(struct boot_regs, ss));
	DEFINE(BOOT_REGS_EFLAGS, offsetof(struct boot_regs, eflags));
}
