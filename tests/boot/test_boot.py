#T:090 test_boot.py boots the host kernel in QEMU and reads what it says.
#
# Each test checks one promise of docs/conventions.md against the real
# machine: the banner comes first and names the loader; the memory summary
# matches the 256 MiB QEMU was given; Multiboot modules arrive with their
# names, arguments and exact sizes; the timer ticks; the run ends with the
# success status. Then the failure paths: every fault=... kind produces a
# report with the right vector, name, ring and error code and the failure
# status, and a bad option is refused by name before anything else runs.
# console=echo proves the interrupt-driven input path, and one test boots
# the GRUB ISO instead of QEMU's -kernel loader. Assertions compare whole
# lines or exact numbers: a half-broken host prints fragments of these
# lines too, and must not pass.
import re
import shutil

import pytest

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS, ROOT

BANNER = re.compile(r"kennel \d+\.\d+\.\d+: an lguest-style paravirtual hypervisor for 32-bit x86")
MEMORY = re.compile(r"memory: (\d+) KiB usable in (\d+) ranges; (\d+) KiB free after the kernel "
                    r"\((\d+) KiB\) and (\d+) modules")
SUCCESS_LAST = "kennel: powering off (success)"
FAILURE_LAST = "kennel: powering off (failure)"


def lines_of(machine):
    """The console, as non-blank lines with trailing spaces removed."""
    return [line.rstrip() for line in machine.output.split("\n") if line.strip()]


def only_line(machine, prefix):
    """The single console line starting with prefix."""
    found = [line for line in lines_of(machine) if line.startswith(prefix)]
    assert len(found) == 1, "expected one %r line, got %r%s" % (prefix, found, machine.tail())
    return found[0]


def boot_to_end(qemu, **kwargs):
    machine = qemu(**kwargs)
    status = machine.wait_exit(timeout=20)
    return machine, status


def test_banner_comes_first_and_names_qemu(qemu):
    machine, status = boot_to_end(qemu, append="")
    lines = lines_of(machine)
    assert lines, "no console output at all"
    assert BANNER.fullmatch(lines[0]), "first line is not the banner: %r" % lines[0]
    assert lines[1] == "boot: loader 'qemu', command line ''", lines[1]
    assert status == EXIT_SUCCESS, machine.tail()


def test_memory_line_matches_256m(qemu):
    machine, status = boot_to_end(qemu, append="")
    assert status == EXIT_SUCCESS, machine.tail()
    match = MEMORY.fullmatch(only_line(machine, "memory: "))
    assert match, machine.tail()
    usable, ranges, free, kernel, modules = (int(g) for g in match.groups())
    # -m 256M is 262144 KiB, minus what the BIOS keeps below 1 MiB and the
    # ACPI tables at the top.
    assert 250000 <= usable <= 262144, usable
    assert ranges == 2
    assert modules == 0
    # Free is what is usable minus the RAM below 1 MiB (up to 640 KiB)
    # and the kernel image, give or take a page of rounding.
    assert 0 < kernel < 4096, kernel
    assert usable - kernel - 640 - 8 <= free <= usable - kernel - 600, (usable, free, kernel)
    assert "memory: ignoring" not in machine.output


def test_modules_arrive_with_names_args_and_sizes(qemu, tmp_path):
    first = tmp_path / "first.bin"
    second = tmp_path / "second.bin"
    first.write_bytes(bytes(range(256)) * 4 + b"tail")   # 1028 bytes
    second.write_bytes(b"\x5a" * 5000)
    machine, status = boot_to_end(
        qemu, append="verbose=1", initrd="%s /bin/x arg=1,%s /disk/y" % (first, second))
    assert status == EXIT_SUCCESS, machine.tail()

    modules = [line for line in lines_of(machine) if line.startswith("module: ")]
    assert len(modules) == 2, machine.tail()
    one = re.fullmatch(r"module: /bin/x at 0x([0-9a-f]{8}), 1028 bytes, args: arg=1", modules[0])
    two = re.fullmatch(r"module: /disk/y at 0x([0-9a-f]{8}), 5000 bytes", modules[1])
    assert one, modules[0]
    assert two, modules[1]
    start1, start2 = int(one.group(1), 16), int(two.group(1), 16)
    # Page-aligned (the Multiboot header asks for it), above the first MiB,
    # in order and not overlapping.
    assert start1 % 4096 == 0 and start2 % 4096 == 0, modules
    assert 0x100000 <= start1 and start1 + 1028 <= start2, modules
    memory = MEMORY.fullmatch(only_line(machine, "memory: "))
    assert memory and memory.group(5) == "2", machine.tail()


def test_modules_are_listed_only_when_verbose(qemu, tmp_path):
    module = tmp_path / "m.bin"
    module.write_bytes(b"m" * 100)
    machine, status = boot_to_end(qemu, append="", initrd="%s /bin/m" % module)
    assert status == EXIT_SUCCESS, machine.tail()
    assert not [line for line in lines_of(machine) if line.startswith("module")], machine.tail()
    memory = MEMORY.fullmatch(only_line(machine, "memory: "))
    assert memory and memory.group(5) == "1", machine.tail()


def test_timer_ticks_then_success(qemu):
    machine, status = boot_to_end(qemu, append="")
    assert status == EXIT_SUCCESS, machine.tail()
    lines = lines_of(machine)
    assert only_line(machine, "timer: ") == "timer: 20 ticks at 100 Hz"
    assert lines[-2:] == ["kennel: nothing left to run", SUCCESS_LAST], machine.tail()
    # The order of the boot: banner, memory, timer, end.
    order = [next(i for i, line in enumerate(lines) if line.startswith(prefix))
             for prefix in ("kennel ", "memory: ", "timer: ", SUCCESS_LAST)]
    assert order == sorted(order), lines


FAULTS = [
    # kind, vector, name, error code
    ("divide", 0, "divide error", 0x0),
    ("page", 14, "page fault", 0x0),        # a read of a page not present, in ring 0
    ("gp", 13, "general protection", 0xfff8),  # the selector loaded into ds
    ("ud", 6, "invalid opcode", 0x0),
    ("int3", 3, "breakpoint", 0x0),
]


@pytest.mark.parametrize("kind,vector,name,error", FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_report(qemu, kind, vector, name, error):
    machine, status = boot_to_end(qemu, append="fault=%s" % kind)
    lines = lines_of(machine)
    # QEMU's image path in front of the command line has been dropped.
    assert lines[1] == "boot: loader 'qemu', command line 'fault=%s'" % kind, machine.tail()
    assert "selftest: provoking a %s fault" % kind in lines, machine.tail()
    report = "*** host kernel fault: vector %d (%s), error code 0x%x, ring 0" % (vector, name, error)
    assert report in lines, machine.tail()
    regs = lines[lines.index(report) + 1]
    match = re.fullmatch(r"eip ([0-9a-f]{8})  cs ([0-9a-f]{4})  eflags ([0-9a-f]{8})  "
                         r"cr2 ([0-9a-f]{8})  esp ([0-9a-f]{8})", regs.strip())
    assert match, regs
    eip, cs, _, cr2, _ = match.groups()
    assert cs == "0008", regs                     # the host's code segment
    assert int(eip, 16) >= 0xc0000000, regs       # inside the kernel image
    if kind == "page":
        assert cr2 == "badf00d0", regs
    assert "did not stop the machine" not in machine.output
    assert lines[-1] == FAILURE_LAST, machine.tail()
    assert status == EXIT_FAILURE, machine.tail()


def test_bad_option_is_refused(qemu):
    machine, status = boot_to_end(qemu, append="xyz")
    lines = lines_of(machine)
    assert BANNER.fullmatch(lines[0]), machine.tail()
    assert "kennel: bad option 'xyz': expected key=value" in lines, machine.tail()
    # Refused before anything runs: no timer check, and the failure status.
    assert not any(line.startswith("timer: ") for line in lines), machine.tail()
    assert lines[-1] == FAILURE_LAST, machine.tail()
    assert status == EXIT_FAILURE, machine.tail()


def test_too_little_memory_is_said_plainly(qemu):
    # 3 MiB of RAM leaves about 1.9 MiB once the kernel and a module are in:
    # the host must say what it needs and stop, not hit a BUG later.
    machine, status = boot_to_end(qemu, append="run=/bin/hello",
                                  initrd="build/user/bin/hello /bin/hello",
                                  extra=["-m", "3M"])
    lines = lines_of(machine)
    memory = [line for line in lines if line.startswith("kennel: too little memory: ")]
    assert len(memory) == 1, machine.tail()
    assert re.fullmatch(r"kennel: too little memory: \d+ KiB free after the kernel and "
                        r"modules, and kennel needs at least 4096 KiB; give the machine "
                        r"more \(QEMU: -m 256M\)", memory[0]), machine.tail()
    assert not any("BUG" in line or line.startswith("timer: ") for line in lines), machine.tail()
    assert lines[-1] == FAILURE_LAST, machine.tail()
    assert status == EXIT_FAILURE, machine.tail()


#T:975 Memory the user did not give. With `-m 4M` and make run's
# modules (the Launcher, pup and its 4 MiB disk) the host must still say
# what it needs rather than reach a BUG; with enough for the host but not
# for the guest (-m 12M, --mem 32M), the Launcher must name the guest,
# the size it asked for and the host's free memory, and suggest a smaller
# --mem.
PUP_MODULES = ("build/launcher/launcher /bin/launcher,build/guest/pup.elf /guests/pup.elf,"
               "build/guest/disk.img /guests/disk.img")


def test_four_mib_with_make_runs_modules_is_said_plainly(qemu):
    machine, status = boot_to_end(
        qemu, append="run=/bin/launcher,--snapshot-disk,/guests/disk.img,/guests/pup.elf",
        initrd=PUP_MODULES, extra=["-m", "4M"])
    lines = lines_of(machine)
    assert [line for line in lines if re.fullmatch(
        r"kennel: too little memory: \d+ KiB free after the kernel and modules, and kennel "
        r"needs at least 4096 KiB; give the machine more \(QEMU: -m 256M\)", line)], machine.tail()
    assert not any("BUG" in line or line.startswith("launcher") for line in lines), machine.tail()
    assert lines[-1] == FAILURE_LAST, machine.tail()
    assert status == EXIT_FAILURE, machine.tail()


def test_launcher_without_guest_memory_names_the_guest_and_the_cause(qemu):
    machine, status = boot_to_end(
        qemu, append="run=/bin/launcher,--mem,32M,--name,big,"
        "/guests/pup.elf", initrd=PUP_MODULES, extra=["-m", "12M"])
    lines = lines_of(machine)
    said = [line for line in lines if line.startswith("launcher: ")]
    assert len(said) == 1, machine.tail()
    free = re.fullmatch(r"launcher: guest big: cannot map \d+ KiB of guest memory \(--mem 32768 "
                        r"KiB and its device pages\): Cannot allocate memory; the host has "
                        r"(\d+) KiB free: give a smaller --mem, or the machine more memory",
                        said[0])
    assert free and int(free.group(1)) < 12 * 1024, said[0]
    assert "kennel: /bin/launcher exited with status 125" in lines, machine.tail()
    assert not any(line.startswith("[big]") for line in lines), machine.tail()
    assert status == EXIT_FAILURE, machine.tail()


def expect_line(machine, line, timeout=10):
    """Wait for a whole console line (the pty may add a CR of its own)."""
    machine.expect(r"(?:^|\n)" + re.escape(line) + r"\r*\n", timeout=timeout)


def test_console_echo(qemu):
    machine = qemu(append="console=echo")
    expect_line(machine, "echo: type lines; 'quit' ends", timeout=15)
    machine.sendline("hello kennel")
    expect_line(machine, "echo: hello kennel")
    # Longer than the UART's 16-byte FIFO: the interrupt handler must
    # drain it into the input buffer without losing a byte.
    long_line = "".join(chr(ord("a") + i % 26) for i in range(100))
    machine.sendline(long_line)
    expect_line(machine, "echo: " + long_line)
    # Two lines in one write come back as two lines, in order.
    machine.send("one\rtwo\r")
    expect_line(machine, "echo: one")
    expect_line(machine, "echo: two")
    machine.sendline("quit")
    status = machine.wait_exit(timeout=15)
    lines = lines_of(machine)
    assert "echo: quit" not in lines
    assert lines[-2:] == ["kennel: nothing left to run", SUCCESS_LAST], machine.tail()
    assert status == EXIT_SUCCESS, machine.tail()


def test_grub_iso_boots_pup(qemu, tmp_path):
    """make run's path: GRUB's default entry starts a Launcher with pup and
    its disk, /var/pup.img on the host's disk (a copy of the one the build
    made); the shell's prompt shows, a command runs, poweroff ends it."""
    disk = tmp_path / "host-disk.img"
    shutil.copyfile(ROOT / "build" / "host-disk.img", disk)
    machine = qemu(cdrom="build/kennel.iso",
                   extra=["-drive", "file=%s,format=raw,if=ide" % disk])
    machine.expect_exact("[pup] pup:/$ ", timeout=60)
    machine.sendline("echo woof woof")
    machine.expect_exact("[pup] woof woof")
    machine.expect_exact("[pup] pup:/$ ")
    machine.sendline("poweroff")
    status = machine.wait_exit(timeout=30)
    lines = lines_of(machine)
    kennel = [i for i, line in enumerate(lines) if line.startswith("kennel")]
    assert kennel, machine.tail()
    assert BANNER.fullmatch(lines[kennel[0]]), lines[kennel[0]]
    loader = lines[kennel[0] + 1]
    assert re.fullmatch(r"boot: loader 'GRUB 2\.\d+[^']*', command line "
                        r"'run=/bin/launcher,--mem,32M,--disk,/var/pup.img,/guests/pup.elf'",
                        loader), loader
    assert only_line(machine, "timer: ") == "timer: 20 ticks at 100 Hz"
    assert "launcher: guest pup powered off: poweroff" in lines
    assert "kennel: /bin/launcher exited with status 0" in lines
    assert lines[-1] == SUCCESS_LAST, machine.tail()
    assert status == EXIT_SUCCESS, machine.tail()