/* host/kernel/elf.h: checking a program's ELF file (host/kernel/elf.c, U:110). */
#ifndef HOST_ELF_H
#define HOST_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "lib/elf.h"

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
