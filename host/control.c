/*H:700 host/control.c: /dev/kennelctl, every guest as the monitor sees it.
 *
 * A Launcher owns one guest through /dev/kennel; the host monitor
 * (user/bin/monitor.c, in the spirit of Xen's xl) looks at all of them
 * through this device, by id: the guest's slot in the host's table
 * (H:130). It can read a guest's state and counters, pause and resume it,
 * and kill it. Each request checks its id before it touches anything, and
 * none of them runs guest code or reaches guest memory: pausing and
 * killing only set what run_guest looks at before every entry (H:225,
 * H:120) and wake the Launcher, which may be asleep with its guest halted
 * or paused. The Launcher then finds out as it would for any other kill,
 * and reports it. Like any device here, it is the monitor's process that
 * runs this code, never the guest's. Next: H:710. */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/guest.h"
#include "host/memory/guest_memory.h"
#include "host/kernel/device.h"
#include "host/kernel/sched.h"
#include "host/kernel/timer.h"
#include "host/kernel/usercopy.h"

/*H:710 The id is checked once, here, for every request. */
static int32_t guest_by_id(uint32_t id, struct guest **out)
{
	if (id >= GUESTS_MAX)
		return -EINVAL;
	*out = guest_slot(id);
	return *out ? 0 : -ENOENT;
}

static uint32_t guest_state(const struct guest *g)
{
	if (g->dead)
		return KN_STATE_DEAD;
	if (g->paused)
		return KN_STATE_PAUSED;
	return g->halted ? KN_STATE_HALTED : KN_STATE_RUNNING;
}

/* The frames the host holds for a guest: its shadow page tables and its
 * regs page. Its memory is the Launcher's, counted with the Launcher. */
static void fill_info(const struct guest *g, struct kn_guest_info *info)
{
	info->launcher_pid = g->launcher->pid;
	info->state = guest_state(g);
	info->pfn_limit = g->pfn_limit;
	info->uptime_ms = timer_ms() - g->created_ms;
	info->host_frames = (uint32_t)g->stats.page_tables + 1;
	memcpy(info->name, g->name, KN_NAME_MAX);
	info->stats = g->stats;
}

static int32_t ctl_info(uint32_t uarg)
{
	struct kn_guest_info info;
	struct guest *g;
	int32_t err;

	if (copy_from_user(&info.id, uarg, sizeof(info.id)))
		return -EFAULT;
	err = guest_by_id(info.id, &g);
	if (err)
		return err;
	memset((uint8_t *)&info + sizeof(info.id), 0, sizeof(info) - sizeof(info.id));
	fill_info(g, &info);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/*H:720 Pause, resume and kill change one flag each and wake the
 * Launcher, so that a sleeping run_guest looks again. */
static int32_t ctl_pause(struct guest *g, bool pause)
{
	if (g->dead || g->paused == pause)
		return -EALREADY;
	g->paused = pause;
	proc_wake(g->launcher);
	return 0;
}

static int32_t ctl_kill(struct guest *g)
{
	if (g->dead)
		return -EALREADY;
	kill_guest(g, "killed from the monitor by pid %d", current->pid);
	proc_wake(g->launcher);
	return 0;
}

/*H:730 save asks the guest's Launcher for a snapshot and waits for its
 * answer (H:840): the only request that sleeps, and it needs the whole
 * request back, with the answer in it. */
static int32_t ctl_save(uint32_t uarg)
{
	struct kn_save_request req;
	struct guest *g;
	int32_t err;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	err = guest_by_id(req.id, &g);
	if (!err)
		err = guest_request_save(g, &req);
	if (!err && copy_to_user(uarg, &req, sizeof(req)))
		err = -EFAULT;
	return err;
}

/*V:450 The monitor's scan: the id first, then the same request the
 * guest's Launcher makes (V:430), over the argument that follows it. It
 * reads the guest's page categories, never its memory, and writes the
 * answer into the monitor's own. */
static int32_t ctl_pm_scan(uint32_t uarg)
{
	struct guest *g;
	uint32_t id;
	int32_t err;

	if (copy_from_user(&id, uarg, sizeof(id)))
		return -EFAULT;
	err = guest_by_id(id, &g);
	if (err)
		return err;
	return pm_scan_ioctl(g, uarg + offsetof(struct kn_ctl_scan, arg));
}

static int32_t ctl_ioctl(struct file *f, uint32_t request, uint32_t uarg)
{
	struct guest *g;
	int32_t err;

	(void)f;
	if (request == KN_CTL_INFO)
		return ctl_info(uarg);
	if (request == KN_CTL_SAVE)
		return ctl_save(uarg);
	if (request == KN_CTL_PM_SCAN)
		return ctl_pm_scan(uarg);
	if (request != KN_CTL_PAUSE && request != KN_CTL_RESUME && request != KN_CTL_KILL)
		return -ENOTTY;
	err = guest_by_id(uarg, &g);
	if (err)
		return err;
	if (request == KN_CTL_KILL)
		return ctl_kill(g);
	return ctl_pause(g, request == KN_CTL_PAUSE);
}

static const struct device_ops control_ops = {
	.ioctl = ctl_ioctl,
};

void control_dev_init(void)
{
	device_register("kennelctl", &control_ops);
}
