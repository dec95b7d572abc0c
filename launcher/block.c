/*L:320 launcher/block.c: the block device, a disk for the guest.
 *
 * "launcher --disk IMAGE" reads the whole image file into the Launcher's
 * memory (read_file in launcher.c; malloc gives a block that big pages of
 * its own, mapped for it) and offers the guest a KN_DEV_BLOCK device with
 * one queue, its size in 512-byte sectors in config[0]. The image must be
 * a whole number of sectors, and at least one.
 *
 * The disk is that copy. The guest's writes change it and nothing else:
 * they last as long as this guest does, and are gone when the Launcher
 * exits; the image file (on the host's read-only module file system)
 * never changes, so every boot starts from the same disk, and two guests
 * given the same image each have their own.
 *
 * A kick takes every chain the guest has made available, serves each
 * (block_request.c), hands it back with the bytes written into it, and
 * raises the device's interrupt once for the lot. Requests are done at
 * once, in order, before the guest runs again. A chain the Launcher cannot
 * answer, or a descriptor outside guest memory, stops the guest. Next:
 * the block device's unit tests, tests/unit/test_launcher_block.c. */
#include <stdio.h>
#include <stdlib.h>
#include "launcher/block_request.h"
#include "launcher/launcher.h"

static struct blk_disk disk;

static int block_kick(struct guest *g, struct device *d, uint32_t q)
{
	struct vq *vq = &d->queues[q];
	struct vq_chain chain;
	uint32_t written;
	bool used = false;
	char why[160];
	int got;

	while ((got = vq_take_chain(vq, &g->mem, &chain, why, sizeof(why))) > 0) {
		if (blk_serve(d->state, &chain, &written, why, sizeof(why)) < 0)
			return bad_virtqueue(g, why);
		vq_put_used(vq, chain.head, written);
		used = true;
	}
	if (got < 0)
		return bad_virtqueue(g, why);
	return used ? send_irq(g, vq->irq) : LAUNCHER_RUNNING;
}

static const struct device_ops block_ops = {
	.name = "block",
	.type = KN_DEV_BLOCK,
	.num_queues = 1,
	.kick = block_kick,
};

static int refuse_image(const char *image, uint32_t size, uint8_t *bytes)
{
	fprintf(stderr, "launcher: %s: %u bytes is not a whole number of %u-byte sectors\n",
		image, size, KN_SECTOR_SIZE);
	free(bytes);
	return -1;
}

int block_add(struct guest *g, const char *image)
{
	uint32_t size = 0;
	uint8_t *bytes = read_file(image, &size);

	if (!bytes)
		return -1;
	if (size == 0 || size % KN_SECTOR_SIZE)
		return refuse_image(image, size, bytes);
	disk = (struct blk_disk){ .bytes = bytes, .sectors = size / KN_SECTOR_SIZE };
	if (device_add(g, &block_ops, &disk)) {
		fprintf(stderr, "launcher: %s: no room for another device\n", image);
		return -1;
	}
	g->page.devices[g->page.count - 1].config[0] = disk.sectors;
	return 0;
}
