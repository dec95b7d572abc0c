/*U:140 host/kernel/uspace.c: the memory a process owns.
 *
 * A process's page directory shares the kernel's half with every other
 * (vm_pgdir_create); the user half below USER_SPACE_END is its own, and
 * every page present there is a frame the process owns, given to it
 * zeroed, except one marked borrowed (U:920). That rule makes teardown
 * simple: walk the user half, free each present frame it owns, then the
 * tables and the directory. SYS_MMAP takes its frames at once, so a
 * program learns about a shortage from SYS_MMAP's -ENOMEM, never from a
 * fault later; only memory reserved for an owner who fills it on demand
 * (a guest's, lazily: U:920) comes later, page by page.
 * The loader writes code and arguments through the kernel's direct map
 * (uspace_write), which is why read-only pages are no obstacle to it.
 * Next: the CPU state a new process starts from, back in host/kernel/spawn.c
 * (U:150). */
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "lib/string.h"
#include "host/kernel/uspace.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/vm.h"
#include "host/kernel/frames.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"
#include "host/kernel/sched.h"

#define MMAP_PREEMPT_PAGES 256	/* a big SYS_MMAP offers the CPU this often */
#define TABLE_SPAN	(PTRS_PER_TABLE * PAGE_SIZE)	/* what one page table maps */

static void zero_frame(uint32_t pa)
{
	uint32_t *w = phys_to_virt(pa);

	for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
		w[i] = 0;
}

static int32_t map_page(struct process *p, uint32_t va, uint32_t flags)
{
	uint32_t pte = vm_lookup(p->pgdir, va);
	uint32_t pa;

	if (pte & PTE_PRESENT)
		return vm_map(p->pgdir, va, pte_frame(pte), (pte & PTE_FLAGS) | flags) ? 0 : -ENOMEM;
	pa = frame_alloc();
	if (!pa)
		return -ENOMEM;
	zero_frame(pa);
	if (!vm_map(p->pgdir, va, pa, flags)) {
		frame_free(pa);
		return -ENOMEM;
	}
	p->pages++;
	return 0;
}

int32_t uspace_map(struct process *p, uint32_t va, uint32_t len, uint32_t flags)
{
	uint32_t end = page_round_up(va + len);

	for (uint32_t page = page_round_down(va); page < end; page += PAGE_SIZE)
		if (map_page(p, page, flags))
			return -ENOMEM;
	return 0;
}

void uspace_unmap(struct process *p, uint32_t va, uint32_t len)
{
	uint32_t end = page_round_up(va + len);

	for (uint32_t page = page_round_down(va); page < end; page += PAGE_SIZE) {
		uint32_t pte = vm_lookup(p->pgdir, page);

		if (!(pte & PTE_PRESENT))
			continue;
		vm_unmap(p->pgdir, page);
		if (pte & PTE_BORROWED)
			continue;
		BUG_ON(frame_free(pte_frame(pte)) != 0);
		p->pages--;
	}
}

void uspace_write(struct process *p, uint32_t va, const void *src, uint32_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint32_t pte = vm_lookup(p->pgdir, va);
		uint32_t off = va & ~PAGE_MASK;
		uint32_t n = len < PAGE_SIZE - off ? len : PAGE_SIZE - off;

		BUG_ON(!(pte & PTE_PRESENT));
		memcpy((uint8_t *)phys_to_virt(pte_frame(pte)) + off, s, n);
		va += n, s += n, len -= n;
	}
}

static void free_table_pages(uint32_t pde)
{
	const uint32_t *table = phys_to_virt(pte_frame(pde));

	for (uint32_t i = 0; i < PTRS_PER_TABLE; i++)
		if ((table[i] & (PTE_PRESENT | PTE_BORROWED)) == PTE_PRESENT)
			BUG_ON(frame_free(pte_frame(table[i])) != 0);
}

void uspace_destroy(struct process *p)
{
	BUG_ON(read_cr3() == virt_to_phys(p->pgdir));
	for (uint32_t slot = 0; slot < pgd_index(USER_SPACE_END); slot++)
		if (p->pgdir[slot] & PTE_PRESENT)
			free_table_pages(p->pgdir[slot]);
	vm_pgdir_destroy(p->pgdir);
	p->pgdir = NULL;
	p->pages = 0;
}

/* First fit: the lowest run of npages pages in the mmap region that are
 * neither mapped nor reserved (U:920). A slot with no page table is 1024
 * free pages at once, so the search costs what is mapped, not what is
 * asked for. */
static uint32_t free_run_at(struct process *p, uint32_t va, uint32_t *next)
{
	uint32_t end = uspace_reserved_end(p, va);

	if (end) {
		*next = end;
		return 0;
	}
	if (!(p->pgdir[pgd_index(va)] & PTE_PRESENT) && !(va & (TABLE_SPAN - 1))) {
		*next = va + TABLE_SPAN;
		return PTRS_PER_TABLE;
	}
	*next = va + PAGE_SIZE;
	return vm_lookup(p->pgdir, va) & PTE_PRESENT ? 0 : 1;
}

uint32_t uspace_find_hole(struct process *p, uint32_t npages)
{
	uint32_t run = 0, start = USER_MMAP_BASE, next;

	for (uint32_t va = USER_MMAP_BASE; va < MMAP_LIMIT; va = next) {
		uint32_t n = free_run_at(p, va, &next);

		if (!n)
			run = 0, start = next;
		else if ((run += n) >= npages && start + npages * PAGE_SIZE <= MMAP_LIMIT)
			return start;
	}
	return 0;
}

/* Map a page at a time, offering the CPU now and then: 128 MiB is 32768
 * pages to zero, long enough to matter to everyone else. */
static int32_t map_preemptible(struct process *p, uint32_t va, uint32_t npages)
{
	for (uint32_t i = 0; i < npages; i++) {
		if (map_page(p, va + i * PAGE_SIZE, PTE_USER | PTE_RW))
			return -ENOMEM;
		if (i % MMAP_PREEMPT_PAGES == 0 && proc_should_stop(p))
			return -EINTR;
		if (i % MMAP_PREEMPT_PAGES == 0)
			sched_preempt_point();
	}
	return 0;
}

int32_t uspace_mmap(struct process *p, uint32_t len)
{
	uint32_t npages, va;
	int32_t err;

	if (len == 0)
		return -EINVAL;
	if (len > MMAP_LIMIT - USER_MMAP_BASE)
		return -ENOMEM;
	npages = page_round_up(len) / PAGE_SIZE;
	if (npages > frames_free_count() || !(va = uspace_find_hole(p, npages)))
		return -ENOMEM;
	err = map_preemptible(p, va, npages);
	if (err) {
		uspace_unmap(p, va, npages * PAGE_SIZE);
		return err;
	}
	return (int32_t)va;
}

/*U:145 Pinning. Whoever keeps using a process's frames behind its back
 * (the hypervisor: a guest's shadow page tables point straight at its
 * Launcher's frames) pins the range, and SYS_MUNMAP refuses to unmap any
 * part of it with -EBUSY. A pin lasts until it is undone or the whole
 * address space goes at exit. The table is small and per process: a
 * Launcher pins one range per guest it holds. */
int32_t uspace_pin(struct process *p, uint32_t va, uint32_t len)
{
	for (uint32_t i = 0; i < USPACE_PINS; i++)
		if (!p->pins[i].len) {
			p->pins[i] = (struct pinned_range){ va, len };
			return 0;
		}
	return -EAGAIN;
}

/* Undoing a pin that was never made is the host's own bug. */
void uspace_unpin(struct process *p, uint32_t va, uint32_t len)
{
	uint32_t i = 0;

	while (i < USPACE_PINS && (p->pins[i].va != va || p->pins[i].len != len))
		i++;
	BUG_ON(i == USPACE_PINS);
	p->pins[i].len = 0;
}

static bool uspace_pinned(struct process *p, uint32_t va, uint32_t len)
{
	for (uint32_t i = 0; i < USPACE_PINS; i++) {
		struct pinned_range *r = &p->pins[i];

		if (r->len && (uint64_t)va < (uint64_t)r->va + r->len &&
		    (uint64_t)va + len > r->va)
			return true;
	}
	return false;
}

int32_t uspace_munmap(struct process *p, uint32_t va, uint32_t len)
{
	if (len == 0 || len > MMAP_LIMIT || (va & ~PAGE_MASK))
		return -EINVAL;
	if (va < USER_MMAP_BASE || va > MMAP_LIMIT || page_round_up(len) > MMAP_LIMIT - va)
		return -EINVAL;
	if (uspace_pinned(p, va, len))
		return -EBUSY;
	if (uspace_reserved(p, va, 1) && !uspace_reserved(p, va, len))
		return -EINVAL;		/* never across a reservation's end (U:925) */
	uspace_unmap(p, va, len);
	uspace_unreserve(p, va, len);
	return 0;
}

/*U:900 Write watches: the OS's form of Linux's asynchronous
 * write-protect (userfaultfd's WP_ASYNC). Whoever must know when a
 * process writes its pages (the hypervisor, for the scan of a guest's
 * pages, V:430: a Launcher's devices write its guest's memory through
 * the Launcher's own mapping) registers a range with a callback. Arming
 * a page takes write permission from its PTE and marks it PTE_WATCHED;
 * the next write to it, a user write fault here or the OS's own
 * copy_to_user (U:910), gives the permission back at once and calls the
 * callback with the page, and the write goes on as if nothing happened.
 * The OS knows nothing of guests: the callback is a function and a
 * context, as a driver would register. Next: U:910. */
static struct watched_range *watch_of(struct process *p, uint32_t va)
{
	for (uint32_t i = 0; i < USPACE_WATCHES; i++) {
		struct watched_range *w = &p->watches[i];

		if (w->len && va >= w->va && va - w->va < w->len)
			return w;
	}
	return NULL;
}

int32_t uspace_watch(struct process *p, uint32_t va, uint32_t len, uspace_watch_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < USPACE_WATCHES; i++)
		if (!p->watches[i].len) {
			p->watches[i] = (struct watched_range){ va, len, fn, ctx };
			return 0;
		}
	return -EAGAIN;
}

/* The PTE of va given these flags, the frame kept. */
static void set_pte_flags(struct process *p, uint32_t va, uint32_t pte, uint32_t flags)
{
	BUG_ON(!vm_map(p->pgdir, va, pte_frame(pte), flags));
}

void uspace_unwatch(struct process *p, uint32_t va, uint32_t len)
{
	struct watched_range *w = watch_of(p, va);

	BUG_ON(!w || w->va != va || w->len != len);
	for (uint32_t page = va; page - va < len; page += PAGE_SIZE) {
		uint32_t pte = vm_lookup(p->pgdir, page);

		if ((pte & PTE_PRESENT) && (pte & PTE_WATCHED))
			set_pte_flags(p, page, pte, ((pte & PTE_FLAGS) & ~PTE_WATCHED) | PTE_RW);
	}
	w->len = 0;
}

void uspace_watch_arm(struct process *p, uint32_t va)
{
	uint32_t pte = vm_lookup(p->pgdir, va);

	if (!watch_of(p, va) || !(pte & PTE_PRESENT) || !(pte & PTE_RW))
		return;
	set_pte_flags(p, va, pte, ((pte & PTE_FLAGS) & ~PTE_RW) | PTE_WATCHED);
}

void uspace_watch_resolve(struct process *p, uint32_t va)
{
	uint32_t page = page_round_down(va), pte = vm_lookup(p->pgdir, page);
	struct watched_range *w = watch_of(p, page);

	if (!(pte & PTE_PRESENT) || !(pte & PTE_WATCHED))
		return;
	set_pte_flags(p, page, pte, ((pte & PTE_FLAGS) & ~PTE_WATCHED) | PTE_RW);
	if (w)
		w->fn(w->ctx, page);
}

bool uspace_watch_fault(struct process *p, uint32_t va, uint32_t error)
{
	uint32_t want = PF_PRESENT | PF_WRITE | PF_USER;

	if ((error & want) != want || va >= USER_SPACE_END ||
	    !(vm_lookup(p->pgdir, va) & PTE_WATCHED))
		return false;
	uspace_watch_resolve(p, va);
	return true;
}
