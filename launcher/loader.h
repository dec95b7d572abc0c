/*L:070 launcher/loader.h: putting the guest kernel into guest memory.
 *
 * The kernel is an ELF32 i386 executable, loaded the way a boot loader
 * would: each loadable segment at its physical address (p_paddr), its
 * file bytes first and zeros after them up to its memory size. The guest
 * starts on a linear map (virtual X is physical X, arch/x86/hypercall.h
 * H:030), so the entry point is taken as a physical address too, and must
 * lie inside a loaded segment.
 *
 * Every segment must fit in guest RAM, [0, ram_bytes), and keep clear of
 * the page where the Launcher writes the boot information, [0x1000,
 * 0x2000): the device page and the rings above RAM are the Launcher's, and
 * the kernel may not start life on top of them. load_kernel_image checks
 * everything before it copies a byte, so a refused file leaves memory
 * untouched; a refusal's reason names the segment, by its index among the
 * program headers (as readelf numbers them) and its physical range. Next:
 * launcher/loader.c. */
#ifndef LAUNCHER_LOADER_H
#define LAUNCHER_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "lib/elf.h"

struct segment {
	unsigned index;			/* among the program headers */
	uint32_t paddr, memsz, offset, filesz;
};

struct kernel_image {
	uint32_t entry;
	uint32_t count;
	struct segment segs[ELF_MAX_PHDRS];
};

/* 0 and *entry, or -1 and why ("segment 1 [0x00100000, 0x01100000) is
 * outside guest RAM [0, 0x01000000)"). */
int load_kernel_image(const void *file, uint32_t size, uint8_t *ram, uint32_t ram_bytes,
		      uint32_t *entry, char *why, size_t whylen);
/* Its two halves, for memory that must be filled between them (a lazy
 * guest's, L:725): every check, the segments and the entry point, without
 * a byte written; then one segment copied to dst, its place in memory. */
int check_kernel_image(const void *file, uint32_t size, uint32_t ram_bytes,
		       struct kernel_image *img, char *why, size_t whylen);
void place_segment(const void *file, const struct segment *s, uint8_t *dst);

#endif
