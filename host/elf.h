/* host/elf.h: checking a program's ELF file (host/elf.c, U:110). */
#ifndef HOST_ELF_H
#define HOST_ELF_H

#include <stddef.h>
#include <stdint.h>

/* The parts of the ELF32 format a loader needs (the System V ABI's
 * Elf32_Ehdr and Elf32_Phdr). */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "the ELF32 file header is 52 bytes");
_Static_assert(sizeof(struct elf32_phdr) == 32, "an ELF32 program header is 32 bytes");

#define ELF_CLASS32	1
#define ELF_DATA_LSB	1
#define ELF_VERSION	1
#define ELF_ET_EXEC	2
#define ELF_EM_386	3
#define ELF_PT_LOAD	1
#define ELF_PF_X	1
#define ELF_PF_W	2
#define ELF_PF_R	4

#define ELF_MAX_PHDRS	16

struct elf_segment {
	uint32_t vaddr, memsz;		/* where, and how much memory */
	uint32_t offset, filesz;	/* the bytes from the file */
	uint32_t flags;			/* ELF_PF_* */
};

/* A checked program: every segment lies in user space, inside the file
 * and apart from the others, and entry is in an executable one. */
struct elf_image {
	uint32_t entry;
	uint32_t nsegments;
	struct elf_segment segments[ELF_MAX_PHDRS];
};

/* Check the size bytes at file. Returns 0 and fills *img, or -ENOEXEC
 * with the reason in why ("segment 1 extends beyond user space"). Pure:
 * reads only the buffer it is given. */
int elf_check(const void *file, uint32_t size, struct elf_image *img,
	      char *why, size_t whylen);

#endif
