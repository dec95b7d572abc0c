/*L:030 launcher/launcher.c: the Launcher's first line.
 *
 * The hypervisor runs guests, but it does not start them: a Launcher does.
 * It is an ordinary ring-3 host program (the host starts it with
 * run=/bin/launcher,/guests/x.elf), and it owns one guest from the first
 * byte of its memory to its last words. In order, it
 *
 *   1. reads its command line (options.c),
 *   2. decides which devices the guest gets (devices.c, console.c, and
 *      with --disk block.c),
 *   3. lays out and maps the guest's memory: RAM, then a device page and
 *      the devices' queues above it (layout.c), all in one mmap (or, with
 *      --lazy-memory, in address space with no frames yet: lazy.c),
 *   4. reads and checks the guest kernel's ELF file (loader.c),
 *   5. hands the guest to the host with /dev/kennel (run.c): KN_INIT
 *      needs only the entry point, so nothing is written before it,
 *   6. for lazy memory, opens the guest's userfault handle (lazy.c),
 *   7. places the kernel and writes the boot information and the device
 *      page (layout.c), each through guest_access, which fills lazy
 *      memory's pages first,
 *   8. serves the guest until it stops: its console writes, its queue
 *      kicks, console input, its faults on lazy memory, and its end
 *      (run.c), and
 *   9. exits with a status that says how the guest ended (launcher.h).
 *
 * main below is that list, one line per step. The Launcher trusts nothing
 * the guest wrote: every address and length it takes from guest memory is
 * checked before use (guest_mem.h, virtqueue.c). Next: what all the parts
 * share, launcher/launcher.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/cpu.h"
#include "launcher/launcher.h"
#include "launcher/layout.h"
#include "launcher/lazy.h"
#include "launcher/loader.h"
#include "launcher/options.h"

static struct launch_options opts;
static struct guest guest;
struct launcher_clock launcher_start;

static int read_command_line(int argc, char **argv, struct launch_options *o)
{
	char why[192];

	if (options_want_help(argc, argv)) {
		fputs(LAUNCHER_HELP, stdout);
		exit(LAUNCHER_EXIT_POWEROFF);
	}
	if (options_parse(argc, argv, o, why, sizeof(why)) == 0)
		return 0;
	fprintf(stderr, "launcher: %s\n%s\n", why, LAUNCHER_USAGE);
	return -1;
}

/* A piece without a newline is a prompt: push it past stdio's buffer. */
static void print_guest_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	fputs(line, stdout);
	if (len && line[len - 1] != '\n')
		fflush(stdout);
}

/* Why an mmap of the guest's memory failed, in the user's terms: the
 * host's free memory, when it can say, is what --mem must fit in. */
static void say_no_memory(const struct guest *g, uint32_t kib, int err)
{
	struct k_meminfo mi;

	fprintf(stderr, "launcher: guest %s: cannot map %u KiB of guest memory (--mem %u KiB "
		"and its device pages): %s", g->name, kib, g->ram_bytes / 1024, strerror(err));
	if (err == ENOMEM && meminfo(&mi) == 0)
		fprintf(stderr, "; the host has %u KiB free: give a smaller --mem, or the "
			"machine more memory", mi.free_frames * (GUEST_PAGE / 1024));
	fputc('\n', stderr);
}

int map_memory(struct guest *g, uint32_t ram_bytes)
{
	uint32_t pfn_limit = layout_rings(&g->page, ram_bytes);
	void *base = mmap((size_t)pfn_limit * GUEST_PAGE);

	g->ram_bytes = ram_bytes;
	if (base == MAP_FAILED) {
		say_no_memory(g, pfn_limit * (GUEST_PAGE / 1024), errno);
		return -1;
	}
	g->mem = (struct guest_mem){ .base = base, .size = pfn_limit * GUEST_PAGE };
	return 0;
}

/* NULL if the whole file was read, else what went wrong. */
static const char *read_all(int fd, uint8_t *buf, uint32_t size)
{
	for (uint32_t done = 0; done < size;) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0)
			return strerror(errno);
		if (n == 0)
			return "shorter than its size";
		done += (uint32_t)n;
	}
	return NULL;
}

static void *file_error(const char *path, const char *why, int fd, void *buf)
{
	fprintf(stderr, "launcher: %s: %s\n", path, why);
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* The whole file, in a buffer to free; NULL (and a message) if not. */
void *read_file(const char *path, uint32_t *size)
{
	int fd = open(path, O_RDONLY);
	struct k_stat st;
	const char *why;
	uint8_t *buf;

	if (fd < 0 || fstat(fd, &st) < 0)
		return file_error(path, strerror(errno), fd, NULL);
	if (st.type != K_TYPE_FILE)
		return file_error(path, "not a file", fd, NULL);
	if (!(buf = malloc(st.size ? st.size : 1)))
		return file_error(path, "too big to read into memory", fd, NULL);
	if ((why = read_all(fd, buf, st.size)))
		return file_error(path, why, fd, buf);
	close(fd);
	*size = st.size;
	return buf;
}

/* The kernel's file, checked, between reading it and placing it. */
static struct kernel_file {
	void *bytes;
	struct kernel_image img;
} kernel;

/* Read and check it; the entry point is all KN_INIT needs of it. */
static int read_kernel(struct guest *g, const char *path)
{
	char why[192];
	uint32_t size = 0;

	if (!(kernel.bytes = read_file(path, &size)))
		return -1;
	if (check_kernel_image(kernel.bytes, size, g->ram_bytes, &kernel.img, why, sizeof(why))) {
		fprintf(stderr, "launcher: %s: %s\n", path, why);
		return -1;
	}
	g->entry = kernel.img.entry;
	return 0;
}

/* Memory from mmap, or (--lazy-memory) without frames (L:730). */
static int map_guest_memory(struct guest *g, const struct launch_options *o)
{
	return o->lazy_memory ? lazy_map_memory(g, o->mem_bytes) : map_memory(g, o->mem_bytes);
}

/* Lazy memory starts filling itself once the host has the guest. */
static int start_lazy_memory(struct guest *g, const struct launch_options *o)
{
	return o->lazy_memory ? lazy_start(g, &lazy_zeroes, o->lazy_failfast ? LAZY_FAILFAST : 0)
			      : 0;
}

/* Each segment through guest_access, which fills lazy memory first. */
static int place_kernel(struct guest *g)
{
	void *dst;

	for (uint32_t i = 0; i < kernel.img.count; i++) {
		const struct segment *s = &kernel.img.segs[i];

		if (guest_access(&g->mem, s->paddr, s->memsz, &dst))
			return -1;
		place_segment(kernel.bytes, s, dst);
	}
	free(kernel.bytes);
	return 0;
}

static int write_boot_pages(struct guest *g, const char *cmdline)
{
	char why[128];
	void *page;

	if (guest_access(&g->mem, KENNEL_BOOT_INFO_GPA, sizeof(struct kennel_boot_info), &page) ||
	    guest_access(&g->mem, g->ram_bytes, sizeof(struct kn_device_page), &page))
		return -1;
	write_boot_info(g->mem.base, g->ram_bytes, g->mem.size / GUEST_PAGE, cmdline);
	write_device_page(g->mem.base, g->ram_bytes, &g->page);
	if (attach_queues(g, why, sizeof(why)) == 0)
		return 0;
	fprintf(stderr, "launcher: our own device page is wrong: %s\n", why);
	return -1;
}

struct launcher_clock launcher_clock_now(void)
{
	struct k_meminfo mi = { 0 };

	meminfo(&mi);
	return (struct launcher_clock){ rdtsc(), mi.idle_tsc };
}

/* The console label and the line gatherer, once the name is known (a
 * restore learns it from its snapshot). */
void start_output(struct guest *g, const char *name)
{
	g->name = name;
	output_init(&g->out, name, print_guest_line, NULL);
	ioctl(STDIN_FILENO, CONSOLE_SET_LABEL, (void *)name);	/* cosmetic */
}

static int finish(struct guest *g, int status)
{
	output_flush(&g->out);
	lazy_report(g, stdout);
	if (opts.stats)
		print_stats(g);
	return status;
}

int main(int argc, char **argv)
{
	int status;

	launcher_start = launcher_clock_now();
	if (read_command_line(argc, argv, &opts))
		return LAUNCHER_EXIT_ERROR;
	guest.name = opts.name;
	guest.elf_path = opts.elf_path;
	guest.fd = -1;
	if (opts.restore_count)
		return finish(&guest, snapshot_restore(&guest, &opts));
	start_output(&guest, opts.name);
	if (console_add(&guest) ||
	    (opts.disk_path && block_add(&guest, opts.disk_path, opts.disk_snapshot)) ||
	    map_guest_memory(&guest, &opts) || read_kernel(&guest, opts.elf_path))
		return LAUNCHER_EXIT_ERROR;
	if ((status = start_guest(&guest)) != LAUNCHER_RUNNING)
		return finish(&guest, status);
	if (start_lazy_memory(&guest, &opts) || place_kernel(&guest) ||
	    write_boot_pages(&guest, opts.cmdline))
		return LAUNCHER_EXIT_ERROR;
	status = serve_guest(&guest);
	return finish(&guest, status);
}
