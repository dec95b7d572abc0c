/* guest/kernel/virtqueue.h: the driver's side of a split ring
 * (virtqueue.c, G:180). */
#ifndef GUEST_KERNEL_VIRTQUEUE_H
#define GUEST_KERNEL_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/virtio.h"

struct virtqueue {
	uint32_t gpa;
	uint16_t num, irq;
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t free_head, num_free, last_used;
	void *cookies[KN_QUEUE_SIZE];
};

/* One buffer of a request: kernel memory (direct-mapped, so physically
 * contiguous), and whether the device writes it. */
struct vq_buf {
	void *addr;
	uint32_t len;
	bool device_writes;
};

int32_t vq_init(struct virtqueue *vq, const struct kn_queue_info *info);
int32_t vq_add(struct virtqueue *vq, const struct vq_buf *bufs, uint32_t n, void *cookie);
void vq_kick(struct virtqueue *vq);
void *vq_take_used(struct virtqueue *vq, uint32_t *len);

#endif
