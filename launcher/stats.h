/*L:140 launcher/stats.h: what --stats prints. When the guest has
 * stopped, however it stopped, the Launcher asks the host for the guest's
 * counters (KN_STATS, struct kn_stats in arch/x86/kennel_dev.h) and, after
 * the line that says how the guest ended, prints each one that is not zero
 * on a line of its own, in this order:
 *
 *   launcher: NAME stats: hypercall[N] COUNT    hypercall number N (KH_*)
 *   launcher: NAME stats: trap[N] COUNT         traps of vector N (0..31)
 *   launcher: NAME stats: host_interrupts COUNT
 *   launcher: NAME stats: switches COUNT
 *   launcher: NAME stats: irqs_delivered COUNT
 *   launcher: NAME stats: reflected COUNT
 *   launcher: NAME stats: emulated COUNT
 *   launcher: NAME stats: shadow_faults COUNT
 *   launcher: NAME stats: page_tables COUNT
 *
 * N and COUNT in decimal; the words are kn_stats's field names. Pure:
 * the lines go to an emit function, each ending in a newline. Next:
 * launcher/stats.c. */
#ifndef LAUNCHER_STATS_H
#define LAUNCHER_STATS_H

#include "arch/x86/kennel_dev.h"

typedef void stats_emit_fn(void *ctx, const char *line);

void stats_report(const struct kn_stats *s, const char *name, stats_emit_fn *emit, void *ctx);

#endif
