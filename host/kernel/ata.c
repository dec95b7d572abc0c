/*U:800 host/kernel/ata.c: the host's disk: the primary IDE master, by
 * programmed I/O, driven by its interrupt.
 *
 * The registers and commands are arch/x86/ata.h (P:108), the same pup's
 * polled driver uses (G:410). The host cannot poll: a guest's Launcher
 * waiting for a block of its disk image must not stop the other guests.
 * So each request is a struct disk_request on its caller's stack, put on
 * a queue; the drive works on the head of the queue, and its interrupt
 * (IRQ 14) moves each sector (a read: the drive has one ready; a write:
 * it has taken one) and, after the last, marks the request done, wakes
 * its caller and starts the next. The caller sleeps meanwhile
 * (proc_sleep, with the protocol of host/kernel/sched.h), or, at boot
 * before any process exists, halts until the interrupt comes.
 *
 * Every request is checked before it is queued: a count of 1..255 sectors
 * that ends inside the disk. A failure (ERR or DF in the status) ends the
 * request with -EIO, and the caller's console line names the sector, the
 * status and the error register. A write's first sector goes to the drive
 * when the command starts (it raises DRQ without an interrupt); a flush
 * is a request of no sectors. Next: the file system on the disk,
 * host/kernel/var.c (U:810). */
#include "arch/x86/ata.h"
#include "arch/x86/cpu.h"
#include "arch/x86/syscall.h"
#include "host/kernel/console.h"
#include "host/kernel/disk.h"
#include "host/kernel/pic.h"
#include "host/kernel/sched.h"
#include "host/kernel/trap.h"

#define POLL_LIMIT	1000000u
#define IRQ_CASCADE	2		/* the slave PIC's line on the master */

struct disk_request {
	uint32_t sector, count;		/* count 0: FLUSH CACHE */
	uint8_t *buf;
	bool write;
	uint32_t moved;			/* sectors done so far */
	bool started;			/* its command has gone to the drive */
	volatile bool done;
	int32_t err;
	uint8_t status, error;		/* the drive's, when it failed */
	struct process *waiter;		/* NULL at boot */
	struct disk_request *next;
};

static struct disk_request *head, *tail;
static uint32_t sectors;

uint32_t disk_sectors(void)
{
	return sectors;
}

static bool wait_status(uint8_t want)
{
	for (uint32_t n = 0; n < POLL_LIMIT; n++) {
		uint8_t s = inb(ATA_STATUS);

		if (s & (ATA_STATUS_ERR | ATA_STATUS_DF))
			return false;
		if (!(s & ATA_STATUS_BSY) && (s & want) == want)
			return true;
	}
	return false;
}

static void enable_irq(void);

bool disk_init(void)
{
	uint16_t id[ATA_SECTOR_WORDS];
	uint8_t s;

	outb(ATA_CONTROL, ATA_CONTROL_NIEN);
	ata_send_command(0, 0, ATA_CMD_IDENTIFY);
	s = inb(ATA_STATUS);
	if (s == 0 || s == 0xff || !wait_status(0) || inb(ATA_LBA_MID) || inb(ATA_LBA_HIGH) ||
	    !wait_status(ATA_STATUS_DRQ))
		return false;
	ata_read_sector(id);
	sectors = id[ATA_ID_SECTORS_LO] | ((uint32_t)id[ATA_ID_SECTORS_HI] << 16);
	if (sectors)
		enable_irq();
	return sectors != 0;
}

/*U:801 The queue. Everything below runs with interrupts off. */
static void finish(struct disk_request *r, int32_t err)
{
	if (err) {
		r->status = inb(ATA_STATUS);
		r->error = inb(ATA_ERROR);
	}
	r->err = err;
	r->done = true;
	head = r->next;
	if (!head)
		tail = NULL;
	if (r->waiter)
		proc_wake(r->waiter);
}

static uint16_t *sector_words(struct disk_request *r)
{
	return (uint16_t *)(r->buf + r->moved * ATA_SECTOR_SIZE);
}

static bool was_started(const struct disk_request *r)
{
	return !r || r->started;
}

static void start_next(void)
{
	while (head) {
		struct disk_request *r = head;

		r->started = true;
		if (!r->count) {
			outb(ATA_DRIVE, ATA_DRIVE_MASTER_LBA);
			ata_settle();
			outb(ATA_COMMAND, ATA_CMD_FLUSH);
			return;
		}
		ata_send_command(r->sector, r->count, r->write ? ATA_CMD_WRITE : ATA_CMD_READ);
		if (!r->write)
			return;
		if (wait_status(ATA_STATUS_DRQ)) {
			ata_write_sector(sector_words(r));
			return;
		}
		finish(r, -EIO);
	}
}

static void step(struct disk_request *r, uint8_t s)
{
	if (s & (ATA_STATUS_ERR | ATA_STATUS_DF)) {
		finish(r, -EIO);
	} else if (!r->count) {
		finish(r, 0);
	} else if (!r->write) {
		if (!(s & ATA_STATUS_DRQ))
			return;		/* not this request's interrupt yet */
		ata_read_sector(sector_words(r));
		if (++r->moved == r->count)
			finish(r, 0);
	} else if (++r->moved == r->count) {
		finish(r, 0);
	} else if (s & ATA_STATUS_DRQ) {
		ata_write_sector(sector_words(r));
	} else {
		finish(r, -EIO);
	}
}

static void ata_irq(struct trap_frame *f)
{
	uint8_t s = inb(ATA_STATUS);	/* also acknowledges the interrupt */

	(void)f;
	if (!head || (s & ATA_STATUS_BSY))
		return;
	step(head, s);
	if (!was_started(head))
		start_next();
}

static void enable_irq(void)
{
	irq_register(ATA_IRQ, ata_irq);
	pic_unmask(IRQ_CASCADE);
	pic_unmask(ATA_IRQ);
	outb(ATA_CONTROL, 0);
}

/*U:802 Submitting: check, queue, start if the drive is idle, and wait.
 * The wait does not end early for a process being killed: the request
 * lives on its stack, and the interrupt handler will still write into
 * its buffer, so it waits for the drive like everyone else. */
static int32_t submit(struct disk_request *r)
{
	uint32_t flags = irq_save();
	bool was_idle = !head;

	r->waiter = current;
	if (tail)
		tail->next = r;
	else
		head = r;
	tail = r;
	if (was_idle)
		start_next();
	while (!r->done) {
		if (current) {
			proc_sleep();
		} else {
			cpu_idle();
			irq_disable();
		}
	}
	irq_restore(flags);
	return r->err;
}

int32_t disk_rw(uint32_t sector, uint32_t count, void *buf, bool write)
{
	struct disk_request r = { .sector = sector, .count = count, .buf = buf, .write = write };
	int32_t err;

	if (!sectors)
		return -ENODEV;
	if (count == 0 || count > ATA_MAX_COUNT || (uint64_t)sector + count > sectors) {
		kprintf("ata: %s of %u sectors at sector %u refused: the disk has %u\n",
			write ? "write" : "read", count, sector, sectors);
		return -EIO;
	}
	if ((err = submit(&r)))
		kprintf("ata: %s failed at sector %u (status 0x%x, error 0x%x)\n",
			write ? "write" : "read", sector + r.moved, r.status, r.error);
	return err;
}

int32_t disk_flush(void)
{
	struct disk_request r = { .count = 0 };

	return sectors ? submit(&r) : -ENODEV;
}
