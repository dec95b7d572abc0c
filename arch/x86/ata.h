/*P:108 arch/x86/ata.h: the PC's IDE (ATA) disk controller, as both pup
 * (guest/kernel/ata.c, polled) and the host (host/kernel/ata.c, by
 * interrupt) drive it: the primary channel's registers at 0x1f0-0x1f7 and
 * 0x3f6, its IRQ, the status bits, the commands, and the register steps
 * every transfer starts with.
 *
 * A transfer by programmed I/O: select the drive with the top bits of a
 * 28-bit sector number, write the count and the rest of the number, then
 * the command; the drive raises BSY while busy and DRQ when 256 words of
 * a sector may move through the data port. After a command the drive
 * wants 400 ns before its status means anything: four reads of the
 * alternate status give it. QEMU's PIIX IDE controller starts in this
 * legacy mode; nothing need be set up on the PCI bus. */
#ifndef ARCH_X86_ATA_H
#define ARCH_X86_ATA_H

#include <stdint.h>
#include "arch/x86/io.h"

#define ATA_DATA		0x1f0
#define ATA_ERROR		0x1f1	/* read: why ERR was set */
#define ATA_COUNT		0x1f2
#define ATA_LBA_LOW		0x1f3
#define ATA_LBA_MID		0x1f4
#define ATA_LBA_HIGH		0x1f5
#define ATA_DRIVE		0x1f6
#define ATA_STATUS		0x1f7	/* read; reading it acknowledges the IRQ */
#define ATA_COMMAND		0x1f7	/* write */
#define ATA_CONTROL		0x3f6	/* write: device control; read: alternate status */
#define ATA_IRQ			14

#define ATA_CONTROL_NIEN	0x02	/* the drive raises no interrupts */
#define ATA_DRIVE_MASTER_LBA	0xe0

#define ATA_STATUS_ERR		0x01
#define ATA_STATUS_DRQ		0x08
#define ATA_STATUS_DF		0x20
#define ATA_STATUS_BSY		0x80

#define ATA_CMD_READ		0x20	/* READ SECTORS, 28-bit */
#define ATA_CMD_WRITE		0x30	/* WRITE SECTORS, 28-bit */
#define ATA_CMD_FLUSH		0xe7	/* FLUSH CACHE */
#define ATA_CMD_IDENTIFY	0xec

#define ATA_SECTOR_SIZE		512u
#define ATA_SECTOR_WORDS	256u
#define ATA_MAX_SECTORS		(1u << 28)	/* what a 28-bit number reaches */
#define ATA_MAX_COUNT		255u		/* sectors one command may move */
/* IDENTIFY's words 60-61: the sectors a 28-bit command reaches. */
#define ATA_ID_SECTORS_LO	60
#define ATA_ID_SECTORS_HI	61

/* Reading the alternate status a few times gives the drive its 400 ns. */
static inline void ata_settle(void)
{
	for (int i = 0; i < 4; i++)
		inb(ATA_CONTROL);
}

static inline void ata_send_command(uint32_t sector, uint32_t count, uint8_t command)
{
	outb(ATA_DRIVE, (uint8_t)(ATA_DRIVE_MASTER_LBA | ((sector >> 24) & 0x0f)));
	ata_settle();
	outb(ATA_COUNT, (uint8_t)count);
	outb(ATA_LBA_LOW, (uint8_t)sector);
	outb(ATA_LBA_MID, (uint8_t)(sector >> 8));
	outb(ATA_LBA_HIGH, (uint8_t)(sector >> 16));
	outb(ATA_COMMAND, command);
}

/* One sector's 256 words through the data port. */
static inline void ata_read_sector(uint16_t *words)
{
	uint32_t n = ATA_SECTOR_WORDS;

	asm volatile("rep insw" : "+D"(words), "+c"(n) : "d"(ATA_DATA) : "memory");
}

static inline void ata_write_sector(const uint16_t *words)
{
	uint32_t n = ATA_SECTOR_WORDS;

	asm volatile("rep outsw" : "+S"(words), "+c"(n) : "d"(ATA_DATA) : "memory");
}

#endif
