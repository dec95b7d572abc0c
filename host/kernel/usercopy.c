/*U:200 host/kernel/usercopy.c: the only way the host touches user memory.
 *
 * A pointer from a program is just a number until proven otherwise. Every
 * access first checks the whole range arithmetically (user_range_ok: below
 * USER_SPACE_END, no wrap-around), then walks the current page directory
 * to see that every page is present, user-accessible and, for a copy to
 * the program, writable. Only then does it copy, page by page, through
 * the kernel's direct map of the frame (the loop is shared with pup:
 * lib/page_copy.c, P:275). Nothing here dereferences a user
 * address, so no user pointer can fault the host: a bad one earns the
 * program -EFAULT. Next: the open files those bytes flow through,
 * host/kernel/device.c (U:220). */
#include <stddef.h>
#include "lib/page_copy.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/layout.h"
#include "host/kernel/vm.h"
#include "host/kernel/sched.h"
#include "host/kernel/uspace.h"

static uint32_t pte_of(uint32_t va)
{
	return vm_lookup(current->pgdir, va);
}

/* A page the OS would copy through that is not there, in memory filled
 * on demand (U:920): its owner may put it in now, as for a fault. */
static bool demand_filled(uint32_t va, bool write)
{
	return uspace_demand_fault(current, va, write) && user_pte_ok(pte_of(va), write);
}

int32_t user_check(uint32_t addr, uint32_t len, bool write)
{
	if (!user_range_ok(addr, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	for (uint32_t va = page_round_down(addr); va < addr + len; va += PAGE_SIZE)
		if (!user_pte_ok(pte_of(va), write) && !demand_filled(va, write))
			return -EFAULT;
	return 0;
}

/* The kernel's view of a user byte whose page has been checked. */
static uint8_t *kernel_view(void *unused __attribute__((unused)), uint32_t va)
{
	return (uint8_t *)phys_to_virt(pte_frame(pte_of(va))) + (va & ~PAGE_MASK);
}

int32_t copy_from_user(void *dst, uint32_t usrc, uint32_t len)
{
	if (user_check(usrc, len, false))
		return -EFAULT;
	copy_in_pages(dst, usrc, len, kernel_view, NULL);
	return 0;
}

/*U:910 A copy into a watched page goes through the direct map, past the
 * read-only PTE that would have told: so the copy tells first, page by
 * page, exactly as a fault would (U:900). */
int32_t copy_to_user(uint32_t udst, const void *src, uint32_t len)
{
	if (user_check(udst, len, true))
		return -EFAULT;
	for (uint32_t va = page_round_down(udst); len && va < udst + len; va += PAGE_SIZE)
		if (pte_of(va) & PTE_WATCHED)
			uspace_watch_resolve(current, va);
	copy_out_pages(udst, src, len, kernel_view, NULL);
	return 0;
}

/* Byte by byte, checking each page as the string enters it. */
int32_t copy_string_from_user(char *dst, uint32_t usrc, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++) {
		uint32_t va = usrc + i;

		if (va < usrc || va >= USER_SPACE_END)
			return -EFAULT;
		if ((i == 0 || (va & ~PAGE_MASK) == 0) && !user_pte_ok(pte_of(va), false))
			return -EFAULT;
		dst[i] = (char)*kernel_view(NULL, va);
		if (!dst[i])
			return (int32_t)i;
	}
	return -ENAMETOOLONG;
}

uint32_t user_frame(struct process *p, uint32_t uva)
{
	uint32_t pte;

	if (uva >= USER_SPACE_END)
		return 0;
	pte = vm_lookup(p->pgdir, uva);
	return user_pte_ok(pte, true) ? pte_frame(pte) : 0;
}
