/*L:090 launcher/layout.h: the guest-physical map.
 *
 *   0                      guest RAM, ram_bytes of it (--mem)
 *     0x1000                 struct kennel_boot_info (one page)
 *     wherever it likes      the kernel's segments (loader.c)
 *   ram_bytes              the device page: struct kn_device_page
 *   ram_bytes + 0x1000     device 0's queue 0 ring, then its queue 1 ring,
 *                          then device 1's..., each a whole number of pages
 *   pfn_limit * 0x1000     the end: nothing valid at or above
 *
 * The Launcher maps all of it with one mmap, so guest-physical X is the
 * Launcher's mem_base + X, and the host is told the same bound (pfn_limit)
 * the guest is. The boot information tells the guest where RAM ends and
 * where the device page is; the device page tells it where each queue's
 * ring is, how many entries it has, and which interrupt it raises. The
 * Launcher keeps its own copy of the device page and never reads the
 * guest's back. Pure logic, checked by tests/unit/test_launcher_layout.c.
 * Next: launcher/layout.c. */
#ifndef LAUNCHER_LAYOUT_H
#define LAUNCHER_LAYOUT_H

#include <stdint.h>
#include "arch/x86/virtio.h"

#define GUEST_PAGE	4096u

/* The bytes a ring of num entries takes, in whole pages. */
uint32_t ring_bytes(uint32_t num);
/* Give each queue of page's devices its ring, in order, above the device
 * page at ram_bytes; returns pfn_limit. */
uint32_t layout_rings(struct kn_device_page *page, uint32_t ram_bytes);
void write_boot_info(uint8_t *mem, uint32_t ram_bytes, uint32_t pfn_limit, const char *cmdline);
void write_device_page(uint8_t *mem, uint32_t ram_bytes, const struct kn_device_page *page);

#endif
