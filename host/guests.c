/*H:130 host/guests.c: every guest alive, and how each one ends.
 *
 * The host keeps a table of the guests that exist, for the timer's sake
 * (H:540: it wakes guests whose timers expire) and for whoever wants to
 * look at them all. Each guest is in it from KN_INIT until its file is
 * closed (H:160). Here too is the one way a guest dies, kill_guest
 * (H:120), and the other way KN_RUN returns, an exit the Launcher must
 * handle: both only record, and run_guest acts on the record before it
 * would enter the guest again (H:200). Next: KN_INIT, H:140. */
#include <stdarg.h>
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "lib/format.h"
#include "host/guest.h"

static struct guest *guests[GUESTS_MAX];

struct guest *guest_slot(uint32_t i)
{
	return i < GUESTS_MAX ? guests[i] : NULL;
}

/* A guest's name labels its console lines and names it in the monitor:
 * two of one name could not be told apart, so a name is taken from
 * KN_INIT until that guest's file is closed. */
static bool name_taken(const char *name)
{
	for (uint32_t i = 0; i < GUESTS_MAX; i++)
		if (guests[i] && !strncmp(guests[i]->name, name, KN_NAME_MAX))
			return true;
	return false;
}

int32_t guests_add(struct guest *g)
{
	if (name_taken(g->name))
		return -EEXIST;
	for (uint32_t i = 0; i < GUESTS_MAX; i++)
		if (!guests[i]) {
			guests[i] = g;
			return 0;
		}
	return -EAGAIN;
}

void guests_remove(struct guest *g)
{
	uint32_t flags = irq_save();

	for (uint32_t i = 0; i < GUESTS_MAX; i++)
		if (guests[i] == g)
			guests[i] = NULL;
	irq_restore(flags);
}

/* The one way a guest dies (H:120). */
void kill_guest(struct guest *g, const char *fmt, ...)
{
	va_list ap;

	if (g->dead)
		return;
	g->dead = true;
	g->exit_ready = true;
	memset(&g->exit, 0, sizeof(g->exit));
	g->exit.reason = KN_EXIT_KILLED;
	va_start(ap, fmt);
	vsnprintf(g->exit.message, sizeof(g->exit.message), fmt, ap);
	va_end(ap);
}

void guest_exit_to_launcher(struct guest *g, uint32_t reason, uint32_t arg0, uint32_t arg1)
{
	if (g->dead)
		return;
	g->exit = (struct kn_exit){ .reason = reason, .arg0 = arg0, .arg1 = arg1 };
	g->exit_ready = true;
}

