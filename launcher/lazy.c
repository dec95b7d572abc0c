/*L:725 launcher/lazy.c: a lazy guest's memory, filled as it is touched.
 *
 * The memory is address space without frames (mmap_reserve); KN_INIT over
 * it makes every guest page MISSING (L:710), and lazy_start registers all
 * of [0, pfn_limit) on the guest's userfault handle. From then on a page
 * gets a frame only when someone touches it:
 *
 *   - the guest, or the host for the guest: KN_RUN returns
 *     KN_EXIT_USERFAULT, lazy_fault reads every queued message and fills
 *     each page from the source (KN_UF_COPY of its data; for a page the
 *     source says is zeroes, KN_UF_ZERO when it was read, so it costs no
 *     frame until written, and a copied page of zeroes when it was
 *     written, so the write does not fault a second time);
 *   - the Launcher itself: it is a single process and the only one
 *     allowed to resolve its guest's faults, so it cannot wait for one
 *     (L:715). It fills a page before its own code touches it instead,
 *     always as for a write, since device code writes what it reads:
 *     lazy_prepare, which guest_access (launcher/guest_mem.h) calls for
 *     every range the Launcher is about to use;
 *   - the prefetcher: with LAZY_PREFETCH, a guest that halts returns
 *     KN_EXIT_HALTED, and lazy_idle copies in the next few of the
 *     source's data pages; when none is left, halting sleeps again.
 *
 * A bitmap says which pages are known to be present, so a page is read
 * from the source and handed to the host once; a page some other path
 * filled first answers -EEXIST, which only sets its bit. Next: L:730. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"
#include "arch/x86/kennel_userfault.h"
#include "lib/bitmap.h"
#include "launcher/launcher.h"
#include "launcher/layout.h"
#include "launcher/lazy.h"

#define PREFETCH_BATCH	64	/* pages copied per KN_EXIT_HALTED */
#define REPORT_EVERY	16384	/* pages filled between two progress lines: 64 MiB */
#define MSG_BATCH	16	/* fault messages read at once */

struct lazy {
	int uf;				/* the guest's userfault handle, or -1 */
	struct lazy_source src;
	uint32_t flags;			/* LAZY_* */
	uint32_t npages;		/* pfn_limit */
	uint32_t *present;		/* bit n: page n is known to have a frame */
	uint32_t on_demand;		/* filled for the guest's (or host's) faults */
	uint32_t prefetched;		/* filled by lazy_idle */
	uint32_t prepared;		/* filled before the Launcher touched them */
	uint32_t data_left;		/* the source's data pages not yet present */
	uint32_t prefetch_at;		/* where the prefetcher looks next */
	uint32_t last_report;		/* pages filled at the last progress line */
};

static uint8_t page_buf[GUEST_PAGE] __attribute__((aligned(GUEST_PAGE)));
static const uint8_t zero_page[GUEST_PAGE] __attribute__((aligned(GUEST_PAGE)));

/* The pages of [gpa, gpa + len), len > 0: the first and one past the last. */
static uint32_t first_page(uint64_t gpa)
{
	return (uint32_t)(gpa / GUEST_PAGE);
}

static uint32_t end_page(uint64_t gpa, uint64_t len)
{
	return (uint32_t)((gpa + len + GUEST_PAGE - 1) / GUEST_PAGE);
}

static int uf_error(struct guest *g, const char *op, int err)
{
	say(g, stderr, "guest %s: lazy memory: %s: %s", g->name, op, strerror(err));
	return -1;
}

static int page_error(struct guest *g, const char *op, uint32_t pfn, int err)
{
	say(g, stderr, "guest %s: lazy memory: %s of page 0x%08x: %s", g->name, op,
	    pfn * GUEST_PAGE, strerror(err));
	return -1;
}

/* The guest mem hook (launcher/guest_mem.h) is lazy_prepare. */
static int prepare_hook(void *ctx, uint64_t gpa, uint64_t len)
{
	return lazy_prepare(ctx, gpa, len);
}

/*L:730 Mapping lays memory out exactly as map_memory does (layout.c: RAM,
 * the device page, the rings), only with no frames behind it. Until
 * KN_INIT, touching it would be the Launcher's own segfault, so nothing
 * does: the boot path writes the kernel, the boot information, the device
 * page and the rings after lazy_start, through lazy_prepare.:*/
int lazy_map_memory(struct guest *g, uint32_t ram_bytes)
{
	uint32_t pfn_limit = layout_rings(&g->page, ram_bytes);
	struct lazy *lz = calloc(1, sizeof(*lz));
	void *base;

	g->ram_bytes = ram_bytes;
	if (lz)
		lz->present = calloc(BITMAP_WORDS(pfn_limit), sizeof(uint32_t));
	if (!lz || !lz->present) {
		say(g, stderr, "guest %s: no memory for the lazy memory's bitmap", g->name);
		free(lz);
		return -1;
	}
	base = mmap_reserve((size_t)pfn_limit * GUEST_PAGE);
	if (base == MAP_FAILED) {
		say(g, stderr, "guest %s: cannot reserve %u KiB of address space for guest "
		    "memory (--mem %u KiB and its device pages): %s", g->name,
		    pfn_limit * (GUEST_PAGE / 1024), ram_bytes / 1024, strerror(errno));
		free(lz->present);
		free(lz);
		return -1;
	}
	lz->uf = -1;
	lz->npages = pfn_limit;
	g->lazy = lz;
	g->mem = (struct guest_mem){ .base = base, .size = pfn_limit * GUEST_PAGE,
				     .fill = prepare_hook, .fill_ctx = g };
	return 0;
}
/*:*/

/*L:735 The handshake is two steps because KN_UF_API locks the handle: a
 * probe asks what the host has, and one request enables what we use.
 * ZEROPAGE, for pages the source says are zeroes; FAILFAST when asked.
 * Neither EXACT_ADDRESS nor VCPU_ID: a page is all we fill, and the guest
 * has one vCPU, which is waiting in KN_RUN for us.:*/
static int handshake(struct guest *g, struct lazy *lz)
{
	uint64_t want = KN_UF_F_ZEROPAGE | (lz->flags & LAZY_FAILFAST ? KN_UF_F_FAILFAST : 0);
	struct kn_uf_api a = { KN_UF_API_VERSION, 0, 0 };

	if (ioctl(lz->uf, KN_UF_API, &a) < 0)
		return uf_error(g, "KN_UF_API (probe)", errno);
	if ((a.features & want) != want) {
		say(g, stderr, "guest %s: lazy memory: the host's userfault handle lacks "
		    "features 0x%llx", g->name, (unsigned long long)(want & ~a.features));
		return -1;
	}
	a = (struct kn_uf_api){ KN_UF_API_VERSION, want, 0 };
	if (ioctl(lz->uf, KN_UF_API, &a) < 0)
		return uf_error(g, "KN_UF_API", errno);
	return 0;
}
/*:*/

static int register_all(struct guest *g, struct lazy *lz)
{
	struct kn_uf_register r = {
		.range = { 0, (uint64_t)lz->npages * GUEST_PAGE },
		.mode = KN_UF_MODE_MISSING,
	};
	uint64_t need = (1ull << KN_UF_NR(KN_UF_COPY)) | (1ull << KN_UF_NR(KN_UF_ZERO));

	if (ioctl(lz->uf, KN_UF_REGISTER, &r) < 0)
		return uf_error(g, "KN_UF_REGISTER", errno);
	if ((r.ioctls & need) != need) {
		say(g, stderr, "guest %s: lazy memory: the range takes no KN_UF_COPY or "
		    "KN_UF_ZERO (ioctls 0x%llx)", g->name, (unsigned long long)r.ioctls);
		return -1;
	}
	return 0;
}

static uint32_t count_data_pages(const struct lazy *lz)
{
	uint32_t n = 0;

	for (uint32_t p = lz->src.next_data(lz->src.ctx, 0); p < lz->npages;
	     p = lz->src.next_data(lz->src.ctx, p + 1))
		n++;
	return n;
}

int lazy_start(struct guest *g, const struct lazy_source *src, uint32_t flags)
{
	struct lazy *lz = g->lazy;
	int uf;

	if (!lz) {
		say(g, stderr, "guest %s: lazy_start on memory not mapped lazily", g->name);
		return -1;
	}
	lz->src = *src;
	lz->flags = flags;
	if ((uf = ioctl(g->fd, KN_UF_OPEN, (void *)O_NONBLOCK)) < 0)
		return uf_error(g, "KN_UF_OPEN", errno);
	lz->uf = uf;
	if (handshake(g, lz) || register_all(g, lz))
		return -1;
	lz->data_left = count_data_pages(lz);
	if ((flags & LAZY_PREFETCH) && lz->data_left &&
	    ioctl(g->fd, KN_EXIT_ON_HALT, (void *)1) < 0)
		return uf_error(g, "KN_EXIT_ON_HALT", errno);
	return 0;
}

/*L:740 Filling one page. The source says what is in it; data is copied
 * from our buffer, never from guest memory (the host refuses that). A
 * page of zeroes that was only read gets the host's shared zero frame,
 * copied by the host on its first write; one that is about to be written
 * gets its own frame of zeroes at once. Either way the host makes the
 * page visible only once it is whole, and wakes the guest.:*/
static int uf_copy(struct lazy *lz, uint32_t pfn, const uint8_t *src)
{
	struct kn_uf_copy c = {
		.dst = (uint64_t)pfn * GUEST_PAGE, .src = (uint32_t)(uintptr_t)src,
		.len = GUEST_PAGE, .mode = 0,
	};

	return ioctl(lz->uf, KN_UF_COPY, &c) < 0 ? -errno : 0;
}

static int uf_zero(struct lazy *lz, uint32_t pfn)
{
	struct kn_uf_zero z = { .range = { (uint64_t)pfn * GUEST_PAGE, GUEST_PAGE }, .mode = 0 };

	return ioctl(lz->uf, KN_UF_ZERO, &z) < 0 ? -errno : 0;
}

static void maybe_report(struct guest *g, struct lazy *lz)
{
	uint32_t filled = lz->on_demand + lz->prefetched + lz->prepared;

	if (filled - lz->last_report >= REPORT_EVERY) {
		lz->last_report = filled;
		lazy_report(g, stdout);
	}
}

/* 0 (filled, or it already was), or a negative errno (said). */
static int fill_page(struct guest *g, struct lazy *lz, uint32_t pfn, bool write,
		     uint32_t *counter)
{
	int kind, err;

	if (bitmap_test(lz->present, pfn))
		return 0;
	if ((kind = lz->src.read_page(lz->src.ctx, pfn, page_buf)) < 0)
		return -EIO;
	if (kind == 0 && !write)
		err = uf_zero(lz, pfn);
	else
		err = uf_copy(lz, pfn, kind ? page_buf : zero_page);
	if (err == -ESRCH)
		return err;		/* the guest is gone: KN_RUN will say why */
	if (err && err != -EEXIST) {
		page_error(g, kind == 0 && !write ? "KN_UF_ZERO" : "KN_UF_COPY", pfn, -err);
		return err;
	}
	bitmap_set(lz->present, pfn);
	lz->data_left -= kind > 0;
	*counter += !err;
	maybe_report(g, lz);
	return 0;
}
/*:*/

int lazy_prepare(struct guest *g, uint64_t gpa, uint64_t len)
{
	struct lazy *lz = g->lazy;

	if (!lz || len == 0)
		return 0;
	if (lz->uf < 0) {
		say(g, stderr, "guest %s: lazy memory touched before KN_INIT", g->name);
		return -1;
	}
	if (gpa >= (uint64_t)lz->npages * GUEST_PAGE ||
	    len > (uint64_t)lz->npages * GUEST_PAGE - gpa) {
		say(g, stderr, "guest %s: lazy memory: 0x%llx bytes at 0x%llx are not all in "
		    "guest memory", g->name, (unsigned long long)len, (unsigned long long)gpa);
		return -1;
	}
	for (uint32_t p = first_page(gpa); p < end_page(gpa, len); p++)
		if (fill_page(g, lz, p, true, &lz->prepared))
			return -1;
	return 0;
}

/*L:745 A fault: the guest waits in the host for one page, but the handle
 * may hold several messages (the host's own touches queue theirs too), so
 * all are read and resolved before the guest runs again. The exit names
 * the page it waits for; if its message was read at an earlier exit, the
 * page is filled from the exit itself. A guest the host killed meanwhile
 * answers -ESRCH: the next KN_RUN says why, so that is not our error.:*/
static int resolve(struct guest *g, struct lazy *lz, uint64_t gpa, uint64_t flags)
{
	uint32_t pfn = first_page(gpa);
	int err;

	if (pfn >= lz->npages) {
		say(g, stderr, "guest %s: lazy memory: a fault at 0x%llx, beyond memory",
		    g->name, (unsigned long long)gpa);
		return LAUNCHER_EXIT_ERROR;
	}
	err = fill_page(g, lz, pfn, flags & KN_UF_FLAG_WRITE, &lz->on_demand);
	return err && err != -ESRCH ? LAUNCHER_EXIT_ERROR : LAUNCHER_RUNNING;
}

static int drain(struct guest *g, struct lazy *lz)
{
	struct kn_uf_msg msgs[MSG_BATCH];
	int status = LAUNCHER_RUNNING;
	ssize_t got;

	while (status == LAUNCHER_RUNNING && (got = read(lz->uf, msgs, sizeof(msgs))) > 0)
		for (size_t i = 0; i < (size_t)got / sizeof(msgs[0]) &&
		     status == LAUNCHER_RUNNING; i++)
			if (msgs[i].event == KN_UF_EVENT_PAGEFAULT)
				status = resolve(g, lz, msgs[i].gpa, msgs[i].flags);
	if (status == LAUNCHER_RUNNING && got < 0 && errno != EAGAIN) {
		uf_error(g, "reading the handle", errno);
		return LAUNCHER_EXIT_ERROR;
	}
	return status;
}

int lazy_fault(struct guest *g, const struct kn_exit *e)
{
	struct lazy *lz = g->lazy;
	int status;

	if (!lz || lz->uf < 0) {
		say(g, stderr, "guest %s: a userfault exit, but its memory is not lazy", g->name);
		return LAUNCHER_EXIT_ERROR;
	}
	status = drain(g, lz);
	return status == LAUNCHER_RUNNING ? resolve(g, lz, e->arg0, e->arg1) : status;
}
/*:*/

/*L:750 The prefetcher runs only while the guest has nothing to do: a
 * halted guest comes back to us (KN_EXIT_ON_HALT) instead of sleeping in
 * the host, and each time a batch of the source's data pages is copied
 * in. When the last is in, halting sleeps in the host again.:*/
static int prefetch_done(struct guest *g, struct lazy *lz)
{
	if (ioctl(g->fd, KN_EXIT_ON_HALT, (void *)0) < 0) {
		say(g, stderr, "%s: KN_EXIT_ON_HALT: %s", KN_DEVICE_PATH, strerror(errno));
		return LAUNCHER_EXIT_ERROR;
	}
	if (lz)
		lazy_report(g, stdout);
	return LAUNCHER_RUNNING;
}

int lazy_idle(struct guest *g)
{
	struct lazy *lz = g->lazy;

	if (!lz || lz->uf < 0)
		return prefetch_done(g, NULL);
	for (uint32_t n = 0; n < PREFETCH_BATCH; n++) {
		uint32_t p = lz->src.next_data(lz->src.ctx, lz->prefetch_at);
		int err;

		if (p >= lz->npages)
			return prefetch_done(g, lz);
		lz->prefetch_at = p + 1;
		if ((err = fill_page(g, lz, p, true, &lz->prefetched)))
			return err == -ESRCH ? LAUNCHER_RUNNING : LAUNCHER_EXIT_ERROR;
	}
	return LAUNCHER_RUNNING;
}
/*:*/

void lazy_report(struct guest *g, FILE *f)
{
	struct lazy *lz = g->lazy;
	uint32_t present = 0;

	if (!lz)
		return;
	for (uint32_t p = 0; p < lz->npages; p++)
		present += bitmap_test(lz->present, p);
	say(g, f, "lazy: %u pages on demand, %u prefetched, %u remaining; %u filled for the "
	    "launcher, %u of %u present", lz->on_demand, lz->prefetched, lz->data_left,
	    lz->prepared, present, lz->npages);
	fflush(f);
}

/* --lazy-memory: every page starts as zeroes. */
static int zero_read_page(void *ctx, uint32_t gpfn, uint8_t *page)
{
	(void)ctx, (void)gpfn, (void)page;
	return 0;
}

static uint32_t zero_next_data(void *ctx, uint32_t gpfn)
{
	(void)ctx, (void)gpfn;
	return UINT32_MAX;
}

const struct lazy_source lazy_zeroes = { zero_read_page, zero_next_data, NULL };
