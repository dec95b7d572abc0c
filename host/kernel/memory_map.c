/*B:150 host/kernel/memory_map.c: turning the memory map into free frames.
 *
 * Release what the boot loader called usable RAM, as far as the direct map
 * reaches, then take back what is already spoken for: the first megabyte,
 * the kernel image, and every Multiboot module (they become files later,
 * so they must never be handed out). The summary line tells the user, and
 * the boot tests, what kennel found. */
#include "arch/x86/paging.h"
#include "lib/bitmap.h"
#include "host/kernel/memory_map.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"

#define MAX_FRAMES (DIRECT_MAP_SIZE / PAGE_SIZE)

static uint32_t frame_bitmap[BITMAP_WORDS(MAX_FRAMES)];
static uint32_t usable_frames;
extern char kernel_start[], kernel_end[];

void memory_init(const struct boot_info *bi)
{
	uint64_t ignored = 0;

	frames_init(frame_bitmap, MAX_FRAMES);
	for (unsigned i = 0; i < bi->nranges; i++) {
		const struct mem_range *r = &bi->ranges[i];

		frames_release_range(r->start, r->end);
		if (r->end > DIRECT_MAP_SIZE)
			ignored += r->end - (r->start > DIRECT_MAP_SIZE ? r->start : DIRECT_MAP_SIZE);
	}
	usable_frames = frames_free_count();
	frames_reserve_range(0, 0x100000);
	frames_reserve_range(virt_to_phys(kernel_start), virt_to_phys(kernel_end));
	for (unsigned i = 0; i < bi->nmodules; i++)
		frames_reserve_range(bi->modules[i].start, bi->modules[i].end);
	kprintf("memory: %llu KiB usable in %u ranges; %u KiB free after the kernel (%u KiB) and %u modules\n",
		bi->usable_bytes / 1024, bi->nranges, frames_free_count() * (PAGE_SIZE / 1024),
		(unsigned)(kernel_end - kernel_start) / 1024, bi->nmodules);
	if (ignored || bi->dropped_ranges)
		kprintf("memory: ignoring %llu KiB above 768 MiB and %u extra ranges\n",
			ignored / 1024, bi->dropped_ranges);
}

/*B:155 Too little memory is a user's mistake (QEMU's -m), not a host
 * bug: rather than fail later on the first frame it cannot get, the host
 * says how much it needs and stops. MEMORY_MIN_FREE_KIB is what the host's
 * own tables, a Launcher and a small guest take after the kernel and the
 * modules are in. */
bool memory_enough(void)
{
	uint32_t free_kib = frames_free_count() * (PAGE_SIZE / 1024);

	if (free_kib >= MEMORY_MIN_FREE_KIB)
		return true;
	kprintf("kennel: too little memory: %u KiB free after the kernel and modules, "
		"and kennel needs at least %u KiB; give the machine more (QEMU: -m 256M)\n",
		free_kib, MEMORY_MIN_FREE_KIB);
	return false;
}

uint32_t memory_usable_frames(void)
{
	return usable_frames;
}
