/*L:110 launcher/devices.c: the Launcher's device list.
 *
 * A device module (console.c, block.c) calls
 * device_add once at start-up with its operations; that takes the next
 * slot of the device page, gives each queue KN_QUEUE_SIZE entries and the
 * device's interrupt (device n raises IRQ n + 1: IRQ 0 is the guest's
 * timer), and remembers the module's operations beside it. Once memory is
 * mapped, attach_queues points each struct vq at its ring. When the guest
 * kicks, find_queue turns the address it passed to KH_NOTIFY back into a
 * device and a queue; an address that is no queue's start finds nothing.
 * Next: the one check between the Launcher and guest memory,
 * launcher/guest_mem.h. */
#include "launcher/launcher.h"

int device_add(struct guest *g, const struct device_ops *ops, void *state)
{
	struct kn_device *info;

	if (g->page.count == KN_MAX_DEVICES || ops->num_queues > KN_MAX_QUEUES)
		return -1;
	info = &g->page.devices[g->page.count];
	info->type = ops->type;
	info->num_queues = ops->num_queues;
	for (uint32_t q = 0; q < ops->num_queues; q++) {
		info->queues[q].num = KN_QUEUE_SIZE;
		info->queues[q].irq = (uint16_t)(g->page.count + 1);
	}
	g->devices[g->page.count].ops = ops;
	g->devices[g->page.count++].state = state;
	return 0;
}

static int attach_device(struct guest *g, uint32_t n, char *why, size_t whylen)
{
	const struct kn_device *info = &g->page.devices[n];

	for (uint32_t q = 0; q < info->num_queues; q++) {
		const struct kn_queue_info *qi = &info->queues[q];

		if (vq_attach(&g->devices[n].queues[q], &g->mem, qi->gpa, qi->num, qi->irq,
			      why, whylen))
			return -1;
	}
	return 0;
}

int attach_queues(struct guest *g, char *why, size_t whylen)
{
	for (uint32_t n = 0; n < g->page.count; n++)
		if (attach_device(g, n, why, whylen))
			return -1;
	return 0;
}

struct device *find_queue(struct guest *g, uint32_t gpa, uint32_t *q)
{
	for (uint32_t n = 0; n < g->page.count; n++)
		for (*q = 0; *q < g->page.devices[n].num_queues; (*q)++)
			if (g->page.devices[n].queues[*q].gpa == gpa)
				return &g->devices[n];
	return NULL;
}
