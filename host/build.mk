#U:490 host/build.mk: the userland chapter's unit tests. The host kernel
# itself needs no entry here (the Makefile compiles every host/*.c and
# host/*.asm); what needs naming is which pure sources each native test
# links. Like the foundation's, they run under AddressSanitizer and
# UndefinedBehaviorSanitizer, and depend on the headers and this file
# because gcc's -MMD keeps only one source's dependencies per command.
UNIT_TESTS += test_elf test_usercopy
UNIT_SRCS_test_elf := host/elf.c lib/elf.c lib/format.c lib/string.c
UNIT_SRCS_test_usercopy :=
USERLAND_UNIT_TESTS := test_elf test_usercopy
$(foreach t,$(USERLAND_UNIT_TESTS),$(BUILD)/tests/unit/$(t)): \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(foreach t,$(USERLAND_UNIT_TESTS),$(eval $(BUILD)/tests/unit/$(t): $(UNIT_SRCS_$(t)) \
	$(wildcard lib/*.h host/*.h arch/x86/*.h) host/build.mk))

#H:180 The hypervisor's pure checks — descriptors, selectors, eflags and
# guest-memory ranges — are unit-tested natively too (T:260), under the
# same sanitizers.
UNIT_TESTS += test_guest_checks
UNIT_SRCS_test_guest_checks := host/segments.c lib/format.c lib/string.c
$(BUILD)/tests/unit/test_guest_checks: \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_guest_checks: $(UNIT_SRCS_test_guest_checks) \
	$(wildcard lib/*.h host/*.h arch/x86/*.h) host/build.mk
