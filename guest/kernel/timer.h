/* guest/kernel/timer.h: the tick and the clock (timer.c, G:220). */
#ifndef GUEST_KERNEL_TIMER_H
#define GUEST_KERNEL_TIMER_H

#include <stdint.h>

void timer_init(void);
uint64_t timer_ticks(void);
uint64_t uptime_ms(void);

#endif
