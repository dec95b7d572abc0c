/*T:330 tests/guests/lib/runtime.c: from entry.asm to test_main.
 *
 * runtime_start does, in order, what any paravirtual kernel must before
 * it can do anything interesting:
 *
 *   1. keep a copy of the boot information (its address came in esi);
 *   2. give test_before_init a chance: bad_hcall.c uses it to break the
 *      rules about KH_INIT itself, before there is a console to print on;
 *   3. fill in the shared page, struct kennel_data: interrupts virtually
 *      off, the return path's no-interrupt window (T:350), and every slot
 *      of the asynchronous ring marked done (its "ready" value is zero, so
 *      a zeroed ring would be 64 calls waiting); then KH_INIT;
 *   4. check the boot magic, now that a failure can be reported;
 *   5. point every exception vector at its entry stub, name the stack for
 *      traps from ring 3 (KH_SET_STACK), and gate the interrupts;
 *   6. turn virtual interrupts on and call test_main, which ends with a
 *      result and never comes back.
 *
 * Next: the hypercalls themselves, T:340. */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"

extern char _end[];

/* entry.asm writes it before it zeroes the bss, so it lives in .data. */
struct boot_regs boot_regs __attribute__((section(".data")));
struct kennel_boot_info boot_info;
volatile struct kennel_data kennel_data __attribute__((aligned(4096)));

static uint8_t trap_stack[TRAP_STACK_SIZE] __attribute__((aligned(16)));

__attribute__((weak)) void test_before_init(void)
{
}

uint32_t memory_limit(void)
{
	return boot_info.pfn_limit * 4096u;
}

uint32_t image_end(void)
{
	return (uint32_t)(uintptr_t)_end;
}

uint32_t trap_stack_top(void)
{
	return (uint32_t)(uintptr_t)(trap_stack + sizeof(trap_stack));
}

const void *cmdline_case(const void *table, size_t count, size_t size, char *name,
			 size_t name_size)
{
	cmdline_word(0, name, name_size);
	for (size_t i = 0; i < count; i++) {
		const void *entry = (const char *)table + i * size;

		if (!strcmp(*(const char *const *)entry, name))
			return entry;
	}
	return NULL;
}

bool cmdline_word(unsigned n, char *buf, size_t size)
{
	const char *s = boot_info.cmdline;
	size_t len;

	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s)
			return false;
		for (len = 0; s[len] && s[len] != ' '; len++)
			;
		if (n-- == 0)
			break;
		s += len;
	}
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

uint32_t cmdline_number(unsigned n, uint32_t fallback)
{
	char word[16];
	uint32_t value = 0;

	if (!cmdline_word(n, word, sizeof(word)) || !word[0])
		return fallback;
	for (const char *p = word; *p; p++) {
		if (*p < '0' || *p > '9')
			return fallback;
		value = value * 10 + (uint32_t)(*p - '0');
	}
	return value;
}

const struct kn_device *find_device(uint32_t type)
{
	const struct kn_device_page *page =
		(const struct kn_device_page *)(uintptr_t)boot_info.device_page;

	if (!boot_info.device_page || page->magic != KN_DEVICE_MAGIC)
		return NULL;
	for (uint32_t i = 0; i < page->count && i < KN_MAX_DEVICES; i++)
		if (page->devices[i].type == type)
			return &page->devices[i];
	return NULL;
}

static void copy_boot_info(uint32_t gpa)
{
	memcpy(&boot_info, (const void *)(uintptr_t)gpa, sizeof(boot_info));
	boot_info.cmdline[KENNEL_CMDLINE_MAX - 1] = '\0';
}

static void register_shared_page(void)
{
	kennel_data.irq_enabled = 0;
	kennel_data.noirq_start = (uint32_t)(uintptr_t)noirq_start;
	kennel_data.noirq_end = (uint32_t)(uintptr_t)noirq_end;
	for (unsigned i = 0; i < KH_ASYNC_SLOTS; i++)
		kennel_data.async_status[i] = KH_ASYNC_DONE;
	kennel_data.async_next = 0;
	compiler_barrier();
	kh_init(&kennel_data);
}

void runtime_start(uint32_t magic, uint32_t boot_info_gpa)
{
	copy_boot_info(boot_info_gpa);
	test_before_init();
	register_shared_page();
	if (magic != KENNEL_BOOT_MAGIC || boot_info.magic != KENNEL_BOOT_MAGIC)
		test_error("boot magic 0x%x, boot information magic 0x%x: want 0x%x",
			   magic, boot_info.magic, KENNEL_BOOT_MAGIC);
	install_default_gates();
	kh_set_stack(GUEST_DS, trap_stack_top());
	enable_virtual_irqs();
	test_main();
	test_error("test_main returned without a result");
}
