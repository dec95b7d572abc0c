/* guest/kernel/console.h: the console's line editor and its readers
 * (console.c, G:170). */
#ifndef GUEST_KERNEL_CONSOLE_H
#define GUEST_KERNEL_CONSOLE_H

#include <stdint.h>

void console_write(const char *s, uint32_t len);
void console_input(char c);		/* from a driver's interrupt */
int32_t console_read(char *buf, uint32_t len);
/* Bytes console_input may be given now; a driver that has more stops,
 * and leaves resume to be called (once) when there is room again. */
uint32_t console_room(void);
void console_throttle(void (*resume)(void));
void console_set_foreground(int32_t pgid);	/* Ctrl-C's SIGINT goes there */

#endif
