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
 * memory) and END, empty, which says the file is whole.
 *
 * MEMORY and DISK share one encoding of 4 KiB pages, made (version 2) for
 * a restore that reads a page only when the guest touches it: an index
 * first, then the pages' bytes. The index is a count of records, a count
 * of data pages, and one 12-byte record per page: its number, its slot
 * (the how-manieth data page it is) or SNAP_SLOT_ZERO, and the CRC32 of
 * its bytes. The section's CRC covers the index only, so the index can be
 * read and checked without a byte of page data, and each page is checked
 * by its own record's CRC when it is read. A page's bytes are at a place
 * its record gives (snap_page_offset: the end of the index plus 4096 per
 * slot), so a lazy restore seeks to it. A full snapshot records only the
 * pages that are not all zero (a page it does not name is zero); a delta
 * records every page written since its parent, a page written back to
 * zero as SNAP_SLOT_ZERO. The memory checksum the Launcher prints is
 * FNV-1a over (number, CRC32) of the data pages, so the records alone
 * give it.
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
#define SNAP_VERSION		2	/* 1: every page, one CRC over all of them */
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
#define SNAP_SLOT_ZERO		0xffffffffu	/* a delta's page written to zero */

struct snap_page {
	uint32_t index;			/* page number, strictly increasing */
	uint32_t slot;			/* its bytes are the slot-th data page, or SNAP_SLOT_ZERO */
	uint32_t crc;			/* CRC32 of its bytes; 0 for SNAP_SLOT_ZERO */
};

/* The start of a page section's payload: the index's two counts. */
struct snap_pages_head {
	uint32_t count;			/* records */
	uint32_t data_count;		/* of them with bytes: slots 0..data_count-1 */
};

_Static_assert(sizeof(struct snap_header) == 48 && offsetof(struct snap_header, crc) == 44,
	       "the header is 48 bytes");
_Static_assert(sizeof(struct snap_section) == 16 && sizeof(struct snap_page) == 12 &&
	       sizeof(struct snap_pages_head) == 8,
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
/* The bytes of page index of something bytes long (the last may be short). */
uint32_t snap_page_len(uint32_t bytes, uint32_t index);
/* The memory checksum the Launcher prints at save and at restore: FNV-1a
 * 64 over (page number, CRC32 of the page) of every page not all zero. */
uint64_t snap_memory_checksum(const uint8_t *mem, uint32_t bytes);
/* The same, one page at a time, in increasing page order. */
uint64_t snap_checksum_add(uint64_t h, uint32_t index, uint32_t crc);

/* Writing: every byte goes through write_fn, which returns 0 or -1. */
typedef int snap_write_fn(void *ctx, const void *buf, size_t len);

struct snap_writer {
	snap_write_fn *write;
	void *ctx;
	int failed;
};

/* Where a writer finds page index: a pointer to its bytes (maybe buf,
 * 4096 bytes it may fill), or NULL if it cannot (the write fails). */
typedef const uint8_t *snap_page_fn(void *ctx, uint32_t index, uint8_t *buf);

struct snap_pages_in {
	snap_page_fn *get;
	void *ctx;
	uint32_t bytes;			/* of memory or disk */
};

/* A snap_page_fn for bytes all in memory: ctx is their base. */
const uint8_t *snap_memory_page(void *ctx, uint32_t index, uint8_t *buf);

int snap_write_header(struct snap_writer *w, const struct snap_header *h);
int snap_write_section(struct snap_writer *w, uint32_t type, const void *payload, uint32_t len);
/* MEMORY or DISK: of the pages listed in pages[0..count), increasing,
 * those with data (full), or all of them (a delta); 0 or -1. *data, if
 * not NULL, is told how many had data. */
int snap_write_pages(struct snap_writer *w, uint32_t type, const struct snap_pages_in *in,
		     const uint32_t *pages, uint32_t count, bool full, uint32_t *data);

/* Reading: read_fn returns the bytes it read (0 at the end) or -1; skip_fn,
 * which a reader may lack, moves to offset to of the file, 0 or -1 (past
 * its end). */
typedef long snap_read_fn(void *ctx, void *buf, size_t len);
typedef int snap_skip_fn(void *ctx, uint64_t to);

struct snap_reader {
	snap_read_fn *read;
	void *ctx;
	snap_skip_fn *skip;
	uint64_t at;			/* file offset of the next byte */
	struct snap_section sec;	/* the one being read */
	uint32_t done;			/* of its payload */
	uint32_t crc;			/* of that, so far */
	char *why;
	size_t whylen;
};

/* A page section's index, read and checked. */
struct snap_index {
	uint32_t type;			/* SNAP_MEMORY or SNAP_DISK */
	uint32_t bytes;			/* of what it describes */
	struct snap_pages_head head;
	struct snap_page *rec;		/* head.count of them, malloc'ed */
	uint64_t data_at;		/* file offset of slot 0 */
};

/* Each returns 0, or -1 with why naming the place and the reason. */
int snap_read_header(struct snap_reader *r, struct snap_header *h);
int snap_next_section(struct snap_reader *r, uint32_t want);
int snap_read_payload(struct snap_reader *r, void *buf, uint32_t len);
int snap_end_section(struct snap_reader *r);
/* A section that is exactly one struct of len bytes. */
int snap_read_struct(struct snap_reader *r, uint32_t type, void *buf, uint32_t len);
/* MEMORY or DISK of something bytes long: the index, checked (records
 * in range and increasing, slots in order, a full snapshot's all data,
 * the section's length and CRC), none of the data. */
int snap_read_index(struct snap_reader *r, uint32_t type, uint32_t bytes, bool full,
		    struct snap_index *ix);
/* Then either its pages into base, each checked against its record (a
 * full snapshot's other pages must be zero there already), or, with a
 * skip_fn, past them; either ends the section. */
int snap_read_data(struct snap_reader *r, const struct snap_index *ix, uint8_t *base);
int snap_skip_data(struct snap_reader *r, const struct snap_index *ix);
void snap_free_index(struct snap_index *ix);
/* Index, data and free in one: an eager restore's way. */
int snap_read_pages(struct snap_reader *r, uint32_t type, uint8_t *base, uint32_t bytes, bool full);
/* The file offset of a record's bytes (its slot must not be ZERO). */
uint64_t snap_page_offset(const struct snap_index *ix, const struct snap_page *rec);
/* bytes, read for rec: 0, or -1 and why ("page N: ..."). */
int snap_check_page(const struct snap_page *rec, const uint8_t *bytes, uint32_t len,
		    char *why, size_t whylen);
const char *snap_section_name(uint32_t type);

/*L:610 A base and its deltas as one: for each page, the newest record of
 * it, found without reading a page. snap_merge lays file's records over
 * the view so far (both in page order, so it is one pass): a page the
 * file names takes the file's record, a SNAP_SLOT_ZERO one drops out (a
 * page the view does not name is zero). The view is proportional to the
 * records, never to the guest's size. */
struct snap_where {
	uint32_t index;			/* page number, increasing */
	uint32_t file;			/* which of the files holds its bytes */
	uint32_t slot, crc;		/* as in that file's record */
};

/* out has room for n + ix->head.count; returns the records in out. */
uint32_t snap_merge(const struct snap_where *view, uint32_t n, const struct snap_index *ix,
		    uint32_t file, struct snap_where *out);
/* The first record at or after page index: its position, or n. */
uint32_t snap_where_find(const struct snap_where *view, uint32_t n, uint32_t index);
/* The memory checksum of what the view describes. */
uint64_t snap_where_checksum(const struct snap_where *view, uint32_t n);

#endif
