#T:070 The tour extractor has its own tests: a broken scripts/tour.py would
# quietly drop fragments from docs/tour.md, or let bad tags in. Each test
# writes a tiny tree into a temporary directory, runs the tool as `make tour`
# does, and looks at the exit status, stdout and stderr.
import pathlib
import subprocess
import sys

import pytest

TOUR = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "tour.py"


def make_tree(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run_tour(root, *args):
    return subprocess.run([sys.executable, str(TOUR), *args, str(root)],
                          capture_output=True, text=True, timeout=30)


GOOD = {
    "host/kernel/main.c": (
        "/*B:020 The second boot step.\n"
        " *\n"
        " * A second paragraph.\n"
        " */\n"
        "int x;\n"
        "/*B:010 The first boot step, with its code:*/\n"
        "void kernel_main(void)\n"
        "{\n"
        "\thalt_forever();\n"
        "}\n"
        "/*:*/\n"
        "int not_captured;\n"
    ),
    "switcher/switch.asm": (
        ";S:010 The Switcher saves the host.\n"
        "; It runs at 0xFFC00000.\n"
        "\tmov eax, cr3\n"
        "; an ordinary comment\n"
    ),
    "Makefile": "#P:010 How the tree is built.\n# Start here.\nall:\n",
    "tests/boot/test_x.py": "#T:010 A boot test.\nimport os\n",
    "scripts/x.gdb": "#P:020 A gdb script.\nset pagination off\n",
    ".ci/run": "#!/bin/bash\n#T:020 The CI entry point.\nmake check\n",
    "host/kernel/kernel.ld": "/*B:030 The linker script. */\nENTRY(start)\n",
    "build/junk.c": "/*B:010 a build product, skipped */\n",
    "docs/x.py": "#B:010 documentation, skipped\n",
}


def test_tags_in_chapter_and_number_order(tmp_path):
    make_tree(tmp_path, GOOD)
    result = run_tour(tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == [
        "### P:010 — Makefile:1",
        "### P:020 — scripts/x.gdb:1",
        "### B:010 — host/kernel/main.c:6",
        "### B:020 — host/kernel/main.c:1",
        "### B:030 — host/kernel/kernel.ld:1",
        "### S:010 — switcher/switch.asm:1",
        "### T:010 — tests/boot/test_x.py:1",
        "### T:020 — .ci/run:2",
    ]
    chapters = [line for line in out.splitlines() if line.startswith("## ")]
    assert chapters[1:] == ["## P — Preparation", "## B — Boot",
                            "## S — Switcher", "## T — Tests"]
    assert "make tour" in out and "#s--switcher" in out
    assert "Guest" not in out  # chapters without fragments are left out


def test_prose_and_captured_code(tmp_path):
    make_tree(tmp_path, GOOD)
    out = run_tour(tmp_path).stdout
    assert "The second boot step.\n\nA second paragraph.\n" in out
    assert " * " not in out
    assert "```c\nvoid kernel_main(void)\n{\n\thalt_forever();\n}\n```" in out
    assert "not_captured" not in out and "int x;" not in out
    assert "The Switcher saves the host.\nIt runs at 0xFFC00000.\n" in out
    assert "mov eax" not in out and "ordinary comment" not in out
    assert "How the tree is built.\nStart here." in out
    assert "skipped" not in out


def test_output_file_and_check(tmp_path):
    tree = tmp_path / "tree"
    make_tree(tree, GOOD)
    target = tmp_path / "out" / "tour.md"
    result = run_tour(tree, "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text().startswith("# ")
    check = run_tour(tree, "--check")
    assert check.returncode == 0
    assert check.stdout == "" and check.stderr == ""


def test_duplicate_tag_names_both_files(tmp_path):
    make_tree(tmp_path, {
        "host/a.c": "int a;\n/*H:010 first */\n",
        "launcher/b.py": "#H:010 second\n",
    })
    result = run_tour(tmp_path, "--check")
    assert result.returncode == 1
    assert "H:010" in result.stderr
    assert "host/a.c:2" in result.stderr
    assert "launcher/b.py:1" in result.stderr


@pytest.mark.parametrize("rel,text", [
    ("a.c", "/*B:10 two digits */\n"),
    ("a.c", "/*B:0100 four digits */\n"),
    ("a.c", "/*X:010 unknown chapter */\n"),
    ("a.c", "/*b:010 lower case */\n"),
    ("a.c", "/*BB:010 two letters */\n"),
    ("a.c", "/* B:010 space before the tag */\n"),
    ("a.h", "/*B:010x glued */\n"),
    ("a.ld", "/*Q:010 linker script */\n"),
    ("a.asm", ";s:010 lower case nasm\n"),
    ("a.inc", ";S:01 nasm\n"),
    ("a.py", "# B:0100 python\n"),
    ("a.sh", "#!/bin/sh\n#Z:010 shell\n"),
    ("Makefile", "#P:1 make\n"),
    ("a.asm", "\tmov eax, 1 ;S:010 after code\n"),
])
def test_malformed_tags_fail(tmp_path, rel, text):
    make_tree(tmp_path, {rel: text})
    result = run_tour(tmp_path, "--check")
    assert result.returncode == 1
    assert result.stderr.startswith(rel + ":"), result.stderr


def test_unclosed_capture_fails(tmp_path):
    make_tree(tmp_path, {"host/c.c": "int a;\n/*H:020 code:*/\nint b;\n"})
    result = run_tour(tmp_path)
    assert result.returncode == 1
    assert "host/c.c:2:" in result.stderr and "/*:*/" in result.stderr
    assert result.stdout == ""


def test_ordinary_comments_are_not_flagged(tmp_path):
    make_tree(tmp_path, {
        "a.c": ("/* 0x10: the port */\n/* TODO: later */\n/* ok:1 */\n"
                "/*: */\n// B:10 line comments are not tags\n"
                "char *s = \"/*B:1 in a string */\";\n"
                "/*B:010 real\n * B:10 in the middle is prose\n */\n"),
        "a.asm": "; eax: 0 on entry\n\tmov eax, 1 ; note: 3 items\n",
        "a.py": "#!/usr/bin/python3\n# note: 3 items\nn = len(x)  # ok:2\n",
        "a.sh": "echo ${#list[@]}\n# see: 10 lines below\n",
        "Makefile": "# vars: 2\nall: ; @echo done\n",
        "notes.txt": "#B:1 not a source file\n",
    })
    result = run_tour(tmp_path, "--check")
    assert result.returncode == 0, result.stderr


def test_bad_root_is_an_error(tmp_path):
    result = run_tour(tmp_path / "missing")
    assert result.returncode != 0


def test_nasm_fragment_captures_code(tmp_path):
    make_tree(tmp_path, {"switcher/s.asm": (
        ";S:010 Into the guest:\n"
        ";:\n"
        "enter:\n"
        "\tpop eax\t\t; the guest's eax\n"
        "\tiret\n"
        ";:\n"
        "\tnop\n"
        ";S:020 Out again, prose only.\n"
        "\thlt\n"
    )})
    result = run_tour(tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("Into the guest:\n\n```nasm\nenter:\n\tpop eax\t\t; the guest's eax\n"
            "\tiret\n```") in out
    assert "nop" not in out and "hlt" not in out and ";:" not in out
    assert "Out again, prose only.\n" in out


def test_unclosed_nasm_capture_fails(tmp_path):
    make_tree(tmp_path, {"s.asm": ";S:010 code:\n;:\n\tiret\n"})
    result = run_tour(tmp_path, "--check")
    assert result.returncode == 1
    assert result.stderr.startswith("s.asm:1:") and ";:" in result.stderr


DANGLING = {
    "host/a.c": "/*H:010 The loop; its helpers are H:020 and H:030. */\n",
    "host/b.c": "int b;\n/* untagged, but it cites H:040 */\n/*H:020 helper */\n",
    "switcher/s.asm": "\tiret\t\t; back to run_guest (H:050)\n",
    "Makefile": "#P:010 Build it. See B:060.\n",
    "docs/design.md": "# Design\n\nThe loop (H:010), the Switcher (S:070).\n",
    "docs/tour.md": "generated: its H:999 is never read\n",
}


@pytest.mark.parametrize("missing,where", [
    ("H:030", "host/a.c:1:"), ("H:040", "host/b.c:2:"), ("H:050", "switcher/s.asm:1:"),
    ("B:060", "Makefile:1:"), ("S:070", "docs/design.md:3:"),
])
def test_reference_to_missing_tag_fails(tmp_path, missing, where):
    make_tree(tmp_path, DANGLING)
    result = run_tour(tmp_path, "--check")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if missing in line]
    assert lines == [where + " reference to tour tag %s, which does not exist" % missing]
    assert "H:999" not in result.stderr  # docs/tour.md is output, not input
    for tag in ("H:030", "H:040", "H:050", "B:060", "S:070"):
        rel = "switcher/t.asm" if tag[0] == "S" else "tags/%s.c" % tag[2:]
        make_tree(tmp_path, {rel: ";%s now it exists\n" % tag if tag[0] == "S"
                             else "/*%s now it exists */\n" % tag})
    fixed = run_tour(tmp_path, "--check")
    assert fixed.returncode == 0, fixed.stderr


CHAIN = {
    "Makefile": "#P:010 The build. Next: %s.\n",
    "host/kernel/boot.asm": ";B:010 Boot. Next: the userland, U:010.\n",
    "host/kernel/proc.c": "/*U:010 Processes. Next: the Launcher, launcher/l.c. */\n",
    "launcher/l.c": "int x;\n/*L:010 The Launcher. */\n",
}


@pytest.mark.parametrize("target,ok", [
    ("B:010", True),                        # the next chapter
    ("P:010", True),                        # the same chapter
    ("host/kernel/boot.asm", True),         # a file: its opening fragment, B:010
    ("U:010", False),                       # skips B
    ("the Launcher, L:010", False),         # skips B and U
    ("launcher/l.c", False),                # a file in L: skips too
])
def test_next_may_not_skip_a_chapter(tmp_path, target, ok):
    files = dict(CHAIN)
    files["Makefile"] = files["Makefile"] % target
    make_tree(tmp_path, files)
    result = run_tour(tmp_path, "--check")
    if ok:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 1
        assert result.stderr.startswith("Makefile:1: P:010's Next: leads to "), result.stderr
        assert "it must stay in chapter P or B" in result.stderr


def test_next_may_not_go_back_a_chapter(tmp_path):
    files = dict(CHAIN, Makefile="#P:010 The build. Next: B:010.\n")
    files["launcher/l.c"] = "/*L:010 The Launcher. Next: back to U:010. */\n"
    make_tree(tmp_path, files)
    result = run_tour(tmp_path, "--check")
    assert result.returncode == 1
    assert result.stderr == ("launcher/l.c:1: L:010's Next: leads to U:010; "
                             "it must stay in chapter L or H\n")
    files["launcher/l.c"] = "/*L:010 The Launcher. It runs on U:010's processes. */\n"
    make_tree(tmp_path, files)
    assert run_tour(tmp_path, "--check").returncode == 0
