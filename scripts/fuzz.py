#!/usr/bin/env python3
#T:780 scripts/fuzz.py: `make fuzz ITER=N SEED=S` runs N fuzz guests
# (tests/guests/fuzz.c, T:760) one after another under user/bin/fuzzrun
# (T:770), beside a canary, in one boot of the host, and reports:
#
#   fuzz: seeds S..S+N-1, C rounds each: G guests, H hypercalls handled,
#         X host crashes, Y canary disturbances (R canaries), Z frames leaked
#   fuzz: kills by reason: (count, reason with numbers as N), ...
#
# H adds up every fuzz guest's --stats hypercall counters; a host crash
# is a QEMU status other than the host's own power-off (33 or 35), or no
# "kennel: powering off" line, or a fault report; Z adds the host's frame
# difference over the boot and fuzzrun's over its guests. INTLOG=1 also
# runs the interrupt-log oracle (T:720) over the boot (large for long
# runs). Exit status 0 only if X, Y and Z are 0 (and the oracle agrees).
# The boot tests call run() for a short run (test_hostile.py).
import argparse
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "boot"))

import int_oracle  # noqa: E402
from kennel_qemu import Qemu  # noqa: E402

BUILD = ROOT / "build"
MODULES = [("user/bin/fuzzrun", "/bin/fuzzrun"), ("launcher/launcher", "/bin/launcher"),
           ("tests/guests/fuzz.elf", "/guests/fuzz.elf"),
           ("tests/guests/bystander.elf", "/guests/bystander.elf")]


def normalise(reason):
    return re.sub(r"\b(0x[0-9a-f]+|\d+)\b", "N", reason)


def run(seed, guests, rounds, int_log=False, timeout=None, name="fuzz"):
    """One boot; returns (report dict, machine)."""
    initrd = ["%s %s" % (BUILD / path, mod) for path, mod in MODULES]
    machine = Qemu(append="run=/bin/fuzzrun,%d,%d,%d" % (seed, guests, rounds),
                   initrd=initrd, name=name, int_log=int_log)
    try:
        machine.child.expect(r"kennel: powering off \((success|failure)\)",
                             timeout=timeout or max(120, guests * 2))
        machine.child.expect(__import__("pexpect").EOF, timeout=30)
    except Exception:  # noqa: BLE001 - a hang or crash is reported, not raised
        pass
    machine.close()
    status = machine._reap() if not machine.child.isalive() else None
    out = machine.output
    hypercalls = sum(int(n) for n in re.findall(
        r"^launcher: fz\d+ stats: hypercall\[\d+\] (\d+)$", out, re.M))
    kills = collections.Counter(normalise(r) for r in re.findall(
        r"^launcher: guest fz\d+ killed: (.*)$", out, re.M))
    frames = dict((w, int(n)) for n, w in re.findall(
        r"kennel: (\d+) frames free (before|after) the programs", out))
    summary = re.search(r"^fuzzrun: (\d+) guests, (\d+) survived, (\d+) killed, (\d+) crashed, "
                        r"(\d+) bad statuses; (\d+) canaries, (\d+) disturbed; free frames at "
                        r"the start (\d+), at the end (\d+)$", out, re.M)
    crashed = status not in (33, 35) or "kennel: powering off" not in out or \
        bool(re.search(r"^kennel: (panic|fault|BUG)", out, re.M)) or not summary
    leaked = (frames.get("before", 0) - frames.get("after", 0)) if len(frames) == 2 else -1
    if summary:
        leaked += int(summary.group(8)) - int(summary.group(9))
    report = {
        "guests": int(summary.group(1)) if summary else 0,
        "survived": int(summary.group(2)) if summary else 0,
        "hypercalls": hypercalls, "kills": kills, "crashes": int(crashed),
        "canaries": int(summary.group(6)) if summary else 0,
        "disturbed": int(summary.group(7)) if summary else 0,
        "bad_statuses": int(summary.group(5)) if summary else 0,
        "leaked": leaked, "status": status, "oracle": [],
    }
    if int_log and machine.int_log and machine.int_log.exists():
        report["oracle"] = int_oracle.check_log(machine.int_log)[1]
    return report, machine


def report_lines(r, seed, guests, rounds):
    yield ("fuzz: seeds %d..%d, %d rounds each: %d guests (%d survived), %d hypercalls "
           "handled, %d host crashes, %d canary disturbances (%d canaries), %d frames leaked, "
           "%d bad Launcher statuses, %d oracle violations"
           % (seed, seed + guests - 1, rounds, r["guests"], r["survived"], r["hypercalls"],
              r["crashes"], r["disturbed"], r["canaries"], r["leaked"], r["bad_statuses"],
              len(r["oracle"])))
    yield "fuzz: kills by reason:"
    for reason, n in r["kills"].most_common():
        yield "  %6d  %s" % (n, reason)


def ok(r):
    return not (r["crashes"] or r["disturbed"] or r["leaked"] or r["bad_statuses"] or r["oracle"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iter", type=int, default=100, help="fuzz guests")
    ap.add_argument("--rounds", type=int, default=3000)
    ap.add_argument("--int-log", action="store_true")
    a = ap.parse_args()
    r, machine = run(a.seed, a.iter, a.rounds, a.int_log)
    for line in report_lines(r, a.seed, a.iter, a.rounds):
        print(line)
    print("fuzz: console log %s" % machine.console.log.name)
    return 0 if ok(r) else 1


if __name__ == "__main__":
    sys.exit(main())
