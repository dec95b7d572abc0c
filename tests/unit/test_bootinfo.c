/*T:140 tests/unit/test_bootinfo.c: reading the Multiboot information,
 * host/kernel/bootinfo.c, from forged blocks.
 *
 * A 64 KiB byte array stands in for physical memory: the phys reader maps
 * physical address X to mem + X and answers NULL for anything that does
 * not fit, just as the host's reader does beyond its direct map. Each test
 * builds a multiboot_info block there (memory map entries, strings, module
 * records) the way GRUB or QEMU would, or the way a broken loader might:
 * a bad magic, structures out of reach, a memory map entry too short to be
 * one, strings that run off the end of memory, too many ranges or modules,
 * a module that ends before it starts. The QEMU wrinkle is checked in both
 * directions: loader "qemu" loses the image path in front of every command
 * line, GRUB's lines are kept whole. Next: tests/unit/test_options.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"
#include "host/kernel/bootinfo.h"

#define MEM_SIZE	0x10000u
#define MBI_PA		0x0100u
#define MODS_PA		0x0400u
#define MMAP_PA		0x1000u
#define STRINGS_PA	0x2000u

#define GRUB_NAME	"GRUB 2.06-13+deb12u1"

static uint8_t mem[MEM_SIZE];
static uint32_t next_string;
static struct boot_info bi;

static const void *phys(uint32_t pa, uint32_t len)
{
	if ((uint64_t)pa + len > MEM_SIZE)
		return NULL;
	return mem + pa;
}

static struct multiboot_info *mbi(void)
{
	return (struct multiboot_info *)(mem + MBI_PA);
}

static uint32_t put_string(const char *s)
{
	uint32_t pa = next_string;
	size_t n = strlen(s) + 1;

	assert_true(pa + n <= MEM_SIZE);
	memcpy(mem + pa, s, n);
	next_string += (uint32_t)n;
	return pa;
}

static void set_loader(const char *name)
{
	mbi()->flags |= MB_INFO_LOADER_NAME;
	mbi()->boot_loader_name = put_string(name);
}

static void set_cmdline(const char *line)
{
	mbi()->flags |= MB_INFO_CMDLINE;
	mbi()->cmdline = put_string(line);
}

/* Append a memory map entry whose "size" field is "size" (20 for a
 * standard entry); the next entry starts size + 4 bytes later. */
static void add_mmap_sized(uint32_t size, uint64_t addr, uint64_t len, uint32_t type)
{
	struct multiboot_mmap e = { size, addr, len, type };

	mbi()->flags |= MB_INFO_MEM_MAP;
	mbi()->mmap_addr = MMAP_PA;
	assert_true(MMAP_PA + mbi()->mmap_length + size + 4 <= STRINGS_PA);
	memcpy(mem + MMAP_PA + mbi()->mmap_length, &e, sizeof(e));
	mbi()->mmap_length += size + 4;
}

static void add_mmap(uint64_t addr, uint64_t len, uint32_t type)
{
	add_mmap_sized(20, addr, len, type);
}

static void add_module_at(uint32_t start, uint32_t end, uint32_t cmdline_pa)
{
	struct multiboot_module m = { start, end, cmdline_pa, 0 };
	uint32_t i = mbi()->mods_count++;

	mbi()->flags |= MB_INFO_MODS;
	mbi()->mods_addr = MODS_PA;
	assert_true(MODS_PA + (i + 1) * sizeof(m) <= MMAP_PA);
	memcpy(mem + MODS_PA + i * sizeof(m), &m, sizeof(m));
}

static void add_module(uint32_t start, uint32_t end, const char *cmdline)
{
	add_module_at(start, end, put_string(cmdline));
}

static const char *parse(void)
{
	return bootinfo_parse(&bi, MULTIBOOT_BOOT_MAGIC, MBI_PA, phys);
}

/* The smallest valid block: one usable range from a memory map. */
static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	memset(&bi, 0xa5, sizeof(bi));	/* the parser must clear it */
	next_string = STRINGS_PA;
	return 0;
}

static void add_typical_map(void)
{
	add_mmap(0, 0x9fc00, MULTIBOOT_MEMORY_AVAILABLE);
	add_mmap(0x9fc00, 0x400, 2);
	add_mmap(0xf0000, 0x10000, 2);
	add_mmap(0x100000, 0xfee0000, MULTIBOOT_MEMORY_AVAILABLE);
	add_mmap(0xfffc0000, 0x40000, 2);
}

static void test_bad_magic(void **state)
{
	const char *err;

	(void)state;
	set_loader(GRUB_NAME);
	add_typical_map();
	err = bootinfo_parse(&bi, 0x2badb003u, MBI_PA, phys);
	assert_string_equal(err, "not started by a Multiboot loader (bad magic in eax)");
	/* Nothing half-filled is left behind. */
	assert_int_equal(bi.nranges, 0);
	assert_int_equal(bi.usable_bytes, 0);
	assert_string_equal(bi.loader, "");
	assert_string_equal(bi.cmdline, "");
	/* The header's magic is not the boot magic either. */
	assert_non_null(bootinfo_parse(&bi, MULTIBOOT_HEADER_MAGIC, MBI_PA, phys));
}

static void test_mbi_out_of_reach(void **state)
{
	(void)state;
	add_typical_map();
	assert_string_equal(bootinfo_parse(&bi, MULTIBOOT_BOOT_MAGIC, MEM_SIZE, phys),
			    "multiboot_info out of reach");
	/* Starting inside memory but ending past it is out of reach too. */
	assert_string_equal(bootinfo_parse(&bi, MULTIBOOT_BOOT_MAGIC,
					   MEM_SIZE - sizeof(struct multiboot_info) + 1, phys),
			    "multiboot_info out of reach");
	assert_string_equal(bootinfo_parse(&bi, MULTIBOOT_BOOT_MAGIC, 0xfffffff0u, phys),
			    "multiboot_info out of reach");
	/* ...while ending exactly at the end is fine (no memory info there). */
	assert_string_equal(bootinfo_parse(&bi, MULTIBOOT_BOOT_MAGIC,
					   MEM_SIZE - sizeof(struct multiboot_info), phys),
			    "boot loader gave no memory information");
}

static void test_memory_map_counts_only_available(void **state)
{
	(void)state;
	set_loader(GRUB_NAME);
	add_typical_map();
	assert_null(parse());
	assert_string_equal(bi.loader, GRUB_NAME);
	assert_int_equal(bi.nranges, 2);
	assert_int_equal(bi.ranges[0].start, 0);
	assert_int_equal(bi.ranges[0].end, 0x9fc00);
	assert_int_equal(bi.ranges[1].start, 0x100000);
	assert_int_equal(bi.ranges[1].end, 0xffe0000);
	assert_int_equal(bi.usable_bytes, 0x9fc00 + 0xfee0000);
	assert_int_equal(bi.dropped_ranges, 0);
	assert_int_equal(bi.nmodules, 0);
	assert_string_equal(bi.cmdline, "");
}

static void test_memory_map_edge_entries(void **state)
{
	(void)state;
	/* Empty and wrapping entries are not RAM; one above 4 GiB is, and
	 * its 64-bit size must survive. */
	add_mmap(0x100000, 0, MULTIBOOT_MEMORY_AVAILABLE);
	add_mmap(0xffffffffffff0000ULL, 0x20000, MULTIBOOT_MEMORY_AVAILABLE);
	add_mmap(0x100000000ULL, 0x40000000ULL, MULTIBOOT_MEMORY_AVAILABLE);
	/* A longer entry (size 24): the next one is found 28 bytes on. */
	add_mmap_sized(24, 0x200000, 0x1000, MULTIBOOT_MEMORY_AVAILABLE);
	add_mmap(0x300000, 0x2000, MULTIBOOT_MEMORY_AVAILABLE);
	assert_null(parse());
	assert_int_equal(bi.nranges, 3);
	assert_true(bi.ranges[0].start == 0x100000000ULL);
	assert_true(bi.ranges[0].end == 0x140000000ULL);
	assert_int_equal(bi.ranges[1].start, 0x200000);
	assert_int_equal(bi.ranges[2].start, 0x300000);
	assert_int_equal(bi.ranges[2].end, 0x302000);
	assert_true(bi.usable_bytes == 0x40000000ULL + 0x1000 + 0x2000);
}

static void test_too_many_ranges_are_dropped(void **state)
{
	(void)state;
	for (unsigned i = 0; i < BOOT_MAX_RANGES + 2; i++) {
		add_mmap(0x100000 + i * 0x2000, 0x1000, MULTIBOOT_MEMORY_AVAILABLE);
		add_mmap(0x101000 + i * 0x2000, 0x1000, 2);	/* reserved: not counted */
	}
	assert_null(parse());
	assert_int_equal(bi.nranges, BOOT_MAX_RANGES);
	assert_int_equal(bi.dropped_ranges, 2);
	/* Only what was kept is usable. */
	assert_int_equal(bi.usable_bytes, BOOT_MAX_RANGES * 0x1000);
	assert_int_equal(bi.ranges[BOOT_MAX_RANGES - 1].start,
			 0x100000 + (BOOT_MAX_RANGES - 1) * 0x2000);
}

static void test_mmap_entry_too_short(void **state)
{
	(void)state;
	add_mmap(0x100000, 0x100000, MULTIBOOT_MEMORY_AVAILABLE);
	add_mmap_sized(16, 0x300000, 0x1000, MULTIBOOT_MEMORY_AVAILABLE);
	assert_string_equal(parse(), "memory map entry too short");
	/* A zero size would loop forever if it were accepted. */
	setup(NULL);
	add_mmap_sized(0, 0x300000, 0x1000, MULTIBOOT_MEMORY_AVAILABLE);
	assert_string_equal(parse(), "memory map entry too short");
}

static void test_mmap_problems(void **state)
{
	(void)state;
	/* Only reserved memory. */
	add_mmap(0, 0x100000, 2);
	assert_string_equal(parse(), "memory map lists no usable RAM");
	/* An empty map. */
	setup(NULL);
	mbi()->flags = MB_INFO_MEM_MAP;
	mbi()->mmap_addr = MMAP_PA;
	assert_string_equal(parse(), "memory map lists no usable RAM");
	/* A map that runs off the end of memory. */
	setup(NULL);
	mbi()->flags = MB_INFO_MEM_MAP;
	mbi()->mmap_addr = MEM_SIZE - 12;
	mbi()->mmap_length = 24;
	assert_string_equal(parse(), "memory map entry out of reach");
}

static void test_no_map_falls_back_to_mem_lower_upper(void **state)
{
	(void)state;
	mbi()->flags = MB_INFO_MEMORY;
	mbi()->mem_lower = 639;
	mbi()->mem_upper = 261120;
	assert_null(parse());
	assert_int_equal(bi.nranges, 2);
	assert_int_equal(bi.ranges[0].start, 0);
	assert_int_equal(bi.ranges[0].end, 639 * 1024);
	assert_int_equal(bi.ranges[1].start, 0x100000);
	assert_int_equal(bi.ranges[1].end, 0x100000 + 261120u * 1024);
	assert_int_equal(bi.usable_bytes, (639 + 261120u) * 1024);

	/* When both are given, the map wins. */
	setup(NULL);
	mbi()->flags = MB_INFO_MEMORY;
	mbi()->mem_lower = 639;
	mbi()->mem_upper = 261120;
	add_mmap(0x100000, 0x10000, MULTIBOOT_MEMORY_AVAILABLE);
	assert_null(parse());
	assert_int_equal(bi.nranges, 1);
	assert_int_equal(bi.usable_bytes, 0x10000);
}

static void test_no_memory_information(void **state)
{
	(void)state;
	set_loader(GRUB_NAME);
	set_cmdline("fault=gp");
	mbi()->mem_lower = 639;		/* present, but the flag says not */
	assert_string_equal(parse(), "boot loader gave no memory information");
	assert_int_equal(bi.nranges, 0);
}

static void test_qemu_drops_the_image_path(void **state)
{
	(void)state;
	set_loader("qemu");
	set_cmdline("build/kennel.elf fault=page console=echo");
	add_typical_map();
	add_module(0x200000, 0x200123, "file /bin/x arg=1 b=2");
	add_module(0x201000, 0x201000, "file2 /disk/y");
	add_module(0x202000, 0x202010, "file3");
	assert_null(parse());
	assert_string_equal(bi.loader, "qemu");
	assert_string_equal(bi.cmdline, "fault=page console=echo");
	assert_int_equal(bi.nmodules, 3);
	assert_string_equal(bi.modules[0].name, "/bin/x");
	assert_string_equal(bi.modules[0].args, "arg=1 b=2");
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x200123);
	assert_string_equal(bi.modules[1].name, "/disk/y");
	assert_string_equal(bi.modules[1].args, "");
	assert_int_equal(bi.modules[1].end - bi.modules[1].start, 0);
	/* A module given without a name has none. */
	assert_string_equal(bi.modules[2].name, "");
	assert_string_equal(bi.modules[2].args, "");

	/* The image path alone: an empty command line. */
	setup(NULL);
	set_loader("qemu");
	set_cmdline("build/kennel.elf");
	add_typical_map();
	assert_null(parse());
	assert_string_equal(bi.cmdline, "");
}

static void test_grub_keeps_every_word(void **state)
{
	(void)state;
	set_loader(GRUB_NAME);
	set_cmdline("fault=page console=echo");
	add_typical_map();
	add_module(0x200000, 0x201000, "/bin/x arg=1 b=2");
	add_module(0x300000, 0x300400, "  /disk/y   a  b  ");
	add_module(0x400000, 0x400001, "/bin/solo");
	add_module(0x500000, 0x500000, "");
	add_module_at(0x600000, 0x600000, 0);	/* no command line at all */
	assert_null(parse());
	assert_string_equal(bi.cmdline, "fault=page console=echo");
	assert_int_equal(bi.nmodules, 5);
	assert_string_equal(bi.modules[0].name, "/bin/x");
	assert_string_equal(bi.modules[0].args, "arg=1 b=2");
	/* Spaces around the name go; inside the arguments they stay. */
	assert_string_equal(bi.modules[1].name, "/disk/y");
	assert_string_equal(bi.modules[1].args, "a  b  ");
	assert_string_equal(bi.modules[2].name, "/bin/solo");
	assert_string_equal(bi.modules[2].args, "");
	assert_int_equal(bi.modules[2].end, 0x400001);
	assert_string_equal(bi.modules[3].name, "");
	assert_string_equal(bi.modules[4].name, "");
	assert_string_equal(bi.modules[4].args, "");

	/* Without a loader name the line is kept whole too. */
	setup(NULL);
	set_cmdline("a/b c");
	add_typical_map();
	assert_null(parse());
	assert_string_equal(bi.loader, "");
	assert_string_equal(bi.cmdline, "a/b c");
}

static void test_blank_module_line(void **state)
{
	char spaces[BOOT_CMDLINE_MAX];

	(void)state;
	/* A module line of nothing but spaces, as long as the parser's line
	 * buffer holds: no name, no arguments, and (under the sanitizer) no
	 * read outside that buffer. */
	memset(spaces, ' ', sizeof(spaces) - 1);
	spaces[sizeof(spaces) - 1] = '\0';
	set_loader(GRUB_NAME);
	add_typical_map();
	add_module(0x200000, 0x201000, spaces);
	add_module(0x201000, 0x202000, "   ");
	assert_null(parse());
	assert_int_equal(bi.nmodules, 2);
	assert_string_equal(bi.modules[0].name, "");
	assert_string_equal(bi.modules[0].args, "");
	assert_string_equal(bi.modules[1].name, "");
	assert_string_equal(bi.modules[1].args, "");
}

static void test_module_ends_before_it_starts(void **state)
{
	(void)state;
	set_loader(GRUB_NAME);
	add_typical_map();
	add_module(0x200000, 0x201000, "/bin/ok");
	add_module(0x300000, 0x2fffff, "/bin/bad");
	assert_string_equal(parse(), "module ends before it starts");
}

static void test_module_count_limit(void **state)
{
	(void)state;
	set_loader(GRUB_NAME);
	add_typical_map();
	for (unsigned i = 0; i < BOOT_MAX_MODULES; i++)
		add_module(0x200000 + i * 0x1000, 0x200800 + i * 0x1000, "/bin/m");
	assert_null(parse());
	assert_int_equal(bi.nmodules, BOOT_MAX_MODULES);
	assert_int_equal(bi.modules[BOOT_MAX_MODULES - 1].start,
			 0x200000 + (BOOT_MAX_MODULES - 1) * 0x1000);

	add_module(0x300000, 0x301000, "/bin/one-too-many");
	assert_string_equal(parse(), "too many modules");
	/* A count no list could hold is refused before anything is read. */
	mbi()->mods_count = 0xffffffffu;
	assert_string_equal(parse(), "too many modules");
}

static void test_module_list_out_of_reach(void **state)
{
	(void)state;
	set_loader(GRUB_NAME);
	add_typical_map();
	mbi()->flags |= MB_INFO_MODS;
	mbi()->mods_count = 1;
	mbi()->mods_addr = MEM_SIZE - 8;
	assert_string_equal(parse(), "module list out of reach");
}

/* Put a string without a terminator at the very end of memory. */
static uint32_t put_unterminated_tail(size_t len)
{
	uint32_t pa = MEM_SIZE - (uint32_t)len;

	memset(mem + pa, 'x', len);
	return pa;
}

static void test_unterminated_strings(void **state)
{
	(void)state;
	add_typical_map();
	mbi()->flags |= MB_INFO_CMDLINE;
	mbi()->cmdline = put_unterminated_tail(10);
	assert_string_equal(parse(), "command line out of reach");

	setup(NULL);
	add_typical_map();
	mbi()->flags |= MB_INFO_LOADER_NAME;
	mbi()->boot_loader_name = put_unterminated_tail(3);
	assert_string_equal(parse(), "boot loader name out of reach");

	setup(NULL);
	set_loader(GRUB_NAME);
	add_typical_map();
	add_module_at(0x200000, 0x201000, put_unterminated_tail(2000));
	assert_string_equal(parse(), "module list out of reach");

	/* A pointer past the end of memory is out of reach as well. */
	setup(NULL);
	add_typical_map();
	mbi()->flags |= MB_INFO_CMDLINE;
	mbi()->cmdline = 0xfffffffcu;
	assert_string_equal(parse(), "command line out of reach");
}

static void test_long_strings_are_truncated(void **state)
{
	char line[3000], want[BOOT_CMDLINE_MAX];

	(void)state;
	/* Loader name: 100 characters kept as 63. */
	memset(line, 'L', 100);
	line[100] = '\0';
	set_loader(line);
	/* Command line: 2999 characters kept as 1023. */
	for (unsigned i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[sizeof(line) - 1] = '\0';
	set_cmdline(line);
	/* Module: a 100-character name, then arguments. */
	memset(line, 'n', 100);
	strlcpy(line + 100, " arg=1", sizeof(line) - 100);
	add_module(0x200000, 0x201000, line);
	add_typical_map();
	assert_null(parse());

	assert_int_equal(strlen(bi.loader), BOOT_NAME_MAX - 1);
	assert_int_equal(bi.loader[BOOT_NAME_MAX - 2], 'L');
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	for (unsigned i = 0; i < BOOT_CMDLINE_MAX - 1; i++)
		want[i] = (char)('a' + i % 26);
	want[BOOT_CMDLINE_MAX - 1] = '\0';
	assert_string_equal(bi.cmdline, want);
	assert_int_equal(strlen(bi.modules[0].name), BOOT_NAME_MAX - 1);
	assert_int_equal(bi.modules[0].name[0], 'n');
	assert_string_equal(bi.modules[0].args, "arg=1");
}

static void test_qemu_long_cmdline_truncated_then_split(void **state)
{
	char line[2000];

	(void)state;
	/* The path is dropped from what was kept, so 1023 - 17 remain. */
	strlcpy(line, "build/kennel.elf ", sizeof(line));
	memset(line + 17, 'z', sizeof(line) - 18);
	line[sizeof(line) - 1] = '\0';
	set_loader("qemu");
	set_cmdline(line);
	add_typical_map();
	assert_null(parse());
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1 - 17);
	assert_int_equal(bi.cmdline[0], 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bad_magic, setup),
		cmocka_unit_test_setup(test_mbi_out_of_reach, setup),
		cmocka_unit_test_setup(test_memory_map_counts_only_available, setup),
		cmocka_unit_test_setup(test_memory_map_edge_entries, setup),
		cmocka_unit_test_setup(test_too_many_ranges_are_dropped, setup),
		cmocka_unit_test_setup(test_mmap_entry_too_short, setup),
		cmocka_unit_test_setup(test_mmap_problems, setup),
		cmocka_unit_test_setup(test_no_map_falls_back_to_mem_lower_upper, setup),
		cmocka_unit_test_setup(test_no_memory_information, setup),
		cmocka_unit_test_setup(test_qemu_drops_the_image_path, setup),
		cmocka_unit_test_setup(test_grub_keeps_every_word, setup),
		cmocka_unit_test_setup(test_blank_module_line, setup),
		cmocka_unit_test_setup(test_module_ends_before_it_starts, setup),
		cmocka_unit_test_setup(test_module_count_limit, setup),
		cmocka_unit_test_setup(test_module_list_out_of_reach, setup),
		cmocka_unit_test_setup(test_unterminated_strings, setup),
		cmocka_unit_test_setup(test_long_strings_are_truncated, setup),
		cmocka_unit_test_setup(test_qemu_long_cmdline_truncated_then_split, setup),
	};

	return cmocka_run_group_tests_name("bootinfo", tests, NULL, NULL);
}
