/*G:140 guest/kernel/kennel_batch.c: many hypercalls for the price of one
 * exit.
 *
 * Every hypercall leaves the guest: the Switcher, the host's run loop,
 * and back. Most of pup's calls come in bursts, though: a fork maps every
 * page of the child (one KH_SET_PTE each), an exit unmaps a whole address
 * space, boot loads fifty gates. None of those needs an answer, and none
 * needs to take effect before the next one. So, as lguest did, pup opens
 * a "lazy" section around such a burst (pv.lazy_begin, pv.lazy_end):
 * inside it, kennel_call writes the call into the next slot of the
 * asynchronous ring in struct kennel_data and marks it READY instead of
 * trapping. The host runs READY slots in order, and marks them DONE, on
 * every exit it sees (a timer tick will do), always before the
 * synchronous call that caused the exit; lazy_end makes one
 * KH_FLUSH_ASYNC, unless such a call already emptied the ring, so the
 * section's work is all done when it returns. A ring that fills up (the
 * next slot still READY) is drained the same way before the slot is
 * reused. A process switch is the smallest batch: the new kernel stack
 * waits in the ring, and the new page directory, always synchronous,
 * carries it to the host on the same exit.
 *
 * What is batched must never be needed by the guest before the host gets
 * to it. That is why the callers are careful: fork fills a directory that
 * is not in use yet; exit tears down one it has already left; and
 * anything that changes what the CPU is running on right now (a new page
 * directory, a new kernel stack) is always synchronous. Next: G:150. */
#include "lib/string.h"
#include "guest/kernel/kennel.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"

static uint32_t lazy_depth;
static uint32_t next_slot;

static void queue_call(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t flags = pv_irq_save();
	uint32_t slot = next_slot;
	volatile struct kh_args *call = &kennel_data.async_calls[slot];

	if (kennel_data.async_status[slot] != KH_ASYNC_DONE)
		hcall(KH_FLUSH_ASYNC, 0, 0, 0);
	call->nr = nr, call->arg1 = a1, call->arg2 = a2, call->arg3 = a3, call->arg4 = 0;
	barrier();
	kennel_data.async_status[slot] = KH_ASYNC_READY;
	next_slot = (slot + 1) % KH_ASYNC_SLOTS;
	kennel_data.async_next = next_slot;
	pv_irq_restore(flags);
}

void kennel_call(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	if (lazy_depth)
		queue_call(nr, a1, a2, a3);
	else
		hcall(nr, a1, a2, a3);
}

void kennel_lazy_begin(void)
{
	lazy_depth++;
}

/* The host runs the ring in order, so if the last call queued is done,
 * they all are: a synchronous call inside the section (a new page
 * directory, say) has drained the ring already, and no flush is needed. */
static bool ring_busy(void)
{
	uint32_t last = (next_slot + KH_ASYNC_SLOTS - 1) % KH_ASYNC_SLOTS;

	return kennel_data.async_status[last] == KH_ASYNC_READY;
}

void kennel_lazy_end(void)
{
	BUG_ON(lazy_depth == 0);
	if (--lazy_depth == 0 && ring_busy())
		hcall(KH_FLUSH_ASYNC, 0, 0, 0);
}
