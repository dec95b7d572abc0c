/*U:920 host/kernel/uspace_demand.c: memory with no frames behind it yet.
 *
 * Everywhere else a process's present user page is a frame it owns
 * (U:140). This file is the one exception, made for whoever fills memory
 * on demand (the hypervisor: a guest's memory, restored lazily, comes from
 * a userfault handle, V:560). SYS_MMAP with MMAP_RESERVE takes address
 * space only: the range is recorded, its PTEs stay absent, and touching it
 * is an ordinary fault. Its owner then attaches a fault handler
 * (uspace_on_fault), a function and a context as for a write watch
 * (U:900), and puts frames in with uspace_install: a frame of the
 * process's own (counted in p->pages, freed with it), or a borrowed one
 * (PTE_BORROWED, read-only: the host's shared zero frame), which teardown
 * leaves alone. A fault in the range, by the program or by the OS copying
 * for it (user_check, U:200), asks the handler first: true means the page
 * is there now and the access is tried again. Next: U:925. */
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "host/kernel/uspace.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/vm.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"

static struct demand_range *reserve_of(struct process *p, uint32_t va)
{
	for (uint32_t i = 0; i < USPACE_RESERVES; i++) {
		struct demand_range *r = &p->reserves[i];

		if (r->len && va >= r->va && va - r->va < r->len)
			return r;
	}
	return NULL;
}

/* The end of the reservation va is in, or 0: find_hole steps over it. */
uint32_t uspace_reserved_end(struct process *p, uint32_t va)
{
	struct demand_range *r = reserve_of(p, va);

	return r ? r->va + r->len : 0;
}

/*U:925 Reserving: a hole as SYS_MMAP would find one, recorded, nothing
 * mapped. The work does not depend on the size, so a 1 GiB guest costs
 * no more to start than a small one (docs/userfault.md). */
int32_t uspace_mmap_reserve(struct process *p, uint32_t len)
{
	uint32_t npages = page_round_up(len) / PAGE_SIZE, va;

	if (len == 0)
		return -EINVAL;
	if (len > MMAP_LIMIT - USER_MMAP_BASE || !(va = uspace_find_hole(p, npages)))
		return -ENOMEM;
	for (uint32_t i = 0; i < USPACE_RESERVES; i++)
		if (!p->reserves[i].len) {
			p->reserves[i] = (struct demand_range){ va, npages * PAGE_SIZE, NULL, NULL };
			return (int32_t)va;
		}
	return -ENOMEM;
}

/* SYS_MUNMAP of exactly a reservation ends it, with whatever was put in. */
bool uspace_unreserve(struct process *p, uint32_t va, uint32_t len)
{
	struct demand_range *r = reserve_of(p, va);

	if (!r || r->va != va || r->len != page_round_up(len))
		return false;
	r->len = 0;
	return true;
}

bool uspace_reserved(struct process *p, uint32_t va, uint32_t len)
{
	struct demand_range *r = reserve_of(p, va);

	return r && len <= r->len - (va - r->va);
}

/*U:930 The owner's side: a handler for a whole reservation, and frames
 * put in one page at a time. A page may be installed only where nothing
 * is, or over a borrowed frame (a copy-on-write of the zero frame takes
 * its place); anything else is the caller's bug. A handler covers the
 * whole reservation its range is in and checks addresses itself; fn NULL
 * takes it off again. */
int32_t uspace_on_fault(struct process *p, uint32_t va, uint32_t len, uspace_fault_fn fn,
			void *ctx)
{
	struct demand_range *r = reserve_of(p, va);

	if (!r || len > r->len - (va - r->va))
		return -EINVAL;
	if (fn && r->fn)
		return -EBUSY;		/* one owner per reservation */
	r->fn = fn;
	r->ctx = ctx;
	return 0;
}

int32_t uspace_install(struct process *p, uint32_t va, uint32_t frame, bool borrowed)
{
	uint32_t old = vm_lookup(p->pgdir, va);
	uint32_t flags = PTE_USER | (borrowed ? PTE_BORROWED : PTE_RW);

	BUG_ON(!reserve_of(p, va) || ((old & PTE_PRESENT) && !(old & PTE_BORROWED)));
	if (!vm_map(p->pgdir, va, frame, flags))
		return -ENOMEM;
	if (!borrowed)
		p->pages++;
	return 0;
}

/*U:935 The fault. Only a page with nothing in it, or a write to a
 * borrowed one, is the handler's; the handler says whether the page is
 * there now. A handler that says no has said why on the console. */
bool uspace_demand_fault(struct process *p, uint32_t va, bool write)
{
	struct demand_range *r;
	uint32_t pte;

	if (va >= USER_SPACE_END || !(r = reserve_of(p, va)) || !r->fn)
		return false;
	pte = vm_lookup(p->pgdir, va);
	if ((pte & PTE_PRESENT) && !(write && (pte & PTE_BORROWED)))
		return false;
	return r->fn(r->ctx, page_round_down(va), write);
}

/* Whether any page of [va, va+len) has a frame: a slot with no page
 * table has none, so a fresh reservation is answered a table at a time. */
bool uspace_has_frames(struct process *p, uint32_t va, uint32_t len)
{
	for (uint32_t page = va; page - va < len;) {
		if (!(p->pgdir[pgd_index(page)] & PTE_PRESENT)) {
			page = (page | (PTRS_PER_TABLE * PAGE_SIZE - 1)) + 1;
			if (!page)
				break;
			continue;
		}
		if (vm_lookup(p->pgdir, page) & PTE_PRESENT)
			return true;
		page += PAGE_SIZE;
	}
	return false;
}

uint32_t uspace_frame_at(struct process *p, uint32_t va)
{
	uint32_t pte = vm_lookup(p->pgdir, va);

	return (pte & PTE_PRESENT) ? pte_frame(pte) : 0;
}
