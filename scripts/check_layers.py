#!/usr/bin/env python3
#P:085 scripts/check_layers.py holds the tree to its layering (see
# docs/conventions.md, "Layers"): the OS beneath the hypervisor
# (host/kernel/) includes nothing of the hypervisor but its one init entry,
# host/hypervisor.h; the shared code (arch/x86/, lib/) includes nothing of
# any part; and no header includes itself through a chain of others. It
# reads every `#include "..."` of the tree's C files, so it knows nothing
# the compiler does not. `make check` runs it; each broken rule is one line
# naming the file and the include.
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SKIP_DIRS = {"build", ".git", "__pycache__", ".pytest_cache"}
OS_DIR = "host/kernel/"
OS_MAY_USE = {"host/hypervisor.h"}
SHARED = ("arch/", "lib/")
PARTS = ("host/", "guest/", "launcher/", "user/", "tests/", "switcher/")


def sources(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                path = os.path.join(top, name)
                yield os.path.relpath(path, root).replace(os.sep, "/")


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def layer_problems(path, incs):
    for inc in incs:
        if path.startswith(OS_DIR) and inc.startswith("host/") \
                and not inc.startswith(OS_DIR) and inc not in OS_MAY_USE:
            yield "%s includes %s: the OS may use only %s" % (
                path, inc, ", ".join(sorted(OS_MAY_USE)))
        if path.startswith(SHARED) and inc.startswith(PARTS):
            yield "%s includes %s: shared code includes no part" % (path, inc)


def find_cycle(graph):
    """A list of headers that include each other in a circle, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    graph, problems = {}, []
    for path in sources(root):
        incs = includes(root, path)
        problems.extend(layer_problems(path, incs))
        if path.endswith(".h"):
            graph[path] = [i for i in incs if i.endswith(".h")]
    cycle = find_cycle(graph)
    if cycle:
        problems.append("headers include each other: " + " -> ".join(cycle))
    for line in problems:
        print("check_layers: " + line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
