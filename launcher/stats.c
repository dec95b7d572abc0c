/*L:150 launcher/stats.c: one line per nonzero counter. The arrays are
 * printed by index, the single counters from a table of names and
 * offsets, so the order above is the table's. Next: the queues the
 * devices serve, launcher/virtqueue.h. */
#include <stddef.h>
#include "lib/format.h"
#include "launcher/stats.h"

struct counter {
	const char *name;
	size_t offset;
};

static const struct counter counters[] = {
	{ "host_interrupts", offsetof(struct kn_stats, host_interrupts) },
	{ "switches", offsetof(struct kn_stats, switches) },
	{ "irqs_delivered", offsetof(struct kn_stats, irqs_delivered) },
	{ "reflected", offsetof(struct kn_stats, reflected) },
	{ "emulated", offsetof(struct kn_stats, emulated) },
	{ "shadow_faults", offsetof(struct kn_stats, shadow_faults) },
	{ "page_tables", offsetof(struct kn_stats, page_tables) },
	{ "uf_guest_faults", offsetof(struct kn_stats, uf_guest_faults) },
	{ "uf_host_faults", offsetof(struct kn_stats, uf_host_faults) },
	{ "uf_launcher_faults", offsetof(struct kn_stats, uf_launcher_faults) },
	{ "uf_zero_copies", offsetof(struct kn_stats, uf_zero_copies) },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void report_one(const char *name, const char *what, int index, uint64_t value,
		       stats_emit_fn *emit, void *ctx)
{
	char line[128];

	if (value == 0)
		return;
	if (index < 0)
		snprintf(line, sizeof(line), "launcher: %s stats: %s %llu\n", name, what,
			 (unsigned long long)value);
	else
		snprintf(line, sizeof(line), "launcher: %s stats: %s[%d] %llu\n", name, what,
			 index, (unsigned long long)value);
	emit(ctx, line);
}

void stats_report(const struct kn_stats *s, const char *name, stats_emit_fn *emit, void *ctx)
{
	for (int i = 0; i < (int)COUNT(s->hypercalls); i++)
		report_one(name, "hypercall", i, s->hypercalls[i], emit, ctx);
	for (int i = 0; i < (int)COUNT(s->traps); i++)
		report_one(name, "trap", i, s->traps[i], emit, ctx);
	for (size_t i = 0; i < COUNT(counters); i++)
		report_one(name, counters[i].name, -1,
			   *(const uint64_t *)((const char *)s + counters[i].offset), emit, ctx);
}
