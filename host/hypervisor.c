/*H:090 host/hypervisor.c: the hypervisor's table of contents.
 *
 * Everything in host/ outside host/kernel/ is the hypervisor; host/kernel/
 * is the small OS it stands on, with processes, a scheduler, files and
 * frames, which never reaches up into the hypervisor except through this
 * one call from kernel_main (B:030). The hypervisor uses the OS freely: a
 * guest belongs to a host process, its Launcher, and runs only inside that
 * process's system call on /dev/kennel.
 *
 * Start-up comes after the host's userland: the Switcher's pages must be
 * in kernel_pgdir before the first process copies it, and the guests'
 * timer hook chains after the scheduler's. The order of the reading is
 * the order a guest's life takes: the device a Launcher opens (H:100),
 * the guest it creates (H:110, H:130), the loop that runs it (H:200),
 * then what that loop calls. */
#include "host/hypervisor.h"
#include "host/guest.h"

void hypervisor_init(void)
{
	switcher_init();
	fpu_init();
	interrupts_init();
	kennel_dev_init();
	control_dev_init();
}
