/* host/asm_offsets_extra.h: offsets added by later chapters (the
 * Switcher's page layout). Each chapter appends its DEFINEs here. */
#define ASM_OFFSETS_EXTRA() do { } while (0)
