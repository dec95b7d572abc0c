/*L:700 arch/x86/kennel_userfault.h: lazy guest memory, the ABI.
 *
 * A Launcher can leave parts of its guest's memory empty and fill them
 * only when they are touched, as Linux's userfaultfd lets a process do
 * with its own memory (QEMU's post-copy migration is built on it). Here
 * the registered object is a range of guest-physical memory. KN_UF_OPEN on
 * a guest's /dev/kennel descriptor returns a second descriptor, the
 * guest's userfault handle; everything else is an ioctl on that handle or
 * a read of the fault messages it queues.
 *
 * The handshake is Linux's UFFDIO_API: a call with features = 0 is a
 * probe that answers every feature and ioctl and locks nothing; a call
 * that asks for a subset enables exactly that subset and locks the
 * handle; after that, or for an unknown bit, KN_UF_API fails with
 * -EINVAL (an unknown bit also zeroes the structure). Nothing but
 * KN_UF_API works before the handle is locked. Next: L:705. */
#ifndef ARCH_X86_KENNEL_USERFAULT_H
#define ARCH_X86_KENNEL_USERFAULT_H

#include <stddef.h>
#include <stdint.h>

#define KN_UF_OPEN		0x4b08	/* on /dev/kennel: a new descriptor, or -errno */

/* Requests on the handle; each returns 0 or -errno. Their numbers are
 * also the bit positions of the ioctls masks (1ull << KN_UF_NR(x)). */
#define KN_UF_NR(request)	((request) & 0x3f)
#define KN_UF_REGISTER		0x4b40	/* struct kn_uf_register * */
#define KN_UF_UNREGISTER	0x4b41	/* struct kn_uf_range * */
#define KN_UF_WAKE		0x4b42	/* struct kn_uf_range * */
#define KN_UF_COPY		0x4b43	/* struct kn_uf_copy * */
#define KN_UF_ZERO		0x4b44	/* struct kn_uf_zero * */
#define KN_UF_WRITEPROTECT	0x4b46	/* struct kn_uf_writeprotect * */
#define KN_UF_API		0x4b7f	/* struct kn_uf_api * */

#define KN_UF_API_VERSION	0xAA

/*L:705 The features, numbered as Linux numbers the nearest userfaultfd
 * feature where there is one (kennel's own from bit 24). */
#define KN_UF_F_WP		(1ull << 0)	/* write-protect faults (MODE_WP) */
#define KN_UF_F_EVENT_DISCARD	(1ull << 3)	/* a DISCARD message when a page is given back */
#define KN_UF_F_FAILFAST	(1ull << 7)	/* no waiting: the guest is stopped with an error */
#define KN_UF_F_VCPU_ID		(1ull << 8)	/* messages say which vCPU faulted */
#define KN_UF_F_EXACT_ADDRESS	(1ull << 11)	/* the offset within the page is kept */
#define KN_UF_F_ZEROPAGE	(1ull << 24)	/* KN_UF_ZERO maps the shared zero frame */
#define KN_UF_FEATURES		(KN_UF_F_WP | KN_UF_F_EVENT_DISCARD | KN_UF_F_FAILFAST | \
				 KN_UF_F_VCPU_ID | KN_UF_F_EXACT_ADDRESS | KN_UF_F_ZEROPAGE)

struct kn_uf_api {
	uint64_t api;			/* in: KN_UF_API_VERSION */
	uint64_t features;		/* in: wanted, 0 = probe; out: supported */
	uint64_t ioctls;		/* out: 1 << KN_UF_NR of each request */
};

struct kn_uf_range {
	uint64_t start, len;		/* guest-physical, page-aligned, len > 0 */
};

#define KN_UF_MODE_MISSING	(1ull << 0)
#define KN_UF_MODE_WP		(1ull << 1)

struct kn_uf_register {
	struct kn_uf_range range;
	uint64_t mode;			/* KN_UF_MODE_* */
	uint64_t ioctls;		/* out: the resolving requests the range takes */
};

#define KN_UF_COPY_DONTWAKE	(1ull << 0)
#define KN_UF_COPY_WP		(1ull << 1)

struct kn_uf_copy {
	uint64_t dst;			/* gpa, page-aligned */
	uint64_t src;			/* Launcher address, outside guest memory */
	uint64_t len;
	uint64_t mode;			/* KN_UF_COPY_* */
	int64_t copy;			/* out: bytes copied, or -errno */
};

struct kn_uf_zero {
	struct kn_uf_range range;
	uint64_t mode;			/* KN_UF_COPY_DONTWAKE */
	int64_t zeroed;			/* out: bytes mapped, or -errno */
};

#define KN_UF_WP_MODE_WP	(1ull << 0)	/* set: protect; clear: lift and wake */
#define KN_UF_WP_MODE_DONTWAKE	(1ull << 1)

struct kn_uf_writeprotect {
	struct kn_uf_range range;
	uint64_t mode;
};

/*L:710 What a missing page means. Memory from mmap_reserve (MMAP_RESERVE)
 * has no frames; KN_INIT over it makes those guest pages MISSING (pages
 * present in the range stay present). Before KN_INIT, touching it is an
 * ordinary segfault.
 *
 *  - The guest touches a MISSING page inside a MISSING registration (or
 *    writes a page protected with KN_UF_WRITEPROTECT inside a WP one):
 *    one message is queued (WRITE for a write, WP for a protected page),
 *    nothing is mapped, and KN_RUN returns KN_EXIT_USERFAULT with the page
 *    and the flags. The guest waits: a KN_RUN before the page is woken
 *    returns the same exit at once, with no new message. KN_UF_COPY and
 *    KN_UF_ZERO (without DONTWAKE) and KN_UF_WAKE wake it; it then retries
 *    its instruction, and faults again if the page is still not there.
 *  - The host touching such a page for the guest (a hypercall's buffer,
 *    an interrupt frame on the guest's stack, the guest's page tables)
 *    does the same with the HOST flag; the hypercall or the delivery is
 *    started again from the beginning once the page is woken.
 *  - A MISSING page outside every registration, or any with FAILFAST
 *    enabled, kills the guest with the address (KN_EXIT_KILLED).
 *  - KN_SET_STATE needs the page of the guest's shared data present:
 *    -EAGAIN otherwise, so a lazy restore fills that page first.
 *
 * KN_UF_COPY fills pages from the caller's memory (src wholly outside
 * guest memory, else -EINVAL); KN_UF_ZERO maps the host's one shared zero
 * frame read-only, copied on the first write by anyone, with no message.
 * Either stops at the first page already present: -EEXIST with
 * copy/zeroed = -EEXIST if it was the first, else -EAGAIN with the bytes
 * done. -ENOMEM likewise if the host runs out of frames; -ESRCH once the
 * guest is gone. A page is filled and mapped in the Launcher before it is
 * marked present, so no one can see it half-filled. Next: L:715. */

/*L:715 The Launcher's own touches. Guest memory is the Launcher's memory,
 * so its device code can reach a MISSING page too. The message is then
 * queued with the LAUNCHER flag, but the requests that resolve it come
 * only from the Launcher (-EPERM for anyone else), the very process that
 * faulted, which therefore cannot wait: a load or store is a fatal fault
 * (the host names the page), and a system call that would copy into or
 * out of it (read() into a guest buffer) fails with -EFAULT. So a
 * Launcher fills a page (COPY or ZERO) before its own code touches it.
 * Writing a ZERO page is fine: it is copied, as for the guest.
 *
 * A fault message: read() returns whole 32-byte records, -EAGAIN when
 * none is queued. */
#define KN_UF_EVENT_PAGEFAULT	0x12
#define KN_UF_EVENT_DISCARD	0x15

#define KN_UF_FLAG_WRITE	(1ull << 0)	/* a write */
#define KN_UF_FLAG_WP		(1ull << 1)	/* into a write-protected page */
#define KN_UF_FLAG_HOST		(1ull << 8)	/* the host, for the guest */
#define KN_UF_FLAG_LAUNCHER	(1ull << 9)	/* the Launcher's own device code */

struct kn_uf_msg {
	uint8_t event;			/* KN_UF_EVENT_* */
	uint8_t reserved[7];
	uint64_t flags;			/* KN_UF_FLAG_* */
	uint64_t gpa;			/* page-aligned unless EXACT_ADDRESS */
	uint32_t vcpu;			/* with KN_UF_F_VCPU_ID; else 0 */
	uint32_t reserved2;
};

_Static_assert(sizeof(struct kn_uf_msg) == 32 && offsetof(struct kn_uf_msg, gpa) == 16,
	       "struct kn_uf_msg is ABI");
_Static_assert(sizeof(struct kn_uf_api) == 24 && sizeof(struct kn_uf_register) == 32 &&
	       sizeof(struct kn_uf_copy) == 40 && offsetof(struct kn_uf_copy, copy) == 32 &&
	       sizeof(struct kn_uf_zero) == 32 && sizeof(struct kn_uf_writeprotect) == 24,
	       "the userfault requests are ABI");

#endif
