/*L:580 launcher/snapshot_restore.c: launcher --restore, a guest from its
 * files (the plan is in L:540).
 *
 * The first file must be a full snapshot; it decides the guest: its name
 * (unless --name gives another), its disk, its memory. Each file after it
 * must be the delta whose parent is the file before: same memory, the
 * parent's id, the next sequence number. Everything read goes straight to
 * where it belongs in this Launcher (guest memory, the disk copy, the
 * saved state) since nothing there is the guest's until KN_INIT; a
 * refusal ends the Launcher with status 125 before that; its tests are
 * tests/boot/test_snapshot.py. With --lazy, memory is the exception: of
 * MEMORY only the index is read and checked (L:535), the guest's memory is
 * mapped without frames, and its pages come from the files when they are
 * touched (L:630). Next: the host's half, H:800. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"
#include "launcher/launcher.h"
#include "launcher/lazy.h"
#include "launcher/layout.h"
#include "launcher/options.h"
#include "lib/format.h"
#include "launcher/snapshot_format.h"

struct in_file {
	int fd;
	const char *path;
	uint32_t size;
};

static long read_in(void *ctx, void *buf, size_t len)
{
	struct in_file *f = ctx;

	return read(f->fd, buf, len);
}

/* A lazy restore's way past the pages: never beyond the end of the file. */
static int skip_in(void *ctx, uint64_t to)
{
	struct in_file *f = ctx;

	if (to > f->size || lseek(f->fd, (off_t)to, SEEK_SET) != (off_t)to)
		return -1;
	return 0;
}

struct restore {
	struct guest *g;
	const struct launch_options *o;
	struct snap_header base, last;
	struct snap_guest info;
	struct kn_guest_state state;
	struct snap_devices devices;
	bool lazy;			/* --lazy: memory's index only */
	struct snap_index index[RESTORE_MAX];
	int fd[RESTORE_MAX];		/* a lazy restore keeps its files open */
	char why[200];
};

static int refuse(struct restore *r, const char *path)
{
	fprintf(stderr, "launcher: %s: %s; nothing was started\n", path, r->why);
	return LAUNCHER_EXIT_ERROR;
}

/*L:585 The guest the base file describes, built as a boot would build it
 * but from the record: console, then the disk, then memory for both. The
 * layout must come to exactly the memory saved: a snapshot of a guest
 * with other devices, or from a Launcher with another layout, is foreign. */
static int info_ok(struct restore *r)
{
	struct snap_guest *s = &r->info;

	s->name[KN_NAME_MAX - 1] = s->disk_path[KN_PATH_MAX - 1] = '\0';
	if (!s->name[0] || s->disk_mode > SNAP_DISK_MEMORY || (s->disk_mode && !s->disk_path[0]))
		return explain(-1, r->why, sizeof(r->why), "section guest: no name, or a disk "
			       "mode %u that is not one", s->disk_mode);
	return 0;
}

static int build_guest(struct restore *r)
{
	const struct launch_options *o = r->o;
	struct guest *g = r->g;
	struct snap_guest *s = &r->info;
	uint32_t size;

	start_output(g, o->name[0] ? o->name : s->name);
	if (console_add(g))
		return explain(-1, r->why, sizeof(r->why), "section guest: no console (said above)");
	if ((s->disk_mode == SNAP_DISK_FILE && block_add(g, s->disk_path, false)) ||
	    (s->disk_mode == SNAP_DISK_MEMORY && block_add_memory(g, s->disk_path, s->disk_bytes)))
		return explain(-1, r->why, sizeof(r->why), "section guest: its disk %s cannot be "
			       "served (said above)", s->disk_path);
	if (s->disk_mode == SNAP_DISK_FILE && (block_bytes(&size), size != s->disk_bytes))
		return explain(-1, r->why, sizeof(r->why), "section guest: the disk %s is %u "
			       "bytes, it was %u when saved", s->disk_path, size, s->disk_bytes);
	if (r->base.ram_bytes % GUEST_PAGE ||
	    (r->lazy ? lazy_map_memory : map_memory)(g, r->base.ram_bytes))
		return explain(-1, r->why, sizeof(r->why), "header: cannot lay out %u bytes of "
			       "RAM", r->base.ram_bytes);
	if (g->mem.size != r->base.mem_bytes)
		return explain(-1, r->why, sizeof(r->why), "header: memory of %u KiB, but this "
			       "guest's devices lay out %u KiB (a foreign snapshot)",
			       r->base.mem_bytes / 1024, g->mem.size / 1024);
	return 0;
}

/* The devices section must describe the devices we have. */
static int devices_ok(struct restore *r)
{
	const struct snap_devices *d = &r->devices;
	struct guest *g = r->g;

	if (d->count != g->page.count || d->input_len > SNAP_CONSOLE_INPUT ||
	    d->line_len >= SNAP_LINE - 1)
		return explain(-1, r->why, sizeof(r->why), "section devices: %u devices (this "
			       "guest has %u), or input or a line too long", d->count,
			       g->page.count);
	for (uint32_t n = 0; n < d->count; n++)
		if (d->dev[n].type != g->page.devices[n].type ||
		    d->dev[n].num_queues != g->page.devices[n].num_queues)
			return explain(-1, r->why, sizeof(r->why), "section devices: device %u "
				       "is of type %u with %u queues, not the guest's", n,
				       d->dev[n].type, d->dev[n].num_queues);
	return 0;
}

/* A delta's guest may have another name (a restored guest saved again,
 * --name), never another disk. */
static bool same_disk(const struct snap_guest *a, const struct snap_guest *b)
{
	return a->disk_mode == b->disk_mode && a->disk_bytes == b->disk_bytes &&
	       !memcmp(a->disk_path, b->disk_path, sizeof(a->disk_path));
}

/*L:590 One file's sections, in order. A delta repeats GUEST, whose disk
 * must be the base's, and CPU and DEVICES, which replace the base's; its
 * MEMORY holds only the pages it changed. */
static int read_memory(struct restore *r, struct snap_reader *rd, uint32_t n)
{
	struct snap_index *ix = &r->index[n];

	if (!r->lazy)
		return snap_read_pages(rd, SNAP_MEMORY, r->g->mem.base, r->g->mem.size, n == 0);
	return snap_read_index(rd, SNAP_MEMORY, r->g->mem.size, n == 0, ix) ||
	       snap_skip_data(rd, ix);
}

static int read_sections(struct restore *r, struct snap_reader *rd, uint32_t n)
{
	bool delta = n > 0;
	struct snap_guest info;
	uint32_t disk_size;
	uint8_t *disk;
	char extra;

	if (snap_read_struct(rd, SNAP_GUEST, delta ? (void *)&info : (void *)&r->info,
			     sizeof(info)))
		return -1;
	if (delta && !same_disk(&info, &r->info))
		return explain(-1, r->why, sizeof(r->why), "section guest: not the disk of the "
			       "full snapshot");
	if (!delta && (info_ok(r) || build_guest(r)))
		return -1;
	if (snap_read_struct(rd, SNAP_CPU, &r->state, sizeof(r->state)) ||
	    snap_read_struct(rd, SNAP_DEVICES, &r->devices, sizeof(r->devices)) || devices_ok(r))
		return -1;
	if (read_memory(r, rd, n))
		return -1;
	/* Each file's DISK is the whole copy, naming only its pages with
	 * data: the others are zero, whatever the file before had there. */
	disk = block_bytes(&disk_size);
	if (r->info.disk_mode == SNAP_DISK_MEMORY && delta)
		memset(disk, 0, disk_size);
	if (r->info.disk_mode == SNAP_DISK_MEMORY &&
	    snap_read_pages(rd, SNAP_DISK, disk, disk_size, true))
		return -1;
	if (snap_read_struct(rd, SNAP_END, NULL, 0))
		return -1;
	if (rd->read(rd->ctx, &extra, 1) != 0)
		return explain(-1, r->why, sizeof(r->why), "section end: bytes after it");
	return 0;
}

static int header_follows(struct restore *r, const struct snap_header *h, uint32_t n)
{
	if (n == 0 && h->kind != SNAP_KIND_FULL)
		return explain(-1, r->why, sizeof(r->why), "header: a delta (number %u), not a "
			       "full snapshot: give its base first", h->sequence);
	if (n == 0)
		return 0;
	if (h->kind != SNAP_KIND_DELTA)
		return explain(-1, r->why, sizeof(r->why), "header: a full snapshot where a "
			       "delta should follow");
	if (h->mem_bytes != r->base.mem_bytes || h->ram_bytes != r->base.ram_bytes)
		return explain(-1, r->why, sizeof(r->why), "header: memory of %u KiB, the base "
			       "has %u KiB", h->mem_bytes / 1024, r->base.mem_bytes / 1024);
	if (h->parent != r->last.id || h->sequence != r->last.sequence + 1)
		return explain(-1, r->why, sizeof(r->why), "header: delta %u of parent "
			       "0x%016llx does not follow the snapshot before it (%u, 0x%016llx)",
			       h->sequence, (unsigned long long)h->parent, r->last.sequence,
			       (unsigned long long)r->last.id);
	return 0;
}

static int read_snapshot_file(struct restore *r, uint32_t n)
{
	struct in_file f = { open(r->o->restore[n], O_RDONLY), r->o->restore[n], 0 };
	struct snap_reader rd = { .read = read_in, .ctx = &f, .skip = skip_in, .why = r->why,
				  .whylen = sizeof(r->why) };
	struct snap_header h;
	struct k_stat st;
	int err;

	if (f.fd < 0 || fstat(f.fd, &st) < 0) {
		explain(-1, r->why, sizeof(r->why), "%s", strerror(errno));
		if (f.fd >= 0)
			close(f.fd);
		return -1;
	}
	f.size = st.size;
	err = snap_read_header(&rd, &h) || header_follows(r, &h, n);
	if (!err && n == 0)
		r->base = h;
	if (!err)
		err = read_sections(r, &rd, n);
	if (!err)
		r->last = h;
	if (err || !r->lazy)
		close(f.fd);
	else
		r->fd[n] = f.fd;
	return err ? -1 : 0;
}

/*L:630 The lazy restore's page source (struct lazy_source, L:720): the
 * files' indexes merged into one view (L:610), the newest record of each
 * page, kept in page order; a page is found by binary search, read where
 * its record says (one lseek and one read), and checked against its CRC
 * before the guest may see it. A page no record names is zero. What this
 * builds at start is proportional to the records of the files, not to the
 * guest's memory: a 256 MiB pup at its prompt has a few thousand. */
struct lazy_files {
	struct guest *g;
	const struct launch_options *o;
	int fd[RESTORE_MAX];
	uint64_t data_at[RESTORE_MAX];
	struct snap_where *view;
	uint32_t count;
};

static struct lazy_files files;

static const struct snap_where *where_of(const struct lazy_files *f, uint32_t gpfn)
{
	uint32_t i = snap_where_find(f->view, f->count, gpfn);

	return i < f->count && f->view[i].index == gpfn ? &f->view[i] : NULL;
}

static int read_at(int fd, uint64_t at, uint8_t *page)
{
	if (lseek(fd, (off_t)at, SEEK_SET) != (off_t)at)
		return -1;
	for (uint32_t done = 0; done < SNAP_PAGE;) {
		ssize_t n = read(fd, page + done, SNAP_PAGE - done);

		if (n <= 0)
			return -1;
		done += (uint32_t)n;
	}
	return 0;
}

static int read_page(void *ctx, uint32_t gpfn, uint8_t *page)
{
	struct lazy_files *f = ctx;
	const struct snap_where *w = where_of(f, gpfn);
	struct snap_page rec;
	char why[96];

	if (!w) {
		memset(page, 0, SNAP_PAGE);
		return 0;
	}
	rec = (struct snap_page){ w->index, w->slot, w->crc };
	if (read_at(f->fd[w->file], f->data_at[w->file] + (uint64_t)w->slot * SNAP_PAGE, page)) {
		say(f->g, stderr, "%s: page %u: cannot read it: %s", f->o->restore[w->file], gpfn,
		    errno ? strerror(errno) : "the file ends before it");
		return -1;
	}
	if (snap_check_page(&rec, page, SNAP_PAGE, why, sizeof(why))) {
		say(f->g, stderr, "%s: %s", f->o->restore[w->file], why);
		return -1;
	}
	return 1;
}

static uint32_t next_data(void *ctx, uint32_t gpfn)
{
	struct lazy_files *f = ctx;
	uint32_t i = snap_where_find(f->view, f->count, gpfn);

	return i < f->count ? f->view[i].index : UINT32_MAX;
}

static const struct lazy_source file_source = { read_page, next_data, &files };

int restore_page(uint32_t gpfn, uint8_t *page)
{
	return read_page(&files, gpfn, page);
}

int restore_page_crc(uint32_t gpfn, uint32_t *crc)
{
	const struct snap_where *w = where_of(&files, gpfn);

	*crc = w ? w->crc : 0;
	return w != NULL;
}

/* The view, file by file over the ones before; each index freed once in. */
static int build_view(struct restore *r)
{
	struct snap_where *view = NULL, *next;
	uint32_t n = 0;

	files = (struct lazy_files){ .g = r->g, .o = r->o };
	for (uint32_t k = 0; k < r->o->restore_count; k++) {
		struct snap_index *ix = &r->index[k];

		if (!(next = malloc(((size_t)n + ix->head.count + 1) * sizeof(*next)))) {
			free(view);
			return explain(-1, r->why, sizeof(r->why), "section memory: no memory for "
				       "%u records", n + ix->head.count);
		}
		n = snap_merge(view, n, ix, k, next);
		free(view);
		view = next;
		files.fd[k] = r->fd[k];
		files.data_at[k] = ix->data_at;
		snap_free_index(ix);
	}
	files.view = view;
	files.count = n;
	return 0;
}

/*L:595 All files read and checked: our own state back as it was (the
 * queues' positions, the console's input, the unfinished line, shown
 * again so that a prompt reappears), the checksum for whoever compares,
 * and the guest handed to the host with its state, which it must then
 * hold exactly as saved. */
static int resume_devices(struct restore *r)
{
	struct guest *g = r->g;
	const struct snap_devices *d = &r->devices;

	if (attach_queues(g, r->why, sizeof(r->why)))
		return -1;
	for (uint32_t n = 0; n < d->count; n++)
		for (uint32_t q = 0; q < d->dev[n].num_queues; q++) {
			g->devices[n].queues[q].next_avail = d->dev[n].next_avail[q];
			g->devices[n].queues[q].next_used = d->dev[n].next_used[q];
		}
	console_set_pending(d->input, d->input_len);
	return 0;
}

/* What the host holds now must be what was saved, but for the clock and
 * the time left on the timer, which have moved on (and the timer may have
 * gone off, raising its IRQ, in between): a state the host
 * took only after changing it would not be the guest that was saved. */
static int state_as_saved(struct restore *r)
{
	static struct kn_guest_state now;
	struct kn_guest_state want = r->state;

	if (ioctl(r->g->fd, KN_GET_STATE, &now) < 0)
		return -1;
	if (want.timer_left_us && !now.timer_left_us)	/* it went off meanwhile */
		now.irqs_pending = (now.irqs_pending & ~(1u << KH_IRQ_TIMER)) |
				   (want.irqs_pending & (1u << KH_IRQ_TIMER));
	now.timer_left_us = want.timer_left_us;
	now.time_ns = want.time_ns;
	return memcmp(&now, &want, sizeof(now)) ? -1 : 0;
}

/*L:645 Deltas may follow a restored guest if the host tracks its writes:
 * tracking is armed (a scan with WP_MATCHING that reports nothing) over
 * every page present. That is all of memory after an eager restore, but
 * after a lazy one only the pages filled before the first KN_RUN (the
 * shared page, the device page and the rings): a walk of all of memory
 * costs the host some 280 instructions a page, 18 million for 256 MiB,
 * and a page filled later needs no arming, since the host counts a page
 * as written when it is copied in (V:572) or, a zero page, when it is
 * first written. T:998 holds this to account: a delta of a lazy guest,
 * restored eagerly over the same files, must come to the lazy guest's
 * checksum. */
static int arm_range(struct guest *g, uint64_t start, uint64_t end)
{
	struct pm_scan_arg a = { .size = sizeof(a), .flags = PM_SCAN_WP_MATCHING,
				 .start = start, .end = end };

	return ioctl(g->fd, KN_PM_SCAN, &a) < 0 ? -1 : 0;
}

static int arm_tracking(struct restore *r)
{
	struct guest *g = r->g;
	uint32_t data_page = r->state.data_gpa & ~(GUEST_PAGE - 1);
	int err;

	if (!r->lazy)
		err = arm_range(g, 0, g->mem.size);
	else
		err = (r->state.data_gpa && guest_range_ok(&g->mem, data_page, GUEST_PAGE) &&
		       arm_range(g, data_page, data_page + GUEST_PAGE)) ||
		      arm_range(g, g->ram_bytes, g->mem.size);
	g->snap = (struct snap_chain){ r->last.id, r->last.sequence, !err, err ? errno : 0 };
	return LAUNCHER_RUNNING;
}

static int set_state(struct restore *r)
{
	struct guest *g = r->g;

	if (ioctl(g->fd, KN_SET_STATE, &r->state) < 0) {
		say(g, stderr, "%s: section cpu: the host refused the state: %s",
		    r->o->restore[r->o->restore_count - 1], strerror(errno));
		return LAUNCHER_EXIT_ERROR;
	}
	if (state_as_saved(r)) {
		say(g, stderr, "%s: section cpu: the host holds another state than the one saved",
		    r->o->restore[r->o->restore_count - 1]);
		return LAUNCHER_EXIT_ERROR;
	}
	return arm_tracking(r);
}

static int hand_to_host(struct restore *r)
{
	int status = start_guest(r->g);

	return status == LAUNCHER_RUNNING ? set_state(r) : status;
}

/*L:640 A lazy guest is handed to the host before its memory is read, so
 * the order changes: KN_INIT first (over memory with no frames, L:710),
 * then the userfault handle with the files as its source, then the pages
 * the host and we must find present before anything else, filled through
 * lazy_prepare: the guest's shared data page, which KN_SET_STATE needs
 * (-EAGAIN otherwise), and the device page and the rings, which our
 * device code reads. Only then our devices' state and the guest's. */
static int hand_lazily(struct restore *r)
{
	struct guest *g = r->g;
	uint32_t data_page = r->state.data_gpa & ~(GUEST_PAGE - 1);
	int status = start_guest(g);

	if (status != LAUNCHER_RUNNING)
		return status;
	if (lazy_start(g, &file_source, r->o->no_prefetch ? 0 : LAZY_PREFETCH))
		return LAUNCHER_EXIT_ERROR;
	if ((r->state.data_gpa && guest_range_ok(&g->mem, data_page, GUEST_PAGE) &&
	     lazy_prepare(g, data_page, GUEST_PAGE)) ||
	    lazy_prepare(g, g->ram_bytes, g->mem.size - g->ram_bytes))
		return LAUNCHER_EXIT_ERROR;
	if (resume_devices(r)) {
		say(g, stderr, "%s: section devices: %s", r->o->restore[0], r->why);
		return LAUNCHER_EXIT_ERROR;
	}
	return set_state(r);
}

/*L:650 The restore, eager or lazy. The checksum printed is the memory's
 * as read (eager), or as the records say it will be (lazy; the same
 * number, and no page is read for it). A lazy restore also says how long
 * the Launcher took from the first line of main to the point where it
 * makes its first KN_RUN: rdtsc ticks less those the host spent halted
 * (waiting for the disk), which under QEMU's -icount are instructions,
 * all of them: ours, the host's, its disk driver's and file system's
 * (docs/snapshots.md). And when the guest is done, how its pages came in. */
static uint64_t restored_checksum(struct restore *r)
{
	if (r->lazy)
		return snap_where_checksum(files.view, files.count);
	return snap_memory_checksum(r->g->mem.base, r->g->mem.size);
}

int snapshot_restore(struct guest *g, const struct launch_options *o)
{
	static struct restore r;
	struct launcher_clock ready;
	int status;

	r = (struct restore){ .g = g, .o = o, .lazy = o->lazy };
	for (uint32_t n = 0; n < o->restore_count; n++)
		if (read_snapshot_file(&r, n))
			return refuse(&r, o->restore[n]);
	if (r.lazy && build_view(&r))
		return refuse(&r, o->restore[0]);
	if (!r.lazy && resume_devices(&r))
		return refuse(&r, o->restore[0]);
	status = r.lazy ? hand_lazily(&r) : hand_to_host(&r);
	if (status != LAUNCHER_RUNNING)
		return status;
	ready = launcher_clock_now();
	say(g, stdout, "guest %s restored from %s + %u deltas: memory checksum 0x%016llx",
	    g->name, o->restore[0], o->restore_count - 1,
	    (unsigned long long)restored_checksum(&r));
	if (r.lazy)
		say(g, stdout, "lazy restore: guest started after %llu instructions (%llu TSC "
		    "ticks less %llu halted; %u pages with data in %u files)",
		    (unsigned long long)((ready.tsc - launcher_start.tsc) -
					 (ready.idle - launcher_start.idle)),
		    (unsigned long long)(ready.tsc - launcher_start.tsc),
		    (unsigned long long)(ready.idle - launcher_start.idle), files.count,
		    o->restore_count);
	output_write(&g->out, r.devices.line, r.devices.line_len);
	output_show_partial(&g->out);
	return serve_guest(g);		/* main's end says how the pages came in */
}
