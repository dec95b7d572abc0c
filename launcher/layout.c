/*L:100 launcher/layout.c: filling in the map. The device page is built
 * first in the Launcher's own struct guest (devices.c adds each device's
 * type, queue sizes and interrupt), then layout_rings gives the queues
 * their addresses, which fixes pfn_limit and so how much memory to map;
 * only then, with memory mapped and the kernel loaded, are the boot
 * information and the device page written into the guest. Next: how a
 * device joins that page, launcher/devices.c. */
#include "arch/x86/hypercall.h"
#include "lib/string.h"
#include "launcher/layout.h"

uint32_t ring_bytes(uint32_t num)
{
	return (vring_size(num) + GUEST_PAGE - 1) & ~(GUEST_PAGE - 1);
}

uint32_t layout_rings(struct kn_device_page *page, uint32_t ram_bytes)
{
	uint32_t gpa = ram_bytes + GUEST_PAGE;

	for (uint32_t d = 0; d < page->count; d++) {
		struct kn_device *dev = &page->devices[d];

		for (uint32_t q = 0; q < dev->num_queues; q++) {
			dev->queues[q].gpa = gpa;
			gpa += ring_bytes(dev->queues[q].num);
		}
	}
	return gpa / GUEST_PAGE;
}

void write_boot_info(uint8_t *mem, uint32_t ram_bytes, uint32_t pfn_limit, const char *cmdline)
{
	struct kennel_boot_info *bi = (struct kennel_boot_info *)(mem + KENNEL_BOOT_INFO_GPA);

	memset(bi, 0, sizeof(*bi));
	bi->magic = KENNEL_BOOT_MAGIC;
	bi->mem_bytes = ram_bytes;
	bi->pfn_limit = pfn_limit;
	bi->device_page = ram_bytes;
	strlcpy(bi->cmdline, cmdline, sizeof(bi->cmdline));
}

void write_device_page(uint8_t *mem, uint32_t ram_bytes, const struct kn_device_page *page)
{
	struct kn_device_page *dp = (struct kn_device_page *)(mem + ram_bytes);

	*dp = *page;
	dp->magic = KN_DEVICE_MAGIC;
}
