/*T:475 tests/guests/unhandled.c: a trap with nowhere to go.
 *
 * A guest that takes a trap it has no gate for cannot be helped: on real
 * hardware that ends in a triple fault, here the host kills it, naming the
 * trap and where it happened (H:520). This guest removes its own #UD gate
 * with a not-present KH_LOAD_IDT_ENTRY, which the contract says removes
 * the handler, says where its ud2 is, and executes it. The boot test wants
 * "launcher: guest unhandled killed: unhandled trap 6 ... at eip" that
 * address, and no result line: the runtime's own #UD handler would have
 * reported ERROR if the gate had survived. Next: T:480, the boot test. */
#include "tests/guests/lib/guest.h"

void test_main(void)
{
	clear_gate(6);
	print("unhandled: ud2 at 0x%x with no #UD gate\n", SITE(probe_ud2));
	probe_ud2(0);
	test_error("ud2 with no gate returned");
}
