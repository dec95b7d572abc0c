/*G:370 guest/kernel/exec.c: from a file on the disk to a running program.
 *
 * exec builds the new image completely before it touches the old one, so
 * a failure (no such file, a bad ELF file, no memory) leaves the caller
 * as it was, with an error to return. In order:
 *
 *   1. the ELF header and program headers, from the first page of the
 *      file, checked by the tree's one ELF check (lib/elf.c);
 *   2. every loadable segment inside user space, between PUP_USER_BASE
 *      and the stack's region, with its bytes inside the file;
 *   3. a new address space: the segments' pages, read from the disk
 *      straight into their frames through the direct map, and the zero
 *      fill after filesz coming free because frames start zeroed;
 *   4. the top page of the stack, holding argc, argv[] and the strings
 *      (the layout of guest/include/pup/syscall.h);
 *   5. only now the switch: the new directory in, the old one torn down
 *      (a lazy section, G:140), and the trap frame rewritten so that the
 *      return to ring 3 lands on the entry point with a clean slate.
 *
 * Pages are mapped writable only if their segment says so; two segments
 * sharing a page get the union of their rights. The heap (sbrk) starts at
 * the first page after the highest segment. Next: G:380. */
#include "arch/x86/cpu.h"
#include "lib/elf.h"
#include "lib/format.h"
#include "lib/string.h"
#include "guest/kernel/exec.h"
#include "guest/kernel/file.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/layout.h"
#include "guest/kernel/memory.h"


struct image {
	uint32_t inum, size;
	struct elf32_ehdr header;
	uint32_t *pgdir;
	uint32_t brk;
};

void exec_args_init(struct exec_args *a)
{
	a->argc = 0;
	a->used = 0;
}

int32_t exec_args_add(struct exec_args *a, const char *s)
{
	uint32_t len = strlen(s) + 1;

	if (a->argc == PUP_ARGV_MAX || len > PUP_ARG_BYTES - a->used)
		return -E2BIG;
	memcpy(a->strings + a->used, s, len);
	a->used += len;
	a->argc++;
	return 0;
}

/*G:371 Steps 1 and 2: the headers. The page they are read into is a
 * frame borrowed for the purpose: pup's kernel stacks are small. */
static int32_t read_header(struct image *img, uint8_t *page, char *why, uint32_t whylen)
{
	uint32_t n = MIN(img->size, PAGE_SIZE);
	int32_t got = fs_read(img->inum, page, 0, n);

	if (got < 0)
		return got;
	return elf_read_header(page, (uint32_t)got, &img->header, why, whylen);
}

static int32_t check_segment(const struct image *img, const struct elf32_phdr *ph,
			     char *why, uint32_t whylen)
{
	uint64_t end = (uint64_t)ph->vaddr + ph->memsz;

	if (ph->vaddr < PUP_USER_BASE || end > USER_STACK_LOW)
		return explain(-ENOEXEC, why, whylen,
			       "segment [0x%08x, 0x%08llx) is outside [0x%08x, 0x%08x)",
			       ph->vaddr, (unsigned long long)end, PUP_USER_BASE, USER_STACK_LOW);
	if (ph->filesz > ph->memsz || (uint64_t)ph->offset + ph->filesz > img->size)
		return explain(-ENOEXEC, why, whylen, "segment at 0x%08x has file bytes "
			       "beyond its memory or the file", ph->vaddr);
	return 0;
}

/*G:372 Step 3: the pages first, all of them, in one lazy section: none
 * of this directory is in use yet, so under kennel its page-table updates
 * can wait in the batching ring (G:140) and reach the host together. */
static uint32_t page_flags(const struct elf32_phdr *ph)
{
	return (ph->flags & ELF_PF_W) ? USER_PTE_RW : USER_PTE;
}

static uint32_t ensure_page(uint32_t *pgdir, uint32_t va, uint32_t flags)
{
	uint32_t *pte = pgdir_pte(pgdir, va);

	if (!pte || !(*pte & PTE_PRESENT))
		return map_user_page(pgdir, va, flags);
	if ((flags & PTE_RW) && !(*pte & PTE_RW))
		pv.set_pte(pgdir, va, pte, *pte | PTE_RW);
	return pte_frame(*pte);
}

static int32_t map_segment(struct image *img, const struct elf32_phdr *ph)
{
	uint32_t end = ph->vaddr + ph->memsz;

	for (uint32_t va = page_round_down(ph->vaddr); va < end; va += PAGE_SIZE)
		if (!ensure_page(img->pgdir, va, page_flags(ph)))
			return -ENOMEM;
	if (page_round_up(end) > img->brk)
		img->brk = page_round_up(end);
	return 0;
}

/* Reads program header i into ph: true if it is a segment to load. */
static bool read_loadable_phdr(const struct image *img, const uint8_t *page, unsigned i,
			       struct elf32_phdr *ph)
{
	elf_read_phdr(page, &img->header, i, ph);
	return ph->type == ELF_PT_LOAD && ph->memsz != 0;
}

static int32_t map_segments(struct image *img, const uint8_t *page, char *why, uint32_t whylen)
{
	int32_t err = 0;

	for (unsigned i = 0; i < img->header.phnum && !err; i++) {
		struct elf32_phdr ph;

		if (!read_loadable_phdr(img, page, i, &ph))
			continue;
		if (!(err = check_segment(img, &ph, why, whylen)))
			err = map_segment(img, &ph);
	}
	if (!err && !img->brk)
		err = explain(-ENOEXEC, why, whylen, "no loadable segment");
	return err;
}

/*G:376 Once every page is mapped, the file's bytes go in: straight from
 * the disk into each frame, through the direct map. This is the part
 * that waits for the disk, so it stays outside the lazy section. */
static int32_t fill_page(const struct image *img, const struct elf32_phdr *ph, uint32_t va)
{
	uint32_t from = va > ph->vaddr ? va : ph->vaddr;
	uint32_t to = MIN(va + PAGE_SIZE, ph->vaddr + ph->filesz);
	uint8_t *frame = phys_to_virt(pte_frame(*pgdir_pte(img->pgdir, va)));
	int32_t got;

	if (from >= to)
		return 0;
	got = fs_read(img->inum, frame + (from - va), ph->offset + (from - ph->vaddr), to - from);
	return got == (int32_t)(to - from) ? 0 : -EIO;
}

static int32_t fill_segments(const struct image *img, const uint8_t *page)
{
	int32_t err = 0;

	for (unsigned i = 0; i < img->header.phnum && !err; i++) {
		struct elf32_phdr ph;

		if (!read_loadable_phdr(img, page, i, &ph))
			continue;
		for (uint32_t va = page_round_down(ph.vaddr); va < ph.vaddr + ph.filesz && !err;
		     va += PAGE_SIZE)
			err = fill_page(img, &ph, va);
	}
	return err;
}

/*G:373 Step 4: the stack, from the top down: the strings, a NULL, the
 * argv pointers, argc. All of it fits in the top page, since the strings
 * are at most PUP_ARG_BYTES. Returns the initial esp, or 0. */
static uint32_t build_stack(uint32_t *pgdir, const struct exec_args *a)
{
	uint32_t page_va = PUP_USER_STACK_TOP - PAGE_SIZE;
	uint32_t frame = map_user_page(pgdir, page_va, USER_PTE_RW);
	uint8_t *page = phys_to_virt(frame);
	uint32_t strings = (PUP_USER_STACK_TOP - a->used) & ~15u, *sp, offset = 0;

	if (!frame)
		return 0;
	memcpy(page + (strings - page_va), a->strings, a->used);
	sp = (uint32_t *)(page + (strings - page_va)) - (a->argc + 2);
	sp[0] = a->argc;
	for (uint32_t i = 0; i < a->argc; i++) {
		sp[1 + i] = strings + offset;
		offset += strlen(a->strings + offset) + 1;
	}
	sp[1 + a->argc] = 0;
	return page_va + (uint32_t)((uint8_t *)sp - page);
}

/*G:374 Step 5: the point of no return. */
static void start_program(struct proc *p, const struct image *img, uint32_t esp,
			  const char *path)
{
	uint32_t *old = p->pgdir;
	struct trap_frame *f = p->frame;
	const char *base = strrchr(path, '/');

	p->pgdir = img->pgdir;
	if (p == current)
		use_pgdir(img->pgdir);
	if (old != kernel_pgdir)
		pgdir_destroy(old);
	memset(f, 0, sizeof(*f));
	f->eip = img->header.entry;
	f->esp = esp;
	f->cs = USER_CS;
	f->ss = f->ds = f->es = f->fs = f->gs = USER_DS;
	f->eflags = EFLAGS_IF | EFLAGS_RESERVED;
	p->heap_start = p->brk = img->brk;
	proc_set_name(p, base ? base + 1 : path);
}

static int32_t map_image(struct image *img, const uint8_t *page, const struct exec_args *a,
			 uint32_t *esp, char *why, uint32_t whylen)
{
	int32_t err;

	pv.lazy_begin();
	err = map_segments(img, page, why, whylen);
	if (!err && !(*esp = build_stack(img->pgdir, a)))
		err = -ENOMEM;
	pv.lazy_end();
	return err;
}

static int32_t open_program(struct image *img, const char *path, char *why, uint32_t whylen)
{
	struct pup_stat st;
	int32_t err = fs_lookup(path, &img->inum);

	if (!err)
		err = fs_stat(img->inum, &st);
	if (err)
		return explain(err, why, whylen, "not found");
	if (st.type != PUP_TYPE_FILE)
		return explain(-ENOEXEC, why, whylen, "not a file");
	img->size = st.size;
	return 0;
}

static int32_t build_image(struct image *img, const struct exec_args *a, uint32_t *esp,
			   char *why, uint32_t whylen)
{
	uint32_t page_pa = frame_alloc();
	int32_t err;

	if (!page_pa || !(img->pgdir = pgdir_create())) {
		if (page_pa)
			frame_free(page_pa);
		return explain(-ENOMEM, why, whylen, "out of memory");
	}
	err = read_header(img, phys_to_virt(page_pa), why, whylen);
	if (!err)
		err = map_image(img, phys_to_virt(page_pa), a, esp, why, whylen);
	if (!err)
		err = fill_segments(img, phys_to_virt(page_pa));
	frame_free(page_pa);
	if (err)
		pgdir_destroy(img->pgdir);
	if (err == -ENOMEM || err == -EIO)
		explain(err, why, whylen, err == -EIO ? "read error" : "out of memory");
	return err;
}

int32_t exec_into(struct proc *p, const char *path, const struct exec_args *a,
		  char *why, uint32_t whylen)
{
	struct image img = { .brk = 0 };
	uint32_t esp = 0;
	int32_t err = open_program(&img, path, why, whylen);

	if (!err)
		err = build_image(&img, a, &esp, why, whylen);
	if (!err)
		start_program(p, &img, esp, path);
	return err;
}

/*G:375 spawn: how the kernel itself starts a program (init does, G:500):
 * a new process with no program yet, the console as its standard input,
 * output and error, and exec_into to give it one. */
int32_t spawn(const char *path, const struct exec_args *a, struct proc *parent,
	      char *why, uint32_t whylen)
{
	struct proc *p = proc_alloc(path);
	int32_t err;

	if (!p)
		return explain(-EAGAIN, why, whylen, "no free process slot");
	p->parent = parent;
	err = fds_open_console(p);
	if (!err)
		err = exec_into(p, path, a, why, whylen);
	if (err) {
		fds_close_all(p);
		proc_free(p);
		return err;
	}
	proc_prepare_user(p);
	proc_make_runnable(p);
	return p->pid;
}
