#T:787 test_gmap.py: the guest memory object's reference counts (V:300),
# judged from outside, with the host's frame poisoning on (B:115).
#
# The poison check must fire: poison=test frees a frame, writes into it
# and allocates it again, and the host must name that frame and word. Then
# `churn N memory` (T:750) creates and destroys guests whose shadows fill
# and are evicted, whose hypercall results the host copies in, and pups
# killed while they read their disks, all under poison=1. The host asserts
# at each teardown that every count is zero (a leak stops it with a BUG,
# which fails the boot); the test asks that the host's free frames end
# exactly where they were after the warm-up and at the end of the
# programs, and that no frame was written after it was freed. `churn N
# lazy` does the same with guests on lazy memory (V:560), killed while
# faults are outstanding.
import re

from kennel_qemu import EXIT_SUCCESS
from test_guests import (append_of, module, modules, assert_frames_balanced, exits_of)

VIOLATION = re.compile(r"^poison violation at frame 0x[0-9a-f]+", re.M)
CHURN_GUESTS = 90
CHURN_TIMEOUT = 300


def test_poison_selftest_reports_the_frame(qemu):
    machine = qemu(append="poison=test", name="test_gmap_poison")
    status = machine.wait_exit(timeout=60)
    m = re.search(r"^poison: self-test: frame (0x[0-9a-f]+) freed, written at word 7, "
                  r"allocated again as (0x[0-9a-f]+)$", machine.output, re.M)
    assert m, machine.tail()
    assert m.group(1) == m.group(2), m.group(0)
    assert re.search(r"^poison violation at frame %s: word 7 is 0x5ca1ab1e, written after "
                     r"the frame was freed$" % m.group(1), machine.output, re.M), machine.tail()
    assert len(VIOLATION.findall(machine.output)) == 1, machine.tail()
    assert status == EXIT_SUCCESS


def churn(qemu, count, mode, kinds, name):
    """Boot with poison=1 and run `churn COUNT MODE`; its line must say a
    third of each kind (named by kinds), no wrong status, and the free
    frames the same after warm-up and at the end."""
    runs = ["/bin/churn,%d,%s" % (count, mode)]
    initrd = modules(["paging_churn", "hcalls"], programs=["churn"])
    initrd += [module("guest/pup.elf", "/guests/pup.elf"), module("guest/disk.img", "/guests/disk.img")]
    machine = qemu(append="poison=1 " + append_of(runs), name=name, initrd=initrd)
    status = machine.wait_exit(timeout=CHURN_TIMEOUT)
    third = count // 3
    m = re.search(r"^churn: %d %s guests: %d %s, %d %s, %d %s, 0 wrong statuses; free frames "
                  r"after warm-up (\d+), at the end (\d+)$"
                  % (count, mode, third, kinds[0], third, kinds[1], third, kinds[2]),
                  machine.output, re.M)
    assert m, machine.tail()
    assert m.group(1) == m.group(2), m.group(0)
    return machine, status


def test_memory_churn_leaves_every_frame_and_no_poison(qemu):
    third = CHURN_GUESTS // 3
    machine, status = churn(qemu, CHURN_GUESTS, "memory",
                            ("paging", "hypercalls", "pups killed mid-run"), "test_gmap_churn")
    assert "poison: freed frames are filled with 0xdeadf4ee" in machine.output, machine.tail()
    assert not VIOLATION.search(machine.output), VIOLATION.search(machine.output).group(0)
    assert len(re.findall(r"^\[pup\] ", machine.output, re.M)) > 0, "no pup got far enough to speak"
    assert len(re.findall(r"^\[paging\] Test result: SUCCESS$", machine.output, re.M)) == third
    assert len(re.findall(r"^\[hcalls\] Test result: SUCCESS$", machine.output, re.M)) == third
    assert exits_of(machine) == [("/bin/churn", 0)], machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


LAZY_CHURN_GUESTS = 30


def test_lazy_churn_leaves_every_frame_and_no_launcher_waiting(qemu):
    """`churn N lazy` (T:750): guests on memory filled when touched, one
    third killed by the host at their first missing page (fail-fast), one
    third pups killed while pages are outstanding, under poison=1. A
    Launcher left waiting would hang the churn; a frame left behind, the
    counts; a frame written after its free, the poison check."""
    third = LAZY_CHURN_GUESTS // 3
    machine, status = churn(qemu, LAZY_CHURN_GUESTS, "lazy",
                            ("paging", "failing fast", "pups killed mid-run"),
                            "test_gmap_lazy_churn")
    assert not VIOLATION.search(machine.output), VIOLATION.search(machine.output).group(0)
    assert len(re.findall(r"^\[paging\] Test result: SUCCESS$", machine.output, re.M)) == third
    failfast = re.findall(r"^launcher: guest failfast killed: (.*)$", machine.output, re.M)
    assert len(failfast) == third, machine.tail()
    assert all(re.match(r"the guest touched missing guest page 0x[0-9a-f]+000 and the "
                        r"userfault handle fails fast$", f) for f in failfast), failfast[:3]
    assert exits_of(machine) == [("/bin/churn", 0)], machine.tail()
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
