/*G:320 guest/kernel/usercopy.c: pointers from programs.
 *
 * A pointer a program passes in a system call is only a number until
 * proven otherwise. Every access checks the whole range first: below
 * PUP_KERNEL_BASE with no wrap-around, and every page present in the
 * current process's page directory, user-accessible, and writable if pup
 * is to write. A page of the stack that the program has not touched yet
 * counts as present: it is made now, as the page-fault handler would have
 * (G:313). Only then does pup copy, page by page, through the direct map
 * of each frame (the host's loop, lib/page_copy.c, P:275), so no user address is ever dereferenced and nothing a
 * program passes can fault the kernel. That works the same natively and
 * under kennel, where the kernel's direct map is all that the host needs
 * to have shadowed. A bad pointer earns the program -EFAULT. Next:
 * processes, G:330. */
#include <stddef.h>
#include "lib/page_copy.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/usercopy.h"

static bool page_ok(uint32_t va, bool write)
{
	uint32_t *pte = pgdir_pte(current->pgdir, va);
	uint32_t need = PTE_PRESENT | PTE_USER | (write ? PTE_RW : 0);

	if ((!pte || !(*pte & PTE_PRESENT)) && grow_stack(current->pgdir, va))
		pte = pgdir_pte(current->pgdir, va);
	return pte && (*pte & need) == need;
}

int32_t user_check(uint32_t addr, uint32_t len, bool write)
{
	if (addr >= KERNEL_BASE || len > KERNEL_BASE - addr)
		return -EFAULT;
	for (uint32_t va = page_round_down(addr); len && va < addr + len; va += PAGE_SIZE)
		if (!page_ok(va, write))
			return -EFAULT;
	return 0;
}

/* The kernel's view of a user byte whose page has been checked. */
static uint8_t *kernel_view(void *unused __attribute__((unused)), uint32_t va)
{
	return (uint8_t *)phys_to_virt(pte_frame(*pgdir_pte(current->pgdir, va))) +
	       (va & ~PAGE_MASK);
}

int32_t copy_from_user(void *dst, uint32_t usrc, uint32_t len)
{
	if (user_check(usrc, len, false))
		return -EFAULT;
	copy_in_pages(dst, usrc, len, kernel_view, NULL);
	return 0;
}

int32_t copy_to_user(uint32_t udst, const void *src, uint32_t len)
{
	if (user_check(udst, len, true))
		return -EFAULT;
	copy_out_pages(udst, src, len, kernel_view, NULL);
	return 0;
}

/* Byte by byte, checking each page as the string reaches it. */
int32_t copy_string_from_user(char *dst, uint32_t usrc, uint32_t size)
{
	for (uint32_t n = 0; n < size; n++) {
		if ((n == 0 || ((usrc + n) & ~PAGE_MASK) == 0) && user_check(usrc + n, 1, false))
			return -EFAULT;
		dst[n] = (char)*kernel_view(NULL, usrc + n);
		if (!dst[n])
			return (int32_t)n;
	}
	dst[size - 1] = '\0';
	return -ENAMETOOLONG;
}
