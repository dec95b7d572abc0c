#T:962 test_userfault.py boots guests on lazy memory (`launcher
# --lazy-memory`, L:725), whose pages get frames only when first touched.
#
# The ufault guest (T:961) checks from inside, with the host's counters,
# that each kind of first touch costs exactly what it should: a guest read
# one fault and a zero page, a later write one zero copy, a guest write
# one fault, the host's own touches (a hypercall's buffer, a trap frame on
# the guest's stack, a page table in a walk) one host fault each with the
# operation done again, and a zero page written through a second mapping
# seen through the first. It passes only with its SUCCESS line, the
# Launcher's own "powered off: SUCCESS", status 0, no frame left behind,
# and the Launcher's closing count agreeing with itself: every page it
# knows present was filled on demand or for the Launcher, and none was
# prefetched (a guest booted on zeroes has nothing to prefetch).
#
# With --lazy-memory=failfast the same guest names a fresh page and reads
# it: the host must kill it, and the Launcher's line must name that page.
#
# And pup, booted with 256 MiB of lazy memory, runs a command at its shell,
# its disk a copy in the Launcher's memory or a file on /var (whose blocks
# the Launcher read()s straight into guest memory); paused, the monitor's
# scan must find fewer than 10% of its RAM's pages populated, and exactly
# the pages the Launcher filled, which it prints when the monitor kills
# the guest. The Launcher must never have touched a page it had not
# filled first (the host says so on the console if it does). Logs: build/test-logs/<test>.log.
# Next: M:010.
import re

import pytest

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS, ROOT
from test_guests import (LAUNCHER_KILLED, assert_exits, assert_frames_balanced,
                         assert_no_result, assert_result, killed_line, lines_of, modules)
from test_storage import drive, host_disk

TIMEOUT = 60
PAGE = 4096
LAZY = re.compile(r"^launcher: lazy: (\d+) pages on demand, (\d+) prefetched, (\d+) remaining; "
                  r"(\d+) filled for the launcher, (\d+) of (\d+) present$", re.M)


def lazy_counts(machine):
    """The Launcher's one closing count of a guest that stopped."""
    found = [tuple(int(x) for x in m) for m in LAZY.findall(machine.output.replace("\r", ""))]
    assert len(found) == 1, (found, machine.tail())
    keys = ("on_demand", "prefetched", "remaining", "for_launcher", "present", "pages")
    return dict(zip(keys, found[0]))


def boot_ufault(qemu, mode, *args):
    run = ",".join(["/bin/launcher", "--mem", "4M", mode, "/guests/ufault.elf"] + list(args))
    machine = qemu(append="run=" + run, initrd=modules(["ufault"]))
    return machine, machine.wait_exit(timeout=TIMEOUT)


#T:963 Each count is exact: the guest's checks demand +1 of one counter and
# +0 of the others for each touch, and the Launcher's pages add up.
def test_first_touches_cost_exactly_one_fault_each(qemu):
    machine, status = boot_ufault(qemu, "--lazy-memory")
    assert_result(machine, "ufault")
    assert "[ufault] ufault: 0 failed checks" in lines_of(machine), machine.tail()
    counts = lazy_counts(machine)
    assert counts["prefetched"] == 0 and counts["remaining"] == 0, counts
    assert counts["present"] == counts["on_demand"] + counts["for_launcher"], counts
    # The fresh pages alone are 7 of them: each was filled on demand.
    assert counts["on_demand"] >= 7 and counts["present"] < counts["pages"], counts
    assert_exits(machine, [("/bin/launcher", 0)])
    assert_frames_balanced(machine)
    assert LAUNCHER_TOUCH not in machine.output, machine.tail()
    assert status == EXIT_SUCCESS, machine.tail()


def test_failfast_kills_the_guest_at_its_first_touch(qemu):
    machine, status = boot_ufault(qemu, "--lazy-memory=failfast", "failfast")
    touched = re.search(r"^\[ufault\] ufault: touching 0x([0-9a-f]{8})\r?$", machine.output,
                        re.M)
    assert touched, machine.tail()
    page = int(touched.group(1), 16)
    killed_line(machine, "ufault", r"\b0x0*%x\b" % page)
    assert_no_result(machine, "ufault")
    assert_exits(machine, [("/bin/launcher", LAUNCHER_KILLED)])
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE, machine.tail()


# ---- pup on 256 MiB of lazy memory -------------------------------------------

PROMPT = "kennel> "
PUP_PROMPT = "[pup] pup:/$ "
MONITOR_KEY = "\x1d"  # Ctrl-]
RAM = 256 << 20
PUP_LAZY = "run=/bin/monitor run=/bin/launcher,--mem,256M,--lazy-memory,%s,/guests/pup.elf"
# The disk a copy in the Launcher's memory (blocks copied into guest buffers
# with memcpy), or the file on /var (read() and write() straight into and
# out of guest buffers: a system call that would fail with EFAULT on a page
# not filled first).
DISKS = {"copy": "--snapshot-disk,/guests/disk.img", "file": "--disk,/var/pup.img"}
LAUNCHER_TOUCH = "its Launcher touched missing guest page"
PUP_MODULES = ["%s /bin/launcher" % (ROOT / "build/launcher/launcher"),
               "%s /guests/pup.elf" % (ROOT / "build/guest/pup.elf"),
               "%s /guests/disk.img" % (ROOT / "build/guest/disk.img"),
               "%s /bin/monitor" % (ROOT / "build/user/bin/monitor")]


def command(machine, line, timeout=20):
    machine.sendline(line)
    machine.expect(re.escape(line) + r"\r*\n", timeout=timeout)
    machine.expect_exact(PROMPT, timeout=timeout)
    return machine.child.before.replace("\r", "")


def scan_counts(out):
    head = re.search(r"^guest 0 \(pup\): (\d+) pages in \d+ runs of pages alike$", out, re.M)
    assert head, out
    counts = dict((m.group(1), int(m.group(2)))
                  for m in re.finditer(r"^  ([a-z-]+) +(\d+)$", out, re.M))
    return int(head.group(1)), counts


#T:964 pup on lazy memory: what it costs is what it touched. The guest is
# paused for the scan and killed right after, so the Launcher's closing
# count and the host's scan see the same memory.
@pytest.mark.parametrize("disk", sorted(DISKS))
def test_pup_on_lazy_memory_populates_only_what_it_touched(qemu, tmp_path, disk):
    extra = drive(host_disk(tmp_path, 8192, with_pup=True)) if disk == "file" else []
    machine = qemu(append=PUP_LAZY % DISKS[disk], initrd=PUP_MODULES, extra=extra)
    machine.expect_exact(PROMPT, timeout=TIMEOUT)
    machine.expect_exact('"poweroff" to stop.', timeout=90)
    machine.sendline("focus 0")
    machine.expect_exact(PUP_PROMPT, timeout=20)
    machine.sendline("cat /etc/motd")
    machine.expect_exact('"poweroff" to stop.', timeout=30)
    machine.expect_exact(PUP_PROMPT, timeout=30)
    machine.send(MONITOR_KEY)
    machine.expect_exact(PROMPT, timeout=10)
    command(machine, "pause 0")
    pages, counts = scan_counts(command(machine, "scan 0", timeout=60))
    assert pages > RAM // PAGE, (pages, counts)
    assert counts["present"] + counts["zero"] + counts["missing"] == pages, counts
    assert 0 < counts["present"] < RAM // PAGE // 10, counts
    # The monitor's prompt and the Launcher's last lines come in either order.
    machine.sendline("kill 0")
    waiting = [re.escape("monitor: guest 0 killed"), LAZY.pattern.strip("^$")]
    while waiting:
        waiting.pop(machine.expect(waiting, timeout=20))
    out = machine.output.replace("\r", "")
    assert "launcher: guest pup killed: killed from the monitor" in out, machine.tail()
    lazy = lazy_counts(machine)
    assert lazy["pages"] == pages, (lazy, counts)
    assert lazy["present"] == counts["present"] + counts["zero"], (lazy, counts)
    assert lazy["present"] == lazy["on_demand"] + lazy["for_launcher"], lazy
    machine.sendline("quit")
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE, machine.tail()  # a killed Launcher
    assert LAUNCHER_TOUCH not in machine.output, machine.tail()
