/*L:500 launcher/snapshot_format.h: the snapshot file, byte by byte
 * (docs/snapshots.md says the same for people).
 *
 * A snapshot is a header and then sections, all little-endian:
 *
 *   header   48 bytes: magic "KNSNAPv\n", version, kind (full or delta),
 *            the guest's memory size (pfn_limit pages) and RAM size, the
 *            snapshot's id, its parent's id (0 for a full one), its
 *            sequence number (0 full, n the nth delta), and a CRC32 of the
 *            44 bytes before it
 *   section  16 bytes: type, payload length, CRC32 of the payload, 0;
 *            then the payload
 *
 * The sections, in this order: GUEST (the name and the disk, so that a
 * restore needs no options), CPU (struct kn_guest_state, as the host gave
 * it), DEVICES (the virtqueue positions, the console's waiting input and
 * half-printed line), MEMORY, DISK (only for a disk in the Launcher's
 * memory) and END, empty, which says the file is whole. MEMORY and DISK
 * share one encoding of 4 KiB pages: a count, one record per page (its
 * number, and whether it is all zeroes), then the bytes of the pages that
 * are not, in record order. A full snapshot records every page of the
 * guest; a delta only those written since its parent (KN_PM_SCAN).
 *
 * Everything here is pure logic over a read or a write callback, so
 * tests/unit/test_snapshot_format.c runs it natively on a buffer,
 * truncating and corrupting it one way at a time. Every refusal says
 * where ("header", "section memory") and why. Next:
 * launcher/snapshot_format.c. */
#ifndef LAUNCHER_SNAPSHOT_FORMAT_H
#define LAUNCHER_SNAPSHOT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/kennel_dev.h"
#include "arch/x86/virtio.h"

#define SNAP_MAGIC		"KNSNAPv\n"
#define SNAP_VERSION		1
#define SNAP_KIND_FULL		0
#define SNAP_KIND_DELTA		1
#define SNAP_PAGE		4096u

enum snap_section_type {
	SNAP_GUEST = 1, SNAP_CPU, SNAP_DEVICES, SNAP_MEMORY, SNAP_DISK, SNAP_END,
};

struct snap_header {
	char magic[8];
	uint32_t version, kind;
	uint32_t mem_bytes, ram_bytes;
	uint64_t id, parent;
	uint32_t sequence;
	uint32_t crc;			/* CRC32 of everything above */
};

struct snap_section {
	uint32_t type, length, crc, reserved;
};

#define SNAP_DISK_NONE		0
#define SNAP_DISK_FILE		1	/* --disk IMAGE: the file must be as it was */
#define SNAP_DISK_MEMORY	2	/* --snapshot-disk: its bytes are in DISK */

struct snap_guest {
	char name[KN_NAME_MAX];
	char disk_path[KN_PATH_MAX];
	uint32_t disk_mode;		/* SNAP_DISK_* */
	uint32_t disk_bytes;		/* a whole number of sectors */
};

#define SNAP_CONSOLE_INPUT	4096	/* console.c's CONSOLE_INPUT_MAX */
#define SNAP_LINE		257	/* output.h's OUTPUT_LINE_MAX + 1 */

struct snap_device {
	uint32_t type, num_queues;
	uint16_t next_avail[KN_MAX_QUEUES], next_used[KN_MAX_QUEUES];
};

struct snap_devices {
	uint32_t count;
	struct snap_device dev[KN_MAX_DEVICES];
	uint32_t input_len;		/* typed, not yet given to the guest */
	char input[SNAP_CONSOLE_INPUT];
	uint32_t line_len, line_shown;	/* the guest's unfinished line */
	char line[SNAP_LINE];
	char pad[3];
};

/* One page's record in MEMORY and DISK. */
struct snap_page {
	uint32_t index;			/* page number, strictly increasing */
	uint32_t data;			/* 1: its bytes follow; 0: all zero */
};

_Static_assert(sizeof(struct snap_header) == 48 && offsetof(struct snap_header, crc) == 44,
	       "the header is 48 bytes");
_Static_assert(sizeof(struct snap_section) == 16 && sizeof(struct snap_page) == 8,
	       "section headers and page records are fixed");
_Static_assert(sizeof(struct snap_guest) == KN_NAME_MAX + KN_PATH_MAX + 8,
	       "struct snap_guest has no padding");
_Static_assert(sizeof(struct snap_devices) % 4 == 0, "struct snap_devices has no tail padding");

/* Checksums: CRC32 (the IEEE polynomial, as zlib's crc32) for sections,
 * FNV-1a 64 for ids and the memory checksum. */
uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len);
uint64_t snap_fnv64(uint64_t h, const void *buf, size_t len);
#define SNAP_FNV_INIT		0xcbf29ce484222325ull

bool snap_page_zero(const uint8_t *page, uint32_t len);
/* The memory checksum the Launcher prints at save and at restore: FNV-1a
 * 64 over (page number, CRC32 of the page) of every page not all zero. */
uint64_t snap_memory_checksum(const uint8_t *mem, uint32_t bytes);

/* Writing: every byte goes through write_fn, which returns 0 or -1. */
typedef int snap_write_fn(void *ctx, const void *buf, size_t len);

struct snap_writer {
	snap_write_fn *write;
	void *ctx;
	int failed;
};

int snap_write_header(struct snap_writer *w, const struct snap_header *h);
int snap_write_section(struct snap_writer *w, uint32_t type, const void *payload, uint32_t len);
/* MEMORY or DISK: the pages listed in pages[0..count) of the bytes at
 * base (of length bytes; the last page may be short); 0 or -1. */
int snap_write_pages(struct snap_writer *w, uint32_t type, const uint8_t *base, uint32_t bytes,
		     const uint32_t *pages, uint32_t count);

/* Reading: read_fn returns the bytes it read (0 at the end) or -1. */
typedef long snap_read_fn(void *ctx, void *buf, size_t len);

struct snap_reader {
	snap_read_fn *read;
	void *ctx;
	struct snap_section sec;	/* the one being read */
	uint32_t done;			/* of its payload */
	uint32_t crc;			/* of that, so far */
	char *why;
	size_t whylen;
};

/* Each returns 0, or -1 with why naming the place and the reason. */
int snap_read_header(struct snap_reader *r, struct snap_header *h);
int snap_next_section(struct snap_reader *r, uint32_t want);
int snap_read_payload(struct snap_reader *r, void *buf, uint32_t len);
int snap_end_section(struct snap_reader *r);
/* A section that is exactly one struct of len bytes. */
int snap_read_struct(struct snap_reader *r, uint32_t type, void *buf, uint32_t len);
/* MEMORY or DISK into base (bytes long); full: every page must be there. */
int snap_read_pages(struct snap_reader *r, uint32_t type, uint8_t *base, uint32_t bytes, bool full);
const char *snap_section_name(uint32_t type);

#endif
