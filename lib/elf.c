/*P:260 lib/elf.c: the checks every ELF loader in the tree starts with.
 *
 * Whoever loads an ELF file — the host its ring-3 programs (host/kernel/elf.c),
 * the Launcher a guest kernel (launcher/loader.c) — first asks whether it
 * is an ELF file at all, of the right kind, and whether its table of
 * program headers is really inside it. What the segments may then contain
 * differs (user space for the host, guest RAM for the Launcher), so that
 * part stays with each loader. All sums are 64-bit, so no field can wrap
 * around to look small. Next: lib/page_copy.h. */
#include "arch/x86/syscall.h"
#include "lib/elf.h"
#include "lib/format.h"
#include "lib/string.h"

static int check_ident(const uint8_t *ident, char *why, size_t whylen)
{
	if (memcmp(ident, "\177ELF", 4) != 0)
		return explain(-ENOEXEC, why, whylen, "not an ELF file");
	if (ident[4] != ELF_CLASS32)
		return explain(-ENOEXEC, why, whylen, "not a 32-bit ELF file");
	if (ident[5] != ELF_DATA_LSB)
		return explain(-ENOEXEC, why, whylen, "not a little-endian ELF file");
	if (ident[6] != ELF_VERSION)
		return explain(-ENOEXEC, why, whylen, "unknown ELF version %u", ident[6]);
	return 0;
}

static int check_header(const struct elf32_ehdr *h, uint32_t size, char *why, size_t whylen)
{
	if (h->version != ELF_VERSION)
		return explain(-ENOEXEC, why, whylen, "unknown ELF version %u", h->version);
	if (h->type != ELF_ET_EXEC)
		return explain(-ENOEXEC, why, whylen, "not an executable (ELF type %u)", h->type);
	if (h->machine != ELF_EM_386)
		return explain(-ENOEXEC, why, whylen,
			       "not an i386 program (machine %u)", h->machine);
	if (h->phentsize != sizeof(struct elf32_phdr))
		return explain(-ENOEXEC, why, whylen, "bad program header size %u", h->phentsize);
	if (h->phnum == 0 || h->phnum > ELF_MAX_PHDRS)
		return explain(-ENOEXEC, why, whylen, "bad program header count %u (1 to %u)",
			       h->phnum, ELF_MAX_PHDRS);
	if ((uint64_t)h->phoff + (uint64_t)h->phnum * h->phentsize > size)
		return explain(-ENOEXEC, why, whylen,
			       "program headers extend beyond the end of the file");
	return 0;
}

int elf_read_header(const void *file, uint32_t size, struct elf32_ehdr *h,
		    char *why, size_t whylen)
{
	int err;

	if (size < sizeof(*h))
		return explain(-ENOEXEC, why, whylen,
			       "too small to be an ELF file (%u bytes)", size);
	memcpy(h, file, sizeof(*h));
	if ((err = check_ident(h->ident, why, whylen)))
		return err;
	return check_header(h, size, why, whylen);
}

void elf_read_phdr(const void *file, const struct elf32_ehdr *h, unsigned i,
		   struct elf32_phdr *ph)
{
	memcpy(ph, (const uint8_t *)file + h->phoff + i * sizeof(*ph), sizeof(*ph));
}
