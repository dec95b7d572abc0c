#T:840 The benchmark as a regression check: the instruction counts of the
# paths that matter most (the null hypercall round trip, a trap reflected
# through the host, a direct system-call trap, and a context switch in pup)
# must stay within their budgets in tests/bench/budgets.txt. The
# counts come from the same programs `make bench` runs (T:820, G:730), each
# in one icount boot under kennel, so they are exact and a rerun gives the
# same numbers: nothing here is timed. A path that grew fails, naming the
# figure and its budget. Next: T:850, make profile.
import importlib.util
import pathlib

import pytest

from kennel_qemu import EXIT_SUCCESS

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUDGETS = ROOT / "tests" / "bench" / "budgets.txt"
SPEC = importlib.util.spec_from_file_location("kbench", ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)


def budgets():
    lines = [l.split() for l in BUDGETS.read_text().splitlines()]
    return {w[0]: int(w[1]) for w in lines if w and not w[0].startswith("#")}


def measured(qemu, args, prefix):
    kernel, append, initrd = args
    machine = qemu(kernel=kernel, append=append, initrd=initrd.split(","), icount=True)
    machine.expect(r"\[%s\] bench: end" % prefix, timeout=120)
    assert machine.wait_exit(timeout=60) == EXIT_SUCCESS, machine.tail()
    return bench.parse(machine.output)


def test_budgets_cover_the_check():
    assert set(budgets()) == {"hcall_null", "trap_reflected", "trap_direct", "ctx_2p"}


@pytest.mark.parametrize("world", ["guest", "pup"])
def test_paths_within_budget(qemu, world):
    if world == "guest":
        got = measured(qemu, bench.kennel_guest(), "bench")
    else:
        got = measured(qemu, bench.kennel_pup(), "pup")
    checked = 0
    for name, budget in budgets().items():
        if world == "guest" and name == "ctx_2p" or world == "pup" and name != "ctx_2p":
            continue
        assert name in got, "no figure for %s" % name
        per_op = got[name].per_op
        assert 0 < per_op <= budget, "%s: %.1f instructions, budget %d" % (name, per_op, budget)
        checked += 1
    assert checked == (3 if world == "guest" else 1)
