/* host/kernel/timer.h: the periodic tick (host/kernel/timer.c, B:070). */
#ifndef HOST_TIMER_H
#define HOST_TIMER_H

#include <stdint.h>

#define TIMER_HZ 100

void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_ms(void);
/* Measure the TSC against the tick (interrupts on); its rate in kHz. */
void timer_calibrate_tsc(void);
uint32_t timer_tsc_khz(void);
/* Called on every tick, from interrupt context; later chapters add the
 * scheduler's and the guests' timers here. */
extern void (*timer_tick_hook)(void);

#endif
