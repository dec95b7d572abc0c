/*L:010 arch/x86/virtio.h: the devices a Launcher offers its guest.
 *
 * kennel's devices follow virtio's idea, without its PCI transport: the
 * Launcher describes each device in a device page just above guest RAM,
 * and lays out each device's queues (virtio "split" rings: a descriptor
 * table, an available ring the guest fills, a used ring the Launcher
 * fills) in pages above that. A guest kicks a queue with KH_NOTIFY, passing
 * the queue's guest-physical address; the Launcher answers with a virtual
 * interrupt (the queue's irq). Everything the guest writes here is
 * untrusted: the Launcher checks every descriptor before it touches memory.
 *
 * This chapter is the Launcher: the host's programs (U) are behind you, and
 * this is the one that owns a guest. It starts with the two ABIs it speaks,
 * this one to its guest and /dev/kennel's to the host. Next: L:020. */
#ifndef ARCH_X86_VIRTIO_H
#define ARCH_X86_VIRTIO_H

#include <stdint.h>

#define KN_DEVICE_MAGIC		0x4b444556u	/* "KDEV" */
#define KN_MAX_DEVICES		8
#define KN_MAX_QUEUES		2

#define KN_DEV_BLOCK		2	/* virtio's device ids */
#define KN_DEV_CONSOLE		3

#define KN_QUEUE_SIZE		64	/* entries per queue (a power of two) */
#define KN_QUEUE_ALIGN		4096	/* the used ring starts page-aligned */

struct kn_queue_info {
	uint32_t gpa;			/* the ring's guest-physical address */
	uint16_t num;			/* entries (KN_QUEUE_SIZE) */
	uint16_t irq;			/* interrupt raised when buffers are used */
};

struct kn_device {
	uint32_t type;			/* KN_DEV_* */
	uint32_t num_queues;
	struct kn_queue_info queues[KN_MAX_QUEUES];
	uint32_t config[4];		/* per type; block: config[0] = sectors */
};

struct kn_device_page {
	uint32_t magic;			/* KN_DEVICE_MAGIC */
	uint32_t count;
	struct kn_device devices[KN_MAX_DEVICES];
};

/* Console queues: 0 carries input to the guest, 1 output from it. */
#define KN_CONSOLE_RX		0
#define KN_CONSOLE_TX		1

/* The split ring, as in the virtio specification. */
#define VRING_DESC_F_NEXT	1	/* the buffer continues in "next" */
#define VRING_DESC_F_WRITE	2	/* the device writes this buffer */

struct vring_desc {
	uint64_t addr;			/* guest-physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;			/* where the guest will put the next entry */
	uint16_t ring[];
};

struct vring_used_elem {
	uint32_t id;			/* head of the descriptor chain */
	uint32_t len;			/* bytes the device wrote */
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

/* Byte offsets of the three parts of a ring of n entries. */
static inline uint32_t vring_avail_offset(uint32_t n)
{
	return n * sizeof(struct vring_desc);
}

static inline uint32_t vring_used_offset(uint32_t n)
{
	uint32_t end = vring_avail_offset(n) + 4 + 2 * n + 2;

	return (end + KN_QUEUE_ALIGN - 1) & ~(KN_QUEUE_ALIGN - 1);
}

static inline uint32_t vring_size(uint32_t n)
{
	return vring_used_offset(n) + 4 + 8 * n + 2;
}

/* Block requests: a header the device reads, data, and a status byte the
 * device writes, chained in that order. */
#define KN_BLK_T_IN		0	/* read sectors into the guest */
#define KN_BLK_T_OUT		1	/* write sectors from the guest */
#define KN_BLK_S_OK		0
#define KN_BLK_S_IOERR		1
#define KN_BLK_S_UNSUPP		2
#define KN_SECTOR_SIZE		512

struct kn_blk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

#endif
