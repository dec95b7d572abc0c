/*L:230 tests/unit/test_launcher_loader.c: loading a guest kernel,
 * launcher/loader.c, natively.
 *
 * Every test starts from one small valid kernel built in a buffer: a
 * read-execute text segment and a read-write data segment with bss,
 * linked high (virtual 0xC01xxxxx) but loaded low (physical 0x001xxxxx),
 * with a non-loadable header between them that must be skipped. The good
 * case checks that the bytes land at the physical addresses, that bss is
 * zeroed over garbage, and the entry point. Then each test forges one
 * field and reads the whole refusal, and checks that a refused kernel left
 * guest RAM untouched. Sums are pushed to where 32 bits wrap, and limits
 * are tried from both sides: a segment ending exactly at the end of RAM or
 * at the boot-info page is fine, one byte more is not. Next: the memory
 * map, tests/unit/test_launcher_layout.c. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/elf_forge.h"

#include "lib/string.h"
#include "host/kernel/elf.h"
#include "launcher/loader.h"

#define FILE_SIZE	0x3000
#define RAM		0x00400000u		/* 4 MiB of guest RAM */
#define TEXT_PA		0x00100000u
#define DATA_PA		0x00101000u
#define LINK_OFFSET	0xC0000000u
#define ENTRY		(TEXT_PA + 0x10)
#define GARBAGE		0xAA

static uint8_t file[FILE_SIZE];
static uint8_t ram[RAM];
static uint32_t entry;
static char why[160];

static struct elf32_ehdr *ehdr(void)
{
	return forge_ehdr(file);
}

static struct elf32_phdr *phdr(unsigned i)
{
	return forge_phdr(file, i);
}

static void set_phdr(unsigned i, uint32_t type, uint32_t off, uint32_t pa, uint32_t filesz,
		     uint32_t memsz, uint32_t flags)
{
	forge_segment(file, i, type, off, pa, LINK_OFFSET, filesz, memsz, flags);
}

static void fill_file_bytes(void)
{
	for (uint32_t i = 0x1000; i < FILE_SIZE; i++)
		file[i] = (uint8_t)(i * 7 + 1);
}

/* text at 0x100000 (0x100 bytes), GNU_STACK, data at 0x101000 (0x80 bytes
 * from the file, 0x2000 in memory). */
static int setup_valid(void **state)
{
	(void)state;
	forge_program(file, sizeof(file), TEXT_PA, DATA_PA, ENTRY, LINK_OFFSET);
	fill_file_bytes();
	memset(ram, GARBAGE, sizeof(ram));
	memset(why, 0, sizeof(why));
	entry = 0;
	return 0;
}

static int load_size(uint32_t size)
{
	return load_kernel_image(file, size, ram, RAM, &entry, why, sizeof(why));
}

static int load(void)
{
	return load_size(FILE_SIZE);
}

static bool ram_untouched(void)
{
	for (uint32_t i = 0; i < RAM; i++)
		if (ram[i] != GARBAGE)
			return false;
	return true;
}

static void assert_refused(const char *message)
{
	assert_int_equal(load(), -1);
	assert_string_equal(why, message);
	assert_int_equal(entry, 0);
	assert_true(ram_untouched());
}

static bool all(const uint8_t *p, uint8_t value, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != value)
			return false;
	return true;
}

static void test_valid_kernel(void **state)
{
	(void)state;
	assert_int_equal(load(), 0);
	assert_string_equal(why, "");
	assert_int_equal(entry, ENTRY);
	assert_memory_equal(ram + TEXT_PA, file + 0x1000, 0x100);
	assert_memory_equal(ram + DATA_PA, file + 0x2000, 0x80);
	assert_true(all(ram + DATA_PA + 0x80, 0, 0x2000 - 0x80));	/* bss, zeroed */
	/* Nothing else written: not between, below or above the segments. */
	assert_true(all(ram + TEXT_PA + 0x100, GARBAGE, DATA_PA - TEXT_PA - 0x100));
	assert_true(all(ram, GARBAGE, TEXT_PA));
	assert_true(all(ram + DATA_PA + 0x2000, GARBAGE, RAM - DATA_PA - 0x2000));
}

static void test_physical_not_virtual(void **state)
{
	(void)state;
	/* A kernel linked where it loads works the same. */
	phdr(0)->vaddr = TEXT_PA;
	phdr(2)->vaddr = 0x12345000;
	assert_int_equal(load(), 0);
	assert_memory_equal(ram + TEXT_PA, file + 0x1000, 0x100);
	assert_memory_equal(ram + DATA_PA, file + 0x2000, 0x80);
	/* The entry is physical: a virtual one is not inside a segment. */
	setup_valid(state);
	ehdr()->entry = ENTRY + LINK_OFFSET;
	assert_refused("entry point 0xc0100010 is not inside a loaded segment");
}

static void test_truncated(void **state)
{
	(void)state;
	assert_int_equal(load_size(sizeof(struct elf32_ehdr) - 1), -1);
	assert_string_equal(why, "too small to be an ELF file (51 bytes)");
	assert_int_equal(load_size(0), -1);
	assert_string_equal(why, "too small to be an ELF file (0 bytes)");
	/* The header fits, the program headers do not. */
	assert_int_equal(load_size(sizeof(struct elf32_ehdr) + 3 * 32 - 1), -1);
	assert_string_equal(why, "program headers extend beyond the end of the file");
	/* Headers fit, the text segment's bytes do not. */
	assert_int_equal(load_size(0x1000 + 0x100 - 1), -1);
	assert_string_equal(why, "segment 0's file bytes [0x1000, 0x1100) extend beyond the "
			    "end of the file (0x10ff bytes)");
	assert_true(ram_untouched());
}

static void test_bad_ident(void **state)
{
	(void)state;
	file[0] = 0x7e;
	assert_refused("not an ELF file");
	setup_valid(state);
	file[4] = 2;
	assert_refused("not a 32-bit ELF file");
	setup_valid(state);
	file[5] = 2;
	assert_refused("not a little-endian ELF file");
	setup_valid(state);
	file[6] = 0;
	assert_refused("unknown ELF version 0");
	setup_valid(state);
	ehdr()->version = 2;
	assert_refused("unknown ELF version 2");
}

static void test_not_an_i386_executable(void **state)
{
	(void)state;
	ehdr()->type = 3;			/* ET_DYN */
	assert_refused("not an executable (ELF type 3)");
	setup_valid(state);
	ehdr()->machine = 62;			/* x86-64 */
	assert_refused("not an i386 program (machine 62)");
}

static void test_bad_program_header_table(void **state)
{
	(void)state;
	ehdr()->phentsize = 40;
	assert_refused("bad program header size 40");
	setup_valid(state);
	ehdr()->phnum = 0;
	assert_refused("bad program header count 0 (1 to 16)");
	setup_valid(state);
	ehdr()->phnum = 17;
	assert_refused("bad program header count 17 (1 to 16)");
	setup_valid(state);
	ehdr()->phoff = FILE_SIZE - 3 * 32 + 1;
	assert_refused("program headers extend beyond the end of the file");
	setup_valid(state);
	ehdr()->phoff = 0xFFFFFFF0u;		/* wraps in 32 bits */
	assert_refused("program headers extend beyond the end of the file");
}

static void test_filesz_over_memsz(void **state)
{
	(void)state;
	phdr(2)->filesz = 0x2001;
	assert_refused("segment 2 has more file bytes (0x2001) than memory (0x2000)");
}

static void test_file_bytes_beyond_file(void **state)
{
	(void)state;
	phdr(2)->filesz = 0x1001;		/* 0x2000 + 0x1001 > 0x3000 */
	assert_refused("segment 2's file bytes [0x2000, 0x3001) extend beyond the end of the "
		       "file (0x3000 bytes)");
	setup_valid(state);
	phdr(2)->offset = 0xFFFFFF90u;		/* + 0x80 wraps to 0x10 in 32 bits */
	assert_refused("segment 2's file bytes [0xffffff90, 0x100000010) extend beyond the "
		       "end of the file (0x3000 bytes)");
	setup_valid(state);
	phdr(2)->filesz = 0x1000;		/* exactly to the end: fine */
	assert_int_equal(load(), 0);
	assert_memory_equal(ram + DATA_PA, file + 0x2000, 0x1000);
}

static void test_address_wraps(void **state)
{
	(void)state;
	phdr(2)->paddr = 0xFFFFF000u;
	assert_refused("segment 2 at 0xfffff000, 0x2000 bytes, wraps around the address space");
}

static void test_outside_ram(void **state)
{
	(void)state;
	phdr(2)->paddr = RAM - 0x1000;		/* 0x2000 bytes: one page too many */
	assert_refused("segment 2 [0x003ff000, 0x00401000) is outside guest RAM [0, 0x00400000)");
	setup_valid(state);
	phdr(2)->paddr = RAM;			/* the device page */
	assert_refused("segment 2 [0x00400000, 0x00402000) is outside guest RAM [0, 0x00400000)");
	setup_valid(state);
	phdr(2)->paddr = 0xFFFFE000u;		/* ends exactly at 4 GiB */
	assert_refused("segment 2 [0xffffe000, 0x100000000) is outside guest RAM [0, 0x00400000)");
}

static void test_ends_exactly_at_end_of_ram(void **state)
{
	(void)state;
	phdr(2)->paddr = RAM - 0x2000;
	assert_int_equal(load(), 0);
	assert_memory_equal(ram + RAM - 0x2000, file + 0x2000, 0x80);
	assert_true(all(ram + RAM - 0x2000 + 0x80, 0, 0x2000 - 0x80));
}

static void test_boot_info_page(void **state)
{
	(void)state;
	phdr(2)->paddr = 0x1800;
	phdr(2)->memsz = 0x100;
	assert_refused("segment 2 [0x00001800, 0x00001900) overlaps the boot-info page "
		       "[0x00001000, 0x00002000)");
	setup_valid(state);
	phdr(2)->paddr = 0;			/* one byte into it */
	phdr(2)->memsz = 0x1001;
	assert_refused("segment 2 [0x00000000, 0x00001001) overlaps the boot-info page "
		       "[0x00001000, 0x00002000)");
	setup_valid(state);
	phdr(2)->paddr = 0x1fff;		/* its last byte */
	assert_refused("segment 2 [0x00001fff, 0x00003fff) overlaps the boot-info page "
		       "[0x00001000, 0x00002000)");
	setup_valid(state);
	phdr(2)->paddr = 0;			/* across it */
	phdr(2)->memsz = 0x3000;
	assert_refused("segment 2 [0x00000000, 0x00003000) overlaps the boot-info page "
		       "[0x00001000, 0x00002000)");
}

static void test_beside_the_boot_info_page(void **state)
{
	(void)state;
	phdr(2)->paddr = 0;			/* [0, 0x1000): just below */
	phdr(2)->memsz = 0x1000;
	assert_int_equal(load(), 0);
	setup_valid(state);
	phdr(2)->paddr = 0x2000;		/* just above */
	assert_int_equal(load(), 0);
	assert_memory_equal(ram + 0x2000, file + 0x2000, 0x80);
}

static void test_segments_overlap(void **state)
{
	(void)state;
	phdr(2)->paddr = TEXT_PA + 0xff;
	assert_refused("segments 0 and 2 overlap");
	setup_valid(state);
	phdr(2)->paddr = TEXT_PA + 0x100;	/* touching is fine */
	ehdr()->entry = TEXT_PA;
	assert_int_equal(load(), 0);
	setup_valid(state);
	phdr(2)->paddr = TEXT_PA - 0x2000;	/* from below, too */
	assert_int_equal(load(), 0);
	setup_valid(state);
	phdr(2)->paddr = TEXT_PA - 0x1fff;
	assert_refused("segments 0 and 2 overlap");
}

static void test_no_loadable_segment(void **state)
{
	(void)state;
	phdr(0)->type = PT_GNU_STACK;
	phdr(2)->type = 4;			/* PT_NOTE */
	assert_refused("no loadable segment");
	setup_valid(state);
	phdr(0)->memsz = phdr(0)->filesz = 0;	/* empty loads count for nothing */
	phdr(2)->memsz = phdr(2)->filesz = 0;
	assert_refused("no loadable segment");
}

static void test_empty_segment_is_skipped(void **state)
{
	(void)state;
	/* Memory size 0: nowhere is wrong, since nothing is loaded. */
	set_phdr(1, ELF_PT_LOAD, 0x1000, 0xFFFFFFFFu, 0, 0, ELF_PF_R);
	assert_int_equal(load(), 0);
	/* But its file bytes must still be honest. */
	setup_valid(state);
	set_phdr(1, ELF_PT_LOAD, 0x1000, 0x1800, 1, 0, ELF_PF_R);
	assert_refused("segment 1 has more file bytes (0x1) than memory (0x0)");
}

static void test_entry_point(void **state)
{
	(void)state;
	ehdr()->entry = TEXT_PA + 0x100;		/* one past the text */
	assert_refused("entry point 0x00100100 is not inside a loaded segment");
	setup_valid(state);
	ehdr()->entry = DATA_PA + 0x1fff;		/* in bss: still loaded */
	assert_int_equal(load(), 0);
	assert_int_equal(entry, DATA_PA + 0x1fff);
	setup_valid(state);
	ehdr()->entry = 0;
	assert_refused("entry point 0x00000000 is not inside a loaded segment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid_kernel, setup_valid),
		cmocka_unit_test_setup(test_physical_not_virtual, setup_valid),
		cmocka_unit_test_setup(test_truncated, setup_valid),
		cmocka_unit_test_setup(test_bad_ident, setup_valid),
		cmocka_unit_test_setup(test_not_an_i386_executable, setup_valid),
		cmocka_unit_test_setup(test_bad_program_header_table, setup_valid),
		cmocka_unit_test_setup(test_filesz_over_memsz, setup_valid),
		cmocka_unit_test_setup(test_file_bytes_beyond_file, setup_valid),
		cmocka_unit_test_setup(test_address_wraps, setup_valid),
		cmocka_unit_test_setup(test_outside_ram, setup_valid),
		cmocka_unit_test_setup(test_ends_exactly_at_end_of_ram, setup_valid),
		cmocka_unit_test_setup(test_boot_info_page, setup_valid),
		cmocka_unit_test_setup(test_beside_the_boot_info_page, setup_valid),
		cmocka_unit_test_setup(test_segments_overlap, setup_valid),
		cmocka_unit_test_setup(test_no_loadable_segment, setup_valid),
		cmocka_unit_test_setup(test_empty_segment_is_skipped, setup_valid),
		cmocka_unit_test_setup(test_entry_point, setup_valid),
	};

	return cmocka_run_group_tests_name("launcher loader", tests, NULL, NULL);
}
