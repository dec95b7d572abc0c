/* lib/context_switch.h: switching kernel stacks (lib/context_switch.asm,
 * P:160). Interrupts off; returns when somebody switches back. */
#ifndef LIB_CONTEXT_SWITCH_H
#define LIB_CONTEXT_SWITCH_H

#include <stdint.h>

void context_switch(uint32_t *save_esp, uint32_t load_esp);

#endif
