#T:690 test_paging.py boots the paging guests, tests/guests/paging_*.c
# (from T:600 to T:680), and judges them the way test_guests.py (T:480)
# judges the others: each guest's one "Test result: SUCCESS" line and the
# Launcher's agreeing last word, one exit line per program, the host's
# free-frame count the same after the programs as before, and QEMU's status.
#
# Every Launcher here runs with --stats, because some promises can only be
# seen from outside the guest: that direct system calls do not exit to the
# host (the direct guests' world switches and traps stay far below their
# calls, while a control guest whose calls are reflected pays a switch for
# each), and that the cache of shadow directories bounds what a guest's
# address spaces cost the host (page_tables, the shadow page-table pages a
# guest holds when it stops, can never exceed SHADOW_DIRS directories and
# the tables of the slots the guest maps, whether it made 3 address spaces
# or 500). The numbers are in the assertions' messages, and in the log.
#
# Boots are shared by the tests that read them, through test_guests.py's
# SharedBoots: the well-behaved guests (4 MiB each) in one, the
# system-call guests in another, the churning guest (8 MiB) alone, and the
# bad page-table cases seven at a time beside a healthy bystander, which
# must outlive them.
# Logs: build/test-logs/test_paging_*.log. Next: M:010, the last chapter.
import re

import pytest

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS
from test_guests import (LAUNCHER_KILLED, LAUNCHER_POWEROFF, SharedBoots, assert_frames_balanced,
                         assert_no_result, assert_result, exits_of, index_of, killed_line,
                         lines_of)

SHADOW_DIRS = 4  # host/guest.h: the shadow directories the host caches per guest
SYSCALLS = 3000
CHURN_SPACES = 500


def launcher(guest, *args, name=None, mem="4M"):
    """A run= value: the Launcher with --stats on /guests/GUEST.elf."""
    words = ["/bin/launcher", "--stats", "--mem", mem, "--name", name or guest]
    return ",".join(words + ["/guests/%s.elf" % guest] + [str(a) for a in args])


@pytest.fixture(scope="module")
def boots():
    shared = SharedBoots("test_paging_")
    yield shared
    shared.close()


def stats_of(machine, name):
    """The Launcher's --stats counters for guest NAME; absent ones are 0."""
    found = re.findall(r"^launcher: %s stats: (\S+) (\d+)$" % re.escape(name),
                       machine.output, re.M)
    assert found, "no --stats lines for %s%s" % (name, machine.tail())
    return dict((counter, int(value)) for counter, value in found)


def counter(stats, name):
    return stats.get(name, 0)


def traps_total(stats):
    return sum(v for k, v in stats.items() if k.startswith("trap["))


def said(machine, name, pattern):
    """The match of PATTERN against guest NAME's one line that has it."""
    found = [m for m in (re.fullmatch(r"\[%s\] %s" % (re.escape(name), pattern), l)
                         for l in lines_of(machine)) if m]
    assert len(found) == 1, "guest %s: want one line /%s/%s" % (name, pattern, machine.tail())
    return found[0]


def assert_succeeded(machine, name):
    failed = [l for l in lines_of(machine) if l.startswith("[%s] FAIL" % name)]
    assert not failed, "guest %s failed checks:\n%s" % (name, "\n".join(failed))
    assert_result(machine, name)


def assert_clean_end(machine, status, programs):
    assert exits_of(machine) == [("/bin/launcher", LAUNCHER_POWEROFF)] * programs, machine.tail()
    assert_frames_balanced(machine)
    assert lines_of(machine)[-1] == "kennel: powering off (success)", machine.tail()
    assert status == EXIT_SUCCESS


# ---- the guests that use paging as intended --------------------------------

WELL_BEHAVED = ["paging_spaces", "paging_faults", "paging_cow", "paging_dirty", "paging_sched"]


def well_behaved_boot(boots):
    return boots.get("guests", [launcher(g) for g in WELL_BEHAVED])


@pytest.mark.parametrize("guest", WELL_BEHAVED)
def test_paging_guest_succeeds(boots, guest):
    machine, _ = well_behaved_boot(boots)
    assert_succeeded(machine, guest)


def test_paging_guests_end_cleanly(boots):
    machine, status = well_behaved_boot(boots)
    assert_clean_end(machine, status, len(WELL_BEHAVED))


def test_address_spaces_were_switched(boots):
    machine, _ = well_behaved_boot(boots)
    switches = int(said(machine, "paging_spaces",
                        r"paging_spaces: 3 spaces, (\d+) switches, 0 failed checks").group(1))
    stats = stats_of(machine, "paging_spaces")
    assert counter(stats, "hypercall[%d]" % 12) == switches, stats  # KH_NEW_PGTABLE
    assert counter(stats, "shadow_faults") > 0, stats


def test_copy_on_write_copied_twice(boots):
    machine, _ = well_behaved_boot(boots)
    said(machine, "paging_cow", r"paging_cow: 3 copy-on-write faults, 2 copies, 0 failed checks")


def test_timer_switched_processes(boots):
    machine, _ = well_behaved_boot(boots)
    m = said(machine, "paging_sched", r"paging_sched: (\d+) slices: process 0 ran (\d+) and "
             r"counted (\d+), process 1 ran (\d+) and counted (\d+); shortest slice (\d+) ms")
    slices, ran0, count0, ran1, count1, shortest = map(int, m.groups())
    assert slices == 10 and ran0 >= 2 and ran1 >= 2 and count0 > 0 and count1 > 0, m.group(0)
    stats = stats_of(machine, "paging_sched")
    assert counter(stats, "irqs_delivered") >= slices, stats
    assert counter(stats, "hypercall[12]") >= slices, stats  # a KH_NEW_PGTABLE per switch


# ---- system calls that stay in the guest -----------------------------------

SYSCALL_GUESTS = {
    "direct_linear": ("direct", "linear"),
    "direct_paged": ("direct", "paged"),
    "reflected_paged": ("reflected", "paged"),
}


def syscall_boot(boots):
    return boots.get("syscalls", [launcher("paging_syscall", mode, paging, SYSCALLS, name=name)
                                  for name, (mode, paging) in SYSCALL_GUESTS.items()])


def syscall_costs(machine, name):
    """The guest's own count of its calls, and what the host saw of it."""
    mode, paging = SYSCALL_GUESTS[name]
    m = said(machine, name, r"paging_syscall: %s %s: (\d+) calls made, (\d+) counted, "
             r"(\d+) ns each" % (mode, paging))
    assert int(m.group(1)) == int(m.group(2)) == SYSCALLS, m.group(0)
    stats = stats_of(machine, name)
    return stats, "%s: %d calls (%s ns each): %d switches, %d traps, %d reflected" % (
        name, SYSCALLS, m.group(3), counter(stats, "switches"), traps_total(stats),
        counter(stats, "reflected"))


@pytest.mark.parametrize("name", ["direct_linear", "direct_paged"])
def test_direct_syscalls_do_not_exit(boots, name):
    machine, _ = syscall_boot(boots)
    assert_succeeded(machine, name)
    stats, summary = syscall_costs(machine, name)
    _, control = syscall_costs(machine, "reflected_paged")
    assert counter(stats, "switches") < SYSCALLS // 10, summary + "; control " + control
    assert traps_total(stats) < SYSCALLS // 10, summary + "; control " + control
    assert counter(stats, "reflected") < SYSCALLS // 10, summary + "; control " + control


def test_reflected_syscalls_exit_every_time(boots):
    """The control: without syscall_vector each call is a trip through the
    host, so the counters above can see the difference."""
    machine, status = syscall_boot(boots)
    assert_succeeded(machine, "reflected_paged")
    stats, summary = syscall_costs(machine, "reflected_paged")
    assert counter(stats, "switches") >= SYSCALLS, summary
    assert counter(stats, "reflected") >= SYSCALLS, summary
    assert_clean_end(machine, status, len(SYSCALL_GUESTS))


# ---- hundreds of address spaces ----------------------------------------------

CHURN_MEM_MIB = 8


def churn_boot(boots):
    return boots.get("churn", [launcher("paging_churn", CHURN_SPACES, mem="%dM" % CHURN_MEM_MIB)])


def page_table_bound(mem_mib):
    """What a guest of lib/paging.c can make the host hold: SHADOW_DIRS
    directories, each with one table per slot the guest maps: its memory
    (the device pages after RAM may need one slot more) both at 0 and at
    KERNEL_BASE, the KERNEL_WINDOW slot, and its private slots from
    USER_BASE (paging_faults uses the most, 6; 8 are allowed)."""
    memory_slots = mem_mib // 4 + 1
    return SHADOW_DIRS * (1 + 2 * memory_slots + 1 + 8)


def test_churning_address_spaces_frees_everything(boots):
    machine, status = churn_boot(boots)
    assert_succeeded(machine, "paging_churn")
    said(machine, "paging_churn",
         r"paging_churn: %d address spaces made and touched, \d+ pages left" % CHURN_SPACES)
    stats = stats_of(machine, "paging_churn")
    assert counter(stats, "hypercall[12]") >= CHURN_SPACES, stats
    assert counter(stats, "page_tables") <= page_table_bound(CHURN_MEM_MIB), (
        "%d address spaces left the host holding %d shadow page tables, more than the "
        "cache's bound of %d; shadow_faults %d" % (
            CHURN_SPACES, counter(stats, "page_tables"), page_table_bound(CHURN_MEM_MIB),
            counter(stats, "shadow_faults")))
    assert_clean_end(machine, status, 1)


def test_shadow_page_tables_stay_bounded(boots):
    """page_tables of every paging guest, however many spaces it made."""
    held = {}
    for machine, names, mem_mib in ((well_behaved_boot(boots)[0], WELL_BEHAVED, 4),
                                    (churn_boot(boots)[0], ["paging_churn"], CHURN_MEM_MIB)):
        for name in names:
            held[name] = (counter(stats_of(machine, name), "page_tables"), mem_mib)
    over = dict((n, p) for n, (p, mib) in held.items() if p > page_table_bound(mib))
    summary = ", ".join("%s %d" % (n, p) for n, (p, _) in sorted(held.items()))
    assert not over, "shadow page tables held at exit beyond the bound: %s" % summary
    assert max(p for p, _ in held.values()) > 0, summary


# ---- page-table entries that kill -------------------------------------------

# Each paging_bad.c case and the kill reason it must get. {end} is where the
# guest said its memory ends: the first frame beyond pfn_limit.
BAD_CASES = {
    "walk_table_beyond": r"^page table for 0x40003000 at {end} is beyond pfn_limit$",
    "walk_frame_beyond": r"^page 0x40003000 maps frame {end5}, beyond pfn_limit$",
    "walk_4mib": r"^page directory entry for 0x40003000 is a 4 MiB page$",
    "walk_4mib_stack": r"^page directory entry for 0x40003f[0-9a-f]{{2}} is a 4 MiB page$",
    "set_pte_beyond": r"^KH_SET_PTE: frame {end} is beyond pfn_limit$",
    "set_pte_switcher": r"^KH_SET_PTE\b.*\b0xffc00000\b.*Switcher's slot",
    "set_pte_top": r"^KH_SET_PTE\b.*\b0xfffff000\b.*Switcher's slot",
    "set_pte_bad_dir": r"^KH_SET_PTE\b.*page directory {end} is not a page of guest memory",
    "batched_set_pte_beyond": r"^KH_SET_PTE: frame {end} is beyond pfn_limit$",
    "set_pde_beyond": r"^KH_SET_PDE: frame {end} is beyond pfn_limit$",
    "set_pde_4mib": r"^KH_SET_PDE\b.*4 MiB",
    "set_pde_switcher": r"^KH_SET_PDE\b.*\b1023\b.*Switcher's slot",
    "set_pde_1024": r"^KH_SET_PDE\b.*\b1024\b.*out of range",
    "set_pde_bad_dir": r"^KH_SET_PDE\b.*page directory 0x[0-9a-f]*004\b.*not a page of guest memory",
    "new_pgtable_beyond": r"^KH_NEW_PGTABLE\b.*page directory {end} is not a page of guest memory",
    "new_pgtable_unaligned": r"^KH_NEW_PGTABLE\b.*page directory 0x[0-9a-f]*800\b.*not a page",
    "new_pgtable_wrap": r"^KH_NEW_PGTABLE\b.*\b0xfffff000\b.*not a page",
    "flush_tlb_two": r"^KH_FLUSH_TLB\b.*\b2\b.*neither",
    "kernel_address_unaligned": r"^KH_NEW_PGTABLE\b.*kernel_address 0xc0001000\b",
    "kernel_address_switcher": r"^KH_NEW_PGTABLE\b.*kernel_address 0xffc00000\b",
    "kernel_address_later": r"^KH_NEW_PGTABLE\b.*kernel_address 0x0*400001\b",
}
PER_BOOT = 7  # plus the bystander: the host's limit of eight programs
BYSTANDER_NAPS = 25  # 500 ms: alive while its neighbours die


def bad_groups():
    names = list(BAD_CASES)
    return [names[i:i + PER_BOOT] for i in range(0, len(names), PER_BOOT)]


def bad_boot(boots, case):
    number, group = next((i, g) for i, g in enumerate(bad_groups()) if case in g)
    runs = [launcher("bystander", BYSTANDER_NAPS)]
    runs += [launcher("paging_bad", name, name=name) for name in group]
    machine, status = boots.get("bad_%d" % number, runs)
    return machine, status, group


def expected_reason(machine, case):
    m = said(machine, case, r"paging_bad: %s: about to .* \(memory ends at (0x[0-9a-f]+)\)" % case)
    end = int(m.group(1), 16)
    return index_of(machine, m.group(0)), BAD_CASES[case].format(
        end="0x%x" % end, end5="0x%x" % (end + 5 * 4096))


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_entry_kills_only_its_guest(boots, case):
    machine, status, group = bad_boot(boots, case)
    about, reason = expected_reason(machine, case)
    dead = killed_line(machine, case, reason)
    assert about < dead, machine.tail()
    assert_no_result(machine, case)
    assert_result(machine, "bystander")
    assert dead < index_of(machine, "[bystander] Test result: SUCCESS"), (
        "the bystander had finished before %s died%s" % (case, machine.tail()))
    exits = exits_of(machine)
    assert exits[0] == ("/bin/launcher", LAUNCHER_POWEROFF), machine.tail()
    assert exits[1 + group.index(case)] == ("/bin/launcher", LAUNCHER_KILLED), machine.tail()
    assert len(exits) == 1 + len(group), machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE
