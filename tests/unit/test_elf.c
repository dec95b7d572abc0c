/*U:460 tests/unit/test_elf.c: the ELF checks of host/kernel/elf.c, natively.
 *
 * Every test starts from one small valid program built in a buffer (a
 * read-execute text segment, a read-write data segment with bss, and a
 * non-loadable header the checker must skip), forges exactly one field,
 * and expects a refusal whose reason names the problem, down to the
 * segment's number. Sizes are pushed to where 32-bit sums would wrap, and
 * the boundaries are checked from both sides: a segment that ends exactly
 * at the bottom of the stack is fine, one byte more is not. Next: the
 * user-pointer range check, tests/unit/test_usercopy.c (U:470). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/elf_forge.h"

#include "lib/string.h"
#include "arch/x86/syscall.h"
#include "host/kernel/elf.h"

#define FILE_SIZE	0x3000
#define TEXT_VA		0x00400000u
#define DATA_VA		0x00401000u
#define LIMIT		(USER_STACK_TOP - USER_STACK_SIZE)

static uint8_t file[FILE_SIZE];
static struct elf_image img;
static char why[128];

static struct elf32_ehdr *ehdr(void)
{
	return forge_ehdr(file);
}

static struct elf32_phdr *phdr(unsigned i)
{
	return forge_phdr(file, i);
}

/* text 0x400000 (r-x, 0x100 bytes), a GNU_STACK header, data 0x401000
 * (rw-, 0x80 bytes from the file, 0x2000 in memory). */
static int setup_valid(void **state)
{
	(void)state;
	forge_program(file, sizeof(file), TEXT_VA, DATA_VA, TEXT_VA + 0x10, 0);
	memset(why, 0, sizeof(why));
	return 0;
}

static int check(void)
{
	return elf_check(file, FILE_SIZE, &img, why, sizeof(why));
}

static void assert_refused(const char *reason)
{
	assert_int_equal(check(), -ENOEXEC);
	assert_string_equal(why, reason);
}

static void test_valid_program(void **state)
{
	(void)state;
	assert_int_equal(check(), 0);
	assert_int_equal(img.entry, TEXT_VA + 0x10);
	assert_int_equal(img.nsegments, 2);
	assert_int_equal(img.segments[0].vaddr, TEXT_VA);
	assert_int_equal(img.segments[0].offset, 0x1000);
	assert_int_equal(img.segments[0].flags, ELF_PF_R | ELF_PF_X);
	assert_int_equal(img.segments[1].vaddr, DATA_VA);
	assert_int_equal(img.segments[1].filesz, 0x80);
	assert_int_equal(img.segments[1].memsz, 0x2000);
}

static void test_too_small(void **state)
{
	(void)state;
	assert_int_equal(elf_check(file, 51, &img, why, sizeof(why)), -ENOEXEC);
	assert_string_equal(why, "too small to be an ELF file (51 bytes)");
	assert_int_equal(elf_check(file, 0, &img, why, sizeof(why)), -ENOEXEC);
}

static void test_bad_magic(void **state)
{
	(void)state;
	file[1] = 'e';
	assert_refused("not an ELF file");
}

static void test_not_32_bit(void **state)
{
	(void)state;
	ehdr()->ident[4] = 2;		/* ELFCLASS64 */
	assert_refused("not a 32-bit ELF file");
}

static void test_big_endian(void **state)
{
	(void)state;
	ehdr()->ident[5] = 2;		/* ELFDATA2MSB */
	assert_refused("not a little-endian ELF file");
}

static void test_bad_versions(void **state)
{
	(void)state;
	ehdr()->ident[6] = 0;
	assert_refused("unknown ELF version 0");
	setup_valid(NULL);
	ehdr()->version = 2;
	assert_refused("unknown ELF version 2");
}

static void test_not_executable(void **state)
{
	(void)state;
	ehdr()->type = 3;		/* ET_DYN: a shared object or PIE */
	assert_refused("not an executable (ELF type 3)");
}

static void test_not_i386(void **state)
{
	(void)state;
	ehdr()->machine = 62;		/* EM_X86_64 */
	assert_refused("not an i386 program (machine 62)");
}

static void test_bad_phentsize(void **state)
{
	(void)state;
	ehdr()->phentsize = 56;		/* a 64-bit program header */
	assert_refused("bad program header size 56");
}

static void test_bad_phnum(void **state)
{
	(void)state;
	ehdr()->phnum = 0;
	assert_refused("bad program header count 0 (1 to 16)");
	ehdr()->phnum = ELF_MAX_PHDRS + 1;
	assert_refused("bad program header count 17 (1 to 16)");
}

static void test_phdrs_beyond_file(void **state)
{
	(void)state;
	ehdr()->phoff = FILE_SIZE - 2 * sizeof(struct elf32_phdr);
	assert_refused("program headers extend beyond the end of the file");
	ehdr()->phoff = 0xFFFFFFF0u;	/* phoff + phnum * 32 wraps in 32 bits */
	assert_refused("program headers extend beyond the end of the file");
}

static void test_filesz_over_memsz(void **state)
{
	(void)state;
	phdr(2)->filesz = 0x2001;
	assert_refused("segment 2 has more file bytes than memory");
}

static void test_bytes_beyond_file(void **state)
{
	(void)state;
	phdr(0)->offset = FILE_SIZE - 0x80;
	assert_refused("segment 0 extends beyond the end of the file");
	phdr(0)->offset = 0xFFFFFF80u;	/* offset + filesz wraps to 0x80 */
	assert_refused("segment 0 extends beyond the end of the file");
}

static void test_bytes_end_at_file_end(void **state)
{
	(void)state;
	phdr(2)->offset = FILE_SIZE - 0x80;
	assert_int_equal(check(), 0);
}

static void test_below_load_min(void **state)
{
	(void)state;
	phdr(0)->vaddr = USER_LOAD_MIN - 0x1000;
	ehdr()->entry = USER_LOAD_MIN - 0x1000;
	assert_refused("segment 0 starts below 0x00400000");
	phdr(0)->vaddr = 0;
	assert_refused("segment 0 starts below 0x00400000");
}

static void test_beyond_user_space(void **state)
{
	(void)state;
	phdr(2)->vaddr = LIMIT - 0x1000;	/* memsz 0x2000: one page too far */
	assert_refused("segment 2 extends beyond user space");
	phdr(2)->vaddr = 0xC0000000u;		/* in the kernel */
	assert_refused("segment 2 extends beyond user space");
	phdr(2)->vaddr = 0xFFFFF000u;		/* vaddr + memsz wraps to 0x1000 */
	assert_refused("segment 2 extends beyond user space");
}

static void test_ends_at_stack_bottom(void **state)
{
	(void)state;
	phdr(2)->vaddr = LIMIT - 0x2000;	/* ends exactly at the limit */
	assert_int_equal(check(), 0);
	phdr(2)->memsz = 0x2001;
	assert_refused("segment 2 extends beyond user space");
}

static void test_overlap(void **state)
{
	(void)state;
	phdr(2)->vaddr = TEXT_VA + 0xff;	/* one byte shared */
	assert_refused("segments 0 and 2 overlap");
	phdr(2)->vaddr = DATA_VA;
	phdr(0)->vaddr = DATA_VA + 0x800;	/* text wholly inside data */
	ehdr()->entry = DATA_VA + 0x810;
	assert_refused("segments 0 and 2 overlap");
}

static void test_adjacent_is_fine(void **state)
{
	(void)state;
	phdr(2)->vaddr = TEXT_VA + 0x100;	/* starts where text ends */
	assert_int_equal(check(), 0);
}

static void test_entry_outside(void **state)
{
	(void)state;
	ehdr()->entry = 0x00500000u;
	assert_refused("entry point 0x00500000 is not in an executable segment");
	ehdr()->entry = TEXT_VA + 0x100;	/* one past the end of text */
	assert_refused("entry point 0x00400100 is not in an executable segment");
}

static void test_entry_in_data(void **state)
{
	(void)state;
	ehdr()->entry = DATA_VA + 0x10;
	assert_refused("entry point 0x00401010 is not in an executable segment");
}

static void test_no_load_segment(void **state)
{
	(void)state;
	phdr(0)->type = PT_GNU_STACK;
	phdr(2)->type = 4;		/* PT_NOTE */
	assert_refused("no loadable segment");
}

static void test_short_reason_buffer(void **state)
{
	char tiny[8];

	(void)state;
	ehdr()->machine = 62;
	assert_int_equal(elf_check(file, FILE_SIZE, &img, tiny, sizeof(tiny)), -ENOEXEC);
	assert_string_equal(tiny, "not an ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid_program, setup_valid),
		cmocka_unit_test_setup(test_too_small, setup_valid),
		cmocka_unit_test_setup(test_bad_magic, setup_valid),
		cmocka_unit_test_setup(test_not_32_bit, setup_valid),
		cmocka_unit_test_setup(test_big_endian, setup_valid),
		cmocka_unit_test_setup(test_bad_versions, setup_valid),
		cmocka_unit_test_setup(test_not_executable, setup_valid),
		cmocka_unit_test_setup(test_not_i386, setup_valid),
		cmocka_unit_test_setup(test_bad_phentsize, setup_valid),
		cmocka_unit_test_setup(test_bad_phnum, setup_valid),
		cmocka_unit_test_setup(test_phdrs_beyond_file, setup_valid),
		cmocka_unit_test_setup(test_filesz_over_memsz, setup_valid),
		cmocka_unit_test_setup(test_bytes_beyond_file, setup_valid),
		cmocka_unit_test_setup(test_bytes_end_at_file_end, setup_valid),
		cmocka_unit_test_setup(test_below_load_min, setup_valid),
		cmocka_unit_test_setup(test_beyond_user_space, setup_valid),
		cmocka_unit_test_setup(test_ends_at_stack_bottom, setup_valid),
		cmocka_unit_test_setup(test_overlap, setup_valid),
		cmocka_unit_test_setup(test_adjacent_is_fine, setup_valid),
		cmocka_unit_test_setup(test_entry_outside, setup_valid),
		cmocka_unit_test_setup(test_entry_in_data, setup_valid),
		cmocka_unit_test_setup(test_no_load_segment, setup_valid),
		cmocka_unit_test_setup(test_short_reason_buffer, setup_valid),
	};

	return cmocka_run_group_tests_name("host/kernel/elf.c", tests, NULL, NULL);
}
