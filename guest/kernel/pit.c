/*G:165 guest/kernel/pit.c: the 8254 timer, natively. Channel 0 counts
 * down from a divisor at 1.193182 MHz and raises IRQ 0 at every wrap: a
 * periodic tick, where kennel's timer is one-shot and pup re-arms it at
 * each tick (G:135). Next: the console, G:170. */
#include "arch/x86/pit.h"
#include "guest/kernel/drivers.h"

void pit_start(uint32_t hz)
{
	pit_set_rate(hz);
}
