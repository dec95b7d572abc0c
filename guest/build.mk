#G:550 guest/build.mk: building pup, the tool that makes its disks, and
# a disk to test it with.
#
# pup's kernel is every guest/kernel/*.c and *.asm, compiled with the
# tree's freestanding flags (CFLAGS32) and linked with its own copy of
# lib/ by guest/kernel/kernel.ld into build/guest/pup.elf: one image that
# boots natively (QEMU -kernel, Multiboot) and under kennel (the ISO
# carries it as /guests/pup.elf for the Launcher). Its assembly shares
# numbers with its C through build/gen/pup_asm_offsets.inc, made from
# guest/kernel/asm_offsets.c by the host's recipe (P:020).
#
# mkpupfs (G:570) is a native program for the build machine:
# build/guest/mkpupfs IMAGE SIZE_KIB DIR. The userland's build makes the
# real disk with it; here it makes build/guest/kernel-test.img from pup's
# own test programs in guest/kernel/test (ktest, ksh, hello, crash), each
# linked by guest/kernel/test/user.ld at PUP_USER_BASE, so the kernel can
# be run without the userland: boot with init=/bin/ktest, or init=/bin/ksh.
# The pure half of mkpupfs is unit-tested natively (test_mkpupfs), and so
# is pup's path-name logic (test_pup_path). Next: the format, G:560.
PUP := $(BUILD)/guest/pup.elf
PUP_C_SRCS := $(filter-out guest/kernel/asm_offsets.c,$(wildcard guest/kernel/*.c))
PUP_ASM_SRCS := $(wildcard guest/kernel/*.asm)
PUP_OBJS := $(PUP_C_SRCS:%.c=$(BUILD)/%.o) $(PUP_ASM_SRCS:%.asm=$(BUILD)/%.o)
PUP_OFFSETS := $(BUILD)/gen/pup_asm_offsets.inc

$(PUP_OFFSETS): guest/kernel/asm_offsets.c $(BUILD)/.flags
	$(compile_inc)

$(PUP_ASM_SRCS:%.asm=$(BUILD)/%.o): $(PUP_OFFSETS)

$(PUP): $(PUP_OBJS) $(LIB_OBJS) guest/kernel/kernel.ld
	$(LD) $(LDFLAGS32) -T guest/kernel/kernel.ld -Map $(BUILD)/guest/pup.map -o $@ \
		$(PUP_OBJS) $(LIB_OBJS) $(LIBGCC)

MKPUPFS := $(BUILD)/guest/mkpupfs
MKPUPFS_SRCS := guest/tools/mkpupfs.c guest/tools/pupfs_image.c

$(MKPUPFS): $(MKPUPFS_SRCS) guest/tools/pupfs_image.h lib/pupfs_format.h guest/build.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -o $@ $(MKPUPFS_SRCS)

# pupfsck (G:575): fsck on an image, natively, with the core pup and the
# host link (lib/pupfs*.c).
PUPFSCK := $(BUILD)/guest/pupfsck
PUPFSCK_SRCS := guest/tools/pupfsck.c lib/pupfs.c lib/pupfs_dir.c lib/pupfs_check.c \
	lib/format.c lib/string.c

$(PUPFSCK): $(PUPFSCK_SRCS) $(wildcard lib/*.h arch/x86/syscall.h) guest/build.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-builtin -I. -o $@ $(PUPFSCK_SRCS)

PUP_TEST_DIR := $(BUILD)/guest/kernel-test
PUP_TEST_PROGS := $(filter-out ulib,$(basename $(notdir $(wildcard guest/kernel/test/*.c))))
PUP_TEST_BINS := $(PUP_TEST_PROGS:%=$(PUP_TEST_DIR)/bin/%)
PUP_TEST_LIB := $(BUILD)/guest/kernel/test/crt.o $(BUILD)/guest/kernel/test/ulib.o \
	$(BUILD)/lib/format.o $(BUILD)/lib/string.o
PUP_TEST_IMG := $(BUILD)/guest/kernel-test.img

$(PUP_TEST_DIR)/bin/%: $(BUILD)/guest/kernel/test/%.o $(PUP_TEST_LIB) guest/kernel/test/user.ld
	@mkdir -p $(@D)
	$(LD) $(LDFLAGS32) -T guest/kernel/test/user.ld -o $@ $(firstword $(PUP_TEST_LIB)) $< \
		$(wordlist 2,9,$(PUP_TEST_LIB)) $(LIBGCC)

$(PUP_TEST_IMG): $(MKPUPFS) $(PUP_TEST_BINS)
	$(MKPUPFS) $@ 4096 $(PUP_TEST_DIR)

EXTRA_TARGETS += $(PUP) $(MKPUPFS) $(PUPFSCK) $(PUP_TEST_IMG)
ISO_MODULES += $(PUP):/guests/pup.elf

UNIT_TESTS += test_mkpupfs test_pup_path
UNIT_SRCS_test_mkpupfs := guest/tools/pupfs_image.c
UNIT_SRCS_test_pup_path := guest/kernel/path.c lib/string.c
PUP_UNIT_TESTS := test_mkpupfs test_pup_path
$(foreach t,$(PUP_UNIT_TESTS),$(BUILD)/tests/unit/$(t)): \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(foreach t,$(PUP_UNIT_TESTS),$(eval $(BUILD)/tests/unit/$(t): $(UNIT_SRCS_$(t)) \
	$(wildcard guest/include/pup/*.h guest/kernel/*.h guest/tools/*.h lib/*.h) guest/build.mk))
