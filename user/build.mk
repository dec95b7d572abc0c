#U:505 user/build.mk: the host's user programs and their C library.
#
# user/libc/*.c and crt0.asm, plus the tree's lib/string.c and lib/format.c,
# become build/user/libc.a. Each user/bin/NAME.c is linked with them by
# user/user.ld into build/user/bin/NAME and put on the ISO as the module
# /bin/NAME. User code sees only the tree and user/include (-nostdinc keeps
# the build machine's C library headers out; the compiler's own freestanding
# headers, stdint.h and friends, stay). The allocator's logic is unit-tested
# natively in tests/unit/test_malloc.c.
USER_CFLAGS := -nostdinc -isystem $(shell $(CC) -m32 -print-file-name=include) -Iuser/include
USER_LIBC_SRCS := $(wildcard user/libc/*.c)
USER_LIBC_COBJS := $(USER_LIBC_SRCS:%.c=$(BUILD)/%.o)
USER_LIBC_OBJS := $(USER_LIBC_COBJS) $(BUILD)/lib/string.o $(BUILD)/lib/format.o $(BUILD)/lib/elf.o
USER_LIBC := $(BUILD)/user/libc.a
USER_CRT0 := $(BUILD)/user/libc/crt0.o
USER_PROGS := $(sort $(notdir $(basename $(wildcard user/bin/*.c))))
USER_BIN_OBJS := $(USER_PROGS:%=$(BUILD)/user/bin/%.o)
USER_BINS := $(USER_PROGS:%=$(BUILD)/user/bin/%)

$(USER_LIBC_COBJS) $(USER_BIN_OBJS): CFLAGS32 += $(USER_CFLAGS)

$(USER_LIBC): $(USER_LIBC_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(USER_BINS): $(BUILD)/user/bin/%: $(BUILD)/user/bin/%.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	$(LD) $(LDFLAGS32) -T user/user.ld -o $@ $(USER_CRT0) $< $(USER_LIBC) $(LIBGCC)

EXTRA_TARGETS += $(USER_LIBC) $(USER_BINS)
ISO_MODULES += $(foreach p,$(USER_PROGS),$(BUILD)/user/bin/$(p):/bin/$(p))

UNIT_TESTS += test_malloc
UNIT_SRCS_test_malloc := user/libc/heap.c
$(BUILD)/tests/unit/test_malloc: CFLAGS_NATIVE += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_malloc: user/libc/heap.c user/libc/heap.h user/build.mk
