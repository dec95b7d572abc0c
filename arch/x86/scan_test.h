/*L:402 arch/x86/scan_test.h: how a test guest asks its Launcher to scan
 * it, for the boot tests of KN_PM_SCAN (tests/boot/test_scan.py).
 *
 * The guest fills a struct kn_scan_test in its memory and makes KH_NOTIFY
 * with KN_SCAN_TEST_NOTIFY | its gpa. Notify values of queues are ring
 * addresses, below 2 GiB, so bit 31 is free to mean this. The Launcher
 * (launcher/scan_test.c, L:400) checks the structure's range, does the op
 * with KN_PM_SCAN, prints one line saying what it found and writes the
 * outcome into result: 0 when everything was as it must be. Next: the
 * Launcher's half, L:400. */
#ifndef ARCH_X86_SCAN_TEST_H
#define ARCH_X86_SCAN_TEST_H

#include <stdint.h>

#define KN_SCAN_TEST_NOTIFY	0x80000000u

enum kn_scan_test_op {
	KN_ST_ARM = 1,		/* arm every page (WP_MATCHING, no vector) */
	KN_ST_CHECK,		/* scan WRITTEN, re-arming: exactly the list? */
	KN_ST_RESUME,		/* vec_len 7, max_pages 100 resumed == one call? */
	KN_ST_ABI,		/* every error case of the real ioctl */
	KN_ST_FILL,		/* the Launcher writes each listed page (memcpy) */
	KN_ST_READ,		/* the Launcher read()s a file into each listed page */
	KN_ST_BENCH,		/* the cost of scanning all of memory, printed */
};

struct kn_scan_test {
	uint32_t op;		/* enum kn_scan_test_op */
	uint32_t count;		/* gpfns in the list */
	uint32_t list_gpa;	/* uint32_t gpfn[count], each at or above floor */
	uint32_t floor;		/* gpfns below are the guest's own: not compared */
	uint32_t ceiling;	/* nor those at or above (the rings); 0: none */
	int32_t result;		/* out: 0, problems found, or -errno */
};

#define KN_SCAN_TEST_MAX	16384u	/* gpfns in a list */

#endif
