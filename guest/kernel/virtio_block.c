/*G:400 guest/kernel/virtio_block.c: the disk under kennel.
 *
 * The Launcher serves a disk image as a block device with one queue
 * (arch/x86/virtio.h): a request is a chain of three buffers, a header
 * the device reads (struct kn_blk_req: read or write, and the first
 * sector), the data (which the device writes, for a read), and one status
 * byte the device writes last. pup makes one request at a time: it queues
 * the chain, kicks, and sleeps until the queue's interrupt says the
 * request is back. The kick is made with interrupts on: this Launcher
 * serves the request during the kick, so the interrupt is delivered on
 * the way back from it, and pup seldom needs to sleep at all. The device's size in sectors is config[0] of its entry
 * in the device page. Next: the disk natively, G:410. */
#include "guest/kernel/drivers.h"
#include "guest/kernel/kennel.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/trap.h"
#include "guest/kernel/virtqueue.h"

static struct virtqueue vq;
static struct sleeplock disk_lock;
static struct kn_blk_req request;
static volatile uint8_t status;
static volatile bool done;

static void block_irq(void)
{
	uint32_t len;

	while (vq_take_used(&vq, &len))
		done = true;
	wakeup(&vq);
}

int32_t virtio_block_init(uint32_t *sectors)
{
	const struct kn_device *dev = kennel_device(KN_DEV_BLOCK);

	if (!dev || dev->num_queues < 1 || vq_init(&vq, &dev->queues[0]))
		return -ENODEV;
	irq_register(vq.irq, block_irq);
	pv.irq_unmask(vq.irq);
	*sectors = dev->config[0];
	return 0;
}

int32_t virtio_block_rw(uint32_t sector, uint32_t count, void *buf, bool write)
{
	struct vq_buf bufs[3] = {
		{ &request, sizeof(request), false },
		{ buf, count * KN_SECTOR_SIZE, !write },
		{ (void *)&status, 1, true },
	};
	uint32_t flags;
	int32_t err;

	lock(&disk_lock);
	request = (struct kn_blk_req){ .type = write ? KN_BLK_T_OUT : KN_BLK_T_IN, .sector = sector };
	status = 0xff;
	done = false;
	flags = pv_irq_save();
	vq_add(&vq, bufs, 3, &request);
	pv_irq_restore(flags);
	vq_kick(&vq);
	flags = pv_irq_save();
	while (!done)
		sleep_on(&vq);
	pv_irq_restore(flags);
	err = status == KN_BLK_S_OK ? 0 : -EIO;
	unlock(&disk_lock);
	return err;
}
