/* host/kernel/userland.h: starting user programs at boot (host/kernel/userland.c, U:450). */
#ifndef HOST_USERLAND_H
#define HOST_USERLAND_H

#include <stdbool.h>
#include "host/kernel/bootinfo.h"
#include "host/kernel/options.h"

/* Devices, files and the scheduler: before any process exists. It takes
 * over serial input, so it comes after selftest_echo. */
void userland_init(const struct boot_info *bi);
/* Start every run= program, wait until all have exited, report. The
 * machine's status (power_off_status): 0 if all started and exited with
 * status 0, -1 if not, or a lone Launcher's own status. */
int32_t run_programs(const struct host_options *o);

#endif
