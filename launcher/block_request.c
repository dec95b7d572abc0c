/*L:310 launcher/block_request.c: serving one block request, checking
 * every number the guest wrote before it becomes an offset into the disk.
 *
 * The sector is a 64-bit number and the data lengths add up in 64 bits
 * too, so no request can wrap around to look small: a request fits when
 * its sector is not past the disk's end and its count of sectors fits in
 * what is left above it, the test guest_mem.h makes for memory. Next: the
 * device itself, launcher/block.c. */
#include <stdbool.h>
#include "lib/format.h"
#include "lib/string.h"
#include "launcher/block_request.h"

int blk_parse(const struct vq_chain *c, struct blk_request *r, char *why, size_t whylen)
{
	const struct vq_buffer *head = &c->bufs[0], *last;

	if (c->count < 2)
		return explain(-1, why, whylen, "block request from %u has %u descriptor(s); "
			       "it needs a header and a status byte", c->head, c->count);
	last = &c->bufs[c->count - 1];
	if (head->writable || head->len < sizeof(struct kn_blk_req))
		return explain(-1, why, whylen, "block request from %u: the header must be "
			       "device-readable and %u bytes", c->head,
			       (unsigned)sizeof(struct kn_blk_req));
	if (!last->writable || last->len < 1)
		return explain(-1, why, whylen, "block request from %u: the last descriptor "
			       "must be a device-writable status byte", c->head);
	memcpy(&r->header, head->data, sizeof(r->header));
	r->data = c->bufs + 1;
	r->ndata = c->count - 2;
	r->status = last->data;
	return 0;
}

/* The data bytes of r, if every buffer goes the way its type needs. */
static bool data_bytes(const struct blk_request *r, uint64_t *bytes)
{
	bool device_writes = r->header.type == KN_BLK_T_IN;

	*bytes = 0;
	for (uint32_t i = 0; i < r->ndata; i++) {
		if (r->data[i].writable != device_writes)
			return false;
		*bytes += r->data[i].len;
	}
	return true;
}

uint8_t blk_check(const struct blk_request *r, uint32_t sectors)
{
	uint64_t bytes;

	if (r->header.type != KN_BLK_T_IN && r->header.type != KN_BLK_T_OUT)
		return KN_BLK_S_UNSUPP;
	if (!data_bytes(r, &bytes) || bytes % KN_SECTOR_SIZE)
		return KN_BLK_S_IOERR;
	if (r->header.sector > sectors || bytes / KN_SECTOR_SIZE > sectors - r->header.sector)
		return KN_BLK_S_IOERR;
	return KN_BLK_S_OK;
}

/* Copy r's data between the disk and the guest; r passed blk_check. A
 * disk on a file may fail part way: the guest hears IOERR. */
static uint8_t transfer(struct blk_disk *d, const struct blk_request *r)
{
	uint64_t offset = (uint64_t)r->header.sector * KN_SECTOR_SIZE;
	int in = r->header.type == KN_BLK_T_IN;

	for (uint32_t i = 0; i < r->ndata; i++) {
		if (!d->bytes) {
			if (d->io(d->ctx, offset, r->data[i].data, r->data[i].len, !in))
				return KN_BLK_S_IOERR;
		} else if (in) {
			memcpy(r->data[i].data, d->bytes + offset, r->data[i].len);
		} else {
			memcpy(d->bytes + offset, r->data[i].data, r->data[i].len);
		}
		offset += r->data[i].len;
	}
	return KN_BLK_S_OK;
}

static uint32_t bytes_read(const struct blk_request *r)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->ndata; i++)
		n += r->data[i].len;
	return n;
}

int blk_serve(struct blk_disk *d, const struct vq_chain *c, uint32_t *written,
	      char *why, size_t whylen)
{
	struct blk_request r;
	uint8_t status;

	if (blk_parse(c, &r, why, whylen))
		return -1;
	status = blk_check(&r, d->sectors);
	if (status == KN_BLK_S_OK)
		status = transfer(d, &r);
	*r.status = status;
	*written = 1;
	if (status == KN_BLK_S_OK && r.header.type == KN_BLK_T_IN)
		*written += bytes_read(&r);
	return 0;
}
