#T:480 test_guests.py boots the host with Launchers running the test
# guests of tests/guests/ and judges them by what reaches the console.
#
# A guest passes only if its own line "[NAME] Test result: SUCCESS" is
# there, exactly once, and the Launcher's closing line agrees ("launcher:
# guest NAME powered off: SUCCESS"). A missing line is a crash or a hang,
# never a pass; a hang is caught by the timeout of the boot, a triple
# fault by QEMU's exit status 0 (kennel_qemu.Qemu.wait_exit). Every boot
# must also end the way its programs say: one "kennel: PROG exited with
# status N" line per run= program, in order (a Launcher exits 0 for a
# poweroff, 2 for a crash, 3 for a guest the host killed), the free-frame
# count the same before and after (a dead guest must leave nothing
# behind), and QEMU's status 33 only when every program exited 0.
#
# A bad hypercall must kill its guest with a reason that names the call
# and the cause, and nothing else: each case runs as its own guest beside
# a healthy bystander, which must still succeed, after the kill. Cases are
# one pytest parameter each, but share boots, seven at a time (the host
# runs at most eight programs), to keep the suite quick; the guests of the
# other checks share a boot the same way where they do not interact. The
# FPU pair, the console (which needs typing) and the spinner get boots of
# their own. Logs: build/test-logs/test_guests_*.log for the shared boots,
# build/test-logs/<test name>.log for the others. Next: T:490, the host
# program that ends the spinning guest's run.
import re
import time

import pytest

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS, ROOT, Qemu, log_path

BUILD = ROOT / "build"
TIMEOUT = 60
MEM_MIB = 4  # each guest's RAM: --mem 4M
MEM = "%dM" % MEM_MIB
FRAMES = re.compile(r"kennel: (\d+) frames free (before|after) the programs")
LAUNCHER_POWEROFF, LAUNCHER_CRASHED, LAUNCHER_KILLED = 0, 126, 127

# ---- building a boot ---------------------------------------------------------


def module(path, name):
    if not (BUILD / path).exists():
        raise FileNotFoundError("build/%s does not exist: run `make` first" % path)
    return "%s %s" % (BUILD / path, name)


def modules(guests, programs=()):
    """-initrd entries: the Launcher, host programs, and /guests/NAME.elf."""
    found = [module("launcher/launcher", "/bin/launcher")]
    found += [module("user/bin/%s" % p, "/bin/%s" % p) for p in programs]
    found += [module("tests/guests/%s.elf" % g, "/guests/%s.elf" % g) for g in sorted(set(guests))]
    return found


def launcher(guest, *args, name=None):
    """A run= value starting the Launcher on /guests/GUEST.elf."""
    words = ["/bin/launcher", "--mem", MEM]
    if name:
        words += ["--name", name]
    return ",".join(words + ["/guests/%s.elf" % guest] + list(args))


def append_of(runs):
    return " ".join("run=" + r for r in runs)


def guests_of(runs):
    return [m.group(1) for m in (re.search(r"/guests/(\w+)\.elf", r) for r in runs) if m]


def boot(qemu, runs, programs=()):
    machine = qemu(append=append_of(runs), initrd=modules(guests_of(runs), programs))
    return machine, machine.wait_exit(timeout=TIMEOUT)


# ---- judging a boot ----------------------------------------------------------


def lines_of(machine):
    return [line.rstrip() for line in machine.output.split("\n") if line.strip()]


def index_of(machine, line):
    lines = lines_of(machine)
    assert line in lines, "no line %r%s" % (line, machine.tail())
    return lines.index(line)


def assert_result(machine, name, result="SUCCESS"):
    """The guest's single verdict line, and the Launcher's agreeing last word."""
    verdicts = [l for l in lines_of(machine) if l.startswith("[%s] Test result: " % name)]
    assert verdicts == ["[%s] Test result: %s" % (name, result)], (
        "guest %s: verdict lines %r%s" % (name, verdicts, machine.tail()))
    index_of(machine, "launcher: guest %s powered off: %s" % (name, result))


def assert_no_result(machine, name):
    verdicts = [l for l in lines_of(machine) if l.startswith("[%s] Test result: " % name)]
    assert not verdicts, "guest %s should have died: %r%s" % (name, verdicts, machine.tail())


def killed_line(machine, name, reason):
    """The index of "launcher: guest NAME killed: REASON", REASON a regex."""
    pattern = re.compile(r"launcher: guest %s killed: (.*)" % re.escape(name))
    reasons = [(i, m.group(1)) for i, m in
               ((i, pattern.fullmatch(l)) for i, l in enumerate(lines_of(machine))) if m]
    assert len(reasons) == 1, "guest %s: kill lines %r%s" % (name, reasons, machine.tail())
    assert re.search(reason, reasons[0][1]), (
        "guest %s killed for %r, want /%s/" % (name, reasons[0][1], reason))
    return reasons[0][0]


def exits_of(machine):
    found = re.findall(r"^kennel: (\S+) exited with status (-?\d+)$", machine.output, re.M)
    return [(p, int(s)) for p, s in found]


def assert_exits(machine, expected):
    """expected: [(path, status)], in run= order, one line each."""
    assert exits_of(machine) == expected, machine.tail()


def assert_frames_balanced(machine):
    counts = dict((when, int(n)) for n, when in FRAMES.findall(machine.output))
    assert set(counts) == {"before", "after"}, "no frame counts%s" % machine.tail()
    assert counts["before"] == counts["after"], (
        "frames leaked: %(before)d free before, %(after)d after" % counts + machine.tail())


# ---- boots shared by several tests -------------------------------------------


class SharedBoots:
    """Each boot runs once per module, the first time a test asks for it; a
    boot that hangs or crashes fails every test that uses it, each time.
    Its log is build/test-logs/PREFIX + key + .log."""

    def __init__(self, prefix="test_guests_"):
        self.prefix = prefix
        self.done = {}
        self.machines = []

    def get(self, key, runs, programs=(), **qemu_args):
        if key not in self.done:
            name = self.prefix + key
            log_path(name).unlink(missing_ok=True)
            machine = Qemu(append=append_of(runs), initrd=modules(guests_of(runs), programs),
                           name=name, **qemu_args)
            self.machines.append(machine)
            try:
                self.done[key] = (machine, machine.wait_exit(timeout=TIMEOUT), None)
            except AssertionError as error:
                self.done[key] = (machine, None, error)
        machine, status, error = self.done[key]
        if error:
            raise AssertionError("boot %s failed: %s" % (key, error))
        return machine, status

    def close(self):
        for machine in self.machines:
            machine.close()


@pytest.fixture(scope="module")
def boots():
    shared = SharedBoots()
    yield shared
    shared.close()


# ---- the guests that check what a guest may do -----------------------------

CMDLINE = (str(MEM_MIB << 20), "alpha", "beta")  # hcalls checks mem_bytes against the first
CORE = {"hcalls": CMDLINE, "traps": (), "timer": (), "virtif": ()}


def core_boot(boots):
    return boots.get("core", [launcher(g, *args) for g, args in CORE.items()])


@pytest.mark.parametrize("guest", list(CORE))
def test_guest_succeeds(boots, guest):
    machine, _ = core_boot(boots)
    assert_result(machine, guest)
    assert not [l for l in lines_of(machine) if l.startswith("[%s] FAIL" % guest)]


def test_core_guests_end_cleanly(boots):
    machine, status = core_boot(boots)
    assert_exits(machine, [("/bin/launcher", LAUNCHER_POWEROFF)] * len(CORE))
    assert_frames_balanced(machine)
    assert lines_of(machine)[-1] == "kennel: powering off (success)"
    assert status == EXIT_SUCCESS


def test_hcalls_boot_info_and_largest_console_write(boots):
    machine, _ = core_boot(boots)
    index_of(machine, "[hcalls] hcalls: command line '%s'" % " ".join(CMDLINE))
    got = [l for l in lines_of(machine) if l.startswith("[hcalls] console-max: ")]
    want = ["[hcalls] console-max: line %02d of 64 " % i for i in range(64)]
    assert [l[:len(w)] for l, w in zip(got, want)] == want and len(got) == 64, got
    assert all(len(l) == len("[hcalls] ") + 63 and l.endswith("...") for l in got), got


def test_timer_reports_its_delays(boots):
    machine, _ = core_boot(boots)
    for what, ms in (("a 50 ms timer", 50), ("a 20 ms timer replacing a 2 s one", 20)):
        line = [l for l in lines_of(machine) if l.startswith("[timer] timer: %s: " % what)]
        assert len(line) == 1, machine.tail()
        took = int(re.fullmatch(r".*asked for %d ms, came after (\d+) ms" % ms, line[0]).group(1))
        assert ms - 10 <= took <= ms + 1000, line


# ---- hypercalls a guest must not make --------------------------------------

# Each bad_hcall.c case, and what the kill reason must say: the call's name
# and the distinctive part of the cause, loosely enough to survive rewording.
ADDRESS = r"0x[0-9a-f]+"
BAD_CASES = {
    "init_outside": r"^KH_INIT\b.*%s.*guest memory" % ADDRESS,
    "init_straddle": r"^KH_INIT\b.*%s.*guest memory" % ADDRESS,
    "init_wrap": r"^KH_INIT\b.*0xfffffff0\b.*guest memory",
    "before_init": r"^KH_CONSOLE_WRITE\b.*before KH_INIT",
    "gdt_slot1": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 1\b.*slot",
    "gdt_slot5": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 5\b.*slot",
    "gdt_slot16": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 16\b.*slot",
    "gdt_slot_huge": r"^KH_LOAD_GDT_ENTRY\b.*\bslot (4294967295|0xffffffff)\b.*slot",
    "gdt_dpl0": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 8\b.*DPL",
    "gdt_dpl2": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 8\b.*DPL",
    "gdt_system": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 8\b.*system",
    "gdt_empty_under_fs": r"^bad guest state: fs 0x41 names an empty slot$",
    "idt_vector2": r"^KH_LOAD_IDT_ENTRY\b.*\bvector 2\b.*reserved",
    "idt_vector8": r"^KH_LOAD_IDT_ENTRY\b.*\bvector 8\b.*reserved",
    "idt_vector31": r"^KH_LOAD_IDT_ENTRY\b.*\bvector (31|0x1f)\b.*reserved",
    "idt_vector256": r"^KH_LOAD_IDT_ENTRY\b.*\bvector (256|0x100)\b",
    "idt_vector_huge": r"^KH_LOAD_IDT_ENTRY\b.*\bvector (4294967295|0xffffffff)\b",
    "idt_task_gate": r"^KH_LOAD_IDT_ENTRY\b.*\bvector 48\b.*(gate|type)",
    "idt_gate16": r"^KH_LOAD_IDT_ENTRY\b.*\bvector 48\b.*(gate|type)",
    "idt_call_gate": r"^KH_LOAD_IDT_ENTRY\b.*\bvector 48\b.*(gate|type)",
    "stack_user_ds": r"^KH_SET_STACK\b.*\bss 0x0*23\b",
    "stack_code": r"^KH_SET_STACK\b.*\bss 0x0*31\b",
    "console_outside": r"^KH_CONSOLE_WRITE\b.*%s.*\blen 16\b.*outside" % ADDRESS,
    "console_straddle": r"^KH_CONSOLE_WRITE\b.*%s.*\blen 16\b.*outside" % ADDRESS,
    "console_too_long": r"^KH_CONSOLE_WRITE\b.*\b4097\b",
    "console_wrap": r"^KH_CONSOLE_WRITE\b.*0xffffff00\b.*outside",
    "shutdown_outside": r"^KH_SHUTDOWN\b.*%s.*outside" % ADDRESS,
    "shutdown_bad_kind": r"^KH_SHUTDOWN\b.*\bkind 7\b",
    "shutdown_status_256": r"^KH_SHUTDOWN: status 256 is not 0\.\.255",
    "shutdown_crash_status": r"^KH_SHUTDOWN: status 3 is not 0\.\.255 \(a crash has none\)",
    "ts_two": r"^KH_TS\b.*\b2\b.*0.*1",
    "ts_huge": r"^KH_TS\b.*\b(2147483648|0x80000000)\b",
    "stats_outside": r"^KH_GET_STATS\b.*%s.*\blen 16\b.*outside" % ADDRESS,
    "stats_too_long": r"^KH_GET_STATS\b.*\blength %d\b" % (8 * (17 + 32 + 11) + 1),
    "unknown_99": r"^unknown hypercall 99$",
    "unknown_next": r"^unknown hypercall 17$",
    "unknown_huge": r"^unknown hypercall (4294967295|0xffffffff)$",
    "async_gdt_dpl0": r"^KH_LOAD_GDT_ENTRY\b.*\bslot 8\b.*DPL",
    "trap_stack_outside": r"^bad write (virtual )?address %s" % ADDRESS,
}
BEFORE_INIT = {"init_outside", "init_straddle", "init_wrap", "before_init"}
PER_BOOT = 7  # plus the bystander: the host's limit of eight programs
BYSTANDER_NAPS = "25"  # 500 ms: alive while its neighbours die
# The unhandled-trap guest and the crashing guest ride along in the last boot.
EXTRA = {"unhandled": launcher("unhandled"), "crash": launcher("crash")}


def bad_groups():
    names = list(BAD_CASES) + list(EXTRA)
    return [names[i:i + PER_BOOT] for i in range(0, len(names), PER_BOOT)]


def bad_runs(group):
    runs = [launcher("bystander", BYSTANDER_NAPS)]
    return runs + [EXTRA.get(n) or launcher("bad_hcall", n, name=n) for n in group]


def bad_boot(boots, name):
    number, group = next((i, g) for i, g in enumerate(bad_groups()) if name in g)
    machine, status = boots.get("bad_%d" % number, bad_runs(group))
    return machine, status, group


def assert_bad_boot_ends(machine, status, group, name, dead, dead_status=LAUNCHER_KILLED):
    """The bystander succeeded after NAME's death; the bystander's and NAME's
    Launchers exited as they should (the others' statuses are their own
    tests' business); nothing leaked; and the host reports the failure."""
    assert_result(machine, "bystander")
    assert dead < index_of(machine, "[bystander] Test result: SUCCESS"), (
        "the bystander had finished before its neighbour died" + machine.tail())
    exits = exits_of(machine)
    assert len(exits) == 1 + len(group), machine.tail()
    assert exits[0] == ("/bin/launcher", LAUNCHER_POWEROFF), machine.tail()
    assert exits[1 + group.index(name)] == ("/bin/launcher", dead_status), machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_hypercall_kills_only_its_guest(boots, case):
    machine, status, group = bad_boot(boots, case)
    dead = killed_line(machine, case, BAD_CASES[case])
    if case not in BEFORE_INIT:
        about = [l for l in lines_of(machine) if l.startswith("[%s] bad_hcall: %s: about to " % (case, case))]
        assert len(about) == 1 and index_of(machine, about[0]) < dead, machine.tail()
    assert_no_result(machine, case)
    assert_bad_boot_ends(machine, status, group, case, dead)


def test_trap_without_a_handler_kills_the_guest(boots):
    machine, status, group = bad_boot(boots, "unhandled")
    said = [l for l in lines_of(machine) if l.startswith("[unhandled] unhandled: ud2 at ")]
    assert len(said) == 1, machine.tail()
    eip = int(re.match(r"\[unhandled\] unhandled: ud2 at (0x[0-9a-f]+) ", said[0]).group(1), 16)
    dead = killed_line(machine, "unhandled",
                       r"^unhandled trap 6\b.*\beip 0x0*%x\b" % eip)
    assert_no_result(machine, "unhandled")
    assert_bad_boot_ends(machine, status, group, "unhandled", dead)


def test_crash_shutdown_is_reported(boots):
    machine, status, group = bad_boot(boots, "crash")
    index_of(machine, "[crash] crash: shutting down as a crash")
    dead = index_of(machine, "launcher: guest crash crashed: "
                    "deliberate crash, kind KH_SHUTDOWN_CRASH")
    assert_no_result(machine, "crash")
    assert_bad_boot_ends(machine, status, group, "crash", dead, LAUNCHER_CRASHED)


# ---- guests that share the machine -------------------------------------------


def round_lines(machine, name):
    return [i for i, l in enumerate(lines_of(machine))
            if re.fullmatch(r"\[%s\] fpu: round \d+ of 8 done" % name, l)]


def test_fpu_state_stays_with_its_guest(qemu):
    runs = [launcher("fpu", "down", "3", "8", name="fpu_a"),
            launcher("fpu", "up", "5", "8", name="fpu_b")]
    machine, status = boot(qemu, runs)
    for name, mode, seed in (("fpu_a", "down", 3), ("fpu_b", "up", 5)):
        assert_result(machine, name)
        assert re.search(r"^\[%s\] fpu: rounding %s, seed %d: [1-9]\d* checks, 0 mismatches$"
                         % (name, mode, seed), machine.output, re.M), machine.tail()
    a, b = round_lines(machine, "fpu_a"), round_lines(machine, "fpu_b")
    assert len(a) == len(b) == 8, machine.tail()
    assert a[0] < b[-1] and b[0] < a[-1], "the two guests' rounds did not interleave"
    assert_exits(machine, [("/bin/launcher", LAUNCHER_POWEROFF)] * 2)
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_console_device_both_ways(qemu):
    runs = [launcher("console")]
    machine = qemu(append=append_of(runs), initrd=modules(["console"]))
    machine.expect_exact("[console] tx: the quick brown fox jumps over the lazy dog 0123456789",
                         timeout=TIMEOUT)
    machine.expect_exact("[console] console: type a line", timeout=TIMEOUT)
    time.sleep(0.2)
    machine.sendline("kennel test line 42")
    status = machine.wait_exit(timeout=TIMEOUT)
    index_of(machine, "[console] console echo: 19 bytes, reversed: 24 enil tset lennek")
    assert_result(machine, "console")
    assert_exits(machine, [("/bin/launcher", LAUNCHER_POWEROFF)])
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_spinning_guest_does_not_starve_others(qemu):
    runs = ["/bin/reaper,1500," + launcher("spin"), launcher("bystander", "40")]
    machine, status = boot(qemu, runs, programs=["reaper"])
    spinning = index_of(machine, "[spin] spin: spinning forever with virtual interrupts off")
    done = index_of(machine, "[bystander] Test result: SUCCESS")
    reaped = index_of(machine, "reaper: killed /bin/launcher after 1500 ms")
    assert spinning < done < reaped, "the bystander did not finish while the guest spun"
    assert_result(machine, "bystander")
    assert_no_result(machine, "spin")
    assert_exits(machine, [("/bin/reaper", 0), ("/bin/launcher", LAUNCHER_POWEROFF)])
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_launcher_help_lists_every_option(qemu):
    machine, status = boot(qemu, ["/bin/launcher,--help"])
    out = machine.output
    assert "usage: launcher [OPTION...] GUEST.elf [guest arguments...]" in out, machine.tail()
    for option in ("--mem SIZE", "--name NAME", "--disk IMAGE ", "--disk IMAGE,ro",
                   "--snapshot-disk IMAGE", "--stats", "--help, -h"):
        assert re.search(r"^  %s" % re.escape(option), out, re.M), (option, machine.tail())
    assert "kennel: /bin/launcher exited with status 0" in out, machine.tail()
    assert status == EXIT_SUCCESS, machine.tail()

