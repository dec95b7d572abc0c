/*V:010 host/guest_memory.c: how the host reads and writes a guest.
 *
 * Guest-physical address X is the Launcher's virtual address mem_base + X,
 * and is valid only below pfn_limit pages. Every host access to guest
 * memory — the shared page, an interrupt frame pushed on the guest's
 * stack, a shutdown message — comes through this file, which checks the
 * whole range first (in 64 bits, so gpa + len cannot wrap), then copies
 * through the Launcher's page tables with copy_from_user/copy_to_user.
 * The Launcher is always the current process when this runs: guests run
 * only inside their Launcher's KN_RUN.
 *
 * A failed check is the guest's fault, never the host's: the guest is
 * killed with the address and length, reads return zeroes, and the caller
 * goes on as if nothing happened until run_guest notices the death. Next:
 * the shadow page directory the guest runs on, host/pgtable.c (V:100). */
#include "lib/string.h"
#include "host/guest_memory.h"
#include "host/usercopy.h"
#include "host/sched.h"
#include "host/console.h"

static bool access_ok(struct guest *g, uint32_t gpa, uint32_t len, const char *what)
{
	BUG_ON(current != g->launcher);
	if (guest_range_ok(g, gpa, len))
		return true;
	kill_guest(g, "bad %s address 0x%x len %u", what, gpa, len);
	return false;
}

void guest_read(struct guest *g, uint32_t gpa, void *buf, uint32_t len)
{
	if (!access_ok(g, gpa, len, "read") || copy_from_user(buf, g->mem_base + gpa, len)) {
		memset(buf, 0, len);
		kill_guest(g, "bad read address 0x%x len %u", gpa, len);
	}
}

void guest_write(struct guest *g, uint32_t gpa, const void *buf, uint32_t len)
{
	if (!access_ok(g, gpa, len, "write") || copy_to_user(g->mem_base + gpa, buf, len))
		kill_guest(g, "bad write address 0x%x len %u", gpa, len);
}

uint32_t guest_read_u32(struct guest *g, uint32_t gpa)
{
	uint32_t v;

	guest_read(g, gpa, &v, sizeof(v));
	return v;
}

void guest_write_u32(struct guest *g, uint32_t gpa, uint32_t value)
{
	guest_write(g, gpa, &value, sizeof(value));
}

/*V:020 Virtual addresses are translated one page at a time through the
 * guest's own page tables (guest_virt_to_phys, V:110), because pages that
 * are neighbours in the guest's address space need not be neighbours in
 * its memory. An address the guest has not mapped kills it: the host only
 * uses guest virtual addresses the guest itself handed over as valid (its
 * stack pointer, its instruction pointer). */
static uint32_t page_chunk(uint32_t va, uint32_t left)
{
	uint32_t room = PAGE_SIZE - (va & ~PAGE_MASK);

	return left < room ? left : room;
}

static bool translate(struct guest *g, uint32_t va, bool write, uint32_t *gpa)
{
	if (guest_virt_to_phys(g, va, write, gpa))
		return true;
	kill_guest(g, "bad %s virtual address 0x%x", write ? "write" : "read", va);
	return false;
}

void guest_read_virt(struct guest *g, uint32_t va, void *buf, uint32_t len)
{
	uint8_t *b = buf;
	uint32_t gpa, n;

	for (; len; va += n, b += n, len -= n) {
		n = page_chunk(va, len);
		if (!translate(g, va, false, &gpa)) {
			memset(b, 0, len);
			return;
		}
		guest_read(g, gpa, b, n);
	}
}

void guest_write_virt(struct guest *g, uint32_t va, const void *buf, uint32_t len)
{
	const uint8_t *b = buf;
	uint32_t gpa, n;

	for (; len; va += n, b += n, len -= n) {
		n = page_chunk(va, len);
		if (!translate(g, va, true, &gpa))
			return;
		guest_write(g, gpa, b, n);
	}
}
