/*L:510 launcher/snapshot_format.c: writing and reading the format of
 * L:500, trusting nothing that is read. A reader checks, in order: the
 * magic, the version, the header's own CRC; then for each section that it
 * is the one expected next, that its payload is all there, and that its
 * CRC matches; for MEMORY and DISK, whose CRC is the index's, that the
 * records make sense (in range, increasing, slots in order, no zero page
 * in a full snapshot, the length what they add up to) before a byte lands
 * in memory, and then each page against its own record's CRC. Next:
 * launcher/snapshot.c, which uses it. */
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

uint32_t snap_page_len(uint32_t bytes, uint32_t index)
{
	uint32_t at = index * SNAP_PAGE;

	return bytes - at < SNAP_PAGE ? bytes - at : SNAP_PAGE;
}

uint64_t snap_checksum_add(uint64_t h, uint32_t index, uint32_t crc)
{
	uint32_t rec[2] = { index, crc };

	return snap_fnv64(h, rec, sizeof(rec));
}

uint64_t snap_memory_checksum(const uint8_t *mem, uint32_t bytes)
{
	uint64_t h = SNAP_FNV_INIT;
	uint32_t pages = (bytes + SNAP_PAGE - 1) / SNAP_PAGE;

	for (uint32_t i = 0; i < pages; i++) {
		const uint8_t *p = mem + i * SNAP_PAGE;
		uint32_t len = snap_page_len(bytes, i);

		if (!snap_page_zero(p, len))
			h = snap_checksum_add(h, i, snap_crc32(0, p, len));
	}
	return h;
}

const uint8_t *snap_memory_page(void *ctx, uint32_t index, uint8_t *buf)
{
	(void)buf;
	return (const uint8_t *)ctx + index * SNAP_PAGE;
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

/* The index comes first, so a first pass over the pages makes the
 * records (and finds the length), and a second writes the data. */
static uint32_t make_records(const struct snap_pages_in *in, const uint32_t *pages,
			     uint32_t count, bool full, struct snap_page *rec,
			     struct snap_pages_head *head, uint8_t *buf)
{
	uint32_t n = 0, data_bytes = 0;

	head->data_count = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t len = snap_page_len(in->bytes, pages[i]);
		const uint8_t *p = in->get(in->ctx, pages[i], buf);

		if (!p)
			return UINT32_MAX;
		if (snap_page_zero(p, len)) {
			if (!full)
				rec[n++] = (struct snap_page){ pages[i], SNAP_SLOT_ZERO, 0 };
			continue;
		}
		rec[n++] = (struct snap_page){ pages[i], head->data_count++, snap_crc32(0, p, len) };
		data_bytes += len;
	}
	head->count = n;
	return data_bytes;
}

static int write_data(struct snap_writer *w, const struct snap_pages_in *in,
		      const struct snap_page *rec, uint32_t n, uint8_t *buf)
{
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p;

		if (rec[i].slot == SNAP_SLOT_ZERO)
			continue;
		if (!(p = in->get(in->ctx, rec[i].index, buf))) {
			w->failed = 1;
			return -1;
		}
		put(w, p, snap_page_len(in->bytes, rec[i].index));
	}
	return w->failed ? -1 : 0;
}

int snap_write_pages(struct snap_writer *w, uint32_t type, const struct snap_pages_in *in,
		     const uint32_t *pages, uint32_t count, bool full, uint32_t *data)
{
	struct snap_page *rec = malloc((count ? count : 1) * sizeof(*rec));
	uint8_t *buf = malloc(SNAP_PAGE);
	struct snap_pages_head head;
	struct snap_section s = { type, 0, 0, 0 };
	uint32_t data_bytes;

	if (!rec || !buf || (data_bytes = make_records(in, pages, count, full, rec, &head, buf))
			    == UINT32_MAX) {
		w->failed = 1;
	} else {
		s.length = (uint32_t)(sizeof(head) + head.count * sizeof(*rec)) + data_bytes;
		s.crc = snap_crc32(snap_crc32(0, &head, sizeof(head)), rec,
				   head.count * sizeof(*rec));
		put(w, &s, sizeof(s));
		put(w, &head, sizeof(head));
		put(w, rec, head.count * sizeof(*rec));
		write_data(w, in, rec, head.count, buf);
		if (data)
			*data = head.data_count;
	}
	free(rec);
	free(buf);
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
		r->at += (uint64_t)n;
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

static int check_crc(struct snap_reader *r)
{
	if (r->crc != r->sec.crc)
		return explain(-1, r->why, r->whylen, "section %s: checksum mismatch (stored "
			       "0x%08x, computed 0x%08x)", snap_section_name(r->sec.type),
			       r->sec.crc, r->crc);
	return 0;
}

int snap_end_section(struct snap_reader *r)
{
	if (r->done != r->sec.length)
		return explain(-1, r->why, r->whylen, "section %s: length %u, but it holds %u "
			       "bytes", snap_section_name(r->sec.type), r->sec.length, r->done);
	return check_crc(r);
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

/*L:535 A page section's index. The records are checked as a whole
 * before anything trusts one: numbers in range and increasing, each data
 * record the next slot, a zero record's CRC 0, none at all in a full
 * snapshot (whose zero pages are simply not named), and the section's
 * length exactly the index and the data the records add up to. */
static int check_records(struct snap_reader *r, const struct snap_index *ix, bool full,
			 uint64_t *data_bytes)
{
	const char *name = snap_section_name(ix->type);
	uint32_t pages = (ix->bytes + SNAP_PAGE - 1) / SNAP_PAGE, slot = 0;
	int64_t last = -1;

	*data_bytes = 0;
	for (uint32_t i = 0; i < ix->head.count; i++) {
		const struct snap_page *p = &ix->rec[i];

		if (p->index >= pages || (int64_t)p->index <= last)
			return explain(-1, r->why, r->whylen, "section %s: bad page record %u "
				       "(page %u of %u)", name, i, p->index, pages);
		if (p->slot == SNAP_SLOT_ZERO && (full || p->crc))
			return explain(-1, r->why, r->whylen, "section %s: page %u: recorded as "
				       "zero %s", name, p->index, full ? "in a full snapshot, "
				       "which names only pages with data" : "with a CRC");
		if (p->slot != SNAP_SLOT_ZERO && p->slot != slot)
			return explain(-1, r->why, r->whylen, "section %s: page %u: slot %u, "
				       "expected %u", name, p->index, p->slot, slot);
		if (p->slot != SNAP_SLOT_ZERO) {
			slot++;
			*data_bytes += snap_page_len(ix->bytes, p->index);
		}
		last = p->index;
	}
	if (slot != ix->head.data_count)
		return explain(-1, r->why, r->whylen, "section %s: %u data pages counted, %u "
			       "recorded", name, ix->head.data_count, slot);
	return 0;
}

static int read_records(struct snap_reader *r, struct snap_index *ix)
{
	const char *name = snap_section_name(ix->type);
	uint32_t pages = (ix->bytes + SNAP_PAGE - 1) / SNAP_PAGE;

	if (ix->head.count > pages)
		return explain(-1, r->why, r->whylen, "section %s: %u pages recorded, the guest "
			       "has %u", name, ix->head.count, pages);
	if ((uint64_t)ix->head.count * sizeof(struct snap_page) > r->sec.length - r->done)
		return explain(-1, r->why, r->whylen, "section %s: length %u is too short for "
			       "%u records", name, r->sec.length, ix->head.count);
	if (!(ix->rec = malloc((ix->head.count ? ix->head.count : 1) * sizeof(*ix->rec))))
		return explain(-1, r->why, r->whylen, "section %s: no memory for %u records",
			       name, ix->head.count);
	return snap_read_payload(r, ix->rec, ix->head.count * (uint32_t)sizeof(*ix->rec));
}

int snap_read_index(struct snap_reader *r, uint32_t type, uint32_t bytes, bool full,
		    struct snap_index *ix)
{
	uint64_t data_bytes;

	*ix = (struct snap_index){ .type = type, .bytes = bytes };
	if (snap_next_section(r, type) || snap_read_payload(r, &ix->head, sizeof(ix->head)) ||
	    read_records(r, ix) || check_crc(r) || check_records(r, ix, full, &data_bytes))
		goto fail;
	if (r->sec.length - r->done != data_bytes) {
		explain(-1, r->why, r->whylen, "section %s: length %u, but its records make %u "
			"bytes", snap_section_name(type), r->sec.length,
			r->done + (uint32_t)data_bytes);
		goto fail;
	}
	ix->data_at = r->at;
	return 0;
fail:
	snap_free_index(ix);
	return -1;
}

void snap_free_index(struct snap_index *ix)
{
	free(ix->rec);
	ix->rec = NULL;
}

uint64_t snap_page_offset(const struct snap_index *ix, const struct snap_page *rec)
{
	return ix->data_at + (uint64_t)rec->slot * SNAP_PAGE;
}

int snap_check_page(const struct snap_page *rec, const uint8_t *bytes, uint32_t len,
		    char *why, size_t whylen)
{
	uint32_t crc = snap_crc32(0, bytes, len);

	if (crc != rec->crc)
		return explain(-1, why, whylen, "page %u: checksum mismatch (stored 0x%08x, "
			       "computed 0x%08x)", rec->index, rec->crc, crc);
	if (snap_page_zero(bytes, len))
		return explain(-1, why, whylen, "page %u: all zero, but recorded with data",
			       rec->index);
	return 0;
}

/* A page section's CRC was its index's, checked already. */
static int end_data_section(struct snap_reader *r)
{
	if (r->done != r->sec.length)
		return explain(-1, r->why, r->whylen, "section %s: length %u, but it holds %u "
			       "bytes", snap_section_name(r->sec.type), r->sec.length, r->done);
	return 0;
}

int snap_read_data(struct snap_reader *r, const struct snap_index *ix, uint8_t *base)
{
	char page_why[96];

	for (uint32_t i = 0; i < ix->head.count; i++) {
		const struct snap_page *p = &ix->rec[i];
		uint32_t len = snap_page_len(ix->bytes, p->index);
		uint8_t *at = base + p->index * SNAP_PAGE;

		if (p->slot == SNAP_SLOT_ZERO) {
			memset(at, 0, len);
			continue;
		}
		if (snap_read_payload(r, at, len))
			return -1;
		if (snap_check_page(p, at, len, page_why, sizeof(page_why)))
			return explain(-1, r->why, r->whylen, "section %s: %s",
				       snap_section_name(ix->type), page_why);
	}
	return end_data_section(r);
}

int snap_skip_data(struct snap_reader *r, const struct snap_index *ix)
{
	uint32_t left = r->sec.length - r->done;

	if (!r->skip || r->skip(r->ctx, r->at + left))
		return explain(-1, r->why, r->whylen, "section %s: truncated (the file ends "
			       "inside its %u bytes)", snap_section_name(ix->type), r->sec.length);
	r->at += left;
	r->done += left;
	return 0;
}

int snap_read_pages(struct snap_reader *r, uint32_t type, uint8_t *base, uint32_t bytes, bool full)
{
	struct snap_index ix;
	int err;

	if (snap_read_index(r, type, bytes, full, &ix))
		return -1;
	err = snap_read_data(r, &ix, base);
	snap_free_index(&ix);
	return err;
}

/*L:615 The merge of L:610: two sorted lists walked together. */
uint32_t snap_merge(const struct snap_where *view, uint32_t n, const struct snap_index *ix,
		    uint32_t file, struct snap_where *out)
{
	uint32_t i = 0, j = 0, k = 0;

	while (i < n || j < ix->head.count) {
		const struct snap_page *p = j < ix->head.count ? &ix->rec[j] : NULL;

		if (!p || (i < n && view[i].index < p->index)) {
			out[k++] = view[i++];
			continue;
		}
		if (i < n && view[i].index == p->index)
			i++;			/* the newer record wins */
		if (p->slot != SNAP_SLOT_ZERO)
			out[k++] = (struct snap_where){ p->index, file, p->slot, p->crc };
		j++;
	}
	return k;
}

uint32_t snap_where_find(const struct snap_where *view, uint32_t n, uint32_t index)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (view[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t snap_where_checksum(const struct snap_where *view, uint32_t n)
{
	uint64_t h = SNAP_FNV_INIT;

	for (uint32_t i = 0; i < n; i++)
		h = snap_checksum_add(h, view[i].index, view[i].crc);
	return h;
}
