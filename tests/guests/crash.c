/*T:468 tests/guests/crash.c: the other way to stop.
 *
 * KH_SHUTDOWN has two kinds: poweroff, which every test guest's
 * test_result uses, and crash, for a guest kernel that gives up. This one
 * says what it is about to do and shuts down as a crash with a message of
 * its own, which the Launcher must print ("launcher: guest crash crashed:
 * MESSAGE") before exiting 2. It prints no result line: its verdict is
 * the Launcher's line. Next: T:470. */
#include "tests/guests/lib/guest.h"

void test_main(void)
{
	static const char message[] = "deliberate crash, kind KH_SHUTDOWN_CRASH";

	print("crash: shutting down as a crash\n");
	kh_shutdown(message, KH_SHUTDOWN_CRASH);
	test_error("KH_SHUTDOWN returned");
}
