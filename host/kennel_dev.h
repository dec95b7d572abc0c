/* host/kennel_dev.h: the hypervisor device, /dev/kennel
 * (host/kennel_dev.c, H:100). */
#ifndef HOST_KENNEL_DEV_H
#define HOST_KENNEL_DEV_H

/* Map the Switcher, take the FPU and timer hooks, register /dev/kennel.
 * After userland_init, before the first process starts. */
void hypervisor_init(void);

#endif
