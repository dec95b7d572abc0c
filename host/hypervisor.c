/*H:005 host/hypervisor.c: the hypervisor's table of contents.
 *
 * You have seen the host come up (B), run its programs (U) and one of
 * them, the Launcher, load a guest kernel and ask for it to run (L). This
 * chapter is the other side of that request: the hypervisor. Everything in
 * host/ outside host/kernel/ belongs to it; host/kernel/ is the small OS
 * it stands on, with processes, a scheduler, files and frames, which never
 * reaches up into the hypervisor except through this one call from
 * kernel_main (B:030). The hypervisor uses the OS freely: a guest belongs
 * to a host process, its Launcher, and runs only inside that process's
 * system call on /dev/kennel.
 *
 * Start-up comes after the host's userland: the Switcher's pages must be
 * in kernel_pgdir before the first process copies it, and the guests'
 * timer hook chains after the scheduler's. The chapter reads in the order
 * a guest's life takes, each caller before what it calls: the ABI a guest
 * kernel is written to (H:010), the device a Launcher opens (H:100), the
 * loop that KN_RUN enters (H:200), then what that loop calls: hypercalls
 * (H:300), descriptors (H:400), traps and interrupts (H:500), emulation
 * and the FPU (H:550, H:600); last the monitor's view of every guest,
 * /dev/kennelctl (H:700). The Switcher (S) and the shadow page tables
 * (V) have chapters of their own. Next: H:010. */
#include "host/hypervisor.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"

void hypervisor_init(void)
{
	hypercalls_init();
	gmap_lazy_init();
	switcher_init();
	fpu_init();
	interrupts_init();
	kennel_dev_init();
	control_dev_init();
}
