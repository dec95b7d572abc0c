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
 * The registers, bits and commands are arch/x86/ata.h, shared with the
 * host's own driver. Next: pupfs, G:420. */
#include "arch/x86/ata.h"
#include "guest/kernel/drivers.h"
#include "guest/kernel/kernel.h"

#define POLL_LIMIT	10000000u

static int32_t wait_idle(void)
{
	for (uint32_t n = 0; n < POLL_LIMIT; n++) {
		uint8_t s = inb(ATA_STATUS);

		if (!(s & ATA_STATUS_BSY))
			return (s & (ATA_STATUS_ERR | ATA_STATUS_DF)) ? -EIO : 0;
	}
	return -EIO;
}

static int32_t wait_data(void)
{
	for (uint32_t n = 0; n < POLL_LIMIT; n++) {
		uint8_t s = inb(ATA_STATUS);

		if (s & (ATA_STATUS_ERR | ATA_STATUS_DF))
			return -EIO;
		if (!(s & ATA_STATUS_BSY) && (s & ATA_STATUS_DRQ))
			return 0;
	}
	return -EIO;
}

int32_t ata_init(uint32_t *sectors)
{
	uint16_t id[ATA_SECTOR_WORDS];
	uint8_t s;

	outb(ATA_CONTROL, ATA_CONTROL_NIEN);
	ata_send_command(0, 0, ATA_CMD_IDENTIFY);
	s = inb(ATA_STATUS);
	if (s == 0 || s == 0xff || wait_idle())
		return -ENODEV;
	if (inb(ATA_LBA_MID) || inb(ATA_LBA_HIGH) || wait_data())
		return -ENODEV;
	ata_read_sector(id);
	*sectors = id[ATA_ID_SECTORS_LO] | ((uint32_t)id[ATA_ID_SECTORS_HI] << 16);
	return 0;
}

static int32_t transfer(uint16_t *words, bool write)
{
	int32_t err = wait_data();

	if (err)
		return err;
	if (write)
		ata_write_sector(words);
	else
		ata_read_sector(words);
	return 0;
}

int32_t ata_rw(uint32_t sector, uint32_t count, void *buf, bool write)
{
	uint16_t *words = buf;
	int32_t err = 0;

	if (!count || count > ATA_MAX_COUNT || sector >= ATA_MAX_SECTORS || (err = wait_idle()))
		return -EIO;
	ata_send_command(sector, count, write ? ATA_CMD_WRITE : ATA_CMD_READ);
	for (uint32_t n = 0; n < count && !err; n++)
		err = transfer(words + n * ATA_SECTOR_WORDS, write);
	if (!err && write) {
		outb(ATA_COMMAND, ATA_CMD_FLUSH);
		err = wait_idle();
	}
	return err;
}
