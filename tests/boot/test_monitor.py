#T:560 test_monitor.py drives the host monitor (user/bin/monitor.c) as a
# user would, at its kennel> prompt, with two spinning guests beside it
# (tests/guests/spin.c: they never stop, so their counters move all the
# time) and, later, an echo guest the monitor starts itself. It checks
# what each command prints, that a paused guest's counters stand still
# while the other's go on, that a kill reaches the Launcher as a reason,
# that the monitor key brings its prompt back, that scan's histogram of a
# guest's pages adds up (V:460), and every bad command's one-line error. Next: M:010.
import re

from kennel_qemu import EXIT_FAILURE
from test_guests import launcher, modules

PROMPT = "kennel> "
ROW = re.compile(r"^(\d+)\s+(\S+)\s+(\d+)\s+(\d+)K\s+(\w+)\s+(\d+)s\s+(\d+)\s+(\d+)\s+(\d+)\s+"
                 r"(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)
MONITOR_KEY = "\x1d"  # Ctrl-]


def start(qemu):
    runs = ["/bin/monitor", launcher("spin", name="a"), launcher("spin", name="b")]
    machine = qemu(append=" ".join("run=" + r for r in runs),
                   initrd=modules(["spin", "echo"], ["monitor"]))
    # The monitor and the two guests start in whatever order the scheduler
    # gives them; each says so once.
    waiting = ["kennel monitor: type help; Ctrl-] comes back here",
               "[a] spin: spinning forever", "[b] spin: spinning forever"]
    while waiting:
        waiting.pop(machine.expect_exact(waiting, timeout=20))
    return machine


def command(machine, line, timeout=10):
    """Type a command; return what it printed before the next prompt. The
    monitor echoes the line after its prompt (the last thing expected),
    which marks where the command's output starts."""
    machine.sendline(line)
    machine.expect(re.escape(line) + r"\r*\n", timeout=timeout)
    machine.expect_exact(PROMPT, timeout=timeout)
    return machine.child.before.replace("\r", "")


def rows(text):
    return {m.group(2): m for m in ROW.finditer(text)}


def switches(machine, gid):
    out = command(machine, "stats %d" % gid)
    m = re.search(r"^  switches (\d+)$", out, re.M)
    assert m, out
    return int(m.group(1))


def test_monitor_lists_pauses_resumes_kills_and_starts_guests(qemu):
    machine = start(qemu)

    listed = rows(command(machine, "list"))
    assert set(listed) == {"a", "b"}, listed
    for name, row in listed.items():
        # Its guest-physical memory: the 4 MiB of RAM and the Launcher's
        # device pages above it.
        assert 4096 <= int(row.group(4)) <= 4096 + 256, row.group(0)
        assert row.group(5) == "running", row.group(0)
    ids = {name: int(row.group(1)) for name, row in listed.items()}

    # Paused: a's counters stand still while b's go on.
    assert "monitor: guest %d paused" % ids["a"] in command(machine, "pause %d" % ids["a"])
    assert rows(command(machine, "list"))["a"].group(5) == "paused"
    a0, b0 = switches(machine, ids["a"]), switches(machine, ids["b"])
    command(machine, "top 2", timeout=15)
    a1, b1 = switches(machine, ids["a"]), switches(machine, ids["b"])
    assert a1 == a0, (a0, a1)
    assert b1 > b0, (b0, b1)
    assert "monitor: guest %d resumed" % ids["a"] in command(machine, "resume %d" % ids["a"])
    command(machine, "top 2", timeout=15)
    assert switches(machine, ids["a"]) > a1

    # Killed: the Launcher says why, and the guest leaves the list.
    out = command(machine, "kill %d" % ids["b"])
    assert "monitor: guest %d killed" % ids["b"] in out, out
    machine.expect(r"launcher: guest b killed: killed from the monitor by pid \d+", timeout=20)
    machine.sendline("")
    machine.expect_exact(PROMPT)
    assert set(rows(command(machine, "list"))) == {"a"}

    # Started from the monitor: an echo guest, which waits for input.
    out = command(machine, "start --mem 4M --name c /guests/echo.elf")
    assert re.search(r"monitor: started /bin/launcher as pid \d+", out), out
    machine.expect_exact("[c] echo: hello from a kennel guest in ring 1", timeout=20)
    machine.sendline("")
    machine.expect_exact(PROMPT)
    listed = rows(command(machine, "list"))
    assert set(listed) == {"a", "c"}, listed

    # Focus to the echo guest, then the monitor key brings the prompt back.
    machine.sendline("focus %d" % int(listed["c"].group(1)))
    machine.expect_exact("[console focus: c]")  # the Launcher's label: its guest
    machine.send(MONITOR_KEY)
    machine.expect(r"\[console focus: pid \d+ \(/bin/monitor\)\]")
    machine.expect_exact(PROMPT)

    # The scan: every page of a's counted once as present, none missing,
    # and the counts add up to the memory the list shows.
    out = command(machine, "scan %s" % listed["a"].group(1))
    pages = int(listed["a"].group(4)) // 4
    head = re.search(r"^guest %s \(a\): (\d+) pages in (\d+) runs of pages alike$"
                     % listed["a"].group(1), out, re.M)
    assert head and int(head.group(1)) == pages and int(head.group(2)) >= 1, out
    counts = dict((m.group(1), int(m.group(2)))
                  for m in re.finditer(r"^  ([a-z-]+) +(\d+)$", out, re.M))
    assert set(counts) == {"present", "zero", "missing", "written", "armed", "accessed",
                           "page-table", "pinned", "swapped", "file"}, out
    assert counts["present"] + counts["zero"] + counts["missing"] == pages, counts
    assert counts["present"] > 0 and counts["swapped"] == 0, counts
    assert all(0 <= n <= pages for n in counts.values()), counts

    mem = command(machine, "mem")
    assert re.search(r"^host: \d+ frames, \d+ free, heap \d+ bytes$", mem, re.M), mem
    assert re.search(r"^  guest %s \(a\): \d+ frames held by the host$" % listed["a"].group(1),
                     mem, re.M), mem

    for gid in (listed["a"].group(1), listed["c"].group(1)):
        command(machine, "kill %s" % gid)
    machine.sendline("quit")
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE  # killed Launchers exit 3


BAD_COMMANDS = [
    ("bogus", "monitor: unknown command 'bogus': type help"),
    ("pause", "monitor: pause: needs one guest id (see list)"),
    ("pause 1 2", "monitor: pause: needs one guest id (see list)"),
    ("pause x", "monitor: pause: 'x' is not a guest id (0 to 15)"),
    ("kill -1", "monitor: kill: '-1' is not a guest id (0 to 15)"),
    ("stats 16", "monitor: stats: '16' is not a guest id (0 to 15)"),
    ("stats 9", "monitor: stats: no guest 9"),
    ("resume 9", "monitor: resume: no guest 9"),
    ("focus 9", "monitor: focus: no guest 9"),
    ("list x", "monitor: list: takes no arguments"),
    ("mem x", "monitor: mem: takes no arguments"),
    ("top 0", "monitor: top: takes an optional number of rounds above 0"),
    ("scan", "monitor: scan: needs one guest id (see list)"),
    ("scan 9", "monitor: scan: no guest 9"),
    ("start", "monitor: start: needs the Launcher's arguments, ending with the guest's file "
              "(for example: start --mem 4M /guests/echo.elf)"),
]


def test_monitor_refuses_bad_commands_each_with_its_reason(qemu):
    machine = start(qemu)
    ids = [int(row.group(1)) for row in rows(command(machine, "list")).values()]
    for line, error in BAD_COMMANDS:
        out = command(machine, line)
        assert error in out.splitlines(), (line, out)
    out = command(machine, "resume %d" % ids[0])
    assert "monitor: resume: guest %d is not paused" % ids[0] in out, out
    command(machine, "pause %d" % ids[0])
    out = command(machine, "pause %d" % ids[0])
    assert "monitor: pause: guest %d is already paused, or dead" % ids[0] in out, out
    help_text = command(machine, "help")
    for name in ("list", "top", "stats", "pause", "resume", "kill", "start", "focus", "save",
                 "delta", "mem", "scan", "help", "quit"):
        assert re.search(r"^  %s " % name, help_text, re.M), help_text
    for gid in ids:
        command(machine, "kill %d" % gid)
    machine.sendline("quit")
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE
