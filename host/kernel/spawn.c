/*U:120 host/kernel/spawn.c: how a process starts.
 *
 * Three steps, and only the first can refuse the program:
 *
 *   1. the file:    find it (host/kernel/fs.c) and check its ELF headers
 *                   (host/kernel/elf.c); a bad one is refused with a reason.
 *   2. the memory:  a new address space; each loadable segment gets
 *                   zeroed pages with the segment's rights, and the
 *                   file's bytes are copied in (what is left is the
 *                   bss, already zero); then the stack, with argc and
 *                   argv laid out on it as arch/x86/syscall.h promises.
 *   3. the CPU:     a trap frame at the top of the new kernel stack that
 *                   describes ring 3 at the entry point, as if the
 *                   program had been interrupted just before its first
 *                   instruction. The scheduler's first switch to the
 *                   process "returns" from that interrupt with iret.
 *
 * A failure in step 2 (memory) undoes everything with proc_discard.
 * Next: the user address space these pages live in, host/kernel/uspace.c
 * (U:140). */
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/paging.h"
#include "lib/string.h"
#include "host/kernel/spawn.h"
#include "host/kernel/elf.h"
#include "host/kernel/fs.h"
#include "host/kernel/file.h"
#include "host/kernel/uspace.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/console.h"

void spawn_args_init(struct spawn_args *a)
{
	a->argc = 0;
	a->used = 0;
}

int32_t spawn_args_add(struct spawn_args *a, const char *s, uint32_t n)
{
	if (a->argc == K_ARGV_MAX || n >= K_ARG_BYTES - a->used)
		return -E2BIG;
	memcpy(a->strings + a->used, s, n);
	a->strings[a->used + n] = '\0';
	a->argv[a->argc++] = a->strings + a->used;
	a->used += n + 1;
	return 0;
}

int32_t spawn_args_add_user(struct spawn_args *a, uint32_t ustr)
{
	int32_t n;

	if (a->argc == K_ARGV_MAX)
		return -E2BIG;
	n = copy_string_from_user(a->strings + a->used, ustr, K_ARG_BYTES - a->used);
	if (n < 0)
		return n == -ENAMETOOLONG ? -E2BIG : n;
	a->argv[a->argc++] = a->strings + a->used;
	a->used += (uint32_t)n + 1;
	return 0;
}

static int32_t load_segment(struct process *p, const struct elf_segment *s, const uint8_t *file)
{
	uint32_t flags = PTE_USER | ((s->flags & ELF_PF_W) ? PTE_RW : 0);

	if (s->memsz == 0)
		return 0;
	if (uspace_map(p, s->vaddr, s->memsz, flags))
		return -ENOMEM;
	uspace_write(p, s->vaddr, file + s->offset, s->filesz);
	return 0;
}

/*U:130 The stack a program starts on. The argument strings go right at
 * the top, below USER_STACK_TOP; under them the NULL-terminated argv
 * array, and under that argc, where esp points:
 *
 *	esp ->	argc
 *		argv[0] .. argv[argc-1]	(pointers into the strings above)
 *		NULL
 *		"prog\0arg1\0..."	(ends at most at USER_STACK_TOP)
 *
 * esp is rounded down to 16 bytes, which the strings absorb. */
static int32_t build_stack(struct process *p, const struct spawn_args *a, uint32_t *esp_out)
{
	uint32_t words = a->argc + 2;
	uint32_t esp = (USER_STACK_TOP - a->used - 4 * words) & ~15u;
	uint32_t strings = esp + 4 * words;
	uint32_t zero = 0;

	if (uspace_map(p, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_USER | PTE_RW))
		return -ENOMEM;
	uspace_write(p, esp, &a->argc, 4);
	for (uint32_t i = 0; i < a->argc; i++) {
		uint32_t ptr = strings + (uint32_t)(a->argv[i] - a->strings);

		uspace_write(p, esp + 4 + 4 * i, &ptr, 4);
	}
	uspace_write(p, esp + 4 + 4 * a->argc, &zero, 4);
	uspace_write(p, strings, a->strings, a->used);
	*esp_out = esp;
	return 0;
}

/* Descriptors 0, 1 and 2: one open /dev/console. */
static int32_t open_stdio(struct process *p)
{
	struct file *f = file_alloc();
	int32_t err;

	if (!f)
		return -EMFILE;
	err = fs_open("/dev/console", O_RDWR, f);
	if (err) {
		file_free_unopened(f);
		return err;
	}
	p->fds[STDIN_FILENO] = f;
	file_get(f);
	p->fds[STDOUT_FILENO] = f;
	file_get(f);
	p->fds[STDERR_FILENO] = f;
	return 0;
}

/*U:150 Ring 3, as the CPU will find it after the iret in trap_return
 * (host/kernel/entry.asm): user code and data selectors (RPL 3), the entry
 * point, the stack just built, every general register zero, and eflags
 * with only IF set, so the program runs with interrupts on and can never
 * turn them off (IOPL 0: cli faults). The iret sees a ring change in the
 * selector and so also pops esp and ss. Next: how a process ends,
 * proc_exit in host/kernel/proc.c (U:170):*/
static void prepare_frame(struct process *p, uint32_t entry, uint32_t esp)
{
	struct trap_frame *f = proc_frame(p);

	memset(f, 0, sizeof(*f));
	f->eip = entry;
	f->cs = USER_CS;
	f->eflags = EFLAGS_IF | EFLAGS_RESERVED;
	f->user_esp = esp;
	f->user_ss = USER_DS;
	f->ds = f->es = f->fs = f->gs = USER_DS;
}
/*:*/

static int32_t build(struct process *p, const struct elf_image *img, const uint8_t *file,
		     const struct spawn_args *args)
{
	uint32_t esp;
	int32_t err;

	for (uint32_t i = 0; i < img->nsegments; i++)
		if ((err = load_segment(p, &img->segments[i], file)))
			return err;
	if ((err = build_stack(p, args, &esp)) || (err = open_stdio(p)))
		return err;
	prepare_frame(p, img->entry, esp);
	return 0;
}

int32_t spawn(const char *path, const struct spawn_args *args, struct process *parent)
{
	const uint8_t *file;
	struct elf_image img;
	struct process *p;
	char why[96];
	uint32_t size;
	int32_t err;

	if ((err = fs_file_bytes(path, &file, &size)))
		return err;
	if (elf_check(file, size, &img, why, sizeof(why))) {
		kprintf("spawn: %s: %s\n", path, why);
		return -ENOEXEC;
	}
	if ((err = proc_alloc(path, parent, &p)))
		return err;
	if ((err = build(p, &img, file, args))) {
		proc_discard(p);
		return err;
	}
	proc_start(p);
	return p->pid;
}
