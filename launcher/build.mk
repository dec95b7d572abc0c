#L:210 launcher/build.mk: the Launcher is built like any host user
# program: every launcher/*.c compiled against user/include and linked
# with crt0 and the C library by user/user.ld, into build/launcher/launcher,
# which the ISO carries as /bin/launcher.
#
# The Makefile reads the parts' build.mk files in name order, so this one
# comes before user/build.mk: its variables are still empty while this
# file is read. Target-specific flags and recipes are expanded later, when
# they are used, so they may name them; a prerequisite list is expanded at
# once, so the link's names the C library's two files itself.
#
# The files with no system calls in them (options, loader, layout,
# devices, stats, virtqueue, output, block_request, snapshot_format) are also compiled
# natively, each into the cmocka test
# that drives it, under AddressSanitizer and UndefinedBehaviorSanitizer
# like the rest of the tree's unit tests. Each test depends on its sources,
# the headers and this file, since gcc's -MMD keeps only one source's
# dependencies per command. Next: the tests themselves, starting with the
# command line, tests/unit/test_launcher_options.c.
LAUNCHER_SRCS := $(wildcard launcher/*.c)
LAUNCHER_OBJS := $(LAUNCHER_SRCS:%.c=$(BUILD)/%.o)
LAUNCHER := $(BUILD)/launcher/launcher
LAUNCHER_LIBC := $(BUILD)/user/libc/crt0.o $(BUILD)/user/libc.a

$(LAUNCHER_OBJS): CFLAGS32 += $(USER_CFLAGS)

$(LAUNCHER): $(LAUNCHER_OBJS) $(LAUNCHER_LIBC) user/user.ld
	$(LD) $(LDFLAGS32) -T user/user.ld -o $@ $(USER_CRT0) $(LAUNCHER_OBJS) $(USER_LIBC) $(LIBGCC)

EXTRA_TARGETS += $(LAUNCHER)
ISO_MODULES += $(LAUNCHER):/bin/launcher

LAUNCHER_PURE := lib/elf.c lib/format.c lib/string.c
UNIT_SRCS_test_launcher_options := launcher/options.c $(LAUNCHER_PURE)
UNIT_SRCS_test_launcher_loader := launcher/loader.c $(LAUNCHER_PURE)
UNIT_SRCS_test_launcher_layout := launcher/layout.c launcher/devices.c launcher/virtqueue.c \
	launcher/stats.c $(LAUNCHER_PURE)
UNIT_SRCS_test_launcher_virtqueue := launcher/virtqueue.c $(LAUNCHER_PURE)
UNIT_SRCS_test_launcher_output := launcher/output.c $(LAUNCHER_PURE)
UNIT_SRCS_test_launcher_block := launcher/block_request.c launcher/virtqueue.c $(LAUNCHER_PURE)
UNIT_SRCS_test_snapshot_format := launcher/snapshot_format.c $(LAUNCHER_PURE)
LAUNCHER_UNIT_TESTS := test_launcher_options test_launcher_loader test_launcher_layout \
	test_launcher_virtqueue test_launcher_output test_launcher_block test_snapshot_format
UNIT_TESTS += $(LAUNCHER_UNIT_TESTS)
$(foreach t,$(LAUNCHER_UNIT_TESTS),$(BUILD)/tests/unit/$(t)): \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(foreach t,$(LAUNCHER_UNIT_TESTS),$(eval $(BUILD)/tests/unit/$(t): $(UNIT_SRCS_$(t)) \
	$(wildcard launcher/*.h lib/*.h arch/x86/*.h) launcher/build.mk))
