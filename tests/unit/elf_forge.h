/* tests/unit/elf_forge.h: an ELF32 executable forged in a buffer, for the
 * unit tests of the tree's two ELF loaders, test_elf.c (U:460) and
 * test_launcher_loader.c (L:230). forge_program
 * writes a good one — text (r-x, 0x100 bytes from file offset 0x1000), a
 * GNU_STACK header, data (rw-, 0x80 bytes from offset 0x2000, 0x2000 in
 * memory) — and each test then breaks one field through forge_ehdr and
 * forge_phdr. A segment's virtual address is its physical address plus
 * link_offset (0 for host programs, which are linked where they load). */
#ifndef TESTS_UNIT_ELF_FORGE_H
#define TESTS_UNIT_ELF_FORGE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/elf.h"
#include "lib/string.h"

#define PT_GNU_STACK	0x6474e551u

static inline struct elf32_ehdr *forge_ehdr(uint8_t *file)
{
	return (struct elf32_ehdr *)file;
}

static inline struct elf32_phdr *forge_phdr(uint8_t *file, unsigned i)
{
	return (struct elf32_phdr *)(file + sizeof(struct elf32_ehdr)) + i;
}

static inline void forge_segment(uint8_t *file, unsigned i, uint32_t type, uint32_t off,
				 uint32_t pa, uint32_t link_offset, uint32_t filesz,
				 uint32_t memsz, uint32_t flags)
{
	struct elf32_phdr *ph = forge_phdr(file, i);

	memset(ph, 0, sizeof(*ph));
	ph->type = type;
	ph->offset = off;
	ph->paddr = pa;
	ph->vaddr = pa + link_offset;
	ph->filesz = filesz;
	ph->memsz = memsz;
	ph->flags = flags;
	ph->align = 0x1000;
}

static inline void forge_program(uint8_t *file, size_t size, uint32_t text, uint32_t data,
				 uint32_t entry, uint32_t link_offset)
{
	struct elf32_ehdr *h = forge_ehdr(file);

	memset(file, 0, size);
	memcpy(h->ident, "\177ELF", 4);
	h->ident[4] = ELF_CLASS32;
	h->ident[5] = ELF_DATA_LSB;
	h->ident[6] = ELF_VERSION;
	h->type = ELF_ET_EXEC;
	h->machine = ELF_EM_386;
	h->version = ELF_VERSION;
	h->entry = entry;
	h->phoff = sizeof(struct elf32_ehdr);
	h->ehsize = sizeof(struct elf32_ehdr);
	h->phentsize = sizeof(struct elf32_phdr);
	h->phnum = 3;
	forge_segment(file, 0, ELF_PT_LOAD, 0x1000, text, link_offset, 0x100, 0x100,
		      ELF_PF_R | ELF_PF_X);
	forge_segment(file, 1, PT_GNU_STACK, 0, 0, 0, 0, 0, ELF_PF_R | ELF_PF_W);
	forge_segment(file, 2, ELF_PT_LOAD, 0x2000, data, link_offset, 0x80, 0x2000,
		      ELF_PF_R | ELF_PF_W);
}

#endif
