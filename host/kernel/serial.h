/* host/kernel/serial.h: the COM1 driver (see host/kernel/serial.c, B:050). */
#ifndef HOST_SERIAL_H
#define HOST_SERIAL_H

#include <stddef.h>
#include <stdbool.h>

void serial_init(void);
void serial_enable_interrupts(void);
void serial_write(const char *s, size_t len);
void serial_write_polled(const char *s, size_t len);
void serial_flush(void);
int serial_getc(void);		/* -1 when no input is buffered */
bool serial_has_input(void);
/* Called (from interrupt context) whenever input arrives; later chapters
 * point it at the code that wakes a reader. */
extern void (*serial_input_hook)(void);

#endif
