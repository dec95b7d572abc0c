#T:930 test_snapshot.py: snapshots (docs/snapshots.md), saved by the
# monitor's save and delta (U:687, H:840) and resumed with
# launcher --restore (L:580), on the host's disk.
#
# A pup shell is saved mid-session, after it has made a directory, moved
# into it and written a file on its disk (a copy in the Launcher's memory,
# --snapshot-disk, which the snapshot carries); then pup powers off, the
# machine too, and the next boot restores it from /var: the memory
# checksum the Launcher prints after the restore is the one it printed at
# the save, the prompt comes back in the same directory, and the file is
# there; a paused guest is saved too, and stays paused. A pup on a disk
# file (--disk) is restored on the same file, which a second guest may not
# have while the first still runs. The monitor's save and delta refuse bad
# arguments, each with its line. Files that are not good snapshots, written here by hand with the
# format's own rules (struct and zlib.crc32), are refused with the section
# and the reason, and nothing is started: a bad magic, the older version 1, a
# truncated header, a section with a wrong checksum or cut short, a
# foreign memory size, a delta given as a base, a delta that does not
# follow its base; and whole snapshots, written here too, whose CPU state
# breaks one rule a hypercall would enforce are refused by the host. Base
# plus ten deltas of a guest that keeps writing its memory (T:935) restore
# to each checkpoint's checksum and go on from there, and a delta taken
# from the guest restored from all ten chains onto them. Next: T:935.
import re
import struct
import time
import zlib

import pexpect

import pytest

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS
from test_storage import PUP_MODULES, drive, host_disk

MONITOR = "build/user/bin/monitor /bin/monitor"
PROMPT = "kennel> "
PUP_PROMPT = "[pup] pup:/$ "
PAGE = 4096
RAM = 16 << 20
# The guest-physical memory of a guest of 16 MiB: RAM, the device page,
# and two pages for each virtqueue's ring (console: 2, block: 1).
PUP_PAGES = RAM // PAGE + 1 + 2 * 3
CONSOLE_ONLY_PAGES = RAM // PAGE + 1 + 2 * 2

PUP_RUN = ("run=/bin/monitor run=/bin/launcher,--mem,16M,--snapshot-disk,/var/pup.img,"
           "/guests/pup.elf")
SAVED = re.compile(r"monitor: guest 0 saved: full 0 to /var/pup\.snap: (\d+) pages, (\d+) with "
                   r"data, memory checksum (0x[0-9a-f]{16})")
RESTORED = re.compile(r"launcher: guest pup restored from /var/pup\.snap \+ 0 deltas: memory "
                      r"checksum (0x[0-9a-f]{16})")


def power_off_to_monitor(machine):
    """Power the focused pup off and take the console back to the monitor."""
    machine.sendline("poweroff")
    machine.expect_exact("launcher: guest pup powered off", timeout=60)
    machine.send("\x1d")
    machine.expect_exact(PROMPT, timeout=10)


# ---- snapshot files written by hand (launcher/snapshot_format.h) -------------

def header(kind=0, mem=PUP_PAGES * PAGE, ram=RAM, ident=1, parent=0, seq=0, version=2,
           magic=b"KNSNAPv\n"):
    body = magic + struct.pack("<IIIIQQI", version, kind, mem, ram, ident, parent, seq)
    return body + struct.pack("<I", zlib.crc32(body))


def section(kind, payload, crc=None):
    crc = zlib.crc32(payload) if crc is None else crc
    return struct.pack("<IIII", kind, len(payload), crc, 0) + payload


GUEST, CPU = 1, 2


def guest_info(name="bad"):
    return name.encode().ljust(32, b"\0") + b"\0" * 128 + struct.pack("<II", 0, 0)


# name: (file bytes, the refusal after "launcher: /var/NAME: ")
BAD_FILES = {
    "magic.snap": (header(magic=b"NOTASNAP"), "header: not a kennel snapshot (bad magic)"),
    "version.snap": (header(version=1), "header: version 1; this Launcher reads version 2"),
    "short.snap": (header()[:20], "header: truncated (shorter than 48 bytes)"),
    "crc.snap": (header() + section(GUEST, guest_info(), crc=0xdeadbeef),
                 "section guest: checksum mismatch (stored 0xdeadbeef, computed 0x%08x)"
                 % zlib.crc32(guest_info())),
    "cut.snap": (header() + section(GUEST, guest_info())[:40],
                 "section guest: truncated (the file ends inside its 168 bytes)"),
    "foreign.snap": (header(mem=(RAM // PAGE + 1) * PAGE) + section(GUEST, guest_info()),
                     "header: memory of %d KiB, but this guest's devices lay out %d KiB "
                     "(a foreign snapshot)" % (RAM // 1024 + 4, CONSOLE_ONLY_PAGES * 4)),
    "delta.snap": (header(kind=1, seq=1, parent=5),
                   "header: a delta (number 1), not a full snapshot: give its base first"),
}
# A delta that names a parent other than the base it is given after.
WRONG_PARENT = header(kind=1, parent=0x1234, seq=1)


# ---- a whole snapshot by hand: a console-only guest of 4 MiB ---------------
#
# Its memory is zero but for "ud2" at 0, where it starts; its CPU state is
# what a guest has at its first instruction. Given as it is, the host takes
# it and the guest dies of its ud2; each variant breaks one rule a
# hypercall would enforce, and the host refuses the whole state (H:810).
SMALL_RAM = 4 << 20
SMALL_PAGES = SMALL_RAM // PAGE + 1 + 2 * 2
DEVICES, MEMORY, END = 3, 4, 6
GUEST_CS, GUEST_DS, KN_GS_LINEAR = 0x31, 0x39, 0x01


def flat(code, dpl):
    access = 0x80 | 0x10 | 0x02 | 0x01 | dpl << 5 | (0x08 if code else 0)
    return (0xffff, 0x000f0000 | access << 8 | 0x00c00000)


def cpu_state(flags=KN_GS_LINEAR, cs=GUEST_CS, data_gpa=0, stack=(0, 0), gpgdir=0, gdt=None,
              idt=None):
    regs = [0] * 18
    regs[7], regs[8], regs[9] = 0x8000, 0, 0x202          # esp, eip, eflags
    regs[10], regs[11] = cs, GUEST_DS                     # cs, ss
    regs[12] = regs[13] = GUEST_DS                        # ds, es
    table = [(0, 0)] * 16
    table[3], table[4], table[6], table[7] = flat(1, 3), flat(0, 3), flat(1, 1), flat(0, 1)
    for slot, entry in (gdt or {}).items():
        table[slot] = entry
    gates = [(0, 0)] * 256
    for vector, entry in (idt or {}).items():
        gates[vector] = entry
    out = struct.pack("<II", 2424, flags) + struct.pack("<18I", *regs)
    out += struct.pack("<10I", 0, data_gpa, 0, 0, stack[0], stack[1], gpgdir, 0, 0, 0)
    out += struct.pack("<QQ", 0, 0)
    out += b"".join(struct.pack("<II", *d) for d in table + gates)
    return out + b"\0" * 108 + struct.pack("<I", 0)


def console_devices():
    dev = struct.pack("<II4H", 3, 2, 0, 0, 0, 0) + b"\0" * 16 * 7
    return struct.pack("<I", 1) + dev + b"\0" * (4 + 4096 + 8 + 257 + 3)


def pages_section(kind, pages):
    """A page section of version 2: the index (a count of records, a count
    of data pages, a record of number, slot and CRC32 for each page), which
    the section's CRC covers, then the pages' bytes."""
    index = struct.pack("<II", len(pages), len(pages))
    index += b"".join(struct.pack("<III", n, slot, zlib.crc32(data))
                      for slot, (n, data) in enumerate(pages))
    data = b"".join(data for _, data in pages)
    return struct.pack("<IIII", kind, len(index) + len(data), zlib.crc32(index), 0) + index + data


def whole_snapshot(name, state):
    """Memory all zero but "ud2" at 0: the one page a full snapshot names."""
    ud2 = b"\x0f\x0b" + b"\0" * (PAGE - 2)
    return (header(mem=SMALL_PAGES * PAGE, ram=SMALL_RAM) + section(GUEST, guest_info(name)) +
            section(CPU, state) + section(DEVICES, console_devices()) +
            pages_section(MEMORY, [(0, ud2)]) + section(END, b""))


REFUSED_STATES = {
    "dpl0": cpu_state(gdt={8: (0xffff, 0x00cf9b00)}),           # a ring-0 code segment
    "tss": cpu_state(gdt={9: (0x0067, 0x00008900)}),            # a system descriptor
    "gate8": cpu_state(idt={8: (GUEST_CS << 16 | 0x100, 0x00008e00)}),  # the double fault's
    "cs0": cpu_state(cs=0x08),                                  # the host's code selector
    "stackcs": cpu_state(stack=(GUEST_CS, 0x8000)),             # a trap stack in code
    "pgdir": cpu_state(flags=0, data_gpa=0x2000, gpgdir=0x123), # an unaligned directory
    "shared": cpu_state(data_gpa=0x2002),                       # a misaligned shared page
    "flags": cpu_state(flags=KN_GS_LINEAR | 0x80000),           # a flag nobody defined
}


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snapshot")
    root = tmp / "root"
    root.mkdir()
    for name, (data, _) in BAD_FILES.items():
        (root / name).write_bytes(data)
    (root / "parent.snap").write_bytes(WRONG_PARENT)
    (root / "good.snap").write_bytes(whole_snapshot("good", cpu_state()))
    for name, state in REFUSED_STATES.items():
        (root / ("%s.snap" % name)).write_bytes(whole_snapshot(name, state))
    return host_disk(tmp, 24576, with_pup=True)


def command(machine, line, timeout=10):
    machine.sendline(line)
    machine.expect(re.escape(line) + r"\r*\n", timeout=timeout)
    machine.expect_exact(PROMPT, timeout=timeout)
    return machine.child.before.replace("\r", "")


def pup_line(machine, line, answer=None, prompt="[pup] pup:/d$ "):
    machine.sendline(line)
    if answer:
        machine.expect_exact("[pup] " + answer, timeout=30)
    machine.expect_exact(prompt, timeout=30)


BAD_SAVES = [
    ("save", "monitor: save: needs a guest id and a file (for example: save 0 /var/a.snap)"),
    ("save 0", "monitor: save: needs a guest id and a file (for example: save 0 /var/a.snap)"),
    ("save x /var/a.snap", "monitor: save: 'x' is not a guest id (0 to 15)"),
    ("save 9 /var/a.snap", "monitor: save: no guest 9"),
    ("save 0 /var/" + "n" * 130, "monitor: save: the file's name is longer than 127 bytes"),
    ("save 0 /bin/pup.snap", "monitor: save: guest 0: /bin/pup.snap: Read-only file system"),
    ("delta 0 /var/d1.snap", "monitor: delta: guest 0: no snapshot to follow: save a full one "
                             "first"),
    ("delta 16 /var/d1.snap", "monitor: delta: '16' is not a guest id (0 to 15)"),
]


@pytest.fixture(scope="module")
def saved(disk):
    """Boot 1: a pup session, saved by the monitor; the saved checksum."""
    from kennel_qemu import Qemu
    machine = Qemu(append=PUP_RUN, initrd=PUP_MODULES + [MONITOR], extra=drive(disk),
                   name="test_snapshot_save")
    try:
        machine.expect_exact(PROMPT, timeout=60)
        machine.expect_exact('"poweroff" to stop.', timeout=90)
        machine.sendline("focus 0")
        machine.expect_exact(PUP_PROMPT, timeout=10)
        machine.sendline("mkdir /d")
        machine.expect_exact(PUP_PROMPT, timeout=30)
        machine.sendline("cd /d")
        machine.expect_exact("[pup] pup:/d$ ", timeout=30)
        pup_line(machine, "write f saved mid-session")
        pup_line(machine, "cat f", "saved mid-session")
        machine.send("\x1d")
        machine.expect_exact(PROMPT, timeout=10)
        errors = {line: command(machine, line, timeout=60) for line, _ in BAD_SAVES}
        # A paused guest is saved where it stands, and stays paused.
        command(machine, "pause 0")
        out = command(machine, "save 0 /var/paused.snap", timeout=180)
        assert "monitor: guest 0 saved: full 0 to /var/paused.snap: " in out, out
        assert re.search(r"^0\s+pup\s+\d+\s+\d+K\s+paused\s", command(machine, "list"),
                         re.M), "not paused after its save"
        command(machine, "resume 0")
        out = command(machine, "save 0 /var/pup.snap", timeout=180)
        m = SAVED.search(out)
        assert m, out
        assert int(m.group(1)) == PUP_PAGES, out
        assert re.search(r"^launcher: guest pup saved: full 0 to /var/pup\.snap: %s pages, %s "
                         r"with data, memory checksum %s$" % m.groups(), machine.output, re.M)
        # Saved, it carries on: the shell still answers.
        machine.sendline("focus 0")
        machine.sendline("")
        machine.expect_exact("[pup] pup:/d$ ", timeout=30)
        power_off_to_monitor(machine)
        machine.sendline("quit")
        assert machine.wait_exit(timeout=60) == EXIT_SUCCESS, machine.tail()
        return {"checksum": m.group(3), "data_pages": int(m.group(2)), "errors": errors}
    finally:
        machine.close()


def test_monitor_save_refuses_bad_arguments(saved):
    for line, error in BAD_SAVES:
        assert error in saved["errors"][line].splitlines(), (line, saved["errors"][line])


def test_pup_saved_mid_session_continues_after_restore(qemu, disk, saved):
    machine = qemu(append="run=/bin/launcher,--restore,/var/pup.snap", initrd=PUP_MODULES,
                   extra=drive(disk))
    machine.expect(RESTORED, timeout=120)
    assert machine.match.group(1) == saved["checksum"]
    assert 0 < saved["data_pages"] < PUP_PAGES
    # The prompt it was showing, shown again, and the shell behind it.
    machine.expect_exact("[pup] pup:/d$ ", timeout=30)
    pup_line(machine, "pwd", "/d")
    pup_line(machine, "cat f", "saved mid-session")
    pup_line(machine, "ls /d", "     18 f")
    pup_line(machine, "write g written after the restore")
    pup_line(machine, "cat g", "written after the restore")
    machine.sendline("poweroff")
    machine.expect_exact("launcher: guest pup powered off", timeout=60)
    assert machine.wait_exit(timeout=60) == EXIT_SUCCESS, machine.tail()


def test_bad_snapshots_are_refused_and_nothing_starts(qemu, disk, saved):
    runs = ["run=/bin/launcher,--restore,/var/%s" % name for name in BAD_FILES]
    runs.append("run=/bin/launcher,--restore,/var/pup.snap,--restore,/var/parent.snap")
    machine = qemu(append=" ".join(runs), initrd=PUP_MODULES, extra=drive(disk))
    assert machine.wait_exit(timeout=120) == EXIT_FAILURE, machine.tail()
    lines = machine.output.replace("\r", "").splitlines()
    for name, (_, reason) in BAD_FILES.items():
        want = "launcher: /var/%s: %s; nothing was started" % (name, reason)
        assert want in lines, (want, [line for line in lines if name in line])
    parent = [line for line in lines if line.startswith("launcher: /var/parent.snap: ")]
    assert len(parent) == 1, parent
    assert re.fullmatch(r"launcher: /var/parent\.snap: header: delta 1 of parent "
                        r"0x0000000000001234 does not follow the snapshot before it "
                        r"\(0, 0x[0-9a-f]{16}\); nothing was started", parent[0]), parent
    assert lines.count("kennel: /bin/launcher exited with status 125") == len(runs), lines
    assert not [line for line in lines if line.startswith("[")], "a guest ran"


def restore_all(qemu, disk, names):
    runs = ["run=/bin/launcher,--restore,/var/%s.snap" % name for name in names]
    machine = qemu(append=" ".join(runs), initrd=PUP_MODULES, extra=drive(disk))
    assert machine.wait_exit(timeout=120) == EXIT_FAILURE, machine.tail()
    return machine.output.replace("\r", "").splitlines()


def test_host_refuses_a_snapshot_state_a_hypercall_would_refuse(qemu, disk):
    refused = list(REFUSED_STATES)
    # At most 8 programs a boot: the good one and half the bad, then the rest.
    for names in (["good"] + refused[:4], refused[4:]):
        lines = restore_all(qemu, disk, names)
        bad = [name for name in names if name != "good"]
        for name in bad:
            assert not [line for line in lines if line.startswith("launcher: guest %s " % name)]
            want = ("launcher: /var/%s.snap: section cpu: the host refused the state: "
                    "Invalid argument" % name)
            assert want in lines, (want, [line for line in lines if name in line])
        assert lines.count("kennel: /bin/launcher exited with status 125") == len(bad), lines
        if "good" in names:
            # Taken as it is, the guest runs, and dies of its ud2.
            assert any(line.startswith("launcher: guest good restored from /var/good.snap + 0 "
                                       "deltas: memory checksum 0x") for line in lines), lines
            assert any(re.fullmatch(r"launcher: guest good killed: unhandled trap 6 \(.*\) "
                                    r"at eip 0x0", line) for line in lines), lines
            assert lines.count("kennel: /bin/launcher exited with status 127") == 1, lines


# ---- base plus ten deltas (T:935) -------------------------------------------

ROW = re.compile(r"^(\d+)\s+(\S+)\s+", re.M)
DELTA_SAVED = re.compile(r"monitor: guest 0 saved: (full|delta) (\d+) to /var/w(\d+): "
                         r"(\d+) pages, (\d+) with data, memory checksum (0x[0-9a-f]{16})")
DELTA_MAX = 512 + 32
WRITER_RUN = ("run=/bin/monitor run=/bin/launcher,--mem,4M,--name,w,/guests/memwriter.elf")
WRITER_MODULES = ["build/launcher/launcher /bin/launcher", MONITOR,
                  "build/tests/guests/memwriter.elf /guests/memwriter.elf"]


def next_round(machine, name, timeout=60):
    machine.expect(r"\[%s\] memwriter: round (\d+)\r*\n" % name, timeout=timeout)
    return int(machine.match.group(1))


def seen(machine, pattern, since, timeout=120):
    """The first match of pattern in what the machine printed after offset
    since, waiting for more output until it comes: a Launcher's line may
    come before or after the monitor's prompt, inside another command's
    output or not."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while not regex.search(machine.output, since):
        if time.monotonic() > deadline:
            raise AssertionError("no %r after offset %d%s" % (pattern, since, machine.tail()))
        try:
            machine.child.expect(r"\n", timeout=1)
        except pexpect.TIMEOUT:
            pass
    return regex.search(machine.output, since)


def guest_id(machine, name):
    ids = {m.group(2): m.group(1) for m in ROW.finditer(command(machine, "list"))}
    assert name in ids, ids
    return ids[name]


def test_base_and_ten_deltas_restore_to_each_checkpoint(qemu, tmp_path):
    disk = host_disk(tmp_path, 65536)
    machine = qemu(append=WRITER_RUN, initrd=WRITER_MODULES, extra=drive(disk))
    machine.expect_exact(PROMPT, timeout=60)
    next_round(machine, "w")
    checksums, sizes = [], []
    for j in range(11):
        next_round(machine, "w")          # it has written more since the last
        line = "%s 0 /var/w%d" % ("save" if j == 0 else "delta", j)
        out = command(machine, line, timeout=120)
        m = DELTA_SAVED.search(out)
        assert m, out
        assert m.group(1) == ("full" if j == 0 else "delta") and int(m.group(2)) == j, out
        checksums.append(m.group(6))
        sizes.append(int(m.group(4)))
    # A delta holds the pages written since its parent: at most the field
    # (512 pages, however many rounds ran), the ledger, the stack, the
    # shared page and the console's rings; never the whole guest.
    assert sizes[0] == SMALL_PAGES, sizes
    assert all(0 < n < DELTA_MAX for n in sizes[1:]), sizes
    assert len(set(checksums)) == 11, checksums
    for j in range(1, 11):
        name = "r%d" % j
        # Short names: the whole chain must fit the monitor's line.
        files = " ".join("--restore /var/w%d" % i for i in range(j + 1))
        since = len(machine.output)
        command(machine, "start --name %s %s" % (name, files), timeout=30)
        m = seen(machine, r"launcher: guest %s restored from /var/w0 \+ %d deltas: memory "
                 r"checksum (0x[0-9a-f]{16})\n" % (name, j), since)
        assert m.group(1) == checksums[j], (j, m.group(1), checksums)
        # And it goes on, its checks passing: two rounds printed after it.
        seen(machine, r"\[%s\] memwriter: round \d+\n(.*\n)*\[%s\] memwriter: round \d+\n"
             % (name, name), m.end())
        if j == 10:
            # A restored guest takes deltas too, after the last file it
            # was restored from, and they restore as well as any.
            rid = guest_id(machine, name)
            out = command(machine, "delta %s /var/w11" % rid, timeout=120)
            m = re.search(r"monitor: guest %s saved: delta 11 to /var/w11: (\d+) pages, \d+ with "
                          r"data, memory checksum (0x[0-9a-f]{16})" % rid, out)
            assert m and 0 < int(m.group(1)) < DELTA_MAX, out
            eleventh = m.group(2)
        since = len(machine.output)
        command(machine, "kill %s" % guest_id(machine, name))
        seen(machine, r"launcher: guest %s killed: killed from the monitor" % name, since)
    since = len(machine.output)
    command(machine, "start --name r11 %s" % " ".join("--restore /var/w%d" % i
                                                      for i in range(12)), timeout=30)
    m = seen(machine, r"launcher: guest r11 restored from /var/w0 \+ 11 deltas: memory checksum "
             r"(0x[0-9a-f]{16})\n" % (), since)
    assert m.group(1) == eleventh, (m.group(1), eleventh)
    seen(machine, r"\[r11\] memwriter: round \d+\n(.*\n)*\[r11\] memwriter: round \d+\n",
         m.end())
    command(machine, "kill %s" % guest_id(machine, "r11"))
    assert "Test result: FAILURE" not in machine.output
    command(machine, "kill 0")
    machine.sendline("quit")
    assert machine.wait_exit(timeout=60) == EXIT_FAILURE    # killed Launchers exit 127


def test_disk_on_a_file_is_served_again_and_only_to_one_guest(qemu, tmp_path):
    """With --disk the snapshot names the image, which the restore serves:
    while the saved guest still holds it, the restore is refused."""
    image = host_disk(tmp_path, 16384, with_pup=True)
    machine = qemu(append="run=/bin/monitor run=/bin/launcher,--mem,16M,--disk,/var/pup.img,"
                   "/guests/pup.elf", initrd=PUP_MODULES + [MONITOR], extra=drive(image))
    machine.expect_exact(PROMPT, timeout=60)
    machine.expect_exact('"poweroff" to stop.', timeout=90)
    machine.sendline("focus 0")
    machine.expect_exact(PUP_PROMPT, timeout=10)
    pup_line(machine, "write /fd on the file", prompt=PUP_PROMPT)
    machine.send("\x1d")
    machine.expect_exact(PROMPT, timeout=10)
    assert "monitor: guest 0 saved: full 0 to /var/fd.snap: " in command(
        machine, "save 0 /var/fd.snap", timeout=180)
    since = len(machine.output)
    command(machine, "start --restore /var/fd.snap")
    seen(machine, r"launcher: /var/pup\.img: in use by another guest: a disk image serves one "
         r"guest at a time\n", since)
    seen(machine, r"launcher: /var/fd\.snap: section guest: its disk /var/pup\.img cannot be "
         r"served \(said above\); nothing was started\n", since)
    machine.sendline("focus 0")
    power_off_to_monitor(machine)
    since = len(machine.output)
    command(machine, "start --restore /var/fd.snap")
    seen(machine, r"launcher: guest pup restored from /var/fd\.snap \+ 0 deltas", since)
    machine.sendline("focus %s" % guest_id(machine, "pup"))
    machine.sendline("cat /fd")
    machine.expect_exact("[pup] on the file", timeout=30)
    machine.expect_exact(PUP_PROMPT, timeout=30)
    power_off_to_monitor(machine)
    machine.sendline("quit")
    # The host counts only its run= programs: the monitor and pup, both fine.
    assert machine.wait_exit(timeout=60) == EXIT_SUCCESS, machine.tail()
