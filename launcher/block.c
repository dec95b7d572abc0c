/*L:320 launcher/block.c: the block device, a disk for the guest.
 *
 * Two kinds of disk. "launcher --disk IMAGE" serves the guest's disk from
 * the file IMAGE itself, normally on the host's /var (/var/pup.img): each
 * request reads or writes the file (seek, then read or write), so what
 * the guest writes is in the file when the request completes and is
 * still there at its next boot. The file is opened O_LOCK: one Launcher
 * at a time may serve it, and a second is refused ("in use by another
 * guest"). A read-only file, such as a boot module, is refused too, with
 * the other kind named: "launcher --snapshot-disk IMAGE" (or --disk
 * IMAGE,ro) reads the whole image into the Launcher's memory (read_file
 * in launcher.c) and serves that copy: the guest's writes last as long as
 * it runs, the file never changes, and any number of guests may share
 * it. Either way the guest sees a KN_DEV_BLOCK device with one queue, its
 * size in 512-byte sectors in config[0]; the image must be a whole
 * number of sectors, and at least one.
 *
 * A kick takes every chain the guest has made available, serves each
 * (block_request.c), hands it back with the bytes written into it, and
 * raises the device's interrupt once for the lot. Requests are done at
 * once, in order, before the guest runs again. A chain the Launcher cannot
 * answer, or a descriptor outside guest memory, stops the guest; a failed
 * read or write of the file is the guest's IOERR. Next: the block
 * device's unit tests, tests/unit/test_launcher_block.c. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
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

/*L:321 The disk on a file: every transfer a seek and a whole read or write. */
static int image_fd = -1;

static int file_io(void *ctx, uint64_t offset, void *buf, uint32_t len, int write_it)
{
	uint8_t *p = buf;

	(void)ctx;
	if (offset > 0x7fffffffu || lseek(image_fd, (off_t)offset, SEEK_SET) != (off_t)offset)
		return -1;
	while (len) {
		ssize_t n = write_it ? write(image_fd, p, len) : read(image_fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

static const char *open_problem(int err)
{
	if (err == EROFS)
		return "read-only (a boot module?): --snapshot-disk serves a copy in memory";
	if (err == EBUSY)
		return "in use by another guest: a disk image serves one guest at a time";
	return strerror(err);
}

static int open_image(const char *image, uint32_t *size)
{
	struct k_stat st;

	image_fd = open(image, O_RDWR | O_LOCK);
	if (image_fd < 0) {
		fprintf(stderr, "launcher: %s: %s\n", image, open_problem(errno));
		return -1;
	}
	if (fstat(image_fd, &st) < 0 || st.type != K_TYPE_FILE) {
		fprintf(stderr, "launcher: %s: not a file\n", image);
		return -1;
	}
	*size = st.size;
	return 0;
}

static int add_disk(struct guest *g, const char *image, uint8_t *bytes, uint32_t size)
{
	if (size == 0 || size % KN_SECTOR_SIZE)
		return refuse_image(image, size, bytes);
	g->disk_path = image;
	g->disk_in_memory = bytes != NULL;
	disk = (struct blk_disk){ .bytes = bytes, .sectors = size / KN_SECTOR_SIZE, .io = file_io };
	if (device_add(g, &block_ops, &disk)) {
		fprintf(stderr, "launcher: %s: no room for another device\n", image);
		return -1;
	}
	g->page.devices[g->page.count - 1].config[0] = disk.sectors;
	return 0;
}

int block_add(struct guest *g, const char *image, bool snapshot)
{
	uint32_t size = 0;
	uint8_t *bytes = NULL;

	if (snapshot ? !(bytes = read_file(image, &size)) : open_image(image, &size) != 0)
		return -1;
	return add_disk(g, image, bytes, size);
}

/*L:322 Snapshots (snapshot.c) save a disk in memory with the guest and
 * give a restored guest a zeroed one of the same size to fill. */
int block_add_memory(struct guest *g, const char *image, uint32_t bytes)
{
	uint8_t *copy = malloc(bytes ? bytes : 1);

	if (!copy) {
		fprintf(stderr, "launcher: %s: no memory for a disk of %u bytes\n", image, bytes);
		return -1;
	}
	memset(copy, 0, bytes);
	return add_disk(g, image, copy, bytes);
}

uint8_t *block_bytes(uint32_t *bytes)
{
	*bytes = disk.sectors * KN_SECTOR_SIZE;
	return disk.bytes;
}
