/*L:080 launcher/loader.c: the ELF checks, then the copy.
 *
 * The file header is checked as every loader in the tree checks it
 * (lib/elf.c); the segments are checked here, because the rules are not
 * the host's. A host program lives in user space at virtual addresses; a guest
 * kernel lives in guest RAM at physical ones, and must leave the boot-info
 * page alone. All sums are 64-bit, so no field can wrap around to look
 * small. Pure logic: tests/unit/test_launcher_loader.c forges one field
 * at a time and reads the refusals. Next: where everything else goes in
 * guest memory, launcher/layout.h. */
#include <stdbool.h>
#include "arch/x86/hypercall.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/elf.h"
#include "launcher/loader.h"

#define BOOT_INFO_END	(KENNEL_BOOT_INFO_GPA + 0x1000u)

static unsigned long long seg_end(const struct segment *s)
{
	return (unsigned long long)s->paddr + s->memsz;
}

/*L:085 A segment is checked in the order a reader would worry: are its
 * file bytes really in the file, does it wrap around the top of the
 * 32-bit address space, is it in RAM, and does it sit on the boot-info
 * page. A segment with no memory is legal ELF and is simply not loaded.:*/
static int check_file_part(const struct segment *s, uint32_t size, char *why, size_t whylen)
{
	if (s->filesz > s->memsz)
		return explain(-1, why, whylen, "segment %u has more file bytes (0x%x) than memory "
			       "(0x%x)", s->index, s->filesz, s->memsz);
	if ((uint64_t)s->offset + s->filesz > size)
		return explain(-1, why, whylen,
			       "segment %u's file bytes [0x%x, 0x%llx) extend beyond "
			       "the end of the file (0x%x bytes)", s->index, s->offset,
			       (unsigned long long)s->offset + s->filesz, size);
	return 0;
}

static int check_placement(const struct segment *s, uint32_t ram_bytes, char *why, size_t whylen)
{
	if (seg_end(s) > 0xFFFFFFFFull + 1)
		return explain(-1, why, whylen, "segment %u at 0x%08x, 0x%x bytes, wraps around "
			       "the address space", s->index, s->paddr, s->memsz);
	if (seg_end(s) > ram_bytes)
		return explain(-1, why, whylen,
			       "segment %u [0x%08x, 0x%08llx) is outside guest RAM "
			       "[0, 0x%08x)", s->index, s->paddr, seg_end(s), ram_bytes);
	if (s->paddr < BOOT_INFO_END && seg_end(s) > KENNEL_BOOT_INFO_GPA)
		return explain(-1, why, whylen,
			       "segment %u [0x%08x, 0x%08llx) overlaps the boot-info "
			       "page [0x%08x, 0x%08x)", s->index, s->paddr, seg_end(s),
			       KENNEL_BOOT_INFO_GPA, BOOT_INFO_END);
	return 0;
}
/*:*/

static void read_segment(const uint8_t *file, const struct elf32_ehdr *h, unsigned i,
			 struct segment *s, uint32_t *type)
{
	struct elf32_phdr ph;

	elf_read_phdr(file, h, i, &ph);
	*type = ph.type;
	*s = (struct segment){ .index = i, .paddr = ph.paddr, .memsz = ph.memsz,
			       .offset = ph.offset, .filesz = ph.filesz };
}

static int collect_segments(const uint8_t *file, uint32_t size, uint32_t ram_bytes,
			    const struct elf32_ehdr *h, struct kernel_image *img, char *why, size_t whylen)
{
	for (unsigned i = 0; i < h->phnum; i++) {
		struct segment s;
		uint32_t type;

		read_segment(file, h, i, &s, &type);
		if (type != ELF_PT_LOAD)
			continue;
		if (check_file_part(&s, size, why, whylen))
			return -1;
		if (s.memsz == 0)
			continue;
		if (check_placement(&s, ram_bytes, why, whylen))
			return -1;
		img->segs[img->count++] = s;
	}
	return 0;
}

static bool overlap(const struct segment *a, const struct segment *b)
{
	return a->paddr < seg_end(b) && b->paddr < seg_end(a);
}

static bool inside_a_segment(const struct kernel_image *img, uint32_t pa)
{
	for (uint32_t i = 0; i < img->count; i++)
		if (pa >= img->segs[i].paddr && pa < seg_end(&img->segs[i]))
			return true;
	return false;
}

static int check_layout(const struct kernel_image *img, uint32_t entry, char *why, size_t whylen)
{
	if (img->count == 0)
		return explain(-1, why, whylen, "no loadable segment");
	for (uint32_t i = 0; i < img->count; i++)
		for (uint32_t j = i + 1; j < img->count; j++)
			if (overlap(&img->segs[i], &img->segs[j]))
				return explain(-1, why, whylen, "segments %u and %u overlap",
					       img->segs[i].index, img->segs[j].index);
	if (!inside_a_segment(img, entry))
		return explain(-1, why, whylen, "entry point 0x%08x is not inside a loaded segment",
			       entry);
	return 0;
}

void place_segment(const void *file, const struct segment *s, uint8_t *dst)
{
	memcpy(dst, (const uint8_t *)file + s->offset, s->filesz);
	memset(dst + s->filesz, 0, s->memsz - s->filesz);
}

int check_kernel_image(const void *file, uint32_t size, uint32_t ram_bytes,
		       struct kernel_image *img, char *why, size_t whylen)
{
	struct elf32_ehdr h;

	img->count = 0;
	if (elf_read_header(file, size, &h, why, whylen) ||
	    collect_segments(file, size, ram_bytes, &h, img, why, whylen) ||
	    check_layout(img, h.entry, why, whylen))
		return -1;
	img->entry = h.entry;
	return 0;
}

int load_kernel_image(const void *file, uint32_t size, uint8_t *ram, uint32_t ram_bytes,
		      uint32_t *entry, char *why, size_t whylen)
{
	struct kernel_image img;

	if (check_kernel_image(file, size, ram_bytes, &img, why, whylen))
		return -1;
	for (uint32_t i = 0; i < img.count; i++)
		place_segment(file, &img.segs[i], ram + img.segs[i].paddr);
	*entry = img.entry;
	return 0;
}
