/*V:500 host/memory/userfault.c: the userfault handle, lazy guest memory.
 *
 * A Launcher that wants to fill its guest's memory only when it is
 * touched (a snapshot restored before it is read, a migration that moves
 * the guest first and its pages after) opens a userfault handle with
 * KN_UF_OPEN on its /dev/kennel descriptor (the ABI: L:700). The handle is
 * a file of its own: its ioctls register ranges of guest-physical memory
 * and resolve faults in them, its read() returns the fault messages.
 *
 * The rules every request must pass are in userfault_rules.c (V:510);
 * this file holds the handle's life. A handle outlives its guest if the
 * Launcher closes /dev/kennel first: it then answers -ESRCH to every
 * request and end-of-file to a read, as Linux's does for a process that
 * exited.
 *
 * The other half is what a missing page does to the guest (V:570): a
 * message queued here and the guest waiting, until KN_UF_COPY, KN_UF_ZERO
 * or KN_UF_WAKE (V:585) lets it go on. Next: V:510. */
#include "arch/x86/cpu.h"
#include "arch/x86/syscall.h"
#include "lib/string.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/memory/userfault_rules.h"
#include "host/kernel/device.h"
#include "host/kernel/file.h"
#include "host/kernel/heap.h"
#include "host/kernel/sched.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/console.h"

struct userfault {
	struct guest *guest;		/* NULL once the guest is gone */
	struct uf_handshake api;
	struct uf_ranges ranges;
	struct uf_queue queue;
};

static const struct device_ops userfault_ops;

/*V:540 KN_UF_OPEN: one handle per guest, so that one place decides
 * what a missing page means. The only flag is O_NONBLOCK, for read(). */
int32_t userfault_open(struct guest *g, uint32_t flags)
{
	struct userfault *uf;
	int32_t fd;

	if (flags & ~O_NONBLOCK)
		return -EINVAL;
	if (g->userfault)
		return -EBUSY;
	if (!(uf = kzalloc(sizeof(*uf))))
		return -ENOMEM;
	uf->guest = g;
	fd = fd_install(current, &userfault_ops, uf, O_RDWR | flags);
	if (fd < 0)
		kfree(uf);
	else
		g->userfault = uf;
	return fd;
}

/* The guest is being destroyed: the handle stays, empty-handed. */
void userfault_guest_gone(struct guest *g)
{
	struct userfault *uf = g->userfault;

	if (!uf)
		return;
	uf->guest = NULL;
	g->userfault = NULL;
	wakeup(uf);
}

static void userfault_release(struct file *f)
{
	struct userfault *uf = f->private;

	if (uf->guest)
		uf->guest->userfault = NULL;
	kfree(uf);
}

/*V:545 read() hands out whole messages, oldest first. With nothing
 * queued it waits, or says -EAGAIN on a handle opened O_NONBLOCK; once
 * the guest is gone and the queue is empty it reads as end-of-file. */
static bool nothing_to_read(const struct userfault *uf)
{
	return !uf->queue.count && uf->guest;
}

static int32_t userfault_read(struct file *f, uint32_t ubuf, uint32_t len)
{
	struct userfault *uf = f->private;
	struct kn_uf_msg m;
	uint32_t done = 0, flags;

	if (len < sizeof(m))
		return -EINVAL;
	flags = irq_save();
	while (nothing_to_read(uf) && !(f->flags & O_NONBLOCK) && !proc_should_stop(current))
		sleep_on(uf);
	irq_restore(flags);
	if (nothing_to_read(uf))
		return (f->flags & O_NONBLOCK) ? -EAGAIN : -EINTR;
	while (len - done >= sizeof(m) && uf_queue_pop(&uf->queue, &m) == 0) {
		if (copy_to_user(ubuf + done, &m, sizeof(m)))
			return done ? (int32_t)done : -EFAULT;
		done += sizeof(m);
	}
	return (int32_t)done;
}

/*V:550 The requests. KN_UF_API copies its structure back even when it
 * fails, because a failure for an unknown bit zeroes it (V:515). Every
 * other request needs the handshake done and the guest alive. */
static int32_t uf_api_request(struct userfault *uf, uint32_t uarg)
{
	struct kn_uf_api a;
	int32_t err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = uf_api(&uf->api, &a);
	if (copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return err;
}

static int32_t uf_register_request(struct userfault *uf, uint32_t uarg)
{
	struct kn_uf_register r;
	int32_t err;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	err = uf_register(&uf->ranges, &r, uf->guest->pfn_limit, uf->api.features);
	if (!err && copy_to_user(uarg, &r, sizeof(r)))
		return -EFAULT;
	return err;
}

static int32_t uf_unregister_request(struct userfault *uf, uint32_t uarg)
{
	struct kn_uf_range r;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	return uf_unregister(&uf->ranges, &r, uf->guest->pfn_limit);
}

/*V:570 A page the guest could not use: it touched a missing page, or
 * wrote a write-protected one, or the host did either for it (HOST). With
 * a registration of the right mode the message is queued first (one per
 * page: a page asked for already adds nothing) and then the guest waits:
 * run_guest returns KN_EXIT_USERFAULT before anything else (H:245), and
 * whatever the host was doing for the guest gives up, to start again
 * (guest_waits). With FAILFAST, or no registration at all, there is no
 * one to wait for: the guest dies, with the page. A full queue still lets
 * the guest wait: the exit itself names the page. */
static const char *wait_refused(struct guest *g, uint32_t gpfn, uint32_t flags)
{
	struct userfault *uf = g->userfault;
	uint32_t want = (flags & KN_UF_FLAG_WP) ? KN_UF_MODE_WP : KN_UF_MODE_MISSING;

	if (!uf || !uf->api.locked || !(uf_mode_at(&uf->ranges, gpfn) & want))
		return "no userfault registration covers it";
	if (uf->api.features & KN_UF_F_FAILFAST)
		return "the userfault handle fails fast";
	return NULL;
}

static void count_fault(struct guest *g, uint32_t flags)
{
	if (flags & KN_UF_FLAG_HOST)
		g->stats.uf_host_faults++;
	else
		g->stats.uf_guest_faults++;
}

void userfault_raise(struct guest *g, uint32_t gpa, uint32_t flags)
{
	uint32_t gpfn = gpa / PAGE_SIZE;
	const char *why;
	struct kn_uf_msg m;

	if (g->uf_waiting || g->dead)
		return;
	if (!gmap_missing(g, gpfn))
		flags |= KN_UF_FLAG_WP;		/* present: it was a protected page */
	if ((why = wait_refused(g, gpfn, flags))) {
		kill_guest(g, "%s touched %s guest page 0x%x and %s", (flags & KN_UF_FLAG_HOST) ?
			   "the host, for the guest," : "the guest", (flags & KN_UF_FLAG_WP) ?
			   "write-protected" : "missing", gpa & PAGE_MASK, why);
		return;
	}
	m = uf_fault_msg(g->userfault->api.features, flags, gpa, 0);
	uf_queue_push(&g->userfault->queue, &m);
	count_fault(g, flags);
	g->uf_waiting = true;
	g->uf_wait_gpa = gpa & PAGE_MASK;
	g->uf_wait_flags = flags;
	if (!g->exit_ready)
		guest_exit_to_launcher(g, KN_EXIT_USERFAULT, g->uf_wait_gpa, flags);
	wakeup(g->userfault);
}

/* The Launcher itself (V:578): told, if anyone listens, and said on the
 * console, because the access that brought it here is about to fail. */
void userfault_launcher_touch(struct guest *g, uint32_t gpa, bool write)
{
	struct userfault *uf = g->userfault;
	uint32_t flags = KN_UF_FLAG_LAUNCHER | (write ? KN_UF_FLAG_WRITE : 0);

	g->stats.uf_launcher_faults++;
	kprintf("kennel: guest %s: its Launcher touched missing guest page 0x%x itself, which "
		"nobody else can fill: a Launcher fills a page before touching it\n", g->name, gpa);
	if (uf && uf->api.locked && uf_mode_at(&uf->ranges, gpa / PAGE_SIZE)) {
		struct kn_uf_msg m = uf_fault_msg(uf->api.features, flags, gpa, 0);

		uf_queue_push(&uf->queue, &m);
		wakeup(uf);
	}
}

/*V:585 Resolving. Every request is checked whole before it changes
 * anything (uf_copy_check, uf_range_pages, the mode bits); then pages
 * are filled in order until one cannot be: a present page stops it with
 * -EEXIST if it was the first, and with -EAGAIN and the bytes done
 * otherwise, as does running out of frames. Filled pages wake the guest
 * if it waits for one of them, unless DONTWAKE; KN_UF_WAKE wakes it for
 * a range without filling anything. */
static void wake_range(struct guest *g, uint32_t first, uint32_t count)
{
	uint32_t gpfn = g->uf_wait_gpa / PAGE_SIZE;

	if (g->uf_waiting && gpfn >= first && gpfn - first < count)
		g->uf_waiting = false;
}

static int32_t fill_result(int32_t err, uint32_t pages_done, int64_t *out)
{
	if (!err) {
		*out = (int64_t)pages_done * PAGE_SIZE;
		return 0;
	}
	if (err == -EFAULT || !pages_done) {
		*out = err;
		return err;
	}
	*out = (int64_t)pages_done * PAGE_SIZE;
	return -EAGAIN;
}

static int32_t copy_check(struct userfault *uf, const struct kn_uf_copy *c, uint32_t *first,
			  uint32_t *count)
{
	struct guest *g = uf->guest;

	if (uf_copy_check(c, g->pfn_limit, g->mem_base))
		return -EINVAL;
	if ((c->mode & KN_UF_COPY_WP) && !(uf->api.features & KN_UF_F_WP))
		return -EINVAL;
	return uf_range_pages(&(struct kn_uf_range){ c->dst, c->len }, g->pfn_limit, first, count);
}

static int32_t uf_copy_request(struct userfault *uf, uint32_t uarg)
{
	struct guest *g = uf->guest;
	struct kn_uf_copy c;
	uint32_t first, count, n = 0;
	int32_t err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	err = copy_check(uf, &c, &first, &count);
	if (err) {
		c.copy = err;
	} else {
		while (!err && n < count)
			if (!(err = gmap_fill_copy(g, first + n, (uint32_t)c.src + n * PAGE_SIZE,
						   c.mode & KN_UF_COPY_WP)))
				n++;
		err = fill_result(err, n, &c.copy);
		if (n && !(c.mode & KN_UF_COPY_DONTWAKE))
			wake_range(g, first, n);
	}
	if (copy_to_user(uarg, &c, sizeof(c)))
		return -EFAULT;
	return err;
}

static int32_t zero_check(struct userfault *uf, const struct kn_uf_zero *z, uint32_t *first,
			  uint32_t *count)
{
	if (!(uf->api.features & KN_UF_F_ZEROPAGE) || (z->mode & ~KN_UF_COPY_DONTWAKE))
		return -EINVAL;
	return uf_range_pages(&z->range, uf->guest->pfn_limit, first, count);
}

static int32_t uf_zero_request(struct userfault *uf, uint32_t uarg)
{
	struct guest *g = uf->guest;
	struct kn_uf_zero z;
	uint32_t first, count, n = 0;
	int32_t err;

	if (copy_from_user(&z, uarg, sizeof(z)))
		return -EFAULT;
	err = zero_check(uf, &z, &first, &count);
	if (err) {
		z.zeroed = err;
	} else {
		while (!err && n < count)
			if (!(err = gmap_fill_zero(g, first + n)))
				n++;
		err = fill_result(err, n, &z.zeroed);
		if (n && !(z.mode & KN_UF_COPY_DONTWAKE))
			wake_range(g, first, n);
	}
	if (copy_to_user(uarg, &z, sizeof(z)))
		return -EFAULT;
	return err;
}

/* Protecting needs a WP registration on every page; lifting it wakes. */
static int32_t uf_writeprotect_request(struct userfault *uf, uint32_t uarg)
{
	struct guest *g = uf->guest;
	struct kn_uf_writeprotect w;
	uint32_t first, count;
	bool protect;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if ((w.mode & ~(KN_UF_WP_MODE_WP | KN_UF_WP_MODE_DONTWAKE)) ||
	    uf_range_pages(&w.range, g->pfn_limit, &first, &count))
		return -EINVAL;
	for (uint32_t n = 0; n < count; n++)
		if (!(uf_mode_at(&uf->ranges, first + n) & KN_UF_MODE_WP))
			return -ENOENT;
	protect = w.mode & KN_UF_WP_MODE_WP;
	for (uint32_t n = 0; n < count; n++)
		gmap_uf_protect(g, first + n, protect);
	if (!protect && !(w.mode & KN_UF_WP_MODE_DONTWAKE))
		wake_range(g, first, count);
	return 0;
}

static int32_t uf_wake_request(struct userfault *uf, uint32_t uarg)
{
	struct kn_uf_range r;
	uint32_t first, count;
	int32_t err;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	err = uf_range_pages(&r, uf->guest->pfn_limit, &first, &count);
	if (!err)
		wake_range(uf->guest, first, count);
	return err;
}

static int32_t userfault_ioctl(struct file *f, uint32_t request, uint32_t uarg)
{
	struct userfault *uf = f->private;

	if (request == KN_UF_API)
		return uf_api_request(uf, uarg);
	if (!uf->api.locked)
		return -EINVAL;
	if (!uf->guest)
		return -ESRCH;
	if (uf->guest->launcher != current)
		return -EPERM;
	switch (request) {
	case KN_UF_REGISTER:	return uf_register_request(uf, uarg);
	case KN_UF_UNREGISTER:	return uf_unregister_request(uf, uarg);
	case KN_UF_WAKE:	return uf_wake_request(uf, uarg);
	case KN_UF_COPY:	return uf_copy_request(uf, uarg);
	case KN_UF_ZERO:	return uf_zero_request(uf, uarg);
	case KN_UF_WRITEPROTECT: return uf_writeprotect_request(uf, uarg);
	default:		return -ENOTTY;
	}
}

static const struct device_ops userfault_ops = {
	.release = userfault_release,
	.read = userfault_read,
	.ioctl = userfault_ioctl,
};
