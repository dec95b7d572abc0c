/* lib/elf.h: the ELF32 file format, as far as kennel's loaders need it
 * (lib/elf.c, P:260). One definition for the tree: the host loads its
 * programs with it, the Launcher its guest kernels, pup its programs. */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

/* The System V ABI's Elf32_Ehdr and Elf32_Phdr. */
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

/* Check that the size bytes at file begin with the header of a 32-bit
 * little-endian i386 executable whose program-header table (1 to
 * ELF_MAX_PHDRS entries) lies inside the file. 0 and *h, or -ENOEXEC with
 * the reason in why. Pure: reads only the buffer it is given. */
int elf_read_header(const void *file, uint32_t size, struct elf32_ehdr *h,
		    char *why, size_t whylen);
/* Program header i of a file elf_read_header accepted (i < h->phnum). */
void elf_read_phdr(const void *file, const struct elf32_ehdr *h, unsigned i,
		   struct elf32_phdr *ph);

#endif
