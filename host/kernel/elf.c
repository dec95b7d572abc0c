/*U:110 host/kernel/elf.c: deciding whether a file is a program we can run.
 *
 * A program is an ELF32 executable for the i386, and the host believes
 * nothing in it until checked: every field a loader will act on is
 * validated here, before a single page is mapped, and any doubt refuses
 * the file with a reason a person can act on. The loadable segments
 * (PT_LOAD) must take their bytes from inside the file, fit in user space
 * between USER_LOAD_MIN and the bottom of the stack, and stay out of each
 * other's way; the entry point must be in one that is executable. All
 * sums are done in 64 bits, so no size can wrap around to look small.
 *
 * This file is pure logic: it reads the buffer it is given and nothing
 * else, so tests/unit/test_elf.c feeds it forged headers natively. The
 * loader that acts on a checked image is host/kernel/spawn.c (U:120). */
#include <stdbool.h>
#include "arch/x86/syscall.h"
#include "lib/string.h"
#include "lib/format.h"
#include "host/kernel/elf.h"

#define SEGMENT_LIMIT	(USER_STACK_TOP - USER_STACK_SIZE)	/* the stack's bottom */

static int check_segment(const struct elf32_phdr *ph, unsigned i, uint32_t size,
			 char *why, size_t whylen)
{
	if (ph->filesz > ph->memsz)
		return explain(-ENOEXEC, why, whylen,
			       "segment %u has more file bytes than memory", i);
	if ((uint64_t)ph->offset + ph->filesz > size)
		return explain(-ENOEXEC, why, whylen,
			       "segment %u extends beyond the end of the file", i);
	if (ph->vaddr < USER_LOAD_MIN)
		return explain(-ENOEXEC, why, whylen,
			       "segment %u starts below 0x%08x", i, USER_LOAD_MIN);
	if ((uint64_t)ph->vaddr + ph->memsz > SEGMENT_LIMIT)
		return explain(-ENOEXEC, why, whylen, "segment %u extends beyond user space", i);
	return 0;
}

static bool overlap(const struct elf_segment *a, const struct elf_segment *b)
{
	return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

static bool executable_at(const struct elf_image *img, uint32_t va)
{
	for (uint32_t i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->flags & ELF_PF_X) && va >= s->vaddr && va - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

/* Segments are numbered by their place among the program headers, as
 * readelf shows them; phdr_index remembers that number for messages. */
static int check_layout(const struct elf_image *img, const unsigned *phdr_index,
			char *why, size_t whylen)
{
	if (img->nsegments == 0)
		return explain(-ENOEXEC, why, whylen, "no loadable segment");
	for (uint32_t i = 0; i < img->nsegments; i++)
		for (uint32_t j = i + 1; j < img->nsegments; j++)
			if (overlap(&img->segments[i], &img->segments[j]))
				return explain(-ENOEXEC, why, whylen, "segments %u and %u overlap",
					       phdr_index[i], phdr_index[j]);
	if (!executable_at(img, img->entry))
		return explain(-ENOEXEC, why, whylen,
			       "entry point 0x%08x is not in an executable segment",
			       img->entry);
	return 0;
}

static void add_segment(struct elf_image *img, const struct elf32_phdr *ph)
{
	struct elf_segment *s = &img->segments[img->nsegments++];

	s->vaddr = ph->vaddr;
	s->memsz = ph->memsz;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->flags = ph->flags;
}

static int collect_segments(const uint8_t *bytes, uint32_t size, const struct elf32_ehdr *h,
			    struct elf_image *img, unsigned *phdr_index, char *why, size_t whylen)
{
	for (unsigned i = 0; i < h->phnum; i++) {
		struct elf32_phdr ph;
		int err;

		elf_read_phdr(bytes, h, i, &ph);
		if (ph.type != ELF_PT_LOAD)
			continue;
		if ((err = check_segment(&ph, i, size, why, whylen)))
			return err;
		phdr_index[img->nsegments] = i;
		add_segment(img, &ph);
	}
	return 0;
}

int elf_check(const void *file, uint32_t size, struct elf_image *img, char *why, size_t whylen)
{
	unsigned phdr_index[ELF_MAX_PHDRS];
	struct elf32_ehdr h;
	int err;

	memset(img, 0, sizeof(*img));
	if ((err = elf_read_header(file, size, &h, why, whylen)))
		return err;
	img->entry = h.entry;
	if ((err = collect_segments(file, size, &h, img, phdr_index, why, whylen)))
		return err;
	return check_layout(img, phdr_index, why, whylen);
}
