/*T:398 tests/guests/lib/vqueue.c: the guest's half of a split virtqueue
 * (arch/x86/virtio.h), for the guests that talk to the Launcher's
 * console: the console test (T:440) and the interactive echo guest
 * (T:445). A queue lives where the Launcher's device page says; the guest
 * offers a descriptor chain by putting its head in the available ring and
 * kicking with KH_NOTIFY(the queue's address), and collects what the
 * Launcher has finished with from the used ring. Next: T:400. */
#include "tests/guests/lib/guest.h"

void queue_init(struct queue *q, const struct kn_queue_info *info)
{
	q->gpa = info->gpa;
	q->num = info->num;
	q->irq = info->irq;
	q->desc = (volatile struct vring_desc *)(uintptr_t)q->gpa;
	q->avail = (volatile struct vring_avail *)(uintptr_t)(q->gpa + vring_avail_offset(q->num));
	q->used = (volatile struct vring_used *)(uintptr_t)(q->gpa + vring_used_offset(q->num));
	q->seen_used = q->used->idx;
}

/* Descriptor i: one buffer, device-writable or not. */
void queue_set_buffer(struct queue *q, uint16_t i, const void *buf, uint32_t len, bool writable)
{
	q->desc[i].addr = gpa_of(buf);
	q->desc[i].len = len;
	q->desc[i].flags = writable ? VRING_DESC_F_WRITE : 0;
	q->desc[i].next = 0;
}

void queue_offer(struct queue *q, uint16_t head)
{
	q->avail->ring[q->avail->idx % q->num] = head;
	compiler_barrier();
	q->avail->idx++;
	compiler_barrier();
	kh_notify(q->gpa);
}

bool queue_has_used(const struct queue *q)
{
	return q->used->idx != q->seen_used;
}

/* The next used entry; the caller checked queue_has_used. */
struct vring_used_elem queue_take_used(struct queue *q)
{
	volatile struct vring_used_elem *e = &q->used->ring[q->seen_used % q->num];
	struct vring_used_elem copy = { e->id, e->len };

	q->seen_used++;
	return copy;
}
