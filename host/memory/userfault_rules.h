/* host/memory/userfault_rules.h: the pure rules of the userfault handle
 * (host/memory/userfault_rules.c, V:510): the handshake, the table of
 * registered ranges, the queue of fault messages and the checks of a
 * resolving request. No guest, no frames: the unit tests link it alone. */
#ifndef HOST_MEMORY_USERFAULT_RULES_H
#define HOST_MEMORY_USERFAULT_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/kennel_userfault.h"

struct uf_handshake {
	uint64_t features;		/* enabled */
	bool locked;			/* an enabling KN_UF_API succeeded */
};

int32_t uf_api(struct uf_handshake *h, struct kn_uf_api *a);

#define UF_RANGES_MAX	16

struct uf_range {
	uint32_t first, count;		/* gpfns [first, first + count) */
	uint32_t mode;			/* KN_UF_MODE_* */
};

struct uf_ranges {
	struct uf_range range[UF_RANGES_MAX];
	uint32_t count;
};

/* [start, start+len) as gpfns, if it is page-aligned, not empty and below
 * pfn_limit pages: 0, or -EINVAL. */
int32_t uf_range_pages(const struct kn_uf_range *r, uint32_t pfn_limit,
		       uint32_t *first, uint32_t *count);
/* 0 with reg->ioctls filled, -EINVAL, -EBUSY (overlap) or -ENOMEM (full). */
int32_t uf_register(struct uf_ranges *t, struct kn_uf_register *reg, uint32_t pfn_limit,
		    uint64_t features);
/* Forget every registered page in the range: 0, -EINVAL, or -ENOMEM when
 * cutting a hole would need a slot the table lacks (nothing changed). */
int32_t uf_unregister(struct uf_ranges *t, const struct kn_uf_range *r, uint32_t pfn_limit);
/* The mode gpfn is registered with, 0 if none. */
uint32_t uf_mode_at(const struct uf_ranges *t, uint32_t gpfn);

#define UF_QUEUE_MAX	64

struct uf_queue {
	struct kn_uf_msg msg[UF_QUEUE_MAX];
	uint32_t head, count;
};

/* The message for a fault at gpa, as the enabled features shape it. */
struct kn_uf_msg uf_fault_msg(uint64_t features, uint64_t flags, uint32_t gpa, uint32_t vcpu);
/* Queue m unless a fault on the same page is queued already. False only
 * when the queue is full; the caller then retries later. */
bool uf_queue_push(struct uf_queue *q, const struct kn_uf_msg *m);
/* The oldest message: 0, or -EAGAIN when there is none. */
int32_t uf_queue_pop(struct uf_queue *q, struct kn_uf_msg *m);

/* KN_UF_COPY's arguments: dst and len page-aligned and inside the guest,
 * the source wholly outside guest memory [mem_base, mem_base + limit),
 * known mode bits. 0, or -EINVAL. */
int32_t uf_copy_check(const struct kn_uf_copy *c, uint32_t pfn_limit, uint32_t mem_base);

#endif
