/*G:180 guest/kernel/virtqueue.c: talking to the Launcher's devices.
 *
 * Under kennel, pup's console and disk are queues in the Launcher's
 * "split ring" format (arch/x86/virtio.h, L:010), laid out by the
 * Launcher just above guest RAM and described in the device page. This
 * is the driver's half. To send a request, pup chains free descriptors
 * (one per buffer, each with a guest-physical address, a length, and a
 * flag if the device is to write it), puts the chain's head in the next
 * slot of the available ring, and only then advances avail.idx, so the
 * Launcher never sees a half-built entry. Then a kick: KH_NOTIFY with the
 * queue's address, an exit that hands the Launcher the queue. The
 * Launcher answers through the used ring (the chain's head and the bytes
 * it wrote) and raises the queue's interrupt; pup collects used chains
 * and puts their descriptors back on the free list.
 *
 * On x86 the processor keeps stores in order, so a compiler barrier is
 * all the ordering the ring needs. A used entry naming a descriptor that
 * is not the head of an outstanding chain would be the Launcher's bug;
 * pup stops rather than corrupt its free list. Next: G:185. */
#include "guest/kernel/kennel.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/virtqueue.h"

int32_t vq_init(struct virtqueue *vq, const struct kn_queue_info *info)
{
	uint8_t *ring = phys_to_virt(info->gpa);

	if (info->num == 0 || info->num > KN_QUEUE_SIZE || (info->num & (info->num - 1)))
		return -EINVAL;
	vq->gpa = info->gpa;
	vq->num = info->num;
	vq->irq = info->irq;
	vq->desc = (struct vring_desc *)ring;
	vq->avail = (struct vring_avail *)(ring + vring_avail_offset(vq->num));
	vq->used = (struct vring_used *)(ring + vring_used_offset(vq->num));
	for (uint16_t i = 0; i < vq->num; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = vq->num;
	vq->last_used = vq->used->idx;
	return 0;
}

int32_t vq_add(struct virtqueue *vq, const struct vq_buf *bufs, uint32_t n, void *cookie)
{
	uint16_t head = vq->free_head, i = head;

	if (n == 0 || n > vq->num_free)
		return -ENOSPC;
	for (uint32_t k = 0; k < n; k++) {
		vq->desc[i].addr = virt_to_phys(bufs[k].addr);
		vq->desc[i].len = bufs[k].len;
		vq->desc[i].flags = (uint16_t)((k + 1 < n ? VRING_DESC_F_NEXT : 0) |
					       (bufs[k].device_writes ? VRING_DESC_F_WRITE : 0));
		if (k + 1 < n)
			i = vq->desc[i].next;
	}
	vq->free_head = vq->desc[i].next;
	vq->num_free = (uint16_t)(vq->num_free - n);
	vq->cookies[head] = cookie;
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	barrier();
	vq->avail->idx++;
	return 0;
}

void vq_kick(struct virtqueue *vq)
{
	barrier();
	hcall(KH_NOTIFY, vq->gpa, 0, 0);
}

/* Put a used chain's descriptors back on the free list. */
static void free_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t i = head, n = 1;

	while (vq->desc[i].flags & VRING_DESC_F_NEXT) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free = (uint16_t)(vq->num_free + n);
}

void *vq_take_used(struct virtqueue *vq, uint32_t *len)
{
	volatile struct vring_used_elem *e;
	void *cookie;
	uint32_t head;

	if (vq->last_used == vq->used->idx)
		return NULL;
	barrier();
	e = &vq->used->ring[vq->last_used % vq->num];
	head = e->id;
	if (head >= vq->num || !vq->cookies[head])
		panic("virtqueue 0x%x: used entry names descriptor %u", vq->gpa, head);
	*len = e->len;
	cookie = vq->cookies[head];
	vq->cookies[head] = NULL;
	free_chain(vq, (uint16_t)head);
	vq->last_used++;
	return cookie;
}
