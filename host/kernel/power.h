/* host/kernel/power.h: turning the machine off (host/kernel/power.c, B:090). */
#ifndef HOST_POWER_H
#define HOST_POWER_H

#include <stdbool.h>
#include <stdint.h>

void power_off(bool success) __attribute__((noreturn));
void power_off_status(int32_t status) __attribute__((noreturn));

#endif
