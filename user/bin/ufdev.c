/*U:690 user/bin/ufdev.c: the userfault handle's ABI, as a Launcher sees
 * it (L:700, V:500). A real /dev/kennel guest is created (never run), a
 * handle opened on it, and every rule that needs no fault is checked
 * against the running host: KN_UF_OPEN before KN_INIT, twice, with an
 * unknown flag; nothing but KN_UF_API before the handshake; the probe
 * that locks nothing, the unknown bit that zeroes the structure, the
 * second enabling call; registrations that are unaligned, empty, beyond
 * pfn_limit, of no or unknown mode, WP without its feature (-EINVAL),
 * overlapping (-EBUSY), and the ioctls a range takes; a read with nothing
 * queued (-EAGAIN) or too short (-EINVAL); and, once the guest is gone,
 * -ESRCH for requests and end-of-file for reads. Each failed check prints
 * "ufdev: FAILED ...", and the last lines are
 *
 *   ufdev: N checks, M failed
 *   Test result: SUCCESS      (or FAILURE, exit status 1)
 *
 * A second guest, on reserved memory, is then filled by hand (U:695).
 * Next: ls.c; the boot test that runs it is in test_userland.py. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/kennel_dev.h"
#include "arch/x86/kennel_userfault.h"

#define PAGE		4096u
#define GUEST_PAGES	16u
#define BIT(request)	(1ull << KN_UF_NR(request))

static int checks, failures;

static void fail(const char *what, long got, long want)
{
	printf("ufdev: FAILED %s: got %ld, want %ld\n", what, got, want);
	failures++;
}

/* result must be `want` (>= 0), or -1 with errno == -want. */
static void expect(int result, int want, const char *what)
{
	int got = result < 0 ? -errno : result;

	checks++;
	if (got != want)
		fail(what, got, want);
}

static void expect_true(int ok, const char *what)
{
	checks++;
	if (!ok)
		fail(what, 0, 1);
}

static int api(int uf, uint64_t features, struct kn_uf_api *a)
{
	*a = (struct kn_uf_api){ KN_UF_API_VERSION, features, 0 };
	return ioctl(uf, KN_UF_API, a);
}

static void check_handshake(int uf)
{
	struct kn_uf_api a;

	expect(api(uf, 0, &a), 0, "the probe");
	expect_true(a.features == KN_UF_FEATURES, "the probe answers every feature");
	expect_true((a.ioctls & BIT(KN_UF_COPY)) && (a.ioctls & BIT(KN_UF_REGISTER)),
		    "the probe answers the ioctls");
	expect(api(uf, 0, &a), 0, "a second probe (the first locked nothing)");
	expect(api(uf, KN_UF_F_ZEROPAGE | (1ull << 40), &a), -EINVAL, "an unknown feature bit");
	expect_true(!a.api && !a.features && !a.ioctls, "the refusal zeroes the structure");
	expect(api(uf, KN_UF_F_WP | KN_UF_F_ZEROPAGE | KN_UF_F_EXACT_ADDRESS, &a), 0,
	       "enabling a subset");
	expect(api(uf, KN_UF_F_WP, &a), -EINVAL, "a second enabling call");
	expect(api(uf, 0, &a), -EINVAL, "a probe once locked");
}

static int reg(int uf, uint64_t start, uint64_t len, uint64_t mode, uint64_t *ioctls)
{
	struct kn_uf_register r = { { start, len }, mode, 0 };
	int err = ioctl(uf, KN_UF_REGISTER, &r);

	*ioctls = r.ioctls;
	return err;
}

static void check_registration(int uf)
{
	uint64_t m = KN_UF_MODE_MISSING, io;
	struct kn_uf_range hole = { 5 * PAGE, PAGE };

	expect(reg(uf, 8, PAGE, m, &io), -EINVAL, "REGISTER unaligned");
	expect(reg(uf, 0, 0, m, &io), -EINVAL, "REGISTER empty");
	expect(reg(uf, GUEST_PAGES * PAGE, PAGE, m, &io), -EINVAL, "REGISTER beyond pfn_limit");
	expect(reg(uf, (GUEST_PAGES - 1) * PAGE, 2 * PAGE, m, &io), -EINVAL,
	       "REGISTER across pfn_limit");
	expect(reg(uf, 0, PAGE, 0, &io), -EINVAL, "REGISTER with no mode");
	expect(reg(uf, 0, PAGE, 1ull << 9, &io), -EINVAL, "REGISTER with an unknown mode");
	expect(reg(uf, 4 * PAGE, 4 * PAGE, m, &io), 0, "REGISTER missing");
	expect_true((io & BIT(KN_UF_COPY)) && (io & BIT(KN_UF_ZERO)) && (io & BIT(KN_UF_WAKE)) &&
		    !(io & BIT(KN_UF_WRITEPROTECT)), "a missing range takes COPY, ZERO, WAKE");
	expect(reg(uf, 7 * PAGE, 2 * PAGE, m, &io), -EBUSY, "REGISTER overlapping");
	expect(reg(uf, 8 * PAGE, PAGE, m | KN_UF_MODE_WP, &io), 0, "REGISTER missing and WP");
	expect_true(io & BIT(KN_UF_WRITEPROTECT), "a WP range takes WRITEPROTECT");
	expect(ioctl(uf, KN_UF_UNREGISTER, &hole), 0, "UNREGISTER a page in the middle");
	expect(reg(uf, 5 * PAGE, PAGE, m, &io), 0, "REGISTER the page again");
	expect(ioctl(uf, KN_UF_WAKE, &hole), 0, "WAKE a range nobody waits on");
}

static void check_reads(int uf)
{
	struct kn_uf_msg m[2];

	expect(read(uf, m, sizeof(m)), -EAGAIN, "read with nothing pending");
	expect(read(uf, m, sizeof(m[0]) - 1), -EINVAL, "read shorter than a message");
}

static void check_guest_gone(int fd, int uf)
{
	struct kn_uf_msg m;
	uint64_t io;

	expect(close(fd), 0, "close /dev/kennel");
	expect(reg(uf, 0, PAGE, KN_UF_MODE_MISSING, &io), -ESRCH, "REGISTER after the guest is gone");
	expect(read(uf, &m, sizeof(m)), 0, "read after the guest is gone");
	expect(close(uf), 0, "close the handle");
}

static int open_guest(uint8_t *mem, const char *name)
{
	struct kn_init in = { .mem_base = (uint32_t)(uintptr_t)mem, .pfn_limit = GUEST_PAGES,
			      .entry = 0x2000, .boot_info = KENNEL_BOOT_INFO_GPA };
	int fd = open(KN_DEVICE_PATH, O_RDWR);

	strcpy(in.name, name);
	expect(ioctl(fd, KN_UF_OPEN, (void *)O_NONBLOCK), -EINVAL, "KN_UF_OPEN before KN_INIT");
	expect(ioctl(fd, KN_INIT, &in), 0, "KN_INIT");
	return fd;
}

/*U:695 The second half: a guest on reserved memory (mmap_reserve), every
 * page missing, filled by hand. COPY fills and maps a page (the bytes are
 * there at once through our own mapping), refuses a present page with
 * -EEXIST, stops at one with -EAGAIN and the bytes done, refuses a source
 * inside guest memory; ZERO maps zeroes that our own write then copies
 * (one zero copy counted); our own read() into a missing page is -EFAULT
 * and queues a LAUNCHER message; WRITEPROTECT and WAKE check their
 * arguments; COPY after the guest is gone is -ESRCH; and unmapping the
 * reservation gives every frame back. */
static int copy_pages(int uf, uint32_t dst, const void *src, uint32_t len, int64_t *done)
{
	struct kn_uf_copy c = { dst, (uint32_t)(uintptr_t)src, len, 0, 12345 };
	int err = ioctl(uf, KN_UF_COPY, &c);

	*done = c.copy;
	return err;
}

static int zero_pages(int uf, uint32_t dst, uint32_t len, int64_t *done)
{
	struct kn_uf_zero z = { { dst, len }, 0, 12345 };
	int err = ioctl(uf, KN_UF_ZERO, &z);

	*done = z.zeroed;
	return err;
}

static int lazy_handle(int fd)
{
	int uf = ioctl(fd, KN_UF_OPEN, (void *)O_NONBLOCK);
	struct kn_uf_api a;
	uint64_t io;

	expect(api(uf, KN_UF_F_WP | KN_UF_F_ZEROPAGE, &a), 0, "the lazy guest's handshake");
	expect(reg(uf, 0, GUEST_PAGES * PAGE, KN_UF_MODE_MISSING | KN_UF_MODE_WP, &io), 0,
	       "REGISTER all of the lazy guest");
	return uf;
}

static void check_copy(int uf, uint8_t *mem)
{
	static uint8_t page[3 * PAGE] __attribute__((aligned(4096)));
	int64_t done;

	memset(page, 0x5a, sizeof(page));
	expect(copy_pages(uf, 0, page, PAGE, &done), 0, "COPY a missing page");
	expect_true(done == PAGE && mem[0] == 0x5a && mem[PAGE - 1] == 0x5a,
		    "COPY says a page and the bytes are ours to see");
	expect(copy_pages(uf, 0, page, PAGE, &done), -EEXIST, "COPY onto a present page");
	expect_true(done == -EEXIST, "COPY onto a present page says -EEXIST");
	expect(copy_pages(uf, 2 * PAGE, page, PAGE, &done), 0, "COPY page 2");
	expect(copy_pages(uf, PAGE, page, 3 * PAGE, &done), -EAGAIN, "COPY running into page 2");
	expect_true(done == PAGE, "the partial COPY says one page");
	expect(copy_pages(uf, 3 * PAGE, mem + 2 * PAGE, PAGE, &done), -EINVAL,
	       "COPY from inside guest memory");
	expect_true(done == -EINVAL, "the refused COPY says -EINVAL");
	expect(copy_pages(uf, 3 * PAGE + 8, page, PAGE, &done), -EINVAL, "COPY unaligned");
	expect(copy_pages(uf, GUEST_PAGES * PAGE, page, PAGE, &done), -EINVAL,
	       "COPY beyond pfn_limit");
}

static uint64_t zero_copies(int fd, uint64_t *launcher_faults)
{
	struct kn_stats s;

	memset(&s, 0, sizeof(s));
	ioctl(fd, KN_STATS, &s);
	*launcher_faults = s.uf_launcher_faults;
	return s.uf_zero_copies;
}

static void check_zero(int fd, int uf, uint8_t *mem)
{
	volatile uint8_t *p = mem + 5 * PAGE;
	uint64_t before, after, lf;
	int64_t done;

	expect(zero_pages(uf, 5 * PAGE, 2 * PAGE, &done), 0, "ZERO two missing pages");
	expect_true(done == 2 * PAGE && p[0] == 0 && p[PAGE + 100] == 0, "ZERO maps zeroes");
	expect(zero_pages(uf, 5 * PAGE, PAGE, &done), -EEXIST, "ZERO onto a present page");
	before = zero_copies(fd, &lf);
	p[17] = 0x77;
	after = zero_copies(fd, &lf);
	expect_true(p[17] == 0x77 && p[PAGE + 17] == 0, "our write to a zero page is ours alone");
	expect_true(after == before + 1, "the write copied the zero page once");
}

static void check_launcher_touch(int fd, int uf, uint8_t *mem)
{
	int file = open("/bin/ufdev", O_RDONLY);
	struct kn_uf_msg m;
	uint64_t lf;

	expect(read(file, mem + 9 * PAGE, 16), -EFAULT, "read() into a missing page of ours");
	close(file);
	expect(read(uf, &m, sizeof(m)), sizeof(m), "the touch queued a message");
	expect_true(m.event == KN_UF_EVENT_PAGEFAULT && m.gpa == 9 * PAGE &&
		    m.flags == (KN_UF_FLAG_LAUNCHER | KN_UF_FLAG_WRITE), "a LAUNCHER write at page 9");
	zero_copies(fd, &lf);
	expect_true(lf == 1, "one Launcher fault counted");
}

static void check_protect_and_wake(int uf)
{
	struct kn_uf_writeprotect w = { { 0, PAGE }, KN_UF_WP_MODE_WP };
	struct kn_uf_range r = { 0, GUEST_PAGES * PAGE }, bad = { 8, PAGE };

	expect(ioctl(uf, KN_UF_WRITEPROTECT, &w), 0, "WRITEPROTECT a page");
	w.mode = 0;
	expect(ioctl(uf, KN_UF_WRITEPROTECT, &w), 0, "lift the protection");
	w.mode = 1ull << 7;
	expect(ioctl(uf, KN_UF_WRITEPROTECT, &w), -EINVAL, "WRITEPROTECT with an unknown mode");
	expect(ioctl(uf, KN_UF_WAKE, &r), 0, "WAKE all of it");
	expect(ioctl(uf, KN_UF_WAKE, &bad), -EINVAL, "WAKE unaligned");
}

static void check_lazy_guest(void)
{
	static uint8_t page[PAGE] __attribute__((aligned(4096)));
	struct k_meminfo before, after;
	uint8_t *mem;
	int fd, uf;
	int64_t done;

	meminfo(&before);
	mem = mmap_reserve(GUEST_PAGES * PAGE);
	expect_true(mem != MAP_FAILED, "mmap_reserve");
	if (mem == MAP_FAILED)
		return;
	fd = open_guest(mem, "ufdev-lazy");
	uf = lazy_handle(fd);
	check_copy(uf, mem);
	check_zero(fd, uf, mem);
	check_launcher_touch(fd, uf, mem);
	check_protect_and_wake(uf);
	close(fd);
	expect(copy_pages(uf, 10 * PAGE, page, PAGE, &done), -ESRCH, "COPY after the guest is gone");
	close(uf);
	expect(munmap(mem, GUEST_PAGES * PAGE), 0, "unmap the reservation");
	meminfo(&after);
	expect_true(after.free_frames == before.free_frames, "every frame is back");
}

int main(void)
{
	uint8_t *mem = mmap(GUEST_PAGES * PAGE);
	int fd, uf;
	uint64_t io;

	if (mem == MAP_FAILED || (fd = open_guest(mem, "ufdev")) < 0) {
		printf("ufdev: cannot make a guest\nTest result: ERROR\n");
		return 1;
	}
	expect(ioctl(fd, KN_UF_OPEN, (void *)0x80000), -EINVAL, "KN_UF_OPEN with an unknown flag");
	uf = ioctl(fd, KN_UF_OPEN, (void *)O_NONBLOCK);
	expect_true(uf > fd, "KN_UF_OPEN gives a new descriptor");
	expect(ioctl(fd, KN_UF_OPEN, (void *)O_NONBLOCK), -EBUSY, "a second KN_UF_OPEN");
	expect(reg(uf, 0, PAGE, KN_UF_MODE_MISSING, &io), -EINVAL, "REGISTER before the handshake");
	check_handshake(uf);
	check_registration(uf);
	check_reads(uf);
	check_guest_gone(fd, uf);
	check_lazy_guest();
	printf("ufdev: %d checks, %d failed\n", checks, failures);
	printf("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
	return failures != 0;
}
