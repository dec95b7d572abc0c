#T:920 test_scan.py boots the scan guest (tests/guests/scan.c, T:914) with
# 64 MiB, once for each writer of its K = 1,000 pages: the guest, the host
# (a hypercall's result), the Launcher storing through its mapping, the
# Launcher's read() of a file straight into guest memory, and the
# Launcher's block device serving a virtio read into each page. Each boot
# must show the Launcher's lines for every op it was asked: every ABI case
# answered as Linux answers it, the three ways of resuming giving one set,
# and a check that found all 1,000 pages with none missed and none extra,
# then a second check finding none; and the guest's SUCCESS, which it
# gives only if every op's outcome was 0. Each writer runs again on lazy
# memory (`--lazy-memory`, L:725), where the K pages have no frame until
# first touched: the guest's and the host's writes fault them in, and the
# Launcher's own writes (a store, a read() into guest memory, a block
# read) must fill each page before touching it, which its closing count
# shows. Next: M:010.
import re

import pytest

from kennel_qemu import EXIT_SUCCESS, ROOT
from test_guests import assert_exits, assert_frames_balanced, assert_result, modules

K = 1000
CHECK = re.compile(r"^launcher: scan-test: check: (\d+) pages listed, (\d+) reported in (\d+) "
                   r"calls: (\d+) missed, (\d+) extra, (\d+) outside the range$", re.M)


LAZY = re.compile(r"^launcher: lazy: (\d+) pages on demand, 0 prefetched, 0 remaining; (\d+) "
                  r"filled for the launcher, (\d+) of \d+ present$", re.M)


@pytest.mark.parametrize("memory", ["eager", "lazy"])
@pytest.mark.parametrize("writer", ["guest", "host", "fill", "read", "block"])
def test_scan_reports_exactly_the_pages_written(qemu, writer, memory):
    disk = ["--snapshot-disk", "/guests/disk.img"] if writer == "block" else []
    lazy = ["--lazy-memory"] if memory == "lazy" else []
    run = ",".join(["/bin/launcher", "--mem", "64M", "--name", writer] + lazy + disk +
                   ["/guests/scan.elf", writer])
    initrd = modules(["scan"]) + ["%s /guests/disk.img" % (ROOT / "build/guest/disk.img")]
    machine = qemu(append="run=" + run, initrd=initrd)
    status = machine.wait_exit(timeout=120)
    out = machine.output.replace("\r", "")
    assert "launcher: scan-test: abi: 13 cases, 13 as Linux answers them" in out, machine.tail()
    assert "launcher: scan-test: arm: every page" in out, machine.tail()
    resume = re.search(r"^launcher: scan-test: resume: (\d+) pages in 1 call, (\d+) in (\d+) "
                       r"calls of 7 regions, (\d+) in (\d+) calls of 100 pages: (.*)$", out, re.M)
    assert resume, machine.tail()
    once, by_vec, vec_calls, by_max, max_calls, verdict = resume.groups()
    assert verdict == "the same set", resume.group(0)
    assert int(once) == int(by_vec) == int(by_max) >= K, resume.group(0)
    assert int(max_calls) >= K // 100 and int(vec_calls) > 1, resume.group(0)
    checks = [tuple(int(x) for x in m) for m in CHECK.findall(out)]
    assert len(checks) == 2, (checks, machine.tail())
    listed, reported, _, missed, extra, below = checks[0]
    assert (listed, missed, extra) == (K, 0, 0), checks[0]
    assert reported == K + below, checks[0]
    assert checks[1][0] == 0 and checks[1][3:5] == (0, 0), checks[1]
    if writer in ("fill", "read"):
        assert "launcher: scan-test: %s: %d pages written, 0 failed" % (writer, K) in out
    if memory == "lazy":
        # The K pages were fresh: the guest's own writers fault them in,
        # the Launcher's fill them itself before touching them.
        counts = [tuple(int(x) for x in m) for m in LAZY.findall(out)]
        assert len(counts) == 1, (counts, machine.tail())
        on_demand, for_launcher, present = counts[0]
        assert present == on_demand + for_launcher, counts[0]
        mine = for_launcher if writer in ("fill", "read", "block") else on_demand
        assert mine >= K, counts[0]
        assert "its Launcher touched missing guest page" not in out, machine.tail()
    assert_result(machine, writer)
    assert_exits(machine, [("/bin/launcher", 0)])
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS
