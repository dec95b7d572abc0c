/*L:540 launcher/snapshot.c: saving a guest to a file, and resuming it.
 *
 * Saving. The monitor's "save ID FILE" (or "delta ID FILE") reaches us as
 * KN_EXIT_SAVE (H:840): the guest is not running while we hold it, so we
 * can take our time. We read the host's half of the guest with
 * KN_GET_STATE (H:830), take the rest from our own memory — the guest's
 * pages, the virtqueue positions, the console's waiting input and its
 * half-printed line, a disk in memory — and write the lot in the format
 * of L:500. A full snapshot has every page that is not all zero; a
 * delta has the pages written since the snapshot before it, which the
 * host's KN_PM_SCAN reports and re-arms in one step (memory.md's "round
 * k"), and names that snapshot as its parent. Then we answer the host
 * (KN_SAVE_DONE), which tells the monitor, and go on running the guest.
 * A lazy guest (L:725) is saved as it stands: the pages it still misses
 * are read from where they would come from, never filled (L:620).
 *
 * Restoring ("launcher --restore FILE [--restore DELTA...]") builds a new
 * guest from the files: the devices the snapshot names, memory laid out
 * for them, which must come to the size recorded, every page, every
 * delta's pages over them in order. Every byte is checked as it is read
 * (L:530), and the guest is handed to the host only when all the files
 * have passed: a refusal names the file, the section and the reason, and
 * no guest is started. Then KN_INIT, KN_SET_STATE (the host checks the
 * state once more, H:810), and the run loop, as if the guest had never
 * stopped. docs/snapshots.md has the format. Next: the restore, L:580. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"
#include "launcher/launcher.h"
#include "launcher/layout.h"
#include "launcher/lazy.h"
#include "launcher/options.h"
#include "launcher/snapshot_format.h"

#define SNAP_BUFFER	(64 * 1024)

/* Writes gathered into big ones: the file system moves 16 KiB a call. */
struct out_file {
	int fd;
	uint32_t used;
	uint8_t buf[SNAP_BUFFER];
};

static struct out_file out;

static int flush_out(struct out_file *f)
{
	for (uint32_t done = 0; done < f->used;) {
		ssize_t n = write(f->fd, f->buf + done, f->used - done);

		if (n <= 0)
			return -1;
		done += (uint32_t)n;
	}
	f->used = 0;
	return 0;
}

static int write_out(void *ctx, const void *buf, size_t len)
{
	struct out_file *f = ctx;
	const uint8_t *p = buf;

	while (len) {
		uint32_t n = SNAP_BUFFER - f->used < len ? SNAP_BUFFER - f->used : (uint32_t)len;

		memcpy(f->buf + f->used, p, n);
		f->used += n, p += n, len -= n;
		if (f->used == SNAP_BUFFER && flush_out(f))
			return -1;
	}
	return 0;
}

/*L:550 What is ours to save: the devices' positions and the console. */
static void save_devices(struct guest *g, struct snap_devices *d)
{
	const char *input;

	memset(d, 0, sizeof(*d));
	d->count = g->page.count;
	for (uint32_t n = 0; n < g->page.count; n++) {
		d->dev[n].type = g->page.devices[n].type;
		d->dev[n].num_queues = g->page.devices[n].num_queues;
		for (uint32_t q = 0; q < d->dev[n].num_queues; q++) {
			d->dev[n].next_avail[q] = g->devices[n].queues[q].next_avail;
			d->dev[n].next_used[q] = g->devices[n].queues[q].next_used;
		}
	}
	d->input_len = console_pending(&input);
	memcpy(d->input, input, d->input_len);
	if (g->out.len > g->out.prefix_len) {
		d->line_len = (uint32_t)(g->out.len - g->out.prefix_len);
		memcpy(d->line, g->out.line + g->out.prefix_len, d->line_len);
	}
}

static void save_guest_info(struct guest *g, struct snap_guest *s, uint32_t *disk_bytes)
{
	memset(s, 0, sizeof(*s));
	strlcpy(s->name, g->name, sizeof(s->name));
	if (g->disk_path) {
		strlcpy(s->disk_path, g->disk_path, sizeof(s->disk_path));
		s->disk_mode = g->disk_in_memory ? SNAP_DISK_MEMORY : SNAP_DISK_FILE;
		block_bytes(disk_bytes);
		s->disk_bytes = *disk_bytes;
	}
}

/*L:560 The pages to save. A full snapshot: all of them, and then write
 * tracking armed over all of them (a scan that matches every page, with
 * WP_MATCHING and nowhere to report). A delta: the written ones, from
 * scans of PAGE_IS_WRITTEN with WP_MATCHING, resumed at walk_end until
 * the walk reaches the end. */
#define SCAN_REGIONS	64

static int scan(struct guest *g, struct pm_scan_arg *a)
{
	a->size = sizeof(*a);
	a->end = g->mem.size;
	return ioctl(g->fd, KN_PM_SCAN, a);
}

static int arm_tracking(struct guest *g)
{
	struct pm_scan_arg a = { .flags = PM_SCAN_WP_MATCHING };

	return scan(g, &a) < 0 ? -1 : 0;
}

static int written_pages(struct guest *g, uint32_t *pages, uint32_t *count)
{
	struct page_region r[SCAN_REGIONS];
	uint64_t at = 0;

	*count = 0;
	while (at < g->mem.size) {
		struct pm_scan_arg a = {
			.flags = PM_SCAN_WP_MATCHING, .start = at, .vec = (uintptr_t)r,
			.vec_len = SCAN_REGIONS, .category_mask = PAGE_IS_WRITTEN,
			.return_mask = PAGE_IS_WRITTEN,
		};
		int n = scan(g, &a);

		if (n < 0 || a.walk_end <= at)
			return -1;
		for (int i = 0; i < n; i++)
			for (uint64_t p = r[i].start; p < r[i].end && *count < g->mem.size / SNAP_PAGE;
			     p += SNAP_PAGE)
				pages[(*count)++] = (uint32_t)(p / SNAP_PAGE);
		at = a.walk_end;
	}
	return 0;
}

static int pages_to_save(struct guest *g, uint32_t kind, uint32_t *pages, uint32_t *count,
			 char *why, size_t whylen)
{
	if (kind == KN_SAVE_FULL) {
		*count = g->mem.size / SNAP_PAGE;
		for (uint32_t i = 0; i < *count; i++)
			pages[i] = i;
		return 0;
	}
	if (!g->snap.valid && g->snap.scan_errno) {
		snprintf(why, whylen, "no deltas: the host tracks no writes for this guest "
			 "(KN_PM_SCAN: %s)", strerror(g->snap.scan_errno));
		return -g->snap.scan_errno;
	}
	if (!g->snap.valid) {
		snprintf(why, whylen, "no snapshot to follow: save a full one first");
		return -EINVAL;
	}
	if (written_pages(g, pages, count)) {
		snprintf(why, whylen, "KN_PM_SCAN: %s", strerror(errno));
		g->snap.valid = 0;		/* what was reported is lost */
		return -errno;
	}
	return 0;
}

/*L:620 A lazy guest (L:720) may still be missing pages, which no one
 * may touch here (L:715): the host's scan says which (PAGE_IS_MISSING),
 * and their bytes are those of the files the guest was restored from
 * (restore_page, L:640), or zero for memory that was never filled. So a
 * lazy guest is saved as it is, bringing in nothing. A guest that is not
 * lazy, whose host may answer no such scan, has no missing pages. */
struct missing {
	uint8_t *bits;			/* one per page; NULL: none missing */
};

static int find_missing(struct guest *g, struct missing *m)
{
	struct page_region r[SCAN_REGIONS];
	uint64_t at = 0;

	m->bits = NULL;
	while (at < g->mem.size) {
		struct pm_scan_arg a = {
			.start = at, .vec = (uintptr_t)r, .vec_len = SCAN_REGIONS,
			.category_mask = PAGE_IS_MISSING, .return_mask = PAGE_IS_MISSING,
		};
		int n = scan(g, &a);

		if (n < 0 || a.walk_end <= at)		/* no lazy memory here? */
			return m->bits || g->lazy ? -1 : 0;
		if (n && !m->bits && !(m->bits = calloc(g->mem.size / SNAP_PAGE / 8 + 1, 1)))
			return -1;
		for (int i = 0; i < n; i++)
			for (uint64_t p = r[i].start / SNAP_PAGE; p < r[i].end / SNAP_PAGE; p++)
				m->bits[p / 8] |= (uint8_t)(1u << (p % 8));
		at = a.walk_end;
	}
	return 0;
}

static bool is_missing(const struct missing *m, uint32_t page)
{
	return m->bits && (m->bits[page / 8] >> (page % 8) & 1);
}

struct save_memory {
	struct guest *g;
	struct missing missing;
};

static const uint8_t zeroes[SNAP_PAGE];

static const uint8_t *saved_page(void *ctx, uint32_t index, uint8_t *buf)
{
	struct save_memory *s = ctx;
	uint32_t crc;

	if (!is_missing(&s->missing, index))
		return s->g->mem.base + index * SNAP_PAGE;
	if (!restore_page_crc(index, &crc))
		return zeroes;
	return restore_page(index, buf) < 0 ? NULL : buf;
}

/* The memory checksum of L:500, a missing page's CRC from its record. */
static uint64_t memory_checksum(struct save_memory *s)
{
	uint64_t h = SNAP_FNV_INIT;
	uint32_t crc;

	for (uint32_t i = 0; i < s->g->mem.size / SNAP_PAGE; i++) {
		const uint8_t *p = s->g->mem.base + i * SNAP_PAGE;

		if (is_missing(&s->missing, i)) {
			if (restore_page_crc(i, &crc))
				h = snap_checksum_add(h, i, crc);
		} else if (!snap_page_zero(p, SNAP_PAGE)) {
			h = snap_checksum_add(h, i, snap_crc32(0, p, SNAP_PAGE));
		}
	}
	return h;
}

static uint64_t snapshot_id(uint64_t checksum, const struct kn_guest_state *s,
			    const struct snap_header *h)
{
	uint64_t id = snap_fnv64(SNAP_FNV_INIT, &checksum, sizeof(checksum));

	id = snap_fnv64(id, s, sizeof(*s));
	id = snap_fnv64(id, &h->parent, sizeof(h->parent));
	id = snap_fnv64(id, &h->sequence, sizeof(h->sequence));
	return id ? id : 1;
}

/*L:570 Writing the file, in the order L:500 gives. Anything that fails
 * leaves a file that will not restore (END is missing), and breaks the
 * chain: the next delta must follow a full snapshot again. */
struct save_job {
	struct guest *g;
	const char *path;
	uint32_t kind;
	struct snap_header h;
	struct kn_guest_state state;
	struct snap_guest info;
	struct snap_devices devices;
	uint32_t *pages, count, data;
	uint64_t checksum;
	struct save_memory mem;
};

static int write_snapshot(struct save_job *j)
{
	struct snap_writer w = { write_out, &out, 0 };
	uint32_t disk_size;
	uint8_t *disk = block_bytes(&disk_size);
	struct snap_pages_in mem = { saved_page, &j->mem, j->g->mem.size };
	struct snap_pages_in disk_in = { snap_memory_page, disk, disk_size };

	snap_write_header(&w, &j->h);
	snap_write_section(&w, SNAP_GUEST, &j->info, sizeof(j->info));
	snap_write_section(&w, SNAP_CPU, &j->state, sizeof(j->state));
	snap_write_section(&w, SNAP_DEVICES, &j->devices, sizeof(j->devices));
	snap_write_pages(&w, SNAP_MEMORY, &mem, j->pages, j->count, j->kind == KN_SAVE_FULL,
			 &j->data);
	if (j->info.disk_mode == SNAP_DISK_MEMORY) {
		uint32_t n = (disk_size + SNAP_PAGE - 1) / SNAP_PAGE;
		uint32_t *all = malloc(n * sizeof(*all));

		if (!all)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			all[i] = i;
		snap_write_pages(&w, SNAP_DISK, &disk_in, all, n, true, NULL);
		free(all);
	}
	snap_write_section(&w, SNAP_END, NULL, 0);
	return w.failed || flush_out(&out) ? -1 : 0;
}

static int open_out(const char *path)
{
	out.used = 0;
	out.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);
	return out.fd < 0 ? -1 : 0;
}

static int save(struct save_job *j, char *why, size_t whylen)
{
	struct guest *g = j->g;
	int err;

	if (ioctl(g->fd, KN_GET_STATE, &j->state) < 0) {
		snprintf(why, whylen, "KN_GET_STATE: %s", strerror(errno));
		return -errno;
	}
	if ((err = pages_to_save(g, j->kind, j->pages, &j->count, why, whylen)))
		return err;
	j->mem.g = g;
	if (find_missing(g, &j->mem.missing)) {
		snprintf(why, whylen, "KN_PM_SCAN of the missing pages: %s", strerror(errno));
		return -EIO;
	}
	save_guest_info(g, &j->info, &(uint32_t){ 0 });
	save_devices(g, &j->devices);
	j->checksum = memory_checksum(&j->mem);
	j->h = (struct snap_header){
		.kind = j->kind == KN_SAVE_FULL ? SNAP_KIND_FULL : SNAP_KIND_DELTA,
		.mem_bytes = g->mem.size, .ram_bytes = g->ram_bytes,
		.parent = j->kind == KN_SAVE_FULL ? 0 : g->snap.id,
		.sequence = j->kind == KN_SAVE_FULL ? 0 : g->snap.sequence + 1,
	};
	j->h.id = snapshot_id(j->checksum, &j->state, &j->h);
	if (open_out(j->path)) {
		snprintf(why, whylen, "%s: %s", j->path, strerror(errno));
		g->snap.valid = j->kind == KN_SAVE_FULL ? g->snap.valid : 0;
		return -errno;
	}
	err = write_snapshot(j);
	if (close(out.fd) < 0 || err) {
		snprintf(why, whylen, "%s: cannot write it: %s", j->path, strerror(errno));
		g->snap.valid = 0;
		return -(errno ? errno : EIO);
	}
	if (j->kind == KN_SAVE_FULL && arm_tracking(g) < 0) {
		g->snap = (struct snap_chain){ j->h.id, 0, 0, errno };	/* no deltas after it */
		return 0;
	}
	g->snap = (struct snap_chain){ j->h.id, j->h.sequence, 1, 0 };
	return 0;
}

static struct save_job job;

/* Our line about the save, after which the guest's unfinished line (its
 * prompt) is shown again whole, and kept: the snapshot and the guest's
 * next output both still need it. */
static void tell(struct guest *g, FILE *f, const char *what, const char *line)
{
	struct guest_output keep = g->out;

	say(g, f, "guest %s %s: %s", g->name, what, line);
	g->out = keep;
	g->out.shown = 0;
	if (g->out.len)
		output_show_partial(&g->out);
}

int snapshot_save_request(struct guest *g, uint32_t kind, const char *path)
{
	struct kn_save_result answer = { 0 };
	char why[KN_MESSAGE_MAX - 32];

	job = (struct save_job){ .g = g, .path = path, .kind = kind };
	if (kind != KN_SAVE_FULL && kind != KN_SAVE_DELTA) {
		snprintf(why, sizeof(why), "unknown kind of snapshot %u", kind);
		answer.result = -EINVAL;
	} else if (!(job.pages = malloc((g->mem.size / SNAP_PAGE) * sizeof(uint32_t)))) {
		snprintf(why, sizeof(why), "no memory for the page list");
		answer.result = -ENOMEM;
	} else {
		answer.result = save(&job, why, sizeof(why));
	}
	if (answer.result == 0) {
		snprintf(answer.message, sizeof(answer.message), "%s %u to %s: %u pages, %u with "
			 "data, memory checksum 0x%016llx", kind == KN_SAVE_FULL ? "full" : "delta",
			 job.h.sequence, path, job.count, job.data,
			 (unsigned long long)job.checksum);
		tell(g, stdout, "saved", answer.message);
	} else {
		snprintf(answer.message, sizeof(answer.message), "%s", why);
		tell(g, stderr, "not saved", why);
	}
	free(job.pages);
	free(job.mem.missing.bits);
	if (g->lazy)
		lazy_report(g, stdout);
	if (ioctl(g->fd, KN_SAVE_DONE, &answer) < 0 && errno != ENOENT)
		say(g, stderr, "%s: KN_SAVE_DONE: %s", KN_DEVICE_PATH, strerror(errno));
	return LAUNCHER_RUNNING;
}
