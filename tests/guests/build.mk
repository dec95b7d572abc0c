#T:310 tests/guests/build.mk: how the test guests are built.
#
# Every tests/guests/NAME.c becomes build/tests/guests/NAME.elf: the
# guest's object, the runtime's entry (lib/entry.asm, named explicitly
# because nothing refers to _start), and the runtime library
# build/tests/guests/libguest.a, which holds tests/guests/lib/*.c and
# *.asm with the tree's lib/string.c and lib/format.c; linked by
# tests/guests/guest.ld at 1 MiB. A guest may override the runtime's weak
# test_before_init, which is why the guest comes before the library.
#
# The runtime's assembly takes its numbers from build/gen/guest_abi.inc,
# made from lib/guest_abi.c by the Makefile's recipe for asm_offsets.inc
# (P:020). Guest code sees only the tree and the compiler's freestanding
# headers, like user programs (-nostdinc). Each guest goes on the ISO as
# /guests/NAME.elf, where the boot tests' Launchers find it. Next: the
# first instructions a guest runs, tests/guests/lib/entry.asm.
GUEST_TESTS := $(sort $(notdir $(basename $(wildcard tests/guests/*.c))))
GUEST_ELFS := $(GUEST_TESTS:%=$(BUILD)/tests/guests/%.elf)
GUEST_TEST_OBJS := $(GUEST_TESTS:%=$(BUILD)/tests/guests/%.o)
GUEST_RT_SRCS := $(filter-out tests/guests/lib/guest_abi.c,$(wildcard tests/guests/lib/*.c))
GUEST_RT_COBJS := $(GUEST_RT_SRCS:%.c=$(BUILD)/%.o)
GUEST_RT_ENTRY := $(BUILD)/tests/guests/lib/entry.o
GUEST_RT_AOBJS := $(filter-out $(GUEST_RT_ENTRY),$(patsubst %.asm,$(BUILD)/%.o,$(wildcard tests/guests/lib/*.asm)))
GUEST_RT := $(BUILD)/tests/guests/libguest.a
GUEST_ABI_INC := $(BUILD)/gen/guest_abi.inc
GUEST_CFLAGS := -nostdinc -isystem $(shell $(CC) -m32 -print-file-name=include)

$(GUEST_RT_COBJS) $(GUEST_TEST_OBJS): CFLAGS32 += $(GUEST_CFLAGS)
$(GUEST_RT_AOBJS) $(GUEST_RT_ENTRY): $(GUEST_ABI_INC)

$(GUEST_ABI_INC): INC_CFLAGS := $(GUEST_CFLAGS)
$(GUEST_ABI_INC): tests/guests/lib/guest_abi.c $(BUILD)/.flags
	$(compile_inc)

$(GUEST_RT): $(GUEST_RT_COBJS) $(GUEST_RT_AOBJS) $(BUILD)/lib/string.o $(BUILD)/lib/format.o
	@rm -f $@
	$(AR) rcs $@ $^

$(GUEST_ELFS): $(BUILD)/tests/guests/%.elf: $(BUILD)/tests/guests/%.o $(GUEST_RT_ENTRY) $(GUEST_RT) tests/guests/guest.ld
	$(LD) $(LDFLAGS32) -T tests/guests/guest.ld -o $@ $(GUEST_RT_ENTRY) $< $(GUEST_RT) $(LIBGCC)

EXTRA_TARGETS += $(GUEST_ELFS)
ISO_MODULES += $(foreach g,$(GUEST_TESTS),$(BUILD)/tests/guests/$(g).elf:/guests/$(g).elf)
