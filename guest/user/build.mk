#G:600 guest/user/build.mk: pup's user programs, their C library, and the
# disk they live on.
#
# The C library is the host's (user/libc): the same object files that go
# into build/user/libc.a, except sys_kennel.o, are archived with pup's own
# guest/user/libc/sys_pup.o into build/guest/user/libc.a. Programs see
# guest/user/include (pup.h) before user/include (stdio.h and the rest),
# and nothing of the build machine's C library. Each guest/user/bin/NAME.c
# becomes build/guest/user/bin/NAME, linked by guest/user/user.ld at
# PUP_USER_BASE with the host's crt0 and stripped of debug sections; the
# host's cat and fault (user/bin) need nothing pup lacks, so their very
# objects are linked for pup too.
#
# The disk: the programs are staged as /bin in build/guest/root, with
# guest/files (/etc/motd, /README) beside them, and mkpupfs (guest/tools)
# turns the tree into build/guest/disk.img, 4 MiB of pupfs. The ISO
# carries it as /guests/disk.img, where `launcher --disk` finds it.
#
# The Makefile reads guest/build.mk and this file before user/build.mk, so
# the host's variables are still empty here: the lists below are spelled
# from the source tree. Next: pup.h, the calls pup's programs can make.
PUP_USER_CFLAGS := -nostdinc -isystem $(shell $(CC) -m32 -print-file-name=include) \
	-Iguest/user/include -Iuser/include
PUP_SHARED_LIBC_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out user/libc/sys_kennel.c,$(wildcard user/libc/*.c)))
PUP_LIBC_OBJS := $(BUILD)/guest/user/libc/sys_pup.o $(PUP_SHARED_LIBC_OBJS) \
	$(BUILD)/lib/string.o $(BUILD)/lib/format.o
PUP_LIBC := $(BUILD)/guest/user/libc.a
PUP_CRT0 := $(BUILD)/user/libc/crt0.o
PUP_SHARED_PROGS := cat fault
PUP_OWN_PROGS := $(filter-out $(PUP_SHARED_PROGS),$(notdir $(basename $(wildcard guest/user/bin/*.c))))
PUP_OWN_OBJS := $(PUP_OWN_PROGS:%=$(BUILD)/guest/user/bin/%.o)
PUP_BIN_DIR := $(BUILD)/guest/user/bin
PUP_BINS := $(addprefix $(PUP_BIN_DIR)/,$(sort $(PUP_OWN_PROGS) $(PUP_SHARED_PROGS)))
PUP_LINK := $(LD) $(LDFLAGS32) --strip-debug -T guest/user/user.ld
PUP_DISK := $(BUILD)/guest/disk.img
PUP_DISK_KIB := 4096
PUP_STAGING := $(BUILD)/guest/root
PUP_FILES := $(shell find guest/files -type f)

$(BUILD)/guest/user/libc/sys_pup.o $(PUP_OWN_OBJS): CFLAGS32 += $(PUP_USER_CFLAGS)

$(PUP_LIBC): $(PUP_LIBC_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PUP_OWN_PROGS:%=$(PUP_BIN_DIR)/%): $(PUP_BIN_DIR)/%: $(PUP_BIN_DIR)/%.o $(PUP_CRT0) $(PUP_LIBC) guest/user/user.ld
	$(PUP_LINK) -o $@ $(PUP_CRT0) $< $(PUP_LIBC) $(LIBGCC)

$(PUP_SHARED_PROGS:%=$(PUP_BIN_DIR)/%): $(PUP_BIN_DIR)/%: $(BUILD)/user/bin/%.o $(PUP_CRT0) $(PUP_LIBC) guest/user/user.ld
	@mkdir -p $(@D)
	$(PUP_LINK) -o $@ $(PUP_CRT0) $< $(PUP_LIBC) $(LIBGCC)

#G:601 The image is built under a temporary name and renamed, so a failed
# mkpupfs never leaves a half-made disk that looks up to date.
$(PUP_DISK): $(BUILD)/guest/mkpupfs $(PUP_BINS) $(PUP_FILES) guest/user/build.mk
	@rm -rf $(PUP_STAGING) && mkdir -p $(PUP_STAGING)/bin
	cp $(PUP_BINS) $(PUP_STAGING)/bin/
	cp -R guest/files/. $(PUP_STAGING)/
	$(BUILD)/guest/mkpupfs $@.tmp $(PUP_DISK_KIB) $(PUP_STAGING)
	@mv $@.tmp $@

EXTRA_TARGETS += $(PUP_LIBC) $(PUP_BINS) $(PUP_DISK)
ISO_MODULES += $(PUP_DISK):/guests/disk.img
