/*L:130 launcher/run.c: the run loop, where the Launcher spends the
 * guest's life.
 *
 * Starting is two steps: open /dev/kennel (one guest per open file) and
 * hand the host the guest with KN_INIT: where its memory is mapped here,
 * how far it goes, where to start and where the boot information is. We
 * ask to be woken for console input too (KN_INIT_WAKE_ON_INPUT), so a
 * guest waiting for a key does not need a second process to read it.
 *
 * Then the loop: KN_RUN runs the guest inside the host until something
 * needs us, and says what in a struct kn_exit. Each kind of exit has one
 * small handler, and each handler answers one question: carry on
 * (LAUNCHER_RUNNING), or stop with which exit status. When the Launcher
 * stops, it simply exits: closing /dev/kennel destroys the guest, and the
 * host and any other guests carry on. Next: --stats, launcher/stats.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/kennel_dev.h"
#include "arch/x86/scan_test.h"
#include "launcher/launcher.h"
#include "launcher/layout.h"
#include "launcher/lazy.h"
#include "launcher/stats.h"

/* A line of our own: after the guest's partial line, never inside it. */
void say(struct guest *g, FILE *f, const char *fmt, ...)
{
	va_list ap;

	output_flush(&g->out);
	fputs("launcher: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static int device_error(struct guest *g, const char *op)
{
	say(g, stderr, "%s: %s: %s", KN_DEVICE_PATH, op, strerror(errno));
	return LAUNCHER_EXIT_ERROR;
}

/* The guest did something no working guest does: it stops here. */
static int guest_broke(struct guest *g, const char *what)
{
	say(g, stderr, "guest %s: %s", g->name, what);
	return LAUNCHER_EXIT_KILLED;
}

int bad_virtqueue(struct guest *g, const char *what)
{
	char line[192];

	snprintf(line, sizeof(line), "bad virtqueue: %s", what);
	return guest_broke(g, line);
}

int send_irq(struct guest *g, uint32_t irq)
{
	if (ioctl(g->fd, KN_IRQ, (void *)(uintptr_t)irq) < 0)
		return device_error(g, "KN_IRQ");
	return LAUNCHER_RUNNING;
}

/*L:132 KH_CONSOLE_WRITE is the guest's first voice, before it has found
 * its console device: the host checked the range already, but the Launcher
 * checks again, because a Launcher that trusts the host to have checked
 * for it is one host bug away from reading its own memory to the console.
 * A kick (KH_NOTIFY) names its queue by the ring's address, which must be
 * exactly one of the addresses in our copy of the device page; the device
 * that owns the queue does the rest.:*/
static int console_write(struct guest *g, uint32_t gpa, uint32_t len)
{
	char what[64];

	void *text;
	int err = guest_access(&g->mem, gpa, len, &text);

	if (err == GUEST_UNFILLED)
		return LAUNCHER_EXIT_ERROR;
	if (err) {
		snprintf(what, sizeof(what), "bad console write 0x%08x len %u", gpa, len);
		return guest_broke(g, what);
	}
	output_write(&g->out, text, len);
	output_show_partial(&g->out);
	return LAUNCHER_RUNNING;
}

static int notify(struct guest *g, uint32_t gpa)
{
	struct device *d;
	char what[64];
	uint32_t q;

	if (gpa & KN_SCAN_TEST_NOTIFY)
		return scan_test(g, gpa);
	if (!(d = find_queue(g, gpa, &q))) {
		snprintf(what, sizeof(what), "notify of unknown queue 0x%08x", gpa);
		return guest_broke(g, what);
	}
	return d->ops->kick(g, d, q);
}
/*:*/

static int input_ready(struct guest *g)
{
	int status = LAUNCHER_RUNNING;

	for (uint32_t n = 0; n < g->page.count && status == LAUNCHER_RUNNING; n++)
		if (g->devices[n].ops->input)
			status = g->devices[n].ops->input(g, &g->devices[n]);
	return status;
}

/* The message is the guest's (or the host's): printable, and terminated. */
static const char *message_of(struct kn_exit *e)
{
	e->message[KN_MESSAGE_MAX - 1] = '\0';
	output_printable(e->message, KN_MESSAGE_MAX);
	return e->message;
}

static int shutdown(struct guest *g, struct kn_exit *e)
{
	const char *msg = message_of(e);
	char what[KN_MESSAGE_MAX + 48];

	if (e->arg0 == KH_SHUTDOWN_CRASH) {
		say(g, stderr, "guest %s crashed: %s", g->name, msg);
		return LAUNCHER_EXIT_CRASHED;
	}
	if (e->arg0 != KH_SHUTDOWN_POWEROFF) {
		snprintf(what, sizeof(what), "unknown shutdown kind %u: %s", e->arg0, msg);
		return guest_broke(g, what);
	}
	say(g, stdout, "guest %s powered off%s%s", g->name, msg[0] ? ": " : "", msg);
	return (int)e->arg1;
}

static int killed(struct guest *g, struct kn_exit *e)
{
	say(g, stderr, "guest %s killed: %s", g->name, message_of(e));
	return LAUNCHER_EXIT_KILLED;
}

/*L:135 The dispatch, which reads like the list of exits in
 * arch/x86/kennel_dev.h. An exit reason the Launcher does not know means
 * the host and the Launcher disagree about the ABI: that is the
 * Launcher's error, not the guest's.:*/
static int handle_exit(struct guest *g, struct kn_exit *e)
{
	switch (e->reason) {
	case KN_EXIT_CONSOLE:
		return console_write(g, e->arg0, e->arg1);
	case KN_EXIT_NOTIFY:
		return notify(g, e->arg0);
	case KN_EXIT_INPUT:
		return input_ready(g);
	case KN_EXIT_SHUTDOWN:
		return shutdown(g, e);
	case KN_EXIT_KILLED:
		return killed(g, e);
	case KN_EXIT_SAVE:
		e->message[KN_MESSAGE_MAX - 1] = '\0';
		return snapshot_save_request(g, e->arg0, e->message);
	case KN_EXIT_USERFAULT:
		return lazy_fault(g, e);
	case KN_EXIT_HALTED:
		return lazy_idle(g);
	}
	say(g, stderr, "%s: KN_RUN: unknown exit reason %u", KN_DEVICE_PATH, e->reason);
	return LAUNCHER_EXIT_ERROR;
}
/*:*/

/* The host keeps the whole name the Launcher labels lines with. */
_Static_assert(KN_NAME_MAX == OUTPUT_NAME_MAX, "a guest's name fits struct kn_init");

int start_guest(struct guest *g)
{
	struct kn_init init = {
		.mem_base = (uint32_t)(uintptr_t)g->mem.base,
		.pfn_limit = g->mem.size / GUEST_PAGE,
		.entry = g->entry,
		.boot_info = KENNEL_BOOT_INFO_GPA,
		.flags = KN_INIT_WAKE_ON_INPUT,
	};

	strlcpy(init.name, g->name, sizeof(init.name));	/* for the monitor */
	if ((g->fd = open(KN_DEVICE_PATH, O_RDWR)) < 0)
		return device_error(g, "open");
	if (ioctl(g->fd, KN_INIT, &init) == 0)
		return LAUNCHER_RUNNING;
	if (errno == EEXIST)
		say(g, stderr, "guest %s: another guest is already called %s: give each "
		    "its own --name", g->name, g->name);
	else
		device_error(g, "KN_INIT");
	close(g->fd);
	g->fd = -1;			/* no guest: no stats either */
	return LAUNCHER_EXIT_ERROR;
}

int serve_guest(struct guest *g)
{
	int status = LAUNCHER_RUNNING;
	struct kn_exit e;

	while (status == LAUNCHER_RUNNING) {
		if (ioctl(g->fd, KN_RUN, &e) < 0)
			return device_error(g, "KN_RUN");
		status = handle_exit(g, &e);
	}
	return status;
}

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	fputs(line, stdout);
}

void print_stats(struct guest *g)
{
	struct kn_stats s;

	if (g->fd < 0)
		return;
	if (ioctl(g->fd, KN_STATS, &s) < 0) {
		device_error(g, "KN_STATS");
		return;
	}
	stats_report(&s, g->name, print_line, NULL);
	fflush(stdout);
}
