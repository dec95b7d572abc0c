#T:095 tests/unit/build.mk: the foundation's unit tests. Each names the
# pure-logic sources it is linked with.
UNIT_TESTS += test_format test_bitmap test_frames test_bootinfo test_options
UNIT_SRCS_test_format := lib/format.c lib/string.c
UNIT_SRCS_test_bitmap := lib/bitmap.c
UNIT_SRCS_test_frames := host/kernel/frames.c lib/bitmap.c
UNIT_SRCS_test_bootinfo := host/kernel/bootinfo.c lib/string.c
UNIT_SRCS_test_options := host/kernel/options.c lib/format.c lib/string.c

# These tests run under AddressSanitizer and UndefinedBehaviorSanitizer: a
# read or write one byte past a buffer, or a shift or overflow the C
# standard leaves undefined, fails the test even when the result happens to
# look right. gcc's -MMD keeps only the last source's dependencies when one
# command compiles several, so each test also depends explicitly on the
# sources it links, the shared headers and this file.
FOUNDATION_UNIT_TESTS := test_format test_bitmap test_frames test_bootinfo test_options
$(foreach t,$(FOUNDATION_UNIT_TESTS),$(BUILD)/tests/unit/$(t)): \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(foreach t,$(FOUNDATION_UNIT_TESTS),$(eval $(BUILD)/tests/unit/$(t): $(UNIT_SRCS_$(t)) \
	$(wildcard lib/*.h host/*.h arch/x86/*.h) tests/unit/build.mk))

#T:705 The file-system core's test links the core (lib/pupfs*.c) with
# mkpupfs's format code, which makes its disks, under the same sanitizers.
UNIT_TESTS += test_pupfs
UNIT_SRCS_test_pupfs := lib/pupfs.c lib/pupfs_dir.c lib/pupfs_check.c lib/format.c \
	lib/string.c guest/tools/pupfs_image.c
$(BUILD)/tests/unit/test_pupfs: CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_pupfs: $(UNIT_SRCS_test_pupfs) $(wildcard lib/*.h guest/tools/*.h arch/x86/*.h) \
	tests/unit/build.mk
