/*T:460 tests/guests/spin.c: a guest that never stops.
 *
 * It says so, turns its virtual interrupts off, and loops forever without
 * a single hypercall: nothing the guest does will ever bring it back to
 * the host. The host's own timer still does (H:200), so the scheduler
 * goes on running other Launchers and host programs. The boot test runs
 * it under /bin/reaper (user/bin/reaper.c), which kills its Launcher after
 * a while, next to a bystander guest that must finish its own test
 * meanwhile. It prints no "Test result" line: if it ever did, the loop
 * would have ended, which is a failure. Next: T:465, the bystander. */
#include "tests/guests/lib/guest.h"

void test_main(void)
{
	volatile uint32_t laps = 0;

	print("spin: spinning forever with virtual interrupts off\n");
	disable_virtual_irqs();
	for (;;)
		laps++;
}
