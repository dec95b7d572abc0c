#!/usr/bin/python3
#T:860 scripts/profile.py: `make profile OP=NAME [WORLD=native]`, where one
# benchmark operation's instructions go.
#
# NAME is an operation of pup's bench (G:730) or of the bench test guest
# (T:820), as `make bench` prints it; its number is its enum constant,
# OP_NAME, read from the benchmark's source, so nothing is typed twice.
# The machine is the one `make bench` boots (pup under kennel, or native
# with WORLD=native; the test guest's operations under kennel), with the
# profiling plugin (T:855) counting every instruction executed between
# that operation's markers. Each counted instruction is then given to a
# program by its bytes: the ELF files whose loaded image has exactly those
# bytes at that virtual address. That matters because the addresses alone
# do not say: every user program, the Launcher and pup's alike, is
# linked at 0x00400000 (the host's kernel and pup's no longer share
# addresses: 0xC01xxxxx and 0xD01xxxxx, G:100). An
# instruction found in more than one image is shown as ambiguous, under
# all their names; one found in none as unknown. The report gives the
# instructions per operation by part (host, Switcher, Launcher, guest
# kernel, guest user; natively only the last two are candidates) and the
# functions that cost most. Next: docs/bench.md.
import argparse
import collections
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench  # noqa: E402

ROOT = bench.ROOT
BUILD = ROOT / "build"
PLUGIN = BUILD / "tests" / "bench" / "profile_plugin.so"
SOURCES = {"pup": ROOT / "guest/user/bin/bench.c", "guest": ROOT / "tests/guests/bench.c"}


def op_numbers(source):
    """{name: number} from the benchmark's enum op_id."""
    body = re.search(r"enum op_id \{(.*?)\};", source.read_text(), re.S).group(1)
    numbers, value = {}, 0
    for item in (i.strip() for i in body.split(",")):
        if not item:
            continue
        name, _, start = item.partition("=")
        value = int(start, 0) if start else value
        numbers[name.strip()[3:].lower()] = value
        value += 1
    return numbers


class Image:
    """An ELF32 file's loaded bytes and its function symbols."""

    def __init__(self, part, path):
        self.part, self.name = part, path.name
        data = path.read_bytes()
        self.segments = []
        phoff, = struct.unpack_from("<I", data, 28)
        phentsize, phnum = struct.unpack_from("<HH", data, 42)
        for i in range(phnum):
            kind, offset, vaddr, _, filesz = struct.unpack_from("<IIIII", data, phoff + i * phentsize)
            if kind == 1:
                self.segments.append((vaddr, data[offset:offset + filesz]))
        nm = subprocess.run(["nm", "-n", "--defined-only", str(path)],
                            capture_output=True, text=True).stdout
        self.symbols = [(int(a, 16), s) for a, t, s in
                        (l.split()[:3] for l in nm.splitlines() if len(l.split()) >= 3)
                        if t in "TtWw"]

    def has(self, vaddr, code):
        for start, data in self.segments:
            if start <= vaddr and vaddr + len(code) <= start + len(data):
                return data[vaddr - start:vaddr - start + len(code)] == code
        return False

    def function(self, vaddr):
        best = "?"
        for address, name in self.symbols:
            if address > vaddr:
                break
            best = name
        return best


def images(world):
    found = [] if world == "native" else [Image("host", BUILD / "kennel.elf"),
                                          Image("Launcher", BUILD / "launcher" / "launcher")]
    found += [Image("guest kernel", BUILD / "guest" / "pup.elf"),
             Image("guest kernel", BUILD / "tests" / "guests" / "bench.elf")]
    found += [Image("guest user", p) for p in sorted((BUILD / "guest" / "user" / "bin").iterdir())
              if p.is_file() and not p.suffix]
    return found


def part_of(image, vaddr):
    return "Switcher" if image.part == "host" and vaddr >= 0xFFC00000 else image.part


def run(op, world):
    where = "guest" if op in op_numbers(SOURCES["guest"]) else "pup"
    number = op_numbers(SOURCES[where]).get(op)
    if number is None:
        sys.exit("profile: no operation %r; try one of: %s" % (
            op, " ".join(sorted(set(op_numbers(SOURCES["pup"])) | set(op_numbers(SOURCES["guest"]))))))
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "counts"
        plugin = ["-plugin", "%s,op=%d,out=%s" % (PLUGIN, number, out)]
        if where == "guest":
            args = bench.kernel_args(*bench.kennel_guest())
        elif world == "native":
            disk = pathlib.Path(tmp) / "disk.img"
            shutil.copy(BUILD / "guest" / "disk.img", disk)
            args = bench.native_pup(str(disk))
        else:
            args = bench.kernel_args(*bench.kennel_pup())
        console = bench.run_qemu(bench.ICOUNT + plugin + args)
        counts = out.read_text().splitlines()
    return where, bench.parse(console)[op], counts


def attribute(counts, world):
    """{(part, function): instructions}, and the rounds the plugin saw."""
    found, rounds, by_code = images(world), 0, collections.Counter()
    for line in counts:
        words = line.split()
        if words[0] == "rounds":
            rounds = int(words[1])
        else:
            by_code[(int(words[0], 16), bytes.fromhex(words[1]))] += int(words[2])
    totals = collections.Counter()
    for (vaddr, code), n in by_code.items():
        owners = [i for i in found if i.has(vaddr, code)]
        if not owners:
            key = ("unknown", "0x%08x" % vaddr)
        elif len(owners) == 1:
            key = (part_of(owners[0], vaddr), "%s:%s" % (owners[0].name, owners[0].function(vaddr)))
        else:
            key = ("ambiguous", " or ".join(sorted("%s:%s" % (i.name, i.function(vaddr))
                                                   for i in owners)))
        totals[key] += n
    return totals, rounds


def main():
    parser = argparse.ArgumentParser(description="instructions per function for one operation")
    parser.add_argument("op")
    parser.add_argument("--world", choices=["kennel", "native"], default="kennel")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    where, result, counts = run(args.op, args.world)
    world = "kennel" if where == "guest" else args.world
    totals, rounds = attribute(counts, world)
    per = rounds * result.ops
    print("%s on %s: %.1f instructions per operation by the benchmark (%d rounds of %d); "
          "per operation, with the loop:" % (args.op, world, result.per_op, rounds, result.ops))
    parts = collections.Counter()
    for (part, _), n in totals.items():
        parts[part] += n
    for part, n in parts.most_common():
        print("  %-12s %10.1f" % (part, n / per))
    print("functions:")
    for (part, function), n in totals.most_common(args.top):
        print("  %10.1f  %-12s %s" % (n / per, part, function))


if __name__ == "__main__":
    main()
