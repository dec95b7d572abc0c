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
 * tests/boot/test_snapshot.py. Next: the host's half, H:800. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/kennel_dev.h"
#include "launcher/launcher.h"
#include "launcher/layout.h"
#include "launcher/options.h"
#include "lib/format.h"
#include "launcher/snapshot_format.h"

struct in_file {
	int fd;
	const char *path;
};

static long read_in(void *ctx, void *buf, size_t len)
{
	struct in_file *f = ctx;

	return read(f->fd, buf, len);
}

struct restore {
	struct guest *g;
	const struct launch_options *o;
	struct snap_header base, last;
	struct snap_guest info;
	struct kn_guest_state state;
	struct snap_devices devices;
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
	if (r->base.ram_bytes % GUEST_PAGE || map_memory(g, r->base.ram_bytes))
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
static int read_sections(struct restore *r, struct snap_reader *rd, bool delta)
{
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
	if (snap_read_pages(rd, SNAP_MEMORY, r->g->mem.base, r->g->mem.size, !delta))
		return -1;
	disk = block_bytes(&disk_size);
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
	struct in_file f = { open(r->o->restore[n], O_RDONLY), r->o->restore[n] };
	struct snap_reader rd = { .read = read_in, .ctx = &f, .why = r->why,
				  .whylen = sizeof(r->why) };
	struct snap_header h;
	int err;

	if (f.fd < 0)
		return explain(-1, r->why, sizeof(r->why), "%s", strerror(errno));
	err = snap_read_header(&rd, &h) || header_follows(r, &h, n);
	if (!err && n == 0)
		r->base = h;
	if (!err)
		err = read_sections(r, &rd, n > 0);
	if (!err)
		r->last = h;
	close(f.fd);
	return err ? -1 : 0;
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

static int hand_to_host(struct restore *r)
{
	struct guest *g = r->g;
	int status = start_guest(g);

	if (status != LAUNCHER_RUNNING)
		return status;
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
	/* Deltas may follow this one if the host tracks writes for us. */
	{
		struct pm_scan_arg a = { .size = sizeof(a), .flags = PM_SCAN_WP_MATCHING,
					 .end = g->mem.size };

		int armed = ioctl(g->fd, KN_PM_SCAN, &a) >= 0;

		g->snap = (struct snap_chain){ r->last.id, r->last.sequence, armed,
					       armed ? 0 : errno };
	}
	return LAUNCHER_RUNNING;
}

int snapshot_restore(struct guest *g, const struct launch_options *o)
{
	static struct restore r;
	int status;

	r = (struct restore){ .g = g, .o = o };
	for (uint32_t n = 0; n < o->restore_count; n++)
		if (read_snapshot_file(&r, n))
			return refuse(&r, o->restore[n]);
	if (resume_devices(&r))
		return refuse(&r, o->restore[0]);
	status = hand_to_host(&r);
	if (status != LAUNCHER_RUNNING)
		return status;
	say(g, stdout, "guest %s restored from %s + %u deltas: memory checksum 0x%016llx",
	    g->name, o->restore[0], o->restore_count - 1,
	    (unsigned long long)snap_memory_checksum(g->mem.base, g->mem.size));
	output_write(&g->out, r.devices.line, r.devices.line_len);
	output_show_partial(&g->out);
	return serve_guest(g);
}
