/*L:160 launcher/virtqueue.h: taking buffers from a guest's queue, and
 * giving them back.
 *
 * A queue is a split ring in guest memory (arch/x86/virtio.h): the guest
 * puts the head of a descriptor chain in the available ring and bumps
 * avail.idx; the device (we) takes the chain, does the work, and puts the
 * head in the used ring with the number of bytes it wrote. The guest can
 * change anything in the ring at any time it runs, so struct vq keeps our
 * own copies of everything that matters: where the ring is, its size,
 * which available entry we take next and which used entry we fill next.
 * The guest's copies are read once each, and checked.
 *
 * vq_take_chain hands back a chain as a list of checked buffers, each a
 * pointer into guest memory with its length and direction. It refuses,
 * with a reason for "bad virtqueue: ...", a descriptor index past the
 * ring, a chain longer than the ring (a loop), a buffer outside guest
 * memory, and an avail.idx more than a ring's worth ahead of us. Next:
 * launcher/virtqueue.c. */
#ifndef LAUNCHER_VIRTQUEUE_H
#define LAUNCHER_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/virtio.h"
#include "launcher/guest_mem.h"

struct vq {
	uint32_t gpa;			/* the ring */
	uint16_t num;			/* entries: a power of two */
	uint16_t irq;
	uint16_t next_avail;		/* the available entry we take next */
	uint16_t next_used;		/* the used entry we fill next */
	struct vring_desc *desc;	/* the three parts, in guest memory */
	struct vring_avail *avail;
	struct vring_used *used;
};

struct vq_buffer {
	uint8_t *data;			/* checked: inside guest memory */
	uint32_t len;
	bool writable;			/* the device writes it (VRING_DESC_F_WRITE) */
};

struct vq_chain {
	uint16_t head;			/* what goes back in the used ring */
	uint32_t count;
	struct vq_buffer bufs[KN_QUEUE_SIZE];
};

/* 0, or -1 and why (the ring itself is not in guest memory). */
int vq_attach(struct vq *vq, const struct guest_mem *m, uint32_t gpa, uint16_t num,
	      uint16_t irq, char *why, size_t whylen);
/* 1 and a chain; 0 when the guest offers nothing new; -1 and why. */
int vq_take_chain(struct vq *vq, const struct guest_mem *m, struct vq_chain *c,
		  char *why, size_t whylen);
/* Give a chain back: len bytes were written into its buffers. */
void vq_put_used(struct vq *vq, uint16_t head, uint32_t len);

#endif
