#H:790 host/build.mk: the hypervisor's pure checks — descriptors,
# selectors, eflags and guest-memory ranges — are unit-tested natively
# (T:260), under the same sanitizers as the userland's (U:490). The
# hypervisor itself needs no entry: the Makefile compiles every host/*.c
# and host/memory/*.c into the host image. That is the hypervisor's C;
# what remains is the assembly it switches worlds with. Next: S:010.
UNIT_TESTS += test_guest_checks
UNIT_SRCS_test_guest_checks := host/guest_descriptors.c lib/format.c lib/string.c
$(BUILD)/tests/unit/test_guest_checks: \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_guest_checks: $(UNIT_SRCS_test_guest_checks) \
	$(wildcard lib/*.h host/*.h host/kernel/*.h arch/x86/*.h) host/build.mk

# The x87 loading sequence runs natively too: nothing in it is privileged.
UNIT_TESTS += test_fpu_state
UNIT_SRCS_test_fpu_state :=
$(BUILD)/tests/unit/test_fpu_state: host/fpu_state.h lib/string.h host/build.mk

# The userfault handle's rules (V:510) have no guest in them at all.
UNIT_TESTS += test_userfault_rules
UNIT_SRCS_test_userfault_rules := host/memory/userfault_rules.c lib/string.c
$(BUILD)/tests/unit/test_userfault_rules: \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_userfault_rules: $(UNIT_SRCS_test_userfault_rules) \
	$(wildcard lib/*.h host/memory/*.h arch/x86/*.h) host/build.mk

# The scan of page categories (V:400) is pure logic too (T:910).
UNIT_TESTS += test_scan
UNIT_SRCS_test_scan := host/memory/scan.c
$(BUILD)/tests/unit/test_scan: CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_scan: $(UNIT_SRCS_test_scan) host/memory/scan.h arch/x86/kennel_dev.h \
	host/build.mk

# The guest memory object and the shadow tables holding its references
# (T:265), linked with the real frame allocator: under UBSan only, since
# AddressSanitizer's own shadow sits where the host's direct map must be.
UNIT_TESTS += test_gmap
UNIT_SRCS_test_gmap := host/memory/gmap.c host/memory/gmap_lazy.c host/memory/shadow.c \
	host/memory/access.c host/memory/guest_walk.c host/kernel/frames.c lib/bitmap.c \
	lib/string.c
$(BUILD)/tests/unit/test_gmap: CFLAGS_NATIVE += -fsanitize=undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_gmap: $(UNIT_SRCS_test_gmap) \
	$(wildcard lib/*.h host/*.h host/memory/*.h host/kernel/*.h arch/x86/*.h) host/build.mk
