/*P:128 arch/x86/debug_exit.h: how a machine's end becomes QEMU's exit
 * status.
 *
 * QEMU's isa-debug-exit device (port 0xf4) ends QEMU with status
 * value*2+1 for the byte written to it; a triple fault under -no-reboot
 * ends it with 0. kennel's host and pup natively agree on three kinds of
 * value:
 *
 *   0x10        success                  QEMU exits 33
 *   0x11        failure                  QEMU exits 35
 *   0x20 + N    a program's status N     QEMU exits 65 + 2N  (N = 1..95)
 *
 * The third carries the status of the one program the machine was there
 * for (pup's shell, through its Launcher under kennel), so `exit 3` in
 * pup's shell ends QEMU with 71, which `make run` turns back into 3. A
 * status above 95 does not fit QEMU's byte and counts as failure. Next:
 * the host's own use of it, host/kernel/power.c (B:090). */
#ifndef ARCH_X86_DEBUG_EXIT_H
#define ARCH_X86_DEBUG_EXIT_H

#include <stdint.h>

#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_SUCCESS	0x10
#define DEBUG_EXIT_FAILURE	0x11
#define DEBUG_EXIT_STATUS_BASE	0x20
#define DEBUG_EXIT_STATUS_MAX	95

/* The QEMU status must fit a byte: (0x20 + 95) * 2 + 1 == 255. */
_Static_assert((DEBUG_EXIT_STATUS_BASE + DEBUG_EXIT_STATUS_MAX) * 2 + 1 == 255,
	       "every status value fits QEMU's exit byte");

/* The byte for a program's exit status: 0 is success. */
static inline uint8_t debug_exit_value(int32_t status)
{
	if (status == 0)
		return DEBUG_EXIT_SUCCESS;
	if (status < 0 || status > DEBUG_EXIT_STATUS_MAX)
		return DEBUG_EXIT_FAILURE;
	return (uint8_t)(DEBUG_EXIT_STATUS_BASE + status);
}

#endif
