/*G:125 guest/kernel/paravirt.c: choosing a world. The entry code leaves
 * the magic number it was started with; that alone says whether pup runs
 * on kennel or on the bare machine, and pup copies that backend's
 * operations into pv before it does anything else. The copy lives in
 * writable memory because the trap-return path jumps through pv.iret from
 * assembly (G:210). */
#include "arch/x86/hypercall.h"
#include "guest/kernel/paravirt.h"

struct pv_ops pv;

void pv_select(uint32_t boot_magic)
{
	pv = boot_magic == KENNEL_BOOT_MAGIC ? kennel_pv_ops : native_pv_ops;
}
