/* guest/kernel/drivers.h: the device drivers behind the table's console,
 * disk, interrupt-controller and timer operations (G:120). Each backend
 * names its own; nothing else calls them directly. */
#ifndef GUEST_KERNEL_DRIVERS_H
#define GUEST_KERNEL_DRIVERS_H

#include <stdbool.h>
#include <stdint.h>

/* Natively: COM1, ATA PIO, the 8259 and the 8254 (serial.c, ata.c, pic.c,
 * pit.c). */
void serial_init(void);
void serial_write(const char *s, uint32_t len);
int32_t ata_init(uint32_t *sectors);
int32_t ata_rw(uint32_t sector, uint32_t count, void *buf, bool write);
void pic_init(void);
void pic_unmask(uint32_t irq);
void pic_eoi(uint32_t irq);
void pit_start(uint32_t hz);

/* Under kennel: the Launcher's devices (virtio_console.c,
 * virtio_block.c). */
void virtio_console_init(void);
void virtio_console_write(const char *s, uint32_t len);
int32_t virtio_block_init(uint32_t *sectors);
int32_t virtio_block_rw(uint32_t sector, uint32_t count, void *buf, bool write);

#endif
