/*V:510 host/memory/userfault_rules.c: what a userfault request may ask.
 *
 * The userfault handle (L:700) is untrusted input like any other: these
 * functions decide, before anything changes, whether a request is well
 * formed, and keep the handle's three pieces of bookkeeping — the
 * features the handshake enabled, the ranges registered, the messages not
 * yet read. They know nothing of frames or guests, so every rule of the
 * ABI is tested natively (tests/unit/test_userfault_rules.c, T:990).
 * Next: V:515, the handshake. */
#include "lib/string.h"
#include "arch/x86/paging.h"
#include "arch/x86/syscall.h"
#include "host/memory/userfault_rules.h"

#define UF_IOCTLS_API	((1ull << KN_UF_NR(KN_UF_REGISTER)) | (1ull << KN_UF_NR(KN_UF_UNREGISTER)) | \
			 (1ull << KN_UF_NR(KN_UF_API)))
#define UF_IOCTLS_RANGE	((1ull << KN_UF_NR(KN_UF_WAKE)) | (1ull << KN_UF_NR(KN_UF_COPY)))

/*V:515 The handshake, as Linux's UFFDIO_API since 4.11: probe, then
 * enable. A probe (features 0) answers and locks nothing; an enabling
 * call locks the handle to the subset asked for; anything after that, and
 * any bit kennel does not know, is -EINVAL. An unknown bit also zeroes
 * the structure, so a caller cannot mistake it for an answer. */
int32_t uf_api(struct uf_handshake *h, struct kn_uf_api *a)
{
	if (a->api != KN_UF_API_VERSION || (a->features & ~KN_UF_FEATURES)) {
		memset(a, 0, sizeof(*a));
		return -EINVAL;
	}
	if (h->locked)
		return -EINVAL;
	if (a->features) {
		h->features = a->features;
		h->locked = true;
	}
	a->features = KN_UF_FEATURES;
	a->ioctls = UF_IOCTLS_API | UF_IOCTLS_RANGE | (1ull << KN_UF_NR(KN_UF_ZERO)) |
		    (1ull << KN_UF_NR(KN_UF_WRITEPROTECT));
	return 0;
}

/*V:520 Ranges are whole pages of guest-physical memory, checked in 64
 * bits so no start + len can wrap. A registration may not overlap another:
 * one page has one owner and one mode (-EBUSY). */
int32_t uf_range_pages(const struct kn_uf_range *r, uint32_t pfn_limit,
		       uint32_t *first, uint32_t *count)
{
	uint64_t limit = (uint64_t)pfn_limit * PAGE_SIZE;

	if (!r->len || (r->start & ~PAGE_MASK) || (r->len & ~PAGE_MASK) ||
	    r->start >= limit || r->len > limit - r->start)
		return -EINVAL;
	*first = (uint32_t)(r->start / PAGE_SIZE);
	*count = (uint32_t)(r->len / PAGE_SIZE);
	return 0;
}

static bool overlaps(const struct uf_range *a, uint32_t first, uint32_t count)
{
	return first < a->first + a->count && a->first < first + count;
}

static bool mode_ok(uint64_t mode, uint64_t features)
{
	if (!mode || (mode & ~(KN_UF_MODE_MISSING | KN_UF_MODE_WP)))
		return false;
	return !(mode & KN_UF_MODE_WP) || (features & KN_UF_F_WP);
}

static uint64_t range_ioctls(uint64_t mode, uint64_t features)
{
	uint64_t ioctls = UF_IOCTLS_RANGE;

	if (features & KN_UF_F_ZEROPAGE)
		ioctls |= 1ull << KN_UF_NR(KN_UF_ZERO);
	if (mode & KN_UF_MODE_WP)
		ioctls |= 1ull << KN_UF_NR(KN_UF_WRITEPROTECT);
	return ioctls;
}

int32_t uf_register(struct uf_ranges *t, struct kn_uf_register *reg, uint32_t pfn_limit,
		    uint64_t features)
{
	uint32_t first, count, i;

	if (!mode_ok(reg->mode, features) || uf_range_pages(&reg->range, pfn_limit, &first, &count))
		return -EINVAL;
	for (i = 0; i < t->count; i++)
		if (overlaps(&t->range[i], first, count))
			return -EBUSY;
	if (t->count == UF_RANGES_MAX)
		return -ENOMEM;
	t->range[t->count++] = (struct uf_range){ first, count, (uint32_t)reg->mode };
	reg->ioctls = range_ioctls(reg->mode, features);
	return 0;
}

/*V:525 Unregistering may cut a registration in two, which needs a second
 * slot; the table is checked for one before anything is cut, so a refusal
 * changes nothing. */
static uint32_t slots_needed(const struct uf_ranges *t, uint32_t first, uint32_t count)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->count; i++)
		if (t->range[i].first < first && t->range[i].first + t->range[i].count > first + count)
			n++;
	return n;
}

static void cut(struct uf_ranges *t, uint32_t i, uint32_t first, uint32_t count)
{
	struct uf_range r = t->range[i];
	uint32_t end = first + count, r_end = r.first + r.count;

	t->range[i] = t->range[--t->count];
	if (r.first < first)
		t->range[t->count++] = (struct uf_range){ r.first, first - r.first, r.mode };
	if (r_end > end)
		t->range[t->count++] = (struct uf_range){ end, r_end - end, r.mode };
}

int32_t uf_unregister(struct uf_ranges *t, const struct kn_uf_range *r, uint32_t pfn_limit)
{
	uint32_t first, count, i;

	if (uf_range_pages(r, pfn_limit, &first, &count))
		return -EINVAL;
	if (t->count + slots_needed(t, first, count) > UF_RANGES_MAX)
		return -ENOMEM;
	for (i = t->count; i-- > 0;)
		if (overlaps(&t->range[i], first, count))
			cut(t, i, first, count);
	return 0;
}

uint32_t uf_mode_at(const struct uf_ranges *t, uint32_t gpfn)
{
	uint32_t i;

	for (i = 0; i < t->count; i++)
		if (overlaps(&t->range[i], gpfn, 1))
			return t->range[i].mode;
	return 0;
}

/*V:530 Messages. A page that faults again before anybody read its first
 * message (the guest retries, the host restarts a copy) adds nothing: one
 * message per missing page, as Xen queues one paging event per gfn. */
struct kn_uf_msg uf_fault_msg(uint64_t features, uint64_t flags, uint32_t gpa, uint32_t vcpu)
{
	struct kn_uf_msg m = { .event = KN_UF_EVENT_PAGEFAULT, .flags = flags, .gpa = gpa };

	if (!(features & KN_UF_F_EXACT_ADDRESS))
		m.gpa &= PAGE_MASK;
	if (features & KN_UF_F_VCPU_ID)
		m.vcpu = vcpu;
	return m;
}

static bool same_page_queued(const struct uf_queue *q, const struct kn_uf_msg *m)
{
	uint32_t i;

	for (i = 0; i < q->count; i++) {
		const struct kn_uf_msg *o = &q->msg[(q->head + i) % UF_QUEUE_MAX];

		if (o->event == m->event && (o->gpa & PAGE_MASK) == (m->gpa & PAGE_MASK))
			return true;
	}
	return false;
}

bool uf_queue_push(struct uf_queue *q, const struct kn_uf_msg *m)
{
	if (same_page_queued(q, m))
		return true;
	if (q->count == UF_QUEUE_MAX)
		return false;
	q->msg[(q->head + q->count++) % UF_QUEUE_MAX] = *m;
	return true;
}

int32_t uf_queue_pop(struct uf_queue *q, struct kn_uf_msg *m)
{
	if (!q->count)
		return -EAGAIN;
	*m = q->msg[q->head];
	q->head = (q->head + 1) % UF_QUEUE_MAX;
	q->count--;
	return 0;
}

/*V:535 A copy's source must not be guest memory itself: the host would
 * read a page that is, by definition, not there yet (Linux's rule for
 * UFFDIO_COPY's src, kept for the same reason). */
int32_t uf_copy_check(const struct kn_uf_copy *c, uint32_t pfn_limit, uint32_t mem_base)
{
	struct kn_uf_range dst = { c->dst, c->len };
	uint64_t mem_end = (uint64_t)mem_base + (uint64_t)pfn_limit * PAGE_SIZE;
	uint32_t first, count;

	if (c->mode & ~(KN_UF_COPY_DONTWAKE | KN_UF_COPY_WP))
		return -EINVAL;
	if (uf_range_pages(&dst, pfn_limit, &first, &count))
		return -EINVAL;
	if (c->src > UINT32_MAX || c->len > UINT32_MAX - c->src)
		return -EINVAL;
	if (c->src < mem_end && mem_base < c->src + c->len)
		return -EINVAL;
	return 0;
}
