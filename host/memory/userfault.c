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
 * exited. Next: V:510. */
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

static int32_t uf_range_request(struct userfault *uf, uint32_t request, uint32_t uarg)
{
	struct kn_uf_range r;
	uint32_t first, count;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	if (request == KN_UF_UNREGISTER)
		return uf_unregister(&uf->ranges, &r, uf->guest->pfn_limit);
	return uf_range_pages(&r, uf->guest->pfn_limit, &first, &count);
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
	case KN_UF_UNREGISTER:
	case KN_UF_WAKE:	return uf_range_request(uf, request, uarg);
	default:		return -ENOTTY;
	}
}

static const struct device_ops userfault_ops = {
	.release = userfault_release,
	.read = userfault_read,
	.ioctl = userfault_ioctl,
};
