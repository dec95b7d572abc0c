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
