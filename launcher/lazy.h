/*L:720 launcher/lazy.h: guest memory the Launcher fills when it is
 * touched (launcher/lazy.c), on the host's userfault handle (L:700).
 *
 * Two users: `--lazy-memory`, a guest booted on memory that costs only the
 * pages it touches (the kernel's pages are filled before it starts, every
 * other page on its first touch: KN_UF_ZERO for a read, a copied page of
 * zeroes for a write), and `--restore FILE --lazy`, a snapshot restored
 * before its memory is read (launcher/snapshot_restore.c), whose pages
 * come from the file. Each gives lazy.c a page source; lazy.c owns the
 * handle, the handshake, the registration of all guest memory, the
 * KN_EXIT_USERFAULT exit, what the Launcher's own code must fill before
 * touching guest memory (L:715), the prefetcher and the progress line.
 * Next: launcher/lazy.c. */
#ifndef LAUNCHER_LAZY_H
#define LAUNCHER_LAZY_H

#include <stdint.h>
#include <stdio.h>

struct guest;
struct kn_exit;

/* Where a lazy guest's pages come from. */
struct lazy_source {
	/* Guest page gpfn's bytes into page (4096 of them): 1 if it has
	 * data, 0 if it is all zeroes (page untouched), -1 if the source
	 * failed (and it has said why, naming the file). */
	int (*read_page)(void *ctx, uint32_t gpfn, uint8_t *page);
	/* The first page at or after gpfn that has data, for the
	 * prefetcher; UINT32_MAX when there is none. */
	uint32_t (*next_data)(void *ctx, uint32_t gpfn);
	void *ctx;
};

#define LAZY_FAILFAST	0x1	/* KN_UF_F_FAILFAST: the guest is killed at its first miss */
#define LAZY_PREFETCH	0x2	/* bring in the source's data pages while the guest idles */

/* Map the guest's memory (RAM and the device pages) with no frames:
 * map_memory's twin, 0 or -1 (said). */
int lazy_map_memory(struct guest *g, uint32_t ram_bytes);
/* After KN_INIT: open the handle, handshake, register [0, pfn_limit)
 * MISSING. 0 or -1 (said). */
int lazy_start(struct guest *g, const struct lazy_source *src, uint32_t flags);
/* Before any Launcher code touches guest memory at [gpa, gpa+len): every
 * page of it present. 0, or -1 (said) if the source or the host failed. A
 * no-op for a guest that is not lazy. */
int lazy_prepare(struct guest *g, uint64_t gpa, uint64_t len);
/* KN_EXIT_USERFAULT: read and resolve every queued message.
 * LAUNCHER_RUNNING or an exit status. */
int lazy_fault(struct guest *g, const struct kn_exit *e);
/* KN_EXIT_HALTED: prefetch a batch; when nothing is left, KN_EXIT_ON_HALT
 * goes off. LAUNCHER_RUNNING or an exit status. */
int lazy_idle(struct guest *g);
/* "launcher: lazy: N pages on demand, M prefetched, R remaining; L filled
 * for the launcher, P of T present": R counts the source's data pages not
 * yet in, L the pages lazy_prepare filled, P every page known present. */
void lazy_report(struct guest *g, FILE *f);

/* The source of --lazy-memory: every page is zeroes, none has data. */
extern const struct lazy_source lazy_zeroes;

#endif
