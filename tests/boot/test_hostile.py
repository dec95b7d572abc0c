#T:730 test_hostile.py: guests that attack the host, judged from outside.
#
# Each case of tests/guests/hostile.c (T:700) runs as its own guest, seven
# to a boot beside a healthy bystander, the way test_guests.py (T:480)
# runs bad_hcall.c: a kill case must end with exactly the Launcher line
# "launcher: guest CASE killed: REASON", REASON as below, after the guest's
# "about to" line and before the bystander's SUCCESS; the guest must print
# no result; and the boot must end with every frame back. The regs-page
# probe runs under user/bin/hog (T:745), on a 64 MiB machine, so that the
# frames the host hands the guest are full of old data unless it clears
# them.
#
# Every boot here also runs under the interrupt-log oracle (T:720): no CPU
# reset, and nothing at ring 0 outside the host's text and the Switcher.
# The oracle also decides stack_unpinnable, the kill-is-final case: the
# guest is killed while the host pins its stack before an entry, and the
# ud2 right after its hypercall must never execute, so QEMU's log must hold
# no invalid-opcode event at that eip. Logs: build/test-logs/test_hostile_*.
import re
import sys

import pytest

import int_oracle
from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS
from test_paging import counter, stats_of
from test_paging import launcher as stats_launcher
from test_guests import (append_of, modules, LAUNCHER_KILLED, LAUNCHER_POWEROFF, SharedBoots, assert_frames_balanced,
                         assert_no_result, assert_result, exits_of, index_of, killed_line,
                         launcher, lines_of)

SWITCHER = r"reaches into the Switcher's pages$"
KILL_CASES = {
    "stack_regs_page": r"^KH_SET_STACK: stack 0x39:0xffc02000 " + SWITCHER,
    "stack_wraps": r"^KH_SET_STACK: stack 0x39:0x8 " + SWITCHER,
    "stack_base_switcher": r"^KH_SET_STACK: stack 0x41:0x2000 " + SWITCHER,
    "stack_base_later": r"^bad guest state: stack 0x41:0x[0-9a-f]+ " + SWITCHER,
    "handler_switcher": r"^KH_LOAD_IDT_ENTRY: vector 48: handler 0x31:0xffc00040 " + SWITCHER,
    "handler_top": r"^KH_LOAD_IDT_ENTRY: vector 48: handler 0x31:0xfffffff0 " + SWITCHER,
    "eip_beyond_limit": r"^bad guest state: eip 0x[0-9a-f]+ is beyond the limit 0xfff of cs 0x31$",
    "stack_unpinnable": r"^page directory entry for 0x40003ffc is a 4 MiB page$",
}
PER_BOOT = 7
BYSTANDER_NAPS = "25"
VEC_UD = 6


@pytest.fixture(scope="module")
def boots():
    shared = SharedBoots("test_hostile_")
    yield shared
    shared.close()


def kill_groups():
    names = list(KILL_CASES)
    return [names[i:i + PER_BOOT] for i in range(0, len(names), PER_BOOT)]


def kill_boot(boots, case):
    number, group = next((i, g) for i, g in enumerate(kill_groups()) if case in g)
    runs = [launcher("bystander", BYSTANDER_NAPS)]
    runs += [launcher("hostile", name, name=name) for name in group]
    machine, status = boots.get("kill_%d" % number, runs, int_log=True)
    return machine, status, group


def regs_boot(boots):
    runs = ["/bin/hog," + launcher("hostile", "regs_page", name="regs_page")]
    return boots.get("regs", runs, programs=["hog"], int_log=True, extra=("-m", "64M"))


def assert_oracle_clean(machine):
    events, violations = int_oracle.check_log(machine.int_log)
    assert events > 0 and not violations, "interrupt log %s: %s" % (
        machine.int_log, "; ".join(violations[:5]))


@pytest.mark.parametrize("case", list(KILL_CASES))
def test_hostile_case_is_killed(boots, case):
    machine, status, group = kill_boot(boots, case)
    about = index_of(machine, next(l for l in lines_of(machine)
                                   if l.startswith("[%s] hostile: %s: about to " % (case, case))))
    dead = killed_line(machine, case, KILL_CASES[case])
    assert about < dead, machine.tail()
    assert_no_result(machine, case)
    assert_result(machine, "bystander")
    assert dead < index_of(machine, "[bystander] Test result: SUCCESS"), machine.tail()
    exits = exits_of(machine)
    assert len(exits) == 1 + len(group), machine.tail()
    assert exits[0] == ("/bin/launcher", LAUNCHER_POWEROFF), machine.tail()
    assert exits[1 + group.index(case)] == ("/bin/launcher", LAUNCHER_KILLED), machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE
    assert_oracle_clean(machine)


def test_killed_guest_never_runs_again(boots):
    machine, _, _ = kill_boot(boots, "stack_unpinnable")
    said = [re.fullmatch(r"\[stack_unpinnable\] hostile: stack_unpinnable: a dead guest "
                         r"would trap at (0x[0-9a-f]+)", l) for l in lines_of(machine)]
    said = [m for m in said if m]
    assert len(said) == 1, machine.tail()
    eip = int(said[0].group(1), 16)
    ran = [e for e in int_oracle.find_events(machine.int_log)
           if e["vector"] == VEC_UD and e["eip"] == eip]
    assert not ran, "the dead guest ran on: %r" % ran


def test_regs_page_holds_only_registers(boots):
    machine, status = regs_boot(boots)
    assert re.search(r"^hog: dirtied [1-9]\d* pages$", machine.output, re.M), machine.tail()
    index_of(machine, "[regs_page] hostile: regs_page: 0 stale bytes below the registers")
    assert_result(machine, "regs_page")
    assert exits_of(machine) == [("/bin/hog", 0)], machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
    assert_oracle_clean(machine)


def test_oracle_catches_ring0_and_resets(tmp_path):
    """The oracle can fail: a made-up log with a ring-0 event at a guest's
    address and a reset after the start."""
    log = tmp_path / "int.log"
    log.write_text("CPU Reset (CPU 0)\nCPU Reset (CPU 0)\n"
                   "     0: v=20 e=0000 i=0 cpl=0 IP=0008:c0108282 pc=c0108282 SP=0010:0\n"
                   "     1: v=0d e=0000 i=0 cpl=0 IP=0008:00100a19 pc=00100a19 SP=0010:0\n"
                   "     2: v=06 e=0000 i=0 cpl=1 IP=0031:00100a19 pc=00100a19 SP=0039:0\n"
                   "CPU Reset (CPU 0)\n")
    events, violations = int_oracle.check_log(log)
    assert events == 3
    assert len(violations) == 2 and "pc 0x00100a19" in violations[0] and \
        "reset" in violations[1], violations


# ---- the FPU a guest is given ------------------------------------------------

FPU_PROBES = {"probe_live": 100000, "probe_dead": 900000}


def fpu_boot(boots):
    runs = [launcher("fpu_leak", "fill", name="fill")]
    runs += [launcher("fpu_leak", "probe", str(us), name=n) for n, us in FPU_PROBES.items()]
    return boots.get("fpu", runs, int_log=True)


@pytest.mark.parametrize("probe", list(FPU_PROBES))
def test_new_fpu_user_gets_a_clean_fpu(boots, probe):
    machine, status = fpu_boot(boots)
    index_of(machine, "[fill] fpu_leak: fill: 8 registers loaded, a division by zero pending")
    index_of(machine, "[%s] fpu_leak: probe after its sleep: control 0x037f, status 0x0000, "
             "tags 0xffff, 0 non-zero register bytes" % probe)
    assert_result(machine, probe)
    if probe == "probe_dead":
        assert index_of(machine, "launcher: guest fill powered off: SUCCESS") < \
            index_of(machine, "[probe_dead] Test result: SUCCESS"), machine.tail()
    assert exits_of(machine) == [("/bin/launcher", LAUNCHER_POWEROFF)] * 3, machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
    assert_oracle_clean(machine)


# ---- what a guest's shadows may cost the host ---------------------------------

HOG_MEM_MIB = 2
HOG_READS = 2 * 4 * 767
BUDGET_RATIO, BUDGET_MIN = 8, 16  # host/memory/shadow.c, V:172


def shadow_budget(mem_mib):
    """Shadow pages a guest may hold (the host-wide share, 1,024 pages on
    this 256 MiB machine, is more than any guest here asks)."""
    return (mem_mib << 20) // 4096 // BUDGET_RATIO + BUDGET_MIN


def test_shadow_memory_is_budgeted(boots):
    machine, status = boots.get("shadow", [stats_launcher("shadow_hog", mem="%dM" % HOG_MEM_MIB)],
                                int_log=True)
    index_of(machine, "[shadow_hog] shadow_hog: 4 spaces, %d reads, 0 wrong" % HOG_READS)
    assert_result(machine, "shadow_hog")
    stats = stats_of(machine, "shadow_hog")
    assert counter(stats, "shadow_faults") >= HOG_READS // 2, stats
    assert 0 < counter(stats, "page_tables") <= shadow_budget(HOG_MEM_MIB), (
        "a %d MiB guest left the host holding %d shadow pages, budget %d" % (
            HOG_MEM_MIB, counter(stats, "page_tables"), shadow_budget(HOG_MEM_MIB)))
    assert exits_of(machine) == [("/bin/launcher", LAUNCHER_POWEROFF)], machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
    assert_oracle_clean(machine)


# ---- the Switcher's read-only pages ------------------------------------------


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def switcher_page_bytes():
    """The Switcher's page as linked: its section's bytes, then zeros."""
    data = int_oracle.KERNEL.read_bytes()
    shoff, = int_oracle.struct.unpack_from("<I", data, 32)
    shentsize, shnum, shstrndx = int_oracle.struct.unpack_from("<HHH", data, 46)
    sections = [int_oracle.struct.unpack_from("<10I", data, shoff + i * shentsize)
                for i in range(shnum)]
    names = sections[shstrndx][4]
    for sh in sections:
        name = data[names + sh[0]:data.index(b"\0", names + sh[0])]
        if name == b".switcher":
            return data[sh[4]:sh[4] + sh[5]].ljust(4096, b"\0")
    raise AssertionError("no .switcher section in %s" % int_oracle.KERNEL)


def test_switcher_pages_are_read_only(boots):
    machine, status = boots.get("switcher", [launcher("hostile", "switcher_pages",
                                                      name="switcher_pages")], int_log=True)
    m = [re.fullmatch(r"\[switcher_pages\] hostile: switcher_pages: text checksum "
                      r"(0x[0-9a-f]{8})", l) for l in lines_of(machine)]
    m = [x for x in m if x]
    assert len(m) == 1, machine.tail()
    assert int(m[0].group(1), 16) == fnv1a(switcher_page_bytes()), (
        "the Switcher's text in memory is not build/kennel.elf's")
    assert_result(machine, "switcher_pages")
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
    assert_oracle_clean(machine)


# ---- churn: a thousand guests come and go -------------------------------------

CHURN_GUESTS = 1200
CHURN_TIMEOUT = 300


def test_churn_leaves_no_frame_behind(qemu):
    runs = ["/bin/churn,%d" % CHURN_GUESTS]
    machine = qemu(append=append_of(runs), name="test_hostile_churn",
                   initrd=modules(["hostile", "bad_hcall", "spin"], programs=["churn"]))
    status = machine.wait_exit(timeout=CHURN_TIMEOUT)
    third = CHURN_GUESTS // 3
    m = re.search(r"^churn: %d guests: %d powered off, %d killed by the host, %d killed "
                  r"mid-run, 0 wrong statuses; free frames after warm-up (\d+), at the end (\d+)$"
                  % (CHURN_GUESTS, third, third, third), machine.output, re.M)
    assert m, machine.tail()
    assert m.group(1) == m.group(2), m.group(0)
    spun = len(re.findall(r"^\[spinner\] spin: spinning forever", machine.output, re.M))
    assert spun > 0, "no spinning guest was running when its Launcher was killed"
    assert len(re.findall(r"^launcher: guest killed killed: unknown hypercall 99$",
                          machine.output, re.M)) == third, machine.tail()
    assert exits_of(machine) == [("/bin/churn", 0)], machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
    print("churn: %d guests, %d spinners killed while running" % (CHURN_GUESTS, spun))


# ---- a short fuzz run (make fuzz for long ones) --------------------------------

FUZZ_SEED, FUZZ_GUESTS, FUZZ_ROUNDS = 1, 30, 3000


def test_fuzz_short_run():
    sys.path.insert(0, str(int_oracle.ROOT / "scripts"))
    import fuzz
    report, machine = fuzz.run(FUZZ_SEED, FUZZ_GUESTS, FUZZ_ROUNDS, int_log=True,
                               name="test_hostile_fuzz")
    summary = "\n".join(fuzz.report_lines(report, FUZZ_SEED, FUZZ_GUESTS, FUZZ_ROUNDS))
    print(summary)
    assert report["guests"] == FUZZ_GUESTS, summary + machine.tail()
    assert report["hypercalls"] > FUZZ_GUESTS, summary
    assert fuzz.ok(report), summary + machine.tail()
    assert sum(report["kills"].values()) + report["survived"] == FUZZ_GUESTS, summary


# ---- load: eight guests at once ------------------------------------------------

LOAD = [("bystander", ("50",), "canary"), ("fpu", ("down", "3", "4"), "fpu_a"),
        ("fpu", ("up", "5", "4"), "fpu_b"), ("paging_sched", (), "paging_sched"),
        ("paging_spaces", (), "paging_spaces"), ("timer", (), "timer"),
        ("shadow_hog", (), "shadow_hog"), ("hostile", ("switcher_pages",), "switcher_pages")]


def test_eight_guests_at_once_all_progress(boots):
    """The host's limit of eight programs, all guests, all at once: each must
    finish its own test (progress), the canary's memory pattern must stay
    intact, and every frame must come back."""
    runs = [launcher(g, *args, name=name) for g, args, name in LOAD]
    machine, status = boots.get("load", runs, int_log=True)
    for _, _, name in LOAD:
        assert_result(machine, name)
    index_of(machine, "[canary] bystander: 50 naps, memory intact, %s ms" % re.search(
        r"^\[canary\] bystander: 50 naps, memory intact, (\d+) ms$", machine.output,
        re.M).group(1))
    assert exits_of(machine) == [("/bin/launcher", LAUNCHER_POWEROFF)] * len(LOAD), machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
    assert_oracle_clean(machine)
