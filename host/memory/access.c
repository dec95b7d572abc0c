/*V:200 host/memory/access.c: how the host reads and writes a guest.
 *
 * Every host access to guest memory — the shared page, an interrupt frame
 * pushed on the guest's stack, a shutdown message — comes through this
 * file, which checks the whole range first (in 64 bits, so gpa + len
 * cannot wrap), then copies page by page through the host's direct map
 * of the frame the gmap hands out with a reference (V:320). Nothing here depends on
 * which process is running.
 *
 * A failed check is the guest's fault, never the host's: the guest is
 * killed with the address and length, reads return zeroes, and the caller
 * goes on as if nothing happened until run_guest notices the death. A
 * page that is not there yet (missing, or write-protected for a userfault
 * handle) is not a failure but a wait: the fault is raised with the HOST
 * flag (V:570), reads return zeroes all the same, and the caller, which
 * asks guest_waits before it acts on what it read, gives up to be
 * started again once the page has come (Xen's retry: the host never
 * sleeps in the middle of a copy). */
#include "arch/x86/kennel_userfault.h"
#include "lib/string.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/layout.h"

static inline __attribute__((always_inline)) bool
copy_pages(struct guest *g, uint32_t gpa, uint8_t *buf, uint32_t len, bool write)
{
	while (len) {
		uint32_t room = PAGE_SIZE - (gpa & ~PAGE_MASK), n = len < room ? len : room;
		int32_t err = gmap_copy(g, gpa, buf, n, write);

		if (err == -EAGAIN)
			userfault_raise(g, gpa, KN_UF_FLAG_HOST | (write ? KN_UF_FLAG_WRITE : 0));
		if (err)
			return err == -EAGAIN;
		gpa += n;
		buf += n;
		len -= n;
	}
	return true;
}

/*V:205 The shared page is read and written on every exit and entry (the
 * virtual interrupt flag, the async ring, the time), so the host keeps a
 * direct view of it: KH_INIT asks guest_page_view for the host address of
 * struct kennel_data, and the gmap holds that page for the guest's life
 * and marks it SPECIAL (V:350), so its frame cannot change or go while
 * the view exists. An access inside the structure then copies straight
 * from that view; the bounds are still checked, against the structure
 * instead of the whole memory. A write through the view needs no mark:
 * the host writes the shared page on every entry, and the gmap reports a
 * SPECIAL page written always (V:330), which keeps the hypercall path as
 * short as it was. A structure that straddles two
 * guest pages (whose frames need not be neighbours) gets no view and
 * takes the general path. */
uint8_t *guest_page_view(struct guest *g, uint32_t gpa, uint32_t len)
{
	uint8_t *page;

	if (!len || !guest_range_ok(g, gpa, len) || gpa / PAGE_SIZE != (gpa + len - 1) / PAGE_SIZE)
		return NULL;
	page = gmap_hold_special(g, gpa / PAGE_SIZE);
	return page ? page + (gpa & ~PAGE_MASK) : NULL;
}

static uint8_t *shared_view(struct guest *g, uint32_t gpa, uint32_t len)
{
	uint32_t at = gpa - g->data_gpa;

	if (!g->data_view || at >= sizeof(struct kennel_data) ||
	    len > sizeof(struct kennel_data) - at)
		return NULL;
	return g->data_view + at;
}

void guest_read(struct guest *g, uint32_t gpa, void *buf, uint32_t len)
{
	uint8_t *view = shared_view(g, gpa, len);

	if (view) {
		memcpy(buf, view, len);
		return;
	}
	if (!guest_range_ok(g, gpa, len) || !copy_pages(g, gpa, buf, len, false)) {
		memset(buf, 0, len);
		kill_guest(g, "bad read address 0x%x len %u", gpa, len);
	} else if (guest_waits(g)) {
		memset(buf, 0, len);
	}
}

void guest_write(struct guest *g, uint32_t gpa, const void *buf, uint32_t len)
{
	uint8_t *view = shared_view(g, gpa, len);

	if (view) {
		memcpy(view, buf, len);
		return;
	}
	if (!guest_range_ok(g, gpa, len) || !copy_pages(g, gpa, (uint8_t *)buf, len, true))
		kill_guest(g, "bad write address 0x%x len %u", gpa, len);
}

/* An aligned word never crosses a page: straight through the shared
 * page's view, or through its own page, held for the one access (the
 * page-table walks, V:120, read two of these per fault). Anything else,
 * a bad address included, takes the checked copy, which says why. */
uint32_t guest_read_u32(struct guest *g, uint32_t gpa)
{
	uint32_t *view = (uint32_t *)(void *)shared_view(g, gpa, sizeof(uint32_t)), v;

	if (view)
		return *view;
	if (!gmap_read_u32(g, gpa, &v))
		guest_read(g, gpa, &v, sizeof(v));
	return v;
}

void guest_write_u32(struct guest *g, uint32_t gpa, uint32_t value)
{
	uint32_t *view = (uint32_t *)(void *)shared_view(g, gpa, sizeof(uint32_t));

	if (view)
		*view = value;
	else if (!gmap_write_u32(g, gpa, value))
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
	if (!guest_waits(g))
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
