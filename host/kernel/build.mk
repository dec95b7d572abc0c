#U:490 host/kernel/build.mk: the userland chapter's unit tests. The host
# kernel itself needs no entry here (the Makefile compiles every
# host/kernel/*.c and *.asm); what needs naming is which pure sources each
# native test links. Like the foundation's, they run under
# AddressSanitizer and UndefinedBehaviorSanitizer, and depend on the
# headers and this file because gcc's -MMD keeps only one source's
# dependencies per command. Next: the programs themselves, how they are
# laid out, user/user.ld (U:500).
UNIT_TESTS += test_elf test_usercopy
UNIT_SRCS_test_elf := host/kernel/elf.c lib/elf.c lib/format.c lib/string.c
UNIT_SRCS_test_usercopy :=
USERLAND_UNIT_TESTS := test_elf test_usercopy
$(foreach t,$(USERLAND_UNIT_TESTS),$(BUILD)/tests/unit/$(t)): \
	CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(foreach t,$(USERLAND_UNIT_TESTS),$(eval $(BUILD)/tests/unit/$(t): $(UNIT_SRCS_$(t)) \
	$(wildcard lib/*.h host/kernel/*.h arch/x86/*.h) host/kernel/build.mk))
