/*V:200 host/memory/access.c: how the host reads and writes a guest.
 *
 * Every host access to guest memory — the shared page, an interrupt frame
 * pushed on the guest's stack, a shutdown message — comes through this
 * file, which checks the whole range first (in 64 bits, so gpa + len
 * cannot wrap), then copies page by page through the host's direct map
 * of the frame guest_page_frame names (V:140). Nothing here depends on
 * which process is running.
 *
 * A failed check is the guest's fault, never the host's: the guest is
 * killed with the address and length, reads return zeroes, and the caller
 * goes on as if nothing happened until run_guest notices the death. */
#include "lib/string.h"
#include "lib/page_copy.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/layout.h"

/* The host's view of guest-physical byte gpa, or NULL. */
static uint8_t *gpa_view(void *guest, uint32_t gpa)
{
	uint32_t frame = guest_page_frame(guest, gpa / PAGE_SIZE);

	return frame ? (uint8_t *)phys_to_virt(frame) + (gpa & ~PAGE_MASK) : NULL;
}

void guest_read(struct guest *g, uint32_t gpa, void *buf, uint32_t len)
{
	if (!guest_range_ok(g, gpa, len) || !copy_in_pages(buf, gpa, len, gpa_view, g)) {
		memset(buf, 0, len);
		kill_guest(g, "bad read address 0x%x len %u", gpa, len);
	}
}

void guest_write(struct guest *g, uint32_t gpa, const void *buf, uint32_t len)
{
	if (!guest_range_ok(g, gpa, len) || !copy_out_pages(gpa, buf, len, gpa_view, g))
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

/*V:210 Virtual addresses are translated one page at a time through the
 * guest's own page tables (guest_virt_to_phys, V:220), because pages that
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
