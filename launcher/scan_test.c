/*L:400 launcher/scan_test.c: a guest asks its Launcher to scan it.
 *
 * KN_PM_SCAN (V:430) is the Launcher's, so its boot tests need a Launcher
 * that calls it when the guest says so: a KH_NOTIFY of
 * KN_SCAN_TEST_NOTIFY | gpa names a struct kn_scan_test
 * (arch/x86/scan_test.h, L:402) in guest memory. The ops arm every page,
 * check that the pages written since are exactly a list the guest gives
 * (between a floor and a ceiling: outside are the guest's own pages),
 * check resumption and every error of the ioctl against what Linux's
 * PAGEMAP_SCAN answers, and write pages themselves, through this
 * process's mapping (a memcpy) or by read() from a file straight into
 * guest memory, the two ways a device writes a guest. Each op prints one
 * "launcher: scan-test: ..." line and leaves its outcome in result.
 * Nothing here trusts the guest: the request and its list are checked
 * against guest memory before they are read. Next: L:410. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"
#include "arch/x86/scan_test.h"
#include "launcher/launcher.h"

#define PAGE		4096u
#define RESUME_VEC	7
#define RESUME_MAX	100

static struct pm_scan_arg scan_arg(uint64_t start, uint64_t end, struct page_region *vec,
				   uint64_t vec_len)
{
	return (struct pm_scan_arg){ .size = sizeof(struct pm_scan_arg), .start = start,
		.end = end, .vec = (uint64_t)(uintptr_t)vec, .vec_len = vec ? vec_len : 0,
		.category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN };
}

static int pm_scan(struct guest *g, struct pm_scan_arg *a)
{
	int n = ioctl(g->fd, KN_PM_SCAN, a);

	return n < 0 ? -errno : n;
}

/*L:410 Collecting a scan: calls of RESUME_VEC regions, or of max_pages,
 * each going on at the last one's walk_end, every page counted into
 * seen[] once. A page seen twice, a region out of order, a call over its
 * cap, or a walk_end that is end before the walk is over, is a problem,
 * counted and said. */
struct collect {
	uint8_t *seen;			/* one byte per page */
	uint64_t pages, calls, problems;
};

static void note_problem(struct collect *c, const char *what, uint64_t at)
{
	if (c->problems++ < 4)
		printf("launcher: scan-test: %s at 0x%llx\n", what, (unsigned long long)at);
}

static void count_regions(struct collect *c, const struct page_region *vec, int n,
			  uint64_t *last_end, uint64_t cap)
{
	uint64_t pages = 0;

	for (int i = 0; i < n; i++) {
		if (vec[i].start < *last_end || vec[i].end <= vec[i].start)
			note_problem(c, "region out of order", vec[i].start);
		*last_end = vec[i].end;
		for (uint64_t p = vec[i].start / PAGE; p < vec[i].end / PAGE; p++, pages++)
			if (c->seen[p]++)
				note_problem(c, "page reported twice", p * PAGE);
	}
	if (cap && pages > cap)
		note_problem(c, "more pages than max_pages", *last_end);
	c->pages += pages;
}

/* The vector for a whole memory's regions, 384 KiB: taken from the heap
 * the first time a guest asks, so that a Launcher whose guest never does
 * (every other) does not carry it. */
static struct page_region *big_vector(void)
{
	static struct page_region *vec;

	if (!vec)
		vec = malloc(KN_SCAN_TEST_MAX * sizeof(*vec));
	return vec;
}

/* 0, or -errno. flags: PM_SCAN_*; vec_len and max_pages as Linux's. */
static int collect_scan(struct guest *g, struct collect *c, uint64_t flags, uint64_t vec_len,
			uint64_t max_pages)
{
	struct page_region *vec = big_vector();
	struct pm_scan_arg a;
	uint64_t at = 0, last_end = 0;
	int n;

	if (!vec || vec_len > KN_SCAN_TEST_MAX)
		return -ENOMEM;
	do {
		a = scan_arg(at, g->mem.size, vec, vec_len);
		a.flags = flags, a.max_pages = max_pages;
		if ((n = pm_scan(g, &a)) < 0)
			return n;
		count_regions(c, vec, n, &last_end, max_pages);
		if (a.walk_end < at || a.walk_end > a.end)
			note_problem(c, "walk_end outside the range", a.walk_end);
		if (a.walk_end == at && a.walk_end != a.end)
			note_problem(c, "no progress", at);
		at = a.walk_end;
		c->calls++;
	} while (at != g->mem.size && !c->problems);
	return 0;
}

static uint8_t *page_bytes(struct guest *g)
{
	return calloc(g->mem.size / PAGE, 1);
}

/* The guest's list, as one byte per page; NULL (said) if it is not a
 * list of pages in memory at or above the floor. */
static uint8_t *listed(struct guest *g, const struct kn_scan_test *t)
{
	const uint32_t *list;
	uint8_t *want;
	void *at;

	if (t->count > KN_SCAN_TEST_MAX || (t->list_gpa & 3) ||
	    guest_access(&g->mem, t->list_gpa, (uint64_t)t->count * 4, &at))
		return NULL;
	list = at;
	if (!(want = page_bytes(g)))
		return NULL;
	for (uint32_t i = 0; i < t->count; i++) {
		if (list[i] >= g->mem.size / PAGE || list[i] < t->floor ||
		    (t->ceiling && list[i] >= t->ceiling)) {
			free(want);
			return NULL;
		}
		want[list[i]] = 1;
	}
	return want;
}

/*L:420 CHECK: the pages written since the last arming, re-armed as they
 * are reported (WP_MATCHING), in calls of RESUME_VEC regions; from the
 * floor up to the ceiling they must be exactly the listed pages. Outside
 * are the guest's own pages (its image, stack, shared page, the rings of
 * its devices), which it and the devices write as it runs: counted, not
 * compared. */
static int check_written(struct guest *g, const struct kn_scan_test *t)
{
	struct collect c = { page_bytes(g), 0, 0, 0 };
	uint8_t *want = listed(g, t);
	uint32_t missed = 0, extra = 0, below = 0, npages = g->mem.size / PAGE;
	int err;

	if (!want || !c.seen) {
		printf("launcher: scan-test: check: a bad list\n");
		free(want), free(c.seen);
		return -EINVAL;
	}
	err = collect_scan(g, &c, PM_SCAN_WP_MATCHING, RESUME_VEC, 0);
	for (uint32_t p = 0; p < npages && !err; p++) {
		if (p < t->floor || (t->ceiling && p >= t->ceiling))
			below += c.seen[p] != 0;
		else if (want[p] && !c.seen[p])
			missed++;
		else if (!want[p] && c.seen[p])
			extra++;
	}
	printf("launcher: scan-test: check: %u pages listed, %llu reported in %llu calls: "
	       "%u missed, %u extra, %u outside the range%s%s\n", t->count,
	       (unsigned long long)c.pages, (unsigned long long)c.calls, missed, extra, below,
	       err ? ": " : "", err ? strerror(-err) : "");
	free(want), free(c.seen);
	return err ? err : (int)(missed + extra + c.problems);
}

/*L:430 RESUME: what the pages written now are, asked three ways without
 * re-arming: one unlimited call, calls of 7 regions, calls of 100 pages.
 * The three must be the same set, each page once. */
static int check_resume(struct guest *g)
{
	uint32_t npages = g->mem.size / PAGE;
	struct collect once = { page_bytes(g), 0, 0, 0 }, by_vec = once, by_max = once;
	int err, differ;

	by_vec.seen = page_bytes(g);
	by_max.seen = page_bytes(g);
	err = collect_scan(g, &once, 0, KN_SCAN_TEST_MAX, 0);
	if (!err)
		err = collect_scan(g, &by_vec, 0, RESUME_VEC, 0);
	if (!err)
		err = collect_scan(g, &by_max, 0, KN_SCAN_TEST_MAX, RESUME_MAX);
	differ = memcmp(once.seen, by_vec.seen, npages) != 0;
	differ += memcmp(once.seen, by_max.seen, npages) != 0;
	printf("launcher: scan-test: resume: %llu pages in 1 call, %llu in %llu calls of %d "
	       "regions, %llu in %llu calls of %d pages: %s\n", (unsigned long long)once.pages,
	       (unsigned long long)by_vec.pages, (unsigned long long)by_vec.calls, RESUME_VEC,
	       (unsigned long long)by_max.pages, (unsigned long long)by_max.calls, RESUME_MAX,
	       err ? strerror(-err) : differ ? "the sets differ" : "the same set");
	free(once.seen), free(by_vec.seen), free(by_max.seen);
	if (err)
		return err;
	return differ + (int)(once.problems + by_vec.problems + by_max.problems) +
	       (once.calls != 1) + (by_max.calls < 2 && once.pages > RESUME_MAX);
}

/*L:440 ABI: each wrong argument of Linux's list, and the errno Linux
 * gives for it. The last, CHECK_WPASYNC, asks over the whole memory,
 * which holds pages never armed (the device pages above RAM are armed
 * only if the guest asked for all of memory): done before any arming, it
 * must be EPERM. */
struct abi_case {
	const char *what;
	int want;
	void (*spoil)(struct pm_scan_arg *a, uint64_t size);
};

/* Each spoils one field of a good argument; s is the guest's size. */
static void bad_size(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->size = 88;
}

static void bad_flag(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->flags = 1u << 5;
}

static void bad_mask(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->category_mask |= 1u << 7;
}

static void bad_inverted(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->category_inverted = 1ull << 40;
}

static void bad_anyof(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->category_anyof_mask = 1u << 9;
}

static void bad_return(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->return_mask = 1u << 8;
}

static void unaligned(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->start = 0x10;
}

static void beyond(struct pm_scan_arg *a, uint64_t s)
{
	a->end = s + PAGE;
}

static void backwards(struct pm_scan_arg *a, uint64_t s)
{
	a->start = (s / 2) & ~(uint64_t)(PAGE - 1);
	a->end = PAGE;
}

static void no_vec(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->vec = 0;
}

static void overflow(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->vec_len = 0x0aaaaaabull;	/* * 24 = 0x100000008: 8 in 32 bits */
}

static void bad_vec(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->vec = 0xc0000000u;		/* USER_SPACE_END: the kernel's */
}

static void unarmed(struct pm_scan_arg *a, uint64_t s)
{
	(void)s;
	a->flags = PM_SCAN_CHECK_WPASYNC;
}

static const struct abi_case abi_cases[] = {
	{ "size 88", EINVAL, bad_size }, { "flag bit 5", EINVAL, bad_flag },
	{ "category bit 7 (soft-dirty) in category_mask", EINVAL, bad_mask },
	{ "bit 40 in category_inverted", EINVAL, bad_inverted },
	{ "bit 9 in category_anyof_mask", EINVAL, bad_anyof },
	{ "bit 8 (guard) in return_mask", EINVAL, bad_return },
	{ "unaligned start", EINVAL, unaligned }, { "end beyond pfn_limit", EFAULT, beyond },
	{ "end before start", EFAULT, backwards }, { "vec_len without vec", EINVAL, no_vec },
	{ "vec_len * 24 beyond 32 bits", EINVAL, overflow },
	{ "vec in the kernel", EFAULT, bad_vec },
	{ "CHECK_WPASYNC before arming", EPERM, unarmed },
};

#define NABI ((int)(sizeof(abi_cases) / sizeof(abi_cases[0])))

static int check_abi(struct guest *g)
{
	static struct page_region vec[8];
	int wrong = 0;

	for (int i = 0; i < NABI; i++) {
		struct pm_scan_arg a = scan_arg(0, g->mem.size, vec, 8);
		int got;

		abi_cases[i].spoil(&a, g->mem.size);
		got = pm_scan(g, &a);
		if (got == -abi_cases[i].want)
			continue;
		printf("launcher: scan-test: abi: %s: %s, not %s\n", abi_cases[i].what,
		       got < 0 ? strerror(-got) : "success", strerror(abi_cases[i].want));
		wrong++;
	}
	printf("launcher: scan-test: abi: %d cases, %d as Linux answers them\n", NABI,
	       NABI - wrong);
	return wrong;
}

/*L:445 The Launcher as a device writing guest memory: a word at the start
 * of each listed page, stored through this process's mapping of it, or
 * read() from the guest's own ELF file by the host straight into it. */
static int write_pages(struct guest *g, const struct kn_scan_test *t, bool by_read)
{
	uint8_t *want = listed(g, t);
	int fd = by_read ? open(g->elf_path, O_RDONLY) : -1;
	const uint32_t *list;
	int bad = 0;

	free(want);
	if (!want || (by_read && fd < 0))
		return -EINVAL;
	list = guest_ptr(&g->mem, t->list_gpa);		/* listed checked and filled it */
	for (uint32_t i = 0; i < t->count; i++) {
		uint32_t word = 0x5ca10000u | i;
		void *page;

		if (guest_access(&g->mem, (uint64_t)list[i] * PAGE + 8, 4, &page))
			bad++;
		else if (!by_read)
			memcpy(page, &word, sizeof(word));
		else if (lseek(fd, 0, SEEK_SET) != 0 || read(fd, page, 4) != 4)
			bad++;
	}
	if (fd >= 0)
		close(fd);
	printf("launcher: scan-test: %s: %u pages written, %d failed\n",
	       by_read ? "read" : "fill", t->count, bad);
	return bad;
}

/*L:448 BENCH: what one scan of all of memory costs in rdtsc ticks (under
 * QEMU's -icount, instructions: docs/scan.md), on the fast path (masks
 * exactly WRITTEN: the index) and on the slow one (every category asked
 * of every page), without re-arming, so the guest's writes stay. */
static uint64_t ticks(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static int64_t timed_scan(struct guest *g, struct pm_scan_arg *a, uint64_t *cost)
{
	uint64_t t0 = ticks();
	int n = pm_scan(g, a);

	*cost = ticks() - t0;
	return n;
}

static int bench(struct guest *g)
{
	struct page_region *vec = big_vector();
	struct pm_scan_arg fast = scan_arg(0, g->mem.size, vec, KN_SCAN_TEST_MAX);
	struct pm_scan_arg slow = fast, empty = fast;
	uint64_t t_fast, t_slow, t_none;
	int64_t n_fast, n_slow;

	if (!vec)
		return -ENOMEM;
	slow.category_mask = 0, slow.return_mask = PM_SCAN_CATEGORIES;
	empty.vec = 0, empty.vec_len = 0;
	n_fast = timed_scan(g, &fast, &t_fast);
	n_slow = timed_scan(g, &slow, &t_slow);
	timed_scan(g, &empty, &t_none);
	printf("launcher: scan-bench: %u pages: written %lld regions in %llu ticks; "
	       "every category %lld regions in %llu ticks; no vector (walk only) %llu ticks\n",
	       g->mem.size / PAGE, (long long)n_fast, (unsigned long long)t_fast,
	       (long long)n_slow, (unsigned long long)t_slow, (unsigned long long)t_none);
	return n_fast < 0 || n_slow < 0;
}

static int do_op(struct guest *g, const struct kn_scan_test *t)
{
	struct pm_scan_arg a = scan_arg(0, g->mem.size, NULL, 0);
	int n;

	switch (t->op) {
	case KN_ST_ARM:
		a.flags = PM_SCAN_WP_MATCHING, a.category_mask = 0, a.return_mask = 0;
		n = pm_scan(g, &a);
		printf("launcher: scan-test: arm: %s\n", n < 0 ? strerror(-n) : "every page");
		return n;
	case KN_ST_CHECK:	return check_written(g, t);
	case KN_ST_RESUME:	return check_resume(g);
	case KN_ST_ABI:		return check_abi(g);
	case KN_ST_FILL:	return write_pages(g, t, false);
	case KN_ST_READ:	return write_pages(g, t, true);
	case KN_ST_BENCH:	return bench(g);
	}
	printf("launcher: scan-test: unknown op %u\n", t->op);
	return -EINVAL;
}

/* run.c's notify hands over every value with KN_SCAN_TEST_NOTIFY set. */
int scan_test(struct guest *g, uint32_t value)
{
	uint32_t gpa = value & ~KN_SCAN_TEST_NOTIFY;
	struct kn_scan_test *t;
	struct kn_scan_test copy;
	void *at;

	if ((gpa & 3) || guest_access(&g->mem, gpa, sizeof(*t), &at))
		return bad_virtqueue(g, "scan-test request outside guest memory");
	t = at;
	copy = *t;
	output_flush(&g->out);
	t->result = do_op(g, &copy);
	fflush(stdout);
	return LAUNCHER_RUNNING;
}
