/*P:310 host/asm_offsets.c: the numbers the Switcher (switcher/switcher.asm)
 * shares with the hypervisor's C, written once.
 *
 * Compiled to assembly text and never linked, like the kernel's (P:300):
 * the build makes build/gen/asm_offsets.inc from it. The Switcher's page
 * layout, the structures it reads and writes (host/switcher.h) and the
 * host's selectors. That ends the preparation. Next: the host's boot
 * path, B:010. */
#include <stddef.h>
#include "arch/x86/asm_define.h"
#include "arch/x86/desc.h"
#include "host/switcher.h"

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(KERNEL_DS, KERNEL_DS);
	DEFINE(TSS_SEL, TSS_SEL);
	DEFINE(SWITCHER_REGS, SWITCHER_REGS);
	DEFINE(SWITCHER_STATE, SWITCHER_STATE_PAGE);
	DEFINE(REGS_TRAPNUM, offsetof(struct guest_regs, trapnum));
	DEFINE(REGS_CS, offsetof(struct guest_regs, cs));
	DEFINE(SWITCHER_NO_TRAP, SWITCHER_NO_TRAP);
	DEFINE(REGS_SIZE, sizeof(struct guest_regs));
	DEFINE(ST_HOST_SP, offsetof(struct switcher_state, host_sp));
	DEFINE(ST_HOST_CR3, offsetof(struct switcher_state, host_cr3));
	DEFINE(ST_GUEST_CR3, offsetof(struct switcher_state, guest_cr3));
	DEFINE(ST_HOST_GDTR, offsetof(struct switcher_state, host_gdtr));
	DEFINE(ST_HOST_IDTR, offsetof(struct switcher_state, host_idtr));
	DEFINE(ST_GUEST_GDTR, offsetof(struct switcher_state, guest_gdtr));
	DEFINE(ST_GUEST_IDTR, offsetof(struct switcher_state, guest_idtr));
	DEFINE(ST_GUEST_GDT, offsetof(struct switcher_state, guest_gdt));
	DEFINE(TSS_DESC_TYPE_BYTE, GDT_TSS * 8 + 5);
	DEFINE(TSS_DESC_BUSY, DESC_TSS_BUSY);
}
