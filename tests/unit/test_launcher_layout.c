/*L:240 tests/unit/test_launcher_layout.c: the guest-physical map
 * (launcher/layout.c), the device list (launcher/devices.c) and the
 * --stats lines (launcher/stats.c), natively.
 *
 * The map is checked in numbers a reader can verify by hand: a ring of 64
 * entries is 4614 bytes, so two pages; the console's two rings sit in the
 * two-page slots after the device page, and pfn_limit is the page after
 * the last ring. A second device's ring goes after the console's. The
 * boot information and the device page are read back from a buffer that
 * stands for guest memory, over garbage, and a command line too long for
 * its field must be cut with its NUL kept. The device list must number
 * interrupts from 1, refuse a ninth device, and find a queue by exactly
 * its ring's address and nothing else, since that is all that stands
 * between a guest's KH_NOTIFY value and a device. The stats report must print
 * exactly the nonzero counters, in the documented order and format, and
 * nothing at all for a guest that did nothing. Next: the virtqueue walker,
 * tests/unit/test_launcher_virtqueue.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "arch/x86/hypercall.h"
#include "lib/string.h"
#include "launcher/launcher.h"
#include "launcher/layout.h"
#include "launcher/stats.h"

#define RAM		(16u << 20)
#define MEM_PAGES	(RAM / 4096 + 16)

static uint8_t *mem;

static int setup_mem(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, MEM_PAGES * 4096u);
	if (!mem)
		return -1;
	memset(mem, 0xAA, MEM_PAGES * 4096u);
	return 0;
}

static int teardown_mem(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static void add_device(struct kn_device_page *page, uint32_t type, uint32_t queues)
{
	struct kn_device *d = &page->devices[page->count++];

	d->type = type;
	d->num_queues = queues;
	for (uint32_t q = 0; q < queues; q++)
		d->queues[q].num = KN_QUEUE_SIZE;
}

static void test_ring_size(void **state)
{
	(void)state;
	assert_int_equal(vring_size(64), 4614);
	assert_int_equal(ring_bytes(64), 0x2000);
	assert_int_equal(ring_bytes(1), 0x2000);	/* used ring starts a page in */
}

static void test_console_layout(void **state)
{
	struct kn_device_page page = { .count = 0 };

	(void)state;
	add_device(&page, KN_DEV_CONSOLE, 2);
	assert_int_equal(layout_rings(&page, RAM), (RAM + 0x1000 + 2 * 0x2000) / 4096);
	assert_int_equal(page.devices[0].queues[0].gpa, RAM + 0x1000);
	assert_int_equal(page.devices[0].queues[1].gpa, RAM + 0x3000);
}

static void test_second_device_follows(void **state)
{
	struct kn_device_page page = { .count = 0 };

	(void)state;
	add_device(&page, KN_DEV_CONSOLE, 2);
	add_device(&page, KN_DEV_BLOCK, 1);
	assert_int_equal(layout_rings(&page, 1u << 20), ((1u << 20) + 0x7000) / 4096);
	assert_int_equal(page.devices[0].queues[1].gpa, (1u << 20) + 0x3000);
	assert_int_equal(page.devices[1].queues[0].gpa, (1u << 20) + 0x5000);
	assert_int_equal(page.devices[1].queues[1].gpa, 0);	/* no such queue */
}

static void test_no_devices(void **state)
{
	struct kn_device_page page = { .count = 0 };

	(void)state;
	assert_int_equal(layout_rings(&page, RAM), RAM / 4096 + 1);	/* the device page */
}

static void test_boot_info(void **state)
{
	const struct kennel_boot_info *bi = (const void *)(mem + KENNEL_BOOT_INFO_GPA);

	(void)state;
	write_boot_info(mem, RAM, 0x1005, "root=/dev/kb quiet");
	assert_int_equal(bi->magic, KENNEL_BOOT_MAGIC);
	assert_int_equal(bi->mem_bytes, RAM);
	assert_int_equal(bi->pfn_limit, 0x1005);
	assert_int_equal(bi->device_page, RAM);
	assert_string_equal(bi->cmdline, "root=/dev/kb quiet");
	/* The rest of the field is zero, not garbage. */
	for (size_t i = strlen(bi->cmdline); i < KENNEL_CMDLINE_MAX; i++)
		assert_int_equal(bi->cmdline[i], 0);
	assert_int_equal(mem[KENNEL_BOOT_INFO_GPA - 1], 0xAA);	/* nothing before it */
	assert_int_equal(mem[KENNEL_BOOT_INFO_GPA + sizeof(*bi)], 0xAA);
}

static void test_boot_info_long_cmdline(void **state)
{
	const struct kennel_boot_info *bi = (const void *)(mem + KENNEL_BOOT_INFO_GPA);
	char line[KENNEL_CMDLINE_MAX + 10];

	(void)state;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	write_boot_info(mem, RAM, 0x1005, line);
	assert_int_equal(strlen(bi->cmdline), KENNEL_CMDLINE_MAX - 1);
}

static void test_device_page(void **state)
{
	const struct kn_device_page *dp = (const void *)(mem + RAM);
	struct kn_device_page page = { .count = 0 };

	(void)state;
	add_device(&page, KN_DEV_CONSOLE, 2);
	page.devices[0].queues[0].irq = page.devices[0].queues[1].irq = 1;
	layout_rings(&page, RAM);
	write_device_page(mem, RAM, &page);
	assert_int_equal(dp->magic, KN_DEVICE_MAGIC);
	assert_int_equal(dp->count, 1);
	assert_int_equal(dp->devices[0].type, KN_DEV_CONSOLE);
	assert_int_equal(dp->devices[0].num_queues, 2);
	assert_int_equal(dp->devices[0].queues[1].gpa, RAM + 0x3000);
	assert_int_equal(dp->devices[0].queues[1].num, KN_QUEUE_SIZE);
	assert_int_equal(dp->devices[0].queues[1].irq, 1);
	assert_int_equal(dp->devices[1].type, 0);		/* zeroed, not garbage */
	assert_int_equal(mem[RAM - 1], 0xAA);			/* RAM untouched */
}

/* The device list. */
static int kick_nothing(struct guest *g, struct device *d, uint32_t q)
{
	(void)g, (void)d, (void)q;
	return LAUNCHER_RUNNING;
}

static const struct device_ops two_queues = {
	.name = "two", .type = KN_DEV_CONSOLE, .num_queues = 2, .kick = kick_nothing,
};

static const struct device_ops one_queue = {
	.name = "one", .type = KN_DEV_BLOCK, .num_queues = 1, .kick = kick_nothing,
};

static struct guest guest;

static void make_guest(void)
{
	int state;

	memset(&guest, 0, sizeof(guest));
	assert_int_equal(device_add(&guest, &two_queues, &state), 0);
	assert_int_equal(device_add(&guest, &one_queue, NULL), 0);
	guest.ram_bytes = RAM;
	guest.mem.base = mem;
	guest.mem.size = layout_rings(&guest.page, RAM) * 4096;
}

static void test_device_add(void **state)
{
	(void)state;
	make_guest();
	assert_int_equal(guest.page.count, 2);
	assert_int_equal(guest.page.devices[0].type, KN_DEV_CONSOLE);
	assert_int_equal(guest.page.devices[0].num_queues, 2);
	assert_int_equal(guest.page.devices[0].queues[0].irq, 1);
	assert_int_equal(guest.page.devices[0].queues[1].irq, 1);
	assert_int_equal(guest.page.devices[0].queues[1].num, KN_QUEUE_SIZE);
	assert_int_equal(guest.page.devices[1].type, KN_DEV_BLOCK);
	assert_int_equal(guest.page.devices[1].queues[0].irq, 2);
	assert_int_equal(guest.page.devices[1].queues[1].num, 0);	/* unused */
	assert_ptr_equal(guest.devices[1].ops, &one_queue);
	assert_int_equal(guest.mem.size, RAM + 0x7000);
}

static void test_device_list_full(void **state)
{
	(void)state;
	memset(&guest, 0, sizeof(guest));
	for (int i = 0; i < KN_MAX_DEVICES; i++)
		assert_int_equal(device_add(&guest, &one_queue, NULL), 0);
	assert_int_equal(device_add(&guest, &one_queue, NULL), -1);
	assert_int_equal(guest.page.count, KN_MAX_DEVICES);
	assert_int_equal(guest.page.devices[KN_MAX_DEVICES - 1].queues[0].irq, KN_MAX_DEVICES);
}

static void test_find_queue(void **state)
{
	uint32_t q = 99;

	(void)state;
	make_guest();
	assert_ptr_equal(find_queue(&guest, RAM + 0x1000, &q), &guest.devices[0]);
	assert_int_equal(q, 0);
	assert_ptr_equal(find_queue(&guest, RAM + 0x3000, &q), &guest.devices[0]);
	assert_int_equal(q, 1);
	assert_ptr_equal(find_queue(&guest, RAM + 0x5000, &q), &guest.devices[1]);
	assert_int_equal(q, 0);
	/* Inside a ring, the device page, RAM, the end, and the unused queue's 0. */
	assert_null(find_queue(&guest, RAM + 0x1004, &q));
	assert_null(find_queue(&guest, RAM + 0x2000, &q));
	assert_null(find_queue(&guest, RAM, &q));
	assert_null(find_queue(&guest, 0x1000, &q));
	assert_null(find_queue(&guest, RAM + 0x7000, &q));
	assert_null(find_queue(&guest, 0, &q));
	/* The guest's copy of the device page does not count: ours does. */
	write_device_page(mem, RAM, &guest.page);
	((struct kn_device_page *)(mem + RAM))->devices[0].queues[0].gpa = 0x2000;
	assert_null(find_queue(&guest, 0x2000, &q));
}

static void test_attach_queues(void **state)
{
	char why[128] = "";

	(void)state;
	make_guest();
	assert_int_equal(attach_queues(&guest, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(guest.devices[0].queues[1].gpa, RAM + 0x3000);
	assert_int_equal(guest.devices[0].queues[1].irq, 1);
	assert_ptr_equal(guest.devices[1].queues[0].desc, mem + RAM + 0x5000);
	assert_int_equal(guest.devices[1].queues[0].irq, 2);
	/* A memory too small for the rings is refused, naming the ring. */
	guest.mem.size = RAM + 0x4000;
	assert_int_equal(attach_queues(&guest, why, sizeof(why)), -1);
	assert_string_equal(why, "ring 0x01003000 (0x1206 bytes) is outside guest memory");
}

/* --stats */
static char report[2048];

static void collect(void *ctx, const char *line)
{
	(void)ctx;
	strlcpy(report + strlen(report), line, sizeof(report) - strlen(report));
}

static void test_stats_nothing(void **state)
{
	struct kn_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	report[0] = '\0';
	stats_report(&s, "idle", collect, NULL);
	assert_string_equal(report, "");
}

static void test_stats_lines(void **state)
{
	struct kn_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.hypercalls[KH_INIT] = 1;
	s.hypercalls[KH_CONSOLE_WRITE] = 12;
	s.hypercalls[15] = 3;
	s.traps[14] = 5000000000ull;		/* needs 64 bits */
	s.traps[31] = 2;
	s.host_interrupts = 7;
	s.switches = 100;
	s.irqs_delivered = 4;
	s.reflected = 5;
	s.emulated = 6;
	s.shadow_faults = 8;
	s.page_tables = 9;
	report[0] = '\0';
	stats_report(&s, "web", collect, NULL);
	assert_string_equal(report,
		"launcher: web stats: hypercall[1] 1\n"
		"launcher: web stats: hypercall[11] 12\n"
		"launcher: web stats: hypercall[15] 3\n"
		"launcher: web stats: trap[14] 5000000000\n"
		"launcher: web stats: trap[31] 2\n"
		"launcher: web stats: host_interrupts 7\n"
		"launcher: web stats: switches 100\n"
		"launcher: web stats: irqs_delivered 4\n"
		"launcher: web stats: reflected 5\n"
		"launcher: web stats: emulated 6\n"
		"launcher: web stats: shadow_faults 8\n"
		"launcher: web stats: page_tables 9\n");
}

static void test_stats_skips_zeros(void **state)
{
	struct kn_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.hypercalls[0] = 1;
	s.page_tables = 2;
	report[0] = '\0';
	stats_report(&s, "g", collect, NULL);
	assert_string_equal(report,
		"launcher: g stats: hypercall[0] 1\n"
		"launcher: g stats: page_tables 2\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_size),
		cmocka_unit_test(test_console_layout),
		cmocka_unit_test(test_second_device_follows),
		cmocka_unit_test(test_no_devices),
		cmocka_unit_test_setup_teardown(test_boot_info, setup_mem, teardown_mem),
		cmocka_unit_test_setup_teardown(test_boot_info_long_cmdline, setup_mem, teardown_mem),
		cmocka_unit_test_setup_teardown(test_device_page, setup_mem, teardown_mem),
		cmocka_unit_test_setup_teardown(test_device_add, setup_mem, teardown_mem),
		cmocka_unit_test(test_device_list_full),
		cmocka_unit_test_setup_teardown(test_find_queue, setup_mem, teardown_mem),
		cmocka_unit_test_setup_teardown(test_attach_queues, setup_mem, teardown_mem),
		cmocka_unit_test(test_stats_nothing),
		cmocka_unit_test(test_stats_lines),
		cmocka_unit_test(test_stats_skips_zeros),
	};

	return cmocka_run_group_tests_name("launcher layout, devices and stats", tests, NULL, NULL);
}
