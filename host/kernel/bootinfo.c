/*B:100 host/kernel/bootinfo.c: reading the Multiboot information, once.
 *
 * The multiboot_info block lives in memory the frame allocator is about to
 * hand out, so the first thing kennel does is copy what it needs into a
 * struct boot_info: the usable RAM ranges, the command line and the
 * modules. This file is pure logic (no hardware, no globals): the unit
 * tests in tests/unit/test_bootinfo.c feed it forged blocks.
 *
 * One wrinkle: QEMU's -kernel loader puts the file name first in every
 * command line ("build/kennel.elf fault=page"), where GRUB gives only the
 * arguments. We recognise QEMU by its boot_loader_name and drop that word,
 * so that a module's name is always the first word its loader line gave. */
#include "lib/string.h"
#include "host/kernel/bootinfo.h"

#define MAX_STRING 4096

/* Copy a NUL-terminated string from physical memory, at most size-1
 * bytes. Returns false if it cannot be reached. */
static bool copy_string(char *dst, uint32_t size, uint32_t pa, phys_reader_t phys)
{
	const char *src;
	uint32_t n = 0;

	dst[0] = '\0';
	if (!pa)
		return true;
	while (n < MAX_STRING && (src = phys(pa + n, 1)) && *src) {
		if (n + 1 < size)
			dst[n] = *src;
		n++;
	}
	dst[n + 1 < size ? n : size - 1] = '\0';
	return src != NULL;
}

static const char *skip_word(const char *s)
{
	while (*s == ' ')
		s++;
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void split_name(struct boot_module *m, const char *line)
{
	const char *rest = skip_word(line);
	uint32_t n;

	while (*line == ' ')
		line++;
	n = (uint32_t)(rest - line);
	while (n && line[n - 1] == ' ')
		n--;
	if (n >= BOOT_NAME_MAX)
		n = BOOT_NAME_MAX - 1;
	memcpy(m->name, line, n);
	m->name[n] = '\0';
	strlcpy(m->args, rest, sizeof(m->args));
}

static void add_range(struct boot_info *bi, uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	if (bi->nranges == BOOT_MAX_RANGES) {
		bi->dropped_ranges++;
		return;
	}
	bi->ranges[bi->nranges].start = start;
	bi->ranges[bi->nranges].end = end;
	bi->nranges++;
	bi->usable_bytes += end - start;
}

static const char *parse_mmap(struct boot_info *bi, const struct multiboot_info *mbi,
			      phys_reader_t phys)
{
	uint32_t off = 0;

	while (off + sizeof(uint32_t) <= mbi->mmap_length) {
		const struct multiboot_mmap *e = phys(mbi->mmap_addr + off, sizeof(*e));

		if (!e)
			return "memory map entry out of reach";
		if (e->size < sizeof(*e) - sizeof(uint32_t))
			return "memory map entry too short";
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr + e->len > e->addr)
			add_range(bi, e->addr, e->addr + e->len);
		off += e->size + sizeof(uint32_t);
	}
	return bi->nranges ? NULL : "memory map lists no usable RAM";
}

/* Without a map, mem_lower/mem_upper give the two classic ranges. */
static const char *parse_memory(struct boot_info *bi, const struct multiboot_info *mbi,
				phys_reader_t phys)
{
	if (mbi->flags & MB_INFO_MEM_MAP)
		return parse_mmap(bi, mbi, phys);
	if (!(mbi->flags & MB_INFO_MEMORY))
		return "boot loader gave no memory information";
	add_range(bi, 0, (uint64_t)mbi->mem_lower * 1024);
	add_range(bi, 0x100000, 0x100000 + (uint64_t)mbi->mem_upper * 1024);
	return NULL;
}

static const char *parse_modules(struct boot_info *bi, const struct multiboot_info *mbi,
				 phys_reader_t phys, bool drop_first)
{
	char line[BOOT_CMDLINE_MAX];

	if (!(mbi->flags & MB_INFO_MODS))
		return NULL;
	if (mbi->mods_count > BOOT_MAX_MODULES)
		return "too many modules";
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		const struct multiboot_module *mod = phys(mbi->mods_addr + i * sizeof(*mod), sizeof(*mod));
		struct boot_module *m = &bi->modules[i];

		if (!mod || !copy_string(line, sizeof(line), mod->cmdline, phys))
			return "module list out of reach";
		if (mod->end < mod->start)
			return "module ends before it starts";
		m->start = mod->start;
		m->end = mod->end;
		split_name(m, drop_first ? skip_word(line) : line);
		bi->nmodules++;
	}
	return NULL;
}

const char *bootinfo_parse(struct boot_info *bi, uint32_t magic, uint32_t mbi_pa,
			   phys_reader_t phys)
{
	const struct multiboot_info *mbi;
	char line[BOOT_CMDLINE_MAX];
	const char *err;
	bool qemu;

	memset(bi, 0, sizeof(*bi));
	if (magic != MULTIBOOT_BOOT_MAGIC)
		return "not started by a Multiboot loader (bad magic in eax)";
	mbi = phys(mbi_pa, sizeof(*mbi));
	if (!mbi)
		return "multiboot_info out of reach";
	if ((mbi->flags & MB_INFO_LOADER_NAME) &&
	    !copy_string(bi->loader, sizeof(bi->loader), mbi->boot_loader_name, phys))
		return "boot loader name out of reach";
	qemu = starts_with(bi->loader, "qemu");
	if ((mbi->flags & MB_INFO_CMDLINE) && !copy_string(line, sizeof(line), mbi->cmdline, phys))
		return "command line out of reach";
	strlcpy(bi->cmdline, (mbi->flags & MB_INFO_CMDLINE) ? (qemu ? skip_word(line) : line) : "",
		sizeof(bi->cmdline));
	err = parse_memory(bi, mbi, phys);
	return err ? err : parse_modules(bi, mbi, phys, qemu);
}
