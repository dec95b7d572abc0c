#P:010 The Makefile: one build for the whole tree.
#
# `make` builds everything into build/; `make run` boots kennel in QEMU with
# the serial console on your terminal (`make run-native`: pup without
# kennel); `make check` runs every test; `make
# tour` writes docs/tour.md; `make debug` starts QEMU halted under gdb.
# Compiler dependency files (-MMD) make rebuilds exact, and a flags stamp
# rebuilds everything when the flags change (say, `make OPT=-Og`).
#
# Each part of the tree adds itself below in its own block: the host
# kernel, the unit tests, and (later) user programs, guests and test guests.
# Next: scripts/deps.sh, which installs what the build needs.

VERSION := $(shell cat VERSION)
BUILD := build
OPT ?= -O2
GDB_PORT ?= 1234
# Python for the tests and tools: the first python3 that has pytest and
# pexpect (on PATH, else Debian's /usr/bin/python3, where scripts/deps.sh
# installs them); `make check PYTHON=...` chooses another. Recursive (=), so
# it is asked after `deps` has run.
PYTHON ?= $(shell for p in python3 /usr/bin/python3; do $$p -c 'import pytest, pexpect' \
	2>/dev/null && { command -v $$p; exit 0; }; done; echo python3)
QEMU := qemu-system-i386
# The serial console is this terminal with signal=off, so Ctrl-C reaches the
# guest (pup's foreground job) instead of killing QEMU; mux=on gives QEMU's
# own escape, Ctrl-A x, to quit it.
QEMU_FLAGS := -display none -chardev stdio,id=console,signal=off,mux=on \
	-serial chardev:console -monitor none -net none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 256M

CC := gcc
LD := ld
NASM := nasm
LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

# Freestanding 32-bit code: the host kernel, and later pup and user programs.
CFLAGS32 := -m32 -std=gnu11 -ffreestanding -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -mgeneral-regs-only \
	-fno-tree-loop-distribute-patterns -nostdlib $(OPT) -g \
	-Wall -Wextra -Werror -I. -I$(BUILD)/gen -DKENNEL_VERSION='"$(VERSION)"'
NASMFLAGS := -f elf32 -g -F dwarf -I. -I$(BUILD)/gen/ -Werror
LDFLAGS32 := -m elf_i386 -nostdlib

# Native code: the unit tests, built against cmocka.
CFLAGS_NATIVE := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -fno-builtin \
	-fno-tree-loop-distribute-patterns -DUNIT_TEST

.PHONY: all run run-native check unit boot-tests tour tour-check fuzz debug clean deps iso bench profile
all: $(BUILD)/kennel.elf $(BUILD)/kennel.iso
ISO_MODULES :=

# ---- flags stamp: any change of flags rebuilds every object ---------------
FLAGS_NOW := $(CFLAGS32) | $(NASMFLAGS) | $(CFLAGS_NATIVE)
$(BUILD)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@
FORCE:

# ---- generic rules: 32-bit freestanding objects ---------------------------
$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS32) -MMD -MP -c $< -o $@

# nasm 2.16's -MD leaves %include'd files out of the dependency file, so
# the dependencies come from a separate -M run, which lists them.
$(BUILD)/%.o: %.asm $(BUILD)/.flags $(BUILD)/gen/arch_x86.inc
	@mkdir -p $(@D)
	@$(NASM) $(NASMFLAGS) -M -MP -MT $@ -MF $(@:.o=.d) $<
	$(NASM) $(NASMFLAGS) -o $@ $<

#P:020 Numbers that both C and assembly need come from C files compiled
# to assembly text, whose "->NAME value" markers become nasm %define lines
# (P:300). arch/x86/asm_facts.c gives the hardware facts that every
# kernel's assembly shares (build/gen/arch_x86.inc), host/kernel/asm_offsets.c
# the host kernel's numbers (kernel_asm_offsets.inc), host/asm_offsets.c
# the Switcher's (asm_offsets.inc); pup and the test guests make theirs
# with the same recipe, compile_inc. Nothing is typed twice.
define compile_inc
@mkdir -p $(@D)
$(CC) $(CFLAGS32) $(INC_CFLAGS) -MMD -MP -MT $@ -MF $(@:.inc=.d) -S $< -o $(@:.inc=.s)
@echo '; generated from $< by the build: do not edit' > $@.tmp
@sed -n 's/.*->\([A-Za-z0-9_]*\) \$$\{0,1\}\([-0-9]*\).*/%define \1 (\2 \& 0xFFFFFFFF)/p' $(@:.inc=.s) >> $@.tmp
@mv $@.tmp $@
endef

ARCH_INC := $(BUILD)/gen/arch_x86.inc
$(ARCH_INC): arch/x86/asm_facts.c $(BUILD)/.flags
	$(compile_inc)
$(BUILD)/gen/kernel_asm_offsets.inc: host/kernel/asm_offsets.c $(BUILD)/.flags
	$(compile_inc)
$(BUILD)/gen/asm_offsets.inc: host/asm_offsets.c $(BUILD)/.flags
	$(compile_inc)

# ---- the host kernel ------------------------------------------------------
# The hypervisor (host/, host/memory/) and the OS beneath it (host/kernel/)
# link into one image, with the Switcher and lib/.
LIB_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(wildcard lib/*.c lib/*.asm)))
HOST_SRCS := $(filter-out %/asm_offsets.c,$(wildcard host/*.c host/memory/*.c host/kernel/*.c))
HOST_ASM := $(wildcard host/kernel/*.asm)
HOST_OBJS := $(HOST_SRCS:%.c=$(BUILD)/%.o) $(HOST_ASM:%.asm=$(BUILD)/%.o)
SWITCHER_OBJS := $(patsubst %.asm,$(BUILD)/%.o,$(wildcard switcher/*.asm))

$(HOST_ASM:%.asm=$(BUILD)/%.o): $(BUILD)/gen/kernel_asm_offsets.inc
$(SWITCHER_OBJS): $(BUILD)/gen/asm_offsets.inc

$(BUILD)/kennel.elf: $(HOST_OBJS) $(SWITCHER_OBJS) $(LIB_OBJS) host/kernel/kernel.ld
	$(LD) $(LDFLAGS32) -T host/kernel/kernel.ld -Map $(BUILD)/kennel.map -o $@ \
		$(HOST_OBJS) $(SWITCHER_OBJS) $(LIB_OBJS) $(LIBGCC)

# ---- the other parts of the tree --------------------------------------------
# Each part owns a build.mk that appends to these lists: UNIT_TESTS (with
# UNIT_SRCS_<test> naming the pure-logic sources a unit test exercises),
# ISO_MODULES (file:name, loaded by GRUB as a Multiboot module) and
# EXTRA_TARGETS (anything else `make` must build).
UNIT_TESTS :=
EXTRA_TARGETS :=
include $(sort $(wildcard */build.mk */*/build.mk))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)
all: $(EXTRA_TARGETS)

# ---- the GRUB ISO ---------------------------------------------------------
# Modules (user programs, guests, disk images) are added to ISO_MODULES by
# later parts; each is "file:name" and becomes a GRUB `module` line.
iso: $(BUILD)/kennel.iso
$(BUILD)/kennel.iso: $(BUILD)/kennel.elf scripts/grub.cfg.sh $(foreach m,$(ISO_MODULES),$(firstword $(subst :, ,$(m))))
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/kennel.elf $(BUILD)/iso/boot/
	bash scripts/grub.cfg.sh $(BUILD)/iso $(ISO_MODULES) > $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue --locales= --fonts= --themes= -o $@ $(BUILD)/iso 2> $(BUILD)/grub-mkrescue.log \
		|| { cat $(BUILD)/grub-mkrescue.log; exit 1; }

# ---- unit tests (native, cmocka) ------------------------------------------

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_NATIVE) -MMD -MP -o $@ $< $(UNIT_SRCS_$*) -lcmocka

#U:820 The host's disk: pupfs, made by mkpupfs from a directory holding
# pup's disk as pup.img, so that the default GRUB entry's Launcher serves
# pup from /var/pup.img and pup's writes stay on it. It is made only when
# missing (an order-only prerequisite: a newer pup disk does not replace
# it, or the files written on it would go), and `make run` attaches it as
# the primary IDE disk; HOSTDISK=path uses another (made there if
# missing). Delete it to start again from a fresh pup disk. 128 MiB: room
# for a 64 MiB file beside pup's disk.
HOSTDISK ?= $(BUILD)/host-disk.img
HOSTDISK_KIB := 131072
HOSTDISK_ROOT := $(BUILD)/host-disk-root
$(HOSTDISK): | $(MKPUPFS) $(PUP_DISK)
	@rm -rf $(HOSTDISK_ROOT) && mkdir -p $(HOSTDISK_ROOT) $(@D)
	cp $(PUP_DISK) $(HOSTDISK_ROOT)/pup.img
	$(MKPUPFS) $@.tmp $(HOSTDISK_KIB) $(HOSTDISK_ROOT)
	@mv $@.tmp $@
all: $(HOSTDISK)
HOSTDISK_DRIVE = -drive file=$(HOSTDISK),format=raw,if=ide

# ---- the verbs -------------------------------------------------------------
deps:
	@bash scripts/deps.sh

#T:950 QEMU's exit status back into the machine's (docs/conventions.md,
# "Exit status"): 33 is success, 35 failure, 0 a triple fault, and 65+2N
# a guest's own status N, which the recipe then exits with (make itself
# says "Error N" and, as it does for any failed recipe, exits 2).
define qemu_status
	case $$status in 33) ;; 35) echo "$(1) powered off with a failure status"; exit 1;; \
	0) echo "QEMU exited 0: a triple fault or reset"; exit 1;; \
	*) if [ $$status -ge 67 ] && [ $$((status % 2)) = 1 ]; then \
		echo "guest exited with status $$(((status - 65) / 2))"; exit $$(((status - 65) / 2)); \
	   fi; echo "QEMU exited $$status"; exit 1;; esac
endef

run: deps all
	@echo "make run: booting build/kennel.iso; the serial console is this terminal (Ctrl-A x quits QEMU)"
	@echo "make run: the host disk is $(HOSTDISK) (/var; pup's disk is /var/pup.img on it)"
	@$(QEMU) $(QEMU_FLAGS) -cdrom $(BUILD)/kennel.iso $(HOSTDISK_DRIVE); status=$$?; \
		$(call qemu_status,kennel)

#P:410 pup on bare (emulated) metal: the same pup.elf, booted by QEMU's
# Multiboot loader, its disk build/native-disk.img on the IDE bus. That
# disk is a copy of build/guest/disk.img made when missing and kept, so
# what pup writes natively is there at the next make run-native, as
# make run keeps its host disk (delete it to start afresh;
# NATIVEDISK=path uses another). tests/boot/test_run.py boots it twice.
NATIVEDISK ?= $(BUILD)/native-disk.img
$(NATIVEDISK): | $(PUP_DISK)
	@mkdir -p $(@D)
	cp $(PUP_DISK) $@

run-native: deps all | $(NATIVEDISK)
	@echo "make run-native: pup without kennel; its disk is $(NATIVEDISK), kept between runs (delete it to start afresh)"
	@$(QEMU) $(QEMU_FLAGS) -kernel $(BUILD)/guest/pup.elf \
		-drive file=$(NATIVEDISK),format=raw,if=ide; status=$$?; \
		$(call qemu_status,pup)

unit: $(UNIT_BINS)
	@status=0; for t in $(UNIT_BINS); do CMOCKA_MESSAGE_OUTPUT=stdout $$t || status=1; done; exit $$status

boot-tests: all
	$(PYTHON) -m pytest -q tests/boot

#T:010 `make check` is the whole truth: the tour must be well formed, the
# layers kept apart (P:085), the unit tests must pass, and then the boot tests drive the real QEMU. It runs
# every stage even when an earlier one fails, so one run shows everything,
# and exits non-zero if any failed. This chapter is how kennel checks the
# code the earlier ones read: the tools, the unit tests, the boot tests and
# the test guests. Next: T:020.
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS)
	@status=0; \
	$(PYTHON) scripts/tour.py --check . || status=1; \
	$(PYTHON) scripts/check_layers.py . || status=1; \
	$(MAKE) --no-print-directory unit || status=1; \
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/boot || status=1; \
	exit $$status

#T:790 `make fuzz ITER=N SEED=S [ROUNDS=R] [INTLOG=1]`: N fuzz guests in one
# boot, with a canary beside them (scripts/fuzz.py, T:780). The short run
# that make check does is test_hostile.py's test_fuzz_short_run.
ITER ?= 100
SEED ?= 1
ROUNDS ?= 3000
fuzz: deps all
	$(PYTHON) scripts/fuzz.py --iter $(ITER) --seed $(SEED) --rounds $(ROUNDS) $(if $(INTLOG),--int-log)

tour:
	$(PYTHON) scripts/tour.py -o docs/tour.md .

# Instructions per operation, native pup against pup on kennel (T:830);
# the table also goes to build/bench.md.
bench: deps all
	$(PYTHON) scripts/bench.py --markdown $(BUILD)/bench.md

# Instructions per function for one operation (T:860): make profile
# OP=ctx_2p, or OP=null_syscall WORLD=native.
WORLD ?= kennel
profile: deps all $(PROFILE_PLUGIN)
	@test -n "$(OP)" || { echo "make profile OP=NAME [WORLD=native]: NAME as make bench prints it"; exit 2; }
	$(PYTHON) scripts/profile.py --world $(WORLD) $(OP)

# make debug boots what make run boots (the ISO, so GRUB's default entry
# and every module, and the host disk); with APPEND=..., QEMU's -kernel with that host command
# line and the same modules as -initrd ("file name" pairs, comma-separated).
DEBUG_BOOT = $(if $(APPEND),-kernel $(BUILD)/kennel.elf -append "$(APPEND)" \
	-initrd "$$(printf '%s\n' $(ISO_MODULES) | sed 's/:/ /' | paste -sd,)",-cdrom $(BUILD)/kennel.iso)

debug: deps all
	@echo "make debug: QEMU waits for gdb on port $(GDB_PORT); build with 'make debug OPT=-Og' to step cleanly"
	$(QEMU) $(QEMU_FLAGS) $(DEBUG_BOOT) $(HOSTDISK_DRIVE) -gdb tcp::$(GDB_PORT) -S & \
	qemu=$$!; sed 's/localhost:1234/localhost:$(GDB_PORT)/' scripts/kennel.gdb > $(BUILD)/kennel.gdb; \
	gdb -q -x $(BUILD)/kennel.gdb; kill $$qemu 2>/dev/null; true

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
