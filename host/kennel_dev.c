/*H:100 host/kennel_dev.c: /dev/kennel, where a Launcher meets the host.
 *
 * The Launcher (L:030) has loaded a guest kernel into memory of its own;
 * here it hands that memory to the host and runs the guest, one ioctl at a
 * time (arch/x86/kennel_dev.h). Each open of /dev/kennel can hold one
 * guest, created by KN_INIT and destroyed when the file is closed, which
 * includes the Launcher's exit, however that happens. Several Launchers
 * mean several guests, scheduled like any other processes.
 *
 * The Launcher is trusted no more than the guest: everything it passes is
 * checked, and only the process that created a guest may run it, because
 * the guest's memory is that process's address space. Next: H:110, the
 * structure that describes a guest. */
#include "arch/x86/cpu.h"
#include "arch/x86/kennel_userfault.h"
#include "lib/string.h"
#include "lib/format.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/device.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/condev.h"
#include "host/kernel/frames.h"
#include "host/kernel/heap.h"
#include "host/kernel/layout.h"
#include "host/kernel/sched.h"
#include "host/kernel/console.h"
#include "host/kernel/uspace.h"
#include "host/kernel/timer.h"

/* Guest memory must leave the Switcher's slot alone and fit the
 * Launcher's user space: 1 GiB is more than any Launcher can map. */
#define GUEST_PFN_MAX	(0x40000000u / PAGE_SIZE)

/*H:140 KN_INIT. The memory must be page-aligned, inside the Launcher's
 * user space, and fully mapped (shadow_init checks each page); the entry
 * point and boot information must lie inside it. The guest starts as
 * hypercall.h promises (H:030): ring 1, the magic in eax, the boot
 * information's address in esi, interrupts virtually off until it has a
 * shared page to say otherwise. */
/* The name is only ever printed, but printed on the host's console: so
 * printable characters only, and a NUL within the field. */
static bool name_ok(const char *name)
{
	uint32_t n = 0;

	while (n < KN_NAME_MAX && name[n] >= 0x21 && name[n] < 0x7f)
		n++;
	return n > 0 && n < KN_NAME_MAX && name[n] == '\0';
}

static bool init_args_ok(const struct kn_init *in)
{
	uint64_t end = (uint64_t)in->mem_base + (uint64_t)in->pfn_limit * PAGE_SIZE;
	uint64_t limit = (uint64_t)in->pfn_limit * PAGE_SIZE;

	return name_ok(in->name) && !(in->mem_base & ~PAGE_MASK) && in->mem_base && in->pfn_limit &&
	       in->pfn_limit <= GUEST_PFN_MAX && end <= USER_SPACE_END &&
	       in->entry < limit && in->boot_info < limit &&
	       !(in->flags & ~KN_INIT_WAKE_ON_INPUT);
}

static void initial_regs(struct guest *g, const struct kn_init *in)
{
	struct guest_regs *r = g->regs;

	memset(r, 0, sizeof(*r));
	r->eax = KENNEL_BOOT_MAGIC;
	r->esi = in->boot_info;
	r->eip = in->entry;
	r->cs = GUEST_CS;
	r->ds = r->es = r->ss = GUEST_DS;
	r->eflags = EFLAGS_IF | EFLAGS_RESERVED;
}

/* The teardown of guest memory (V:360): no new requests, the shadows'
 * references dropped, then the gmap's own, then the pin, in that order,
 * so that the OS cannot free a frame the gmap still holds. */
static void guest_free(struct guest *g)
{
	gmap_begin_teardown(g);
	shadow_destroy(g);
	pm_scan_destroy(g);
	gmap_destroy(g);
	if (g->pinned)
		uspace_unpin(g->launcher, g->mem_base, guest_limit(g));
	if (g->regs_frame)
		BUG_ON(frame_free(g->regs_frame) != 0);
	kfree(g);
}

static int32_t guest_create(const struct kn_init *in, struct guest **out)
{
	struct guest *g = kzalloc(sizeof(*g));
	int32_t err;

	if (!g || !(g->regs_frame = frame_alloc())) {
		kfree(g);
		return -ENOMEM;
	}
	/* The guest can read the whole regs page (ring 1 is "supervisor" to
	 * the paging hardware): whatever the frame held before must go. */
	memset(phys_to_virt(g->regs_frame), 0, PAGE_SIZE);
	g->regs = (struct guest_regs *)((uint8_t *)phys_to_virt(g->regs_frame) + PAGE_SIZE) - 1;
	g->launcher = current;
	g->mem_base = in->mem_base;
	g->pfn_limit = in->pfn_limit;
	g->flags = in->flags;
	memcpy(g->name, in->name, KN_NAME_MAX);
	g->created_ms = timer_ms();
	guest_gdt_init(g);
	initial_regs(g, in);
	err = uspace_pin(current, g->mem_base, guest_limit(g));
	g->pinned = !err;
	if (!err)
		err = gmap_init(g);
	if (!err)
		err = pm_scan_init(g);
	if (!err)
		err = shadow_init(g);
	if (!err)
		err = guests_add(g);
	if (err)
		guest_free(g);
	*out = err ? NULL : g;
	return err;
}

static int32_t kn_init(struct file *f, uint32_t uarg)
{
	struct kn_init in;
	struct guest *g;
	int32_t err;

	if (f->private)
		return -EBUSY;
	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!init_args_ok(&in))
		return -EINVAL;
	err = guest_create(&in, &g);
	if (err)
		return err;
	if (g->flags & KN_INIT_WAKE_ON_INPUT)
		console_join(current);
	f->private = g;
	return 0;
}

/*H:150 KN_RUN: run the guest until it needs the Launcher (H:200), then
 * tell the Launcher why. A Launcher that takes console input is waiting
 * for it now, so its guest's prompt is shown (U:250). A dead guest's exit
 * is sticky: running it again only repeats why it died.:*/
/* KN_EXIT_ON_HALT (H:245): 0 or 1, nothing else. */
static int32_t kn_exit_on_halt(struct guest *g, uint32_t on)
{
	if (on > 1)
		return -EINVAL;
	g->exit_on_halt = on;
	return 0;
}

static int32_t kn_run(struct guest *g, uint32_t uarg)
{
	if (g->flags & KN_INIT_WAKE_ON_INPUT)
		console_prompt(current);
	run_guest(g);
	if (copy_to_user(uarg, &g->exit, sizeof(g->exit)))
		return -EFAULT;
	if (!g->dead)
		g->exit_ready = false;
	return 0;
}
/*:*/

/* KN_SET_REGS takes anything but what would let the guest out of its
 * rings: the selectors are checked as they are before every entry. */
static int32_t kn_set_regs(struct guest *g, uint32_t uarg)
{
	struct kn_regs k;
	struct guest_regs r;
	const char *why;

	if (copy_from_user(&k, uarg, sizeof(k)))
		return -EFAULT;
	r = (struct guest_regs){ k.eax, k.ebx, k.ecx, k.edx, k.esi, k.edi, k.ebp,
		k.gs, k.fs, k.ds, k.es, g->regs->trapnum, g->regs->errcode,
		k.eip, k.cs, k.eflags, k.esp, k.ss };
	if (!guest_selectors_ok(g, &r, &why))
		return -EINVAL;
	r.eflags = guest_eflags(r.eflags);
	*g->regs = r;
	return 0;
}

static int32_t kn_get_regs(struct guest *g, uint32_t uarg)
{
	const struct guest_regs *r = g->regs;
	struct kn_regs k = { r->eax, r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp,
		r->esp, r->eip, r->eflags, r->cs, r->ss, r->ds, r->es, r->fs, r->gs,
		r->trapnum, r->errcode };

	return copy_to_user(uarg, &k, sizeof(k)) ? -EFAULT : 0;
}

static int32_t kn_irq(struct guest *g, uint32_t irq)
{
	if (irq >= KH_NR_IRQS)
		return -EINVAL;
	raise_irq(g, irq);
	return 0;
}

/* KN_GET_STATE and KN_SET_STATE (H:800): between two KN_RUNs, which is
 * the only time the Launcher, the one process that may ask, is here. */
static int32_t kn_get_state(struct guest *g, uint32_t uarg)
{
	struct kn_guest_state *s = kmalloc(sizeof(*s));
	int32_t err;

	if (!s)
		return -ENOMEM;
	err = guest_get_state(g, s);
	if (!err && copy_to_user(uarg, s, sizeof(*s)))
		err = -EFAULT;
	kfree(s);
	return err;
}

static int32_t kn_set_state(struct guest *g, uint32_t uarg)
{
	struct kn_guest_state *s = kmalloc(sizeof(*s));
	int32_t err = -EFAULT;

	if (!s)
		return -ENOMEM;
	if (!copy_from_user(s, uarg, sizeof(*s)))
		err = g->dead ? -EPIPE : guest_set_state(g, s);
	kfree(s);
	return err;
}

static int32_t kn_save_done(struct guest *g, uint32_t uarg)
{
	struct kn_save_result answer;

	if (copy_from_user(&answer, uarg, sizeof(answer)))
		return -EFAULT;
	return guest_save_answered(g, &answer);
}

static int32_t kn_ioctl(struct file *f, uint32_t request, uint32_t uarg)
{
	struct guest *g = f->private;

	if (request == KN_INIT)
		return kn_init(f, uarg);
	if (!g)
		return -EINVAL;
	if (g->launcher != current)
		return -EPERM;
	switch (request) {
	case KN_RUN:		return kn_run(g, uarg);
	case KN_IRQ:		return kn_irq(g, uarg);
	case KN_GET_REGS:	return kn_get_regs(g, uarg);
	case KN_SET_REGS:	return kn_set_regs(g, uarg);
	case KN_PM_SCAN:	return pm_scan_ioctl(g, uarg);
	case KN_STATS:		return copy_to_user(uarg, &g->stats, sizeof(g->stats)) ? -EFAULT : 0;
	case KN_GET_STATE:	return kn_get_state(g, uarg);
	case KN_SET_STATE:	return kn_set_state(g, uarg);
	case KN_SAVE_DONE:	return kn_save_done(g, uarg);
	case KN_UF_OPEN:	return userfault_open(g, uarg);
	case KN_EXIT_ON_HALT:	return kn_exit_on_halt(g, uarg);
	default:		return -ENOTTY;
	}
}

/*H:160 Closing the file ends the guest: out of the timer's list first,
 * then whatever the host held for it — the FPU, the Switcher's loaded
 * tables, the shadow page tables, the guest memory object's references
 * (V:360), the pin on its memory, the regs page.
 * The guest's memory was never the host's; it stays the Launcher's, now
 * free to unmap. Next: where KN_RUN spends its time, run_guest, H:200. */
static void kn_release(struct file *f)
{
	struct guest *g = f->private;

	if (!g)
		return;
	guests_remove(g);
	guest_save_abandon(g);
	userfault_guest_gone(g);
	fpu_forget(g);
	switcher_forget(g);
	guest_free(g);
	f->private = NULL;
}

static const struct device_ops kennel_ops = {
	.release = kn_release,
	.ioctl = kn_ioctl,
};

/* The device's entry points, registered by hypervisor_init (H:005). */
void kennel_dev_init(void)
{
	device_register("kennel", &kennel_ops);
}
