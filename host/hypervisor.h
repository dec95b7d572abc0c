/* host/hypervisor.h: the one door from the OS beneath (host/kernel/) into
 * the hypervisor (host/hypervisor.c, H:005). The OS includes nothing else
 * of host/; scripts/check_layers.py holds it to that. */
#ifndef HOST_HYPERVISOR_H
#define HOST_HYPERVISOR_H

/* Map the Switcher, take the FPU and timer hooks, register /dev/kennel.
 * After userland_init, before the first process starts. */
void hypervisor_init(void);

#endif
