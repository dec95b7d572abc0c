/*V:140 host/memory/page_map.c: what a guest-physical page is.
 *
 * Guest-physical page X is the Launcher's page at virtual address
 * mem_base + X * 4096, for every X below pfn_limit: the Launcher mapped
 * that memory before KN_INIT, KN_INIT checked that every page of it is
 * present and writable (V:160), and the OS keeps it from being unmapped
 * while the guest lives (the pin, U:145). So the host frame behind a
 * guest page is found by walking the Launcher's page tables, which the
 * host reaches through its direct map whichever process is running.
 *
 * This is the only place that question is answered. The shadow page
 * tables (V:100), the checked copies (V:200) and everything built on them
 * ask here, so a later kind of guest page (one not yet filled, one paged
 * out to disk, one write-protected for a snapshot) changes this file and
 * not its callers. Next: the rest of shadow.c, from its cache of
 * directories, V:150. */
#include "host/memory/guest_memory.h"
#include "host/kernel/usercopy.h"

uint32_t guest_page_frame(struct guest *g, uint32_t gpfn)
{
	if (gpfn >= g->pfn_limit)
		return 0;
	return user_frame(g->launcher, g->mem_base + gpfn * PAGE_SIZE);
}
