/*L:170 launcher/virtqueue.c: the virtqueue walker, which trusts nothing.
 *
 * Everything here is arithmetic on numbers the guest wrote, so every
 * number is checked before it becomes an index or a pointer, and every
 * range becomes a pointer through guest_access, which also fills a lazy
 * guest's pages (the ring once, at attach; a buffer each time it is
 * taken). Pure logic:
 * tests/unit/test_launcher_virtqueue.c builds rings in a buffer and breaks
 * them one way at a time. Next: the console device, the walker's first
 * user, launcher/console.c. */
#include "lib/format.h"
#include "launcher/virtqueue.h"

static bool power_of_two(uint32_t n)
{
	return n && !(n & (n - 1));
}

int vq_attach(struct vq *vq, const struct guest_mem *m, uint32_t gpa, uint16_t num,
	      uint16_t irq, char *why, size_t whylen)
{
	void *ring;

	if (!power_of_two(num) || num > KN_QUEUE_SIZE)
		return explain(-1, why, whylen, "ring 0x%08x: bad size %u", gpa, num);
	if (gpa % KN_QUEUE_ALIGN)
		return explain(-1, why, whylen, "ring 0x%08x is not page-aligned", gpa);
	switch (guest_access(m, gpa, vring_size(num), &ring)) {
	case GUEST_OUTSIDE:
		return explain(-1, why, whylen, "ring 0x%08x (0x%x bytes) is outside guest memory",
			       gpa, vring_size(num));
	case GUEST_UNFILLED:
		return explain(-1, why, whylen, "ring 0x%08x: its memory could not be filled", gpa);
	}
	*vq = (struct vq){ .gpa = gpa, .num = num, .irq = irq };
	vq->desc = ring;
	vq->avail = guest_ptr(m, gpa + vring_avail_offset(num));
	vq->used = guest_ptr(m, gpa + vring_used_offset(num));
	return 0;
}

/*L:175 A descriptor becomes a buffer only once its whole range is known
 * to lie in guest memory. Then the chain is followed through "next", but
 * never for more steps than the ring has entries: a chain can use each
 * descriptor at most once, so a longer one must loop, and a guest that
 * links a descriptor to itself must not hang its Launcher.:*/
static int add_buffer(struct vq_chain *c, const struct vring_desc *d,
		      const struct guest_mem *m, char *why, size_t whylen)
{
	struct vq_buffer *b;
	void *data;

	switch (guest_access(m, d->addr, d->len, &data)) {
	case GUEST_OUTSIDE:
		return explain(-1, why, whylen,
			       "buffer 0x%llx len 0x%x is outside guest memory (0x%x bytes)",
			       (unsigned long long)d->addr, d->len, m->size);
	case GUEST_UNFILLED:
		return explain(-1, why, whylen, "buffer 0x%llx len 0x%x: its memory could not be "
			       "filled", (unsigned long long)d->addr, d->len);
	}
	b = &c->bufs[c->count++];
	b->data = data;
	b->len = d->len;
	b->writable = d->flags & VRING_DESC_F_WRITE;
	return 0;
}

static int walk_chain(const struct vq *vq, const struct guest_mem *m, struct vq_chain *c,
		      char *why, size_t whylen)
{
	uint16_t i = c->head;
	struct vring_desc d;

	for (c->count = 0;; i = d.next) {
		if (i >= vq->num)
			return explain(-1, why, whylen,
				       "descriptor index %u out of range (queue size %u)",
				       i, vq->num);
		if (c->count == vq->num)
			return explain(-1, why, whylen,
				       "descriptor chain from %u is longer than the "
				       "queue (%u): a loop", c->head, vq->num);
		d = vq->desc[i];
		if (add_buffer(c, &d, m, why, whylen))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
	}
}
/*:*/

/*L:178 How many entries the guest has made available since we last
 * looked is avail.idx minus our own count, in 16-bit arithmetic (both wrap
 * at 65536). The guest cannot have more than a ring's worth outstanding,
 * so anything larger is a guest that has lost its mind, or is probing
 * ours.:*/
int vq_take_chain(struct vq *vq, const struct guest_mem *m, struct vq_chain *c,
		  char *why, size_t whylen)
{
	uint16_t idx = vq->avail->idx;
	uint16_t waiting = (uint16_t)(idx - vq->next_avail);

	if (waiting > vq->num)
		return explain(-1, why, whylen,
			       "avail.idx %u is %u entries past %u (queue size %u)",
			       idx, waiting, vq->next_avail, vq->num);
	if (waiting == 0)
		return 0;
	c->head = vq->avail->ring[vq->next_avail % vq->num];
	vq->next_avail++;
	return walk_chain(vq, m, c, why, whylen) ? -1 : 1;
}
/*:*/

void vq_put_used(struct vq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->next_used % vq->num];

	e->id = head;
	e->len = len;
	vq->next_used++;
	vq->used->idx = vq->next_used;
}
