/*P:310 host/asm_offsets_extra.h: offsets added by later chapters, included by
 * host/asm_offsets.c. The Switcher's page layout and the structures it
 * reads and writes (host/switcher.h) come first. */
#include <stddef.h>
#include "host/switcher.h"

#define ASM_OFFSETS_EXTRA() do { \
	DEFINE(SWITCHER_REGS, SWITCHER_REGS); \
	DEFINE(SWITCHER_STATE, SWITCHER_STATE_PAGE); \
	DEFINE(REGS_TRAPNUM, offsetof(struct guest_regs, trapnum)); \
	DEFINE(REGS_SIZE, sizeof(struct guest_regs)); \
	DEFINE(ST_HOST_SP, offsetof(struct switcher_state, host_sp)); \
	DEFINE(ST_HOST_CR3, offsetof(struct switcher_state, host_cr3)); \
	DEFINE(ST_HOST_GDTR, offsetof(struct switcher_state, host_gdtr)); \
	DEFINE(ST_HOST_IDTR, offsetof(struct switcher_state, host_idtr)); \
	DEFINE(ST_GUEST_GDTR, offsetof(struct switcher_state, guest_gdtr)); \
	DEFINE(ST_GUEST_IDTR, offsetof(struct switcher_state, guest_idtr)); \
	DEFINE(ST_GUEST_GDT, offsetof(struct switcher_state, guest_gdt)); \
	DEFINE(TSS_DESC_TYPE_BYTE, GDT_TSS * 8 + 5); \
	DEFINE(TSS_DESC_BUSY, DESC_TSS_BUSY); \
	DEFINE(FIRST_HOST_IRQ, VEC_IRQ0); \
	DEFINE(HOST_IRQS, VEC_IRQ_COUNT); \
} while (0)
