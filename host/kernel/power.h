/* host/kernel/power.h: turning the machine off (host/kernel/power.c, B:090). */
#ifndef HOST_POWER_H
#define HOST_POWER_H

#include <stdbool.h>

#define EXIT_VALUE_SUCCESS	0x10	/* QEMU exits with 0x10*2+1 = 33 */
#define EXIT_VALUE_FAILURE	0x11	/* 35 */

void power_off(bool success) __attribute__((noreturn));

#endif
