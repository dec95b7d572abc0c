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

# The guest memory object and the shadow tables holding its references
# (T:265), linked with the real frame allocator: under UBSan only, since
# AddressSanitizer's own shadow sits where the host's direct map must be.
UNIT_TESTS += test_gmap
UNIT_SRCS_test_gmap := host/memory/gmap.c host/memory/shadow.c host/memory/access.c \
	host/memory/guest_walk.c host/kernel/frames.c lib/bitmap.c lib/string.c
$(BUILD)/tests/unit/test_gmap: CFLAGS_NATIVE += -fsanitize=undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_gmap: $(UNIT_SRCS_test_gmap) \
	$(wildcard lib/*.h host/*.h host/memory/*.h host/kernel/*.h arch/x86/*.h) host/build.mk
