/*L:300 launcher/block_request.h: what a block request is, and the rules
 * one must follow before the Launcher touches its disk for it.
 *
 * A guest asks for sectors with one descriptor chain per request
 * (arch/x86/virtio.h), always in this order:
 *
 *   struct kn_blk_req     device-readable: type, sector
 *   data buffers          zero or more: device-writable for KN_BLK_T_IN,
 *                         device-readable for KN_BLK_T_OUT
 *   status byte           device-writable, the last descriptor
 *
 * Two kinds of wrong. A chain without that shape (no readable header of
 * 16 bytes first, no writable byte last) is a guest whose driver is
 * broken: there is nowhere to put an answer, so blk_serve refuses it with
 * a reason and the Launcher stops the guest ("bad virtqueue: ...", as for
 * the console). A request that has the shape but asks for something the
 * disk cannot do gets an answer in its status byte: KN_BLK_S_UNSUPP for a
 * type other than IN or OUT, KN_BLK_S_IOERR for data that is not whole
 * sectors, a data buffer going the wrong way, or any sector at or past
 * the end of the disk. Nothing is copied then, not even the part that
 * would fit: a request is done whole or not at all.
 *
 * The disk is a buffer of sectors * 512 bytes in the Launcher's memory.
 * Pure logic: tests/unit/test_launcher_block.c drives it natively. Next:
 * launcher/block_request.c. */
#ifndef LAUNCHER_BLOCK_REQUEST_H
#define LAUNCHER_BLOCK_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/virtio.h"
#include "launcher/virtqueue.h"

/* The disk: bytes in memory, or (bytes NULL) a file reached through io,
 * which moves len bytes at offset and returns 0, or -1 for an I/O error
 * (the guest is told KN_BLK_S_IOERR). */
struct blk_disk {
	uint8_t *bytes;
	uint32_t sectors;
	int (*io)(void *ctx, uint64_t offset, void *buf, uint32_t len, int write);
	void *ctx;
};

/* A chain of the right shape, taken apart. */
struct blk_request {
	struct kn_blk_req header;	/* our copy: the guest cannot change it now */
	const struct vq_buffer *data;	/* ndata buffers, between header and status */
	uint32_t ndata;
	uint8_t *status;		/* in guest memory */
};

/* 0 and r, or -1 and why (the chain has no usable shape). */
int blk_parse(const struct vq_chain *c, struct blk_request *r, char *why, size_t whylen);
/* KN_BLK_S_OK if the disk can do r, else the status to answer with. */
uint8_t blk_check(const struct blk_request *r, uint32_t sectors);
/* Serve one chain: 0 and the bytes written into the guest's buffers
 * (status byte included, for the used ring), or -1 and why. */
int blk_serve(struct blk_disk *d, const struct vq_chain *c, uint32_t *written,
	      char *why, size_t whylen);

#endif
