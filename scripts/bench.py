#!/usr/bin/python3
#T:830 scripts/bench.py: `make bench`, pup native against pup on kennel.
#
# Three machines, each under QEMU's -icount shift=0,sleep=off, where the
# guest's rdtsc advances by exactly one per instruction executed (every
# ring: pup, its programs, the host, the Switcher, the Launcher):
#
#   native   pup.elf by QEMU's -kernel, init=/bin/bench, on a scratch
#            copy of the disk
#   kennel   the host by -kernel, one Launcher with the same pup.elf and
#            disk image, init=/bin/bench as the guest's command line
#   guest    the host with the bench test guest (tests/guests/bench.c)
#
# Each prints "bench: NAME OPS TOTAL EMPTY" lines (G:730, T:820); an
# operation costs (TOTAL - EMPTY) / OPS instructions. The table gives both
# worlds, the ratio and the extra instructions kennel adds. Because every
# figure is an instruction count in a deterministic machine, a rerun
# prints the same table. Then, for the record, wall time from QEMU's start
# to pup's first prompt, the median of several boots in each world
# (without icount: this one is real time and varies), and how many host
# frames each guest beyond the first costs. --markdown FILE writes the
# same as a Markdown table, which docs/bench.md records. The regression
# check (T:840) imports this file for the command lines and the parser.
# Next: the results, docs/bench.md.
import argparse
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
QEMU = "qemu-system-i386"
BASE = ["-display", "none", "-serial", "stdio", "-monitor", "none", "-net", "none",
        "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "256M"]
ICOUNT = ["-icount", "shift=0,sleep=off"]
LINE = re.compile(r"^(?:\[\w+\] )?bench: (\w+) (\d+) (\d+) (\d+)\s*$", re.M)
PUP_MEM = "32M"


def launcher_run(guest, *words, mem=PUP_MEM, disk=None, name=None):
    """The host's run= option starting a Launcher on /guests/GUEST.elf."""
    args = ["/bin/launcher", "--mem", mem]
    if name:
        args += ["--name", name]
    if disk:
        args += ["--snapshot-disk", disk]  # a module: read-only, served from memory
    return "run=" + ",".join(args + ["/guests/%s.elf" % guest] + list(words))


PUP_MODULES = ["build/launcher/launcher /bin/launcher", "build/guest/pup.elf /guests/pup.elf",
               "build/guest/disk.img /guests/disk.img"]


def kennel_pup(init="init=/bin/bench", guests=1):
    """(kernel, append, initrd) for the host running pup under kennel."""
    runs = [launcher_run("pup", init, disk="/guests/disk.img",
                         name="pup" if guests == 1 else "pup%d" % g)
            for g in range(guests)]
    return "build/kennel.elf", " ".join(runs), ",".join(PUP_MODULES)


def kennel_guest():
    """(kernel, append, initrd) for the host running the bench test guest."""
    return ("build/kennel.elf", launcher_run("bench", mem="4M"),
            "build/launcher/launcher /bin/launcher,build/tests/guests/bench.elf /guests/bench.elf")


def native_pup(disk, init="init=/bin/bench"):
    return ["-kernel", "build/guest/pup.elf", "-append", init,
            "-drive", "file=%s,format=raw,if=ide,cache=unsafe" % disk]


def kernel_args(kernel, append, initrd):
    return ["-kernel", kernel, "-append", append, "-initrd", initrd]


class Result:
    def __init__(self, ops, total, empty):
        self.ops, self.total, self.empty = ops, total, empty

    @property
    def per_op(self):
        return (self.total - self.empty) / self.ops


def parse(text):
    """{name: Result} from a console's bench lines."""
    return {m.group(1): Result(*map(int, m.group(2, 3, 4))) for m in LINE.finditer(text)}


def run_qemu(args, timeout=600):
    done = subprocess.run([QEMU] + BASE + args, cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", timeout=timeout)
    if done.returncode != 33 or "bench: end" not in done.stdout:
        sys.exit("bench: QEMU %s exited %d without finishing:\n%s" %
                 (" ".join(args), done.returncode, done.stdout[-3000:]))
    return done.stdout


def measure():
    with tempfile.TemporaryDirectory() as tmp:
        disk = pathlib.Path(tmp) / "disk.img"
        shutil.copy(BUILD / "guest" / "disk.img", disk)
        native = parse(run_qemu(ICOUNT + native_pup(str(disk))))
    kennel = parse(run_qemu(ICOUNT + kernel_args(*kennel_pup())))
    guest = parse(run_qemu(ICOUNT + kernel_args(*kennel_guest())))
    return native, kennel, guest


#T:835 Boot time is wall time, the one figure here that is not an
# instruction count: from starting QEMU to the first prompt on its console.
def time_to_prompt(args, prompt):
    start = time.monotonic()
    proc = subprocess.Popen([QEMU] + BASE + args, cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = b""
    try:
        while prompt not in seen:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                sys.exit("bench: QEMU ended before the prompt:\n%s" % seen[-2000:].decode())
            seen += chunk
        return time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()


def boot_times(runs):
    native, kennel = [], []
    with tempfile.TemporaryDirectory() as tmp:
        disk = pathlib.Path(tmp) / "disk.img"
        for _ in range(runs):
            shutil.copy(BUILD / "guest" / "disk.img", disk)
            native.append(time_to_prompt(native_pup(str(disk), init=""), b"pup:/$ "))
            kennel.append(time_to_prompt(kernel_args(*kennel_pup(init="")), b"[pup] pup:/$ "))
    return statistics.median(native), statistics.median(kennel)


#T:837 The host's disk (/var, host/kernel/ata.c and lib/pupfs*.c): bigfile
# writes DISK_MIB MiB and reads them back on a fresh host disk, twice.
# Under -icount it reports how many TSC ticks each step kept the machine
# busy (its ticks less those the host spent halted waiting for the disk):
# one tick is one instruction there, so that is instructions per KiB,
# exactly. Its time is not worth reading there, since QEMU warps the clock
# across the halts; so MiB/s comes from a run without -icount, in TCG
# wall time, which misprices instructions: a rough scale, not a target.
DISK_MIB = 16
DISK_TIME = re.compile(r"^bigfile: (wrote|checked) \d+ bytes (?:to|of) /var/big in (\d+) ms", re.M)
DISK_BUSY = re.compile(r"^bigfile: (write|check) busy \d+ TSC ticks, (\d+) per KiB", re.M)


def disk_run(icount):
    with tempfile.TemporaryDirectory() as tmp:
        disk, empty = pathlib.Path(tmp) / "host-disk.img", pathlib.Path(tmp) / "empty"
        empty.mkdir()
        subprocess.run([str(BUILD / "guest" / "mkpupfs"), str(disk), str(DISK_MIB * 2048),
                        str(empty)], check=True, capture_output=True)
        args = (ICOUNT if icount else []) + [
            "-kernel", "build/kennel.elf", "-append", "run=/bin/bigfile,both,/var/big,%d" % DISK_MIB,
            "-initrd", "build/user/bin/bigfile /bin/bigfile",
            "-drive", "file=%s,format=raw,if=ide" % disk]
        done = subprocess.run([QEMU] + BASE + args, cwd=ROOT, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, errors="replace", timeout=900)
    times, busy = dict(DISK_TIME.findall(done.stdout)), dict(DISK_BUSY.findall(done.stdout))
    if done.returncode != 33 or len(times) != 2 or len(busy) != 2:
        sys.exit("bench: the disk run failed (QEMU %d):\n%s" % (done.returncode, done.stdout[-2000:]))
    return times, busy


def disk_throughput():
    times, _ = disk_run(icount=False)
    _, busy = disk_run(icount=True)
    rows = ["", "| host disk, %d MiB file (bigfile) | instructions per KiB (-icount) | "
            "TCG wall ms | MiB/s (TCG wall) |" % DISK_MIB, "|---|---:|---:|---:|"]
    for t, b, label in (("wrote", "write", "write + fsync"), ("checked", "check", "read + compare")):
        ms = int(times[t])
        rows.append("| %s | %s | %d | %.1f |" % (label, busy[b], ms, DISK_MIB * 1000.0 / ms))
    return "\n".join(rows)


def qemu_version():
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0]


def table(native, kennel, guest):
    rows = ["| operation | native | kennel | ratio | extra |", "|---|---:|---:|---:|---:|"]
    for name, k in kennel.items():
        n = native.get(name)
        if n is None:
            continue
        ratio = k.per_op / n.per_op if n.per_op > 0 else float("nan")
        rows.append("| %s | %.1f | %.1f | %.2fx | %+.1f |" %
                    (name, n.per_op, k.per_op, ratio, k.per_op - n.per_op))
    rows += ["", "| hypervisor path (test guest) | kennel |", "|---|---:|"]
    for name, g in guest.items():
        rows.append("| %s | %.1f |" % (name, g.per_op))
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description="pup native against pup on kennel")
    parser.add_argument("--boot-runs", type=int, default=5,
                        help="boots per world for the time to the prompt (0: skip)")
    parser.add_argument("--markdown", type=pathlib.Path, help="also write the table here")
    args = parser.parse_args()
    native, kennel, guest = measure()
    lines = [qemu_version() + ", -icount shift=0,sleep=off; instructions per operation",
             "", table(native, kennel, guest)]
    lines.append(disk_throughput())
    if args.boot_runs:
        n, k = boot_times(args.boot_runs)
        lines += ["", "boot to the first prompt, wall time, median of %d: native %.2f s, "
                  "kennel %.2f s" % (args.boot_runs, n, k)]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
