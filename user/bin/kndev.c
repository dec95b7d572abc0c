/*U:665 user/bin/kndev.c: attacks /dev/kennel the way a bad Launcher
 * could. The hypervisor device trusts a Launcher no more than a guest
 * (H:100), so every ioctl argument is checked: KN_INIT with memory that is
 * unaligned, empty, too big, past user space, unmapped, or with an entry
 * point, boot information or flag outside what it may be; a second
 * KN_INIT; KN_RUN before KN_INIT; KN_SET_REGS with selectors that would
 * take the guest out of its rings; an IRQ number past the last; an
 * unknown request. Then the pinning of guest memory (U:145): while the
 * guest exists its memory cannot be unmapped, and after close it can. And
 * the guest's name: printable, NUL-terminated, not empty.
 * Each failed check prints "kndev: FAILED ..."; the last lines are
 *
 *   kndev: N checks, M failed
 *   Test result: SUCCESS      (or FAILURE, exit status 1)
 *
 * Next: ls.c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <kennel.h>
#include "arch/x86/desc.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/kennel_dev.h"

#define PAGE		4096u
#define GUEST_PAGES	16u

static int checks, failures;

static void expect(int result, int want_errno, const char *what)
{
	checks++;
	if (want_errno == 0 && result == 0)
		return;
	if (want_errno != 0 && result == -1 && errno == want_errno)
		return;
	printf("kndev: FAILED %s: result %d errno %d, want %s %d\n", what, result,
	       result == -1 ? errno : 0, want_errno ? "errno" : "result", want_errno);
	failures++;
}

static struct kn_init good_init(uint32_t base)
{
	return (struct kn_init){ .mem_base = base, .pfn_limit = GUEST_PAGES,
				 .entry = 0x2000, .boot_info = KENNEL_BOOT_INFO_GPA,
				 .flags = 0, .name = "kndev" };
}

static void bad_init(int fd, struct kn_init in, int want_errno, const char *what)
{
	expect(ioctl(fd, KN_INIT, &in), want_errno, what);
}

static void check_init_arguments(int fd, uint32_t base)
{
	struct kn_init in = good_init(base);

	in.mem_base = base + 8;
	bad_init(fd, in, EINVAL, "KN_INIT with unaligned memory");
	in = good_init(base), in.pfn_limit = 0;
	bad_init(fd, in, EINVAL, "KN_INIT with no memory");
	in = good_init(base), in.pfn_limit = 0x40001;
	bad_init(fd, in, EINVAL, "KN_INIT with more than 1 GiB");
	in = good_init(0xBFFF8000u);	/* 16 pages end 0x8000 past it */
	bad_init(fd, in, EINVAL, "KN_INIT running past user space");
	in = good_init(base), in.entry = GUEST_PAGES * PAGE;
	bad_init(fd, in, EINVAL, "KN_INIT with the entry point past memory");
	in = good_init(base), in.boot_info = GUEST_PAGES * PAGE;
	bad_init(fd, in, EINVAL, "KN_INIT with boot information past memory");
	in = good_init(base), in.name[0] = '\0';
	bad_init(fd, in, EINVAL, "KN_INIT with an empty name");
	in = good_init(base), memset(in.name, 'n', sizeof(in.name));
	bad_init(fd, in, EINVAL, "KN_INIT with a name that fills its field");
	in = good_init(base), in.name[1] = '\n';
	bad_init(fd, in, EINVAL, "KN_INIT with a control character in the name");
	in = good_init(base), in.flags = 0x80;
	bad_init(fd, in, EINVAL, "KN_INIT with an unknown flag");
	bad_init(fd, good_init(0x30000000u), EFAULT, "KN_INIT with unmapped memory");
	expect(ioctl(fd, KN_INIT, (void *)0xC0000000u), EFAULT, "KN_INIT with a kernel pointer");
}

static void check_regs(int fd)
{
	struct kn_regs r, bad;

	expect(ioctl(fd, KN_GET_REGS, &r), 0, "KN_GET_REGS");
	checks++;
	if (r.eax != KENNEL_BOOT_MAGIC || r.cs != GUEST_CS || r.eip != 0x2000 ||
	    r.esi != KENNEL_BOOT_INFO_GPA) {
		printf("kndev: FAILED boot registers: eax 0x%x cs 0x%x eip 0x%x esi 0x%x\n",
		       r.eax, r.cs, r.eip, r.esi);
		failures++;
	}
	bad = r, bad.cs = KERNEL_CS;
	expect(ioctl(fd, KN_SET_REGS, &bad), EINVAL, "KN_SET_REGS with cs in ring 0");
	bad = r, bad.cs = USER_CS;
	expect(ioctl(fd, KN_SET_REGS, &bad), EINVAL, "KN_SET_REGS with ring-3 cs, ring-1 ss");
	bad = r, bad.ds = TSS_SEL;
	expect(ioctl(fd, KN_SET_REGS, &bad), EINVAL, "KN_SET_REGS with ds the TSS");
	expect(ioctl(fd, KN_SET_REGS, &r), 0, "KN_SET_REGS with the boot registers");
}

static void check_pinning(int fd, uint8_t *mem)
{
	uint8_t *other = mmap(PAGE);

	expect(munmap(mem + PAGE, PAGE), EBUSY, "munmap of a guest's page");
	expect(munmap(other, PAGE), 0, "munmap of a page that is not the guest's");
	expect(close(fd), 0, "close /dev/kennel");
	expect(munmap(mem, GUEST_PAGES * PAGE), 0, "munmap after the guest is gone");
}

int main(void)
{
	uint8_t *mem = mmap(GUEST_PAGES * PAGE);
	struct kn_exit exit_info;
	struct kn_init in = good_init((uint32_t)(uintptr_t)mem);
	int fd = open(KN_DEVICE_PATH, O_RDWR);

	if (fd < 0 || mem == MAP_FAILED) {
		printf("kndev: cannot open %s or map memory\nTest result: ERROR\n", KN_DEVICE_PATH);
		return 1;
	}
	expect(ioctl(fd, KN_RUN, &exit_info), EINVAL, "KN_RUN before KN_INIT");
	check_init_arguments(fd, in.mem_base);
	expect(ioctl(fd, KN_INIT, &in), 0, "KN_INIT");
	expect(ioctl(fd, KN_INIT, &in), EBUSY, "a second KN_INIT");
	check_regs(fd);
	expect(ioctl(fd, KN_IRQ, (void *)(uintptr_t)KH_NR_IRQS), EINVAL, "KN_IRQ past the last");
	expect(ioctl(fd, KN_IRQ, (void *)1), 0, "KN_IRQ 1");
	expect(ioctl(fd, 0x4bff, NULL), ENOTTY, "an unknown request");
	check_pinning(fd, mem);
	printf("kndev: %d checks, %d failed\n", checks, failures);
	printf("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
	return failures != 0;
}
