#T:720 int_oracle.py: a witness that does not take kennel's word for it.
#
# Every other boot test reads what kennel prints. This one reads what the
# CPU did: QEMU's interrupt log (-d int,cpu_reset -D FILE) has one line per
# exception or interrupt, with the privilege level (cpl=N) and the eip
# (pc=...) the CPU was at when it happened, and a "CPU Reset" line for
# every reset. A guest, or anything a guest controls, running at ring 0
# would show up there as an event with cpl=0 at an eip outside the host's
# own code; a triple fault shows up as a reset. So a run is bad if, after
# the machine's first event (QEMU resets the CPU twice while it starts),
#
#   - there is any "CPU Reset", or
#   - an event has cpl=0 and a pc outside the executable segments of
#     build/kennel.elf (its boot code, its .text and the Switcher's page).
#
#   python3 tests/boot/int_oracle.py LOG [KERNEL.elf]
#
# prints each violation and exits 1 if there is any. The boot tests use
# check_log() on the machines they start with int_log=True
# (kennel_qemu.Qemu). find_events() lets a test ask for events of its own,
# say a trap at a given eip (the kill-is-final test, T:730). Next: T:730.
import pathlib
import re
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
KERNEL = ROOT / "build" / "kennel.elf"
EVENT = re.compile(r"^\s*\d+: v=([0-9a-f]+) e=([0-9a-f]+) i=(\d) cpl=(\d) "
                   r"IP=([0-9a-f]+):([0-9a-f]+) pc=([0-9a-f]+)")
RESET = "CPU Reset"
PT_LOAD, PF_X = 1, 1


def text_ranges(kernel=KERNEL):
    """[(start, end)] of the executable PT_LOAD segments of a 32-bit ELF."""
    data = pathlib.Path(kernel).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 1:
        raise ValueError("%s is not a 32-bit ELF file" % kernel)
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    ranges = []
    for i in range(phnum):
        p_type, _, vaddr, _, _, memsz, flags, _ = struct.unpack_from(
            "<8I", data, phoff + i * phentsize)
        if p_type == PT_LOAD and flags & PF_X and memsz:
            ranges.append((vaddr, vaddr + memsz))
    return ranges


def find_events(path):
    """Every event of the log: dicts of vector, error, soft, cpl, cs, eip."""
    events = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            m = EVENT.match(line)
            if m:
                events.append({"vector": int(m.group(1), 16), "error": int(m.group(2), 16),
                               "soft": m.group(3) == "1", "cpl": int(m.group(4)),
                               "cs": int(m.group(5), 16), "eip": int(m.group(7), 16)})
    return events


def check_log(path, kernel=KERNEL):
    """(number of events, [violation, ...]) for the log at path."""
    ranges = text_ranges(kernel)
    violations, events, resets_after_start = [], 0, 0
    with open(path, encoding="utf-8", errors="replace") as log:
        for number, line in enumerate(log, 1):
            if line.startswith(RESET):
                if events:
                    resets_after_start += 1
                    violations.append("line %d: CPU reset after %d events" % (number, events))
                continue
            m = EVENT.match(line)
            if not m:
                continue
            events += 1
            cpl, pc = int(m.group(4)), int(m.group(7), 16)
            if cpl == 0 and not any(lo <= pc < hi for lo, hi in ranges):
                violations.append("line %d: vector 0x%s at cpl 0, pc 0x%08x outside the "
                                  "host's text and the Switcher" % (number, m.group(1), pc))
    if not events:
        violations.append("no events at all in %s: was it written with -d int?" % path)
    return events, violations


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: int_oracle.py LOG [KERNEL.elf]")
        return 2
    events, violations = check_log(argv[1], *(argv[2:]))
    for v in violations:
        print(v)
    print("int_oracle: %d events, %d violations" % (events, len(violations)))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
