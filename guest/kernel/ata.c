/*G:410 guest/kernel/ata.c: the disk natively: the primary IDE master,
 * by programmed I/O.
 *
 * The oldest way to talk to a PC disk, and the simplest: write the
 * sector number (28-bit LBA), the count and a command into the
 * controller's registers at 0x1f0-0x1f7, then for each sector wait until
 * the drive is ready (BSY clear, DRQ set) and move 256 words through the
 * data port. pup polls and keeps the drive's interrupt off (nIEN):
 * under QEMU a sector is ready almost at once, and a polled driver never
 * sleeps, so the file system's lock is never held across a context
 * switch natively. After a write, FLUSH CACHE makes sure the sectors
 * reached the disk image before pup calls the write done. IDENTIFY at
 * start-up says whether there is a disk and how many sectors it has.
 * Next: the block cache, G:420. */
#include "arch/x86/io.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/kernel.h"

#define ATA_DATA	0x1f0
#define ATA_COUNT	0x1f2
#define ATA_LBA_LOW	0x1f3
#define ATA_LBA_MID	0x1f4
#define ATA_LBA_HIGH	0x1f5
#define ATA_DRIVE	0x1f6
#define ATA_STATUS	0x1f7	/* read */
#define ATA_COMMAND	0x1f7	/* write */
#define ATA_CONTROL	0x3f6
#define CONTROL_NIEN	0x02	/* no interrupts: pup polls */
#define DRIVE_MASTER_LBA 0xe0
#define STATUS_ERR	0x01
#define STATUS_DRQ	0x08
#define STATUS_DF	0x20
#define STATUS_BSY	0x80
#define CMD_READ	0x20
#define CMD_WRITE	0x30
#define CMD_FLUSH	0xe7
#define CMD_IDENTIFY	0xec
#define SECTOR_WORDS	256
#define POLL_LIMIT	10000000u

/* Reading the alternate status a few times gives the drive its 400 ns. */
static void settle(void)
{
	for (int i = 0; i < 4; i++)
		inb(ATA_CONTROL);
}

static int32_t wait_idle(void)
{
	for (uint32_t n = 0; n < POLL_LIMIT; n++) {
		uint8_t s = inb(ATA_STATUS);

		if (!(s & STATUS_BSY))
			return (s & (STATUS_ERR | STATUS_DF)) ? -EIO : 0;
	}
	return -EIO;
}

static int32_t wait_data(void)
{
	for (uint32_t n = 0; n < POLL_LIMIT; n++) {
		uint8_t s = inb(ATA_STATUS);

		if (s & (STATUS_ERR | STATUS_DF))
			return -EIO;
		if (!(s & STATUS_BSY) && (s & STATUS_DRQ))
			return 0;
	}
	return -EIO;
}

static void send_command(uint32_t sector, uint32_t count, uint8_t command)
{
	outb(ATA_DRIVE, (uint8_t)(DRIVE_MASTER_LBA | ((sector >> 24) & 0x0f)));
	settle();
	outb(ATA_COUNT, (uint8_t)count);
	outb(ATA_LBA_LOW, (uint8_t)sector);
	outb(ATA_LBA_MID, (uint8_t)(sector >> 8));
	outb(ATA_LBA_HIGH, (uint8_t)(sector >> 16));
	outb(ATA_COMMAND, command);
}

int32_t ata_init(uint32_t *sectors)
{
	uint16_t id[SECTOR_WORDS];
	uint8_t s;

	outb(ATA_CONTROL, CONTROL_NIEN);
	send_command(0, 0, CMD_IDENTIFY);
	s = inb(ATA_STATUS);
	if (s == 0 || s == 0xff || wait_idle())
		return -ENODEV;
	if (inb(ATA_LBA_MID) || inb(ATA_LBA_HIGH) || wait_data())
		return -ENODEV;
	for (int i = 0; i < SECTOR_WORDS; i++)
		id[i] = inw(ATA_DATA);
	*sectors = id[60] | ((uint32_t)id[61] << 16);
	return 0;
}

static int32_t transfer(uint16_t *words, bool write)
{
	int32_t err = wait_data();

	for (int i = 0; i < SECTOR_WORDS && !err; i++) {
		if (write)
			outw(ATA_DATA, words[i]);
		else
			words[i] = inw(ATA_DATA);
	}
	return err;
}

int32_t ata_rw(uint32_t sector, uint32_t count, void *buf, bool write)
{
	uint16_t *words = buf;
	int32_t err = 0;

	if (!count || count > 255 || sector >= (1u << 28) || (err = wait_idle()))
		return -EIO;
	send_command(sector, count, write ? CMD_WRITE : CMD_READ);
	for (uint32_t n = 0; n < count && !err; n++)
		err = transfer(words + n * SECTOR_WORDS, write);
	if (!err && write) {
		outb(ATA_COMMAND, CMD_FLUSH);
		err = wait_idle();
	}
	return err;
}
