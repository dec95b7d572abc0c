/*L:510 launcher/snapshot_format.c: writing and reading the format of
 * L:500, trusting nothing that is read. A reader checks, in order: the
 * magic, the version, the header's own CRC; then for each section that it
 * is the one expected next, that its payload is all there, and that its
 * CRC matches; for MEMORY and DISK also that the page records make sense
 * (in range, increasing, every page present in a full snapshot) before a
 * byte lands in memory. Next: launcher/snapshot.c, which uses it. */
#include <stdlib.h>
#include "lib/format.h"
#include "lib/string.h"
#include "launcher/snapshot_format.h"

static const char *const section_names[] = {
	[SNAP_GUEST] = "guest", [SNAP_CPU] = "cpu", [SNAP_DEVICES] = "devices",
	[SNAP_MEMORY] = "memory", [SNAP_DISK] = "disk", [SNAP_END] = "end",
};

const char *snap_section_name(uint32_t type)
{
	return type && type <= SNAP_END ? section_names[type] : "unknown";
}

/* CRC32, reflected, polynomial 0xedb88320, one table lookup a byte. */
static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table[1])
		crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint64_t snap_fnv64(uint64_t h, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

bool snap_page_zero(const uint8_t *page, uint32_t len)
{
	const uint32_t *w = (const uint32_t *)page;
	uint32_t n = len / 4;

	for (uint32_t i = 0; i < n; i++)
		if (w[i])
			return false;
	for (uint32_t i = n * 4; i < len; i++)
		if (page[i])
			return false;
	return true;
}

static uint32_t page_len(uint32_t bytes, uint32_t index)
{
	uint32_t at = index * SNAP_PAGE;

	return bytes - at < SNAP_PAGE ? bytes - at : SNAP_PAGE;
}

uint64_t snap_memory_checksum(const uint8_t *mem, uint32_t bytes)
{
	uint64_t h = SNAP_FNV_INIT;
	uint32_t pages = (bytes + SNAP_PAGE - 1) / SNAP_PAGE;

	for (uint32_t i = 0; i < pages; i++) {
		const uint8_t *p = mem + i * SNAP_PAGE;
		uint32_t len = page_len(bytes, i), rec[2];

		if (snap_page_zero(p, len))
			continue;
		rec[0] = i, rec[1] = snap_crc32(0, p, len);
		h = snap_fnv64(h, rec, sizeof(rec));
	}
	return h;
}

/*L:520 Writing. A writer remembers its first failure and does nothing
 * more after it, so callers check once, at the end of the file. */
static int put(struct snap_writer *w, const void *buf, size_t len)
{
	if (!w->failed && len && w->write(w->ctx, buf, len))
		w->failed = 1;
	return w->failed ? -1 : 0;
}

int snap_write_header(struct snap_writer *w, const struct snap_header *h)
{
	struct snap_header out = *h;

	memcpy(out.magic, SNAP_MAGIC, sizeof(out.magic));
	out.version = SNAP_VERSION;
	out.crc = snap_crc32(0, &out, offsetof(struct snap_header, crc));
	return put(w, &out, sizeof(out));
}

int snap_write_section(struct snap_writer *w, uint32_t type, const void *payload, uint32_t len)
{
	struct snap_section s = { type, len, snap_crc32(0, payload, len), 0 };

	put(w, &s, sizeof(s));
	return put(w, payload, len);
}

static struct snap_page record_of(const uint8_t *base, uint32_t bytes, uint32_t index)
{
	return (struct snap_page){ index, !snap_page_zero(base + index * SNAP_PAGE,
							   page_len(bytes, index)) };
}

/* The section's header comes first, so its length and CRC are found in a
 * pass over the pages before the pass that writes them. */
static void measure_pages(struct snap_section *s, const uint8_t *base, uint32_t bytes,
			  const uint32_t *pages, uint32_t count)
{
	s->crc = snap_crc32(0, &count, sizeof(count));
	s->length = sizeof(count) + count * (uint32_t)sizeof(struct snap_page);
	for (uint32_t i = 0; i < count; i++) {
		struct snap_page rec = record_of(base, bytes, pages[i]);

		s->crc = snap_crc32(s->crc, &rec, sizeof(rec));
	}
	for (uint32_t i = 0; i < count; i++)
		if (record_of(base, bytes, pages[i]).data) {
			uint32_t len = page_len(bytes, pages[i]);

			s->crc = snap_crc32(s->crc, base + pages[i] * SNAP_PAGE, len);
			s->length += len;
		}
}

int snap_write_pages(struct snap_writer *w, uint32_t type, const uint8_t *base, uint32_t bytes,
		     const uint32_t *pages, uint32_t count)
{
	struct snap_section s = { type, 0, 0, 0 };

	measure_pages(&s, base, bytes, pages, count);
	put(w, &s, sizeof(s));
	put(w, &count, sizeof(count));
	for (uint32_t i = 0; i < count; i++) {
		struct snap_page rec = record_of(base, bytes, pages[i]);

		put(w, &rec, sizeof(rec));
	}
	for (uint32_t i = 0; i < count; i++)
		if (record_of(base, bytes, pages[i]).data)
			put(w, base + pages[i] * SNAP_PAGE, page_len(bytes, pages[i]));
	return w->failed ? -1 : 0;
}

/*L:530 Reading. Every read of a payload counts its bytes against the
 * section's length and folds them into its CRC; a section ends only when
 * all of it was read and the CRC matched. */
static int get(struct snap_reader *r, void *buf, uint32_t len)
{
	uint8_t *p = buf;

	while (len) {
		long n = r->read(r->ctx, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

int snap_read_header(struct snap_reader *r, struct snap_header *h)
{
	if (get(r, h, sizeof(*h)))
		return explain(-1, r->why, r->whylen, "header: truncated (shorter than %u bytes)",
			       (unsigned)sizeof(*h));
	if (memcmp(h->magic, SNAP_MAGIC, sizeof(h->magic)))
		return explain(-1, r->why, r->whylen, "header: not a kennel snapshot (bad magic)");
	if (h->version != SNAP_VERSION)
		return explain(-1, r->why, r->whylen, "header: version %u; this Launcher reads "
			       "version %u", h->version, SNAP_VERSION);
	if (h->crc != snap_crc32(0, h, offsetof(struct snap_header, crc)))
		return explain(-1, r->why, r->whylen, "header: checksum mismatch");
	if (h->kind != SNAP_KIND_FULL && h->kind != SNAP_KIND_DELTA)
		return explain(-1, r->why, r->whylen, "header: unknown kind %u", h->kind);
	if (!h->mem_bytes || h->mem_bytes % SNAP_PAGE || h->ram_bytes > h->mem_bytes)
		return explain(-1, r->why, r->whylen, "header: memory of %u bytes, RAM %u: not "
			       "a guest's", h->mem_bytes, h->ram_bytes);
	return 0;
}

int snap_next_section(struct snap_reader *r, uint32_t want)
{
	if (get(r, &r->sec, sizeof(r->sec)))
		return explain(-1, r->why, r->whylen, "section %s: truncated (missing)",
			       snap_section_name(want));
	if (r->sec.type != want)
		return explain(-1, r->why, r->whylen, "section %s: found section type %u (%s) "
			       "in its place", snap_section_name(want), r->sec.type,
			       snap_section_name(r->sec.type));
	r->done = 0;
	r->crc = 0;
	return 0;
}

int snap_read_payload(struct snap_reader *r, void *buf, uint32_t len)
{
	const char *name = snap_section_name(r->sec.type);

	if (len > r->sec.length - r->done)
		return explain(-1, r->why, r->whylen, "section %s: length %u is too short for "
			       "what it holds", name, r->sec.length);
	if (get(r, buf, len))
		return explain(-1, r->why, r->whylen, "section %s: truncated (the file ends "
			       "inside its %u bytes)", name, r->sec.length);
	r->done += len;
	r->crc = snap_crc32(r->crc, buf, len);
	return 0;
}

int snap_end_section(struct snap_reader *r)
{
	const char *name = snap_section_name(r->sec.type);

	if (r->done != r->sec.length)
		return explain(-1, r->why, r->whylen, "section %s: length %u, but it holds %u "
			       "bytes", name, r->sec.length, r->done);
	if (r->crc != r->sec.crc)
		return explain(-1, r->why, r->whylen, "section %s: checksum mismatch (stored "
			       "0x%08x, computed 0x%08x)", name, r->sec.crc, r->crc);
	return 0;
}

int snap_read_struct(struct snap_reader *r, uint32_t type, void *buf, uint32_t len)
{
	if (snap_next_section(r, type))
		return -1;
	if (r->sec.length != len)
		return explain(-1, r->why, r->whylen, "section %s: length %u, expected %u",
			       snap_section_name(type), r->sec.length, len);
	if (snap_read_payload(r, buf, len))
		return -1;
	return snap_end_section(r);
}

/* The records, checked before any page is read. */
static int check_records(struct snap_reader *r, const struct snap_page *recs, uint32_t n,
			 uint32_t pages, bool full, int64_t *last)
{
	const char *name = snap_section_name(r->sec.type);

	for (uint32_t i = 0; i < n; i++) {
		if (recs[i].index >= pages || (int64_t)recs[i].index <= *last || recs[i].data > 1)
			return explain(-1, r->why, r->whylen, "section %s: bad page record %u "
				       "(page %u of %u)", name, (unsigned)(*last + 1), recs[i].index,
				       pages);
		if (full && recs[i].index != (uint32_t)(*last + 1))
			return explain(-1, r->why, r->whylen, "section %s: page %u is missing",
				       name, (unsigned)(*last + 1));
		*last = recs[i].index;
	}
	return 0;
}

int snap_read_pages(struct snap_reader *r, uint32_t type, uint8_t *base, uint32_t bytes, bool full)
{
	uint32_t pages = (bytes + SNAP_PAGE - 1) / SNAP_PAGE, count;
	struct snap_page table[256];
	uint32_t *keep;
	int64_t last = -1;
	int err = 0;

	if (snap_next_section(r, type) || snap_read_payload(r, &count, sizeof(count)))
		return -1;
	if (count > pages || (full && count != pages))
		return explain(-1, r->why, r->whylen, "section %s: %u pages recorded, the guest "
			       "has %u", snap_section_name(type), count, pages);
	/* Each record kept as its page number, with the data flag on top. */
	if (!(keep = malloc((count ? count : 1) * sizeof(*keep))))
		return explain(-1, r->why, r->whylen, "section %s: no memory for %u records",
			       snap_section_name(type), count);
	for (uint32_t at = 0; at < count && !err; at += 256) {
		uint32_t n = count - at < 256 ? count - at : 256;

		err = snap_read_payload(r, table, n * sizeof(table[0])) ||
		      check_records(r, table, n, pages, full, &last);
		for (uint32_t i = 0; i < n && !err; i++)
			keep[at + i] = table[i].index | (table[i].data << 31);
	}
	for (uint32_t i = 0; i < count && !err; i++) {
		uint32_t index = keep[i] & 0x7fffffffu;
		uint8_t *p = base + index * SNAP_PAGE;

		if (keep[i] >> 31)
			err = snap_read_payload(r, p, page_len(bytes, index));
		else
			memset(p, 0, page_len(bytes, index));
	}
	free(keep);
	return err ? -1 : snap_end_section(r);
}
