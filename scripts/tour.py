#!/usr/bin/python3
#P:050 scripts/tour.py turns the tagged comments of the tree into docs/tour.md.
#
# A tag is a chapter letter, a colon and three digits at the very start of a
# comment: `/*B:010` in C and linker scripts, `;S:010` in nasm, `#T:010` in
# Python, shell, gdb scripts and Makefiles. The fragments are printed chapter by chapter, each in
# number order, so the tour reads in a sensible order whatever file the code
# lives in. `make tour` runs it; `--check` only validates. Read
# docs/conventions.md for the rules it enforces.
import argparse
import os
import re
import sys
import textwrap

CHAPTERS = [
    ("P", "Preparation"),
    ("B", "Boot"),
    ("U", "Userland"),
    ("L", "Launcher"),
    ("H", "Host"),
    ("S", "Switcher"),
    ("V", "Virtual memory"),
    ("G", "Guest"),
    ("T", "Tests"),
    ("M", "Mastery"),
]
LETTERS = "".join(letter for letter, _ in CHAPTERS)

C_EXTS = {".c", ".h", ".ld"}
ASM_EXTS = {".asm", ".inc"}
HASH_EXTS = {".py", ".sh", ".gdb", ".mk"}
SKIP_DIRS = {"build", ".git", "docs", "__pycache__", ".pytest_cache"}

#P:060 Tags are checked in two steps. A loose pattern finds anything that
# looks like a tag (one or two letters, a colon, a digit); the strict
# pattern then decides whether it is a good one. "TODO: fix" or "0x10:" are
# not tag-like; "B:10", "X:010", "s:010" and "BB:010" are, and are errors.
# So is a tag in a comment that follows code on the same line.
LOOSE_TAG = re.compile(r"(\s?)([A-Za-z]{1,2}):(\d+)(.?)")
STRICT_TAG = re.compile(r"([%s]):(\d{3})(?=\s|:?$)" % LETTERS)

C_TOKENS = re.compile(
    r'"(?:\\.|[^"\\\n])*"'        # string literal
    r"|'(?:\\.|[^'\\\n])*'"       # character literal
    r"|//[^\n]*"                  # line comment: never a tag
    r"|/\*.*?(?:\*/|\Z)",         # block comment, maybe unterminated
    re.S)


def tag_like(text):
    """Match text if it starts with something meant as a tag, else None."""
    loose = LOOSE_TAG.match(text)
    if loose and len(loose.group(2)) == 2 and not loose.group(2).isupper():
        return None  # an ordinary word such as "ok:1"
    return loose


class Fragment:
    def __init__(self, tag, path, line, prose, code=None, lang=""):
        self.tag, self.path, self.line = tag, path, line
        self.prose, self.code, self.lang = prose, code, lang

    def key(self):
        return (LETTERS.index(self.tag[0]), int(self.tag[2:]))


class Scanner:
    def __init__(self):
        self.fragments = []
        self.errors = []
        self.seen = {}

    def error(self, path, line, message):
        self.errors.append("%s:%d: %s" % (path, line, message))

    def read_tag(self, text, path, line):
        """Return the tag starting text, or None. Reports malformed tags."""
        loose = tag_like(text)
        if not loose:
            return None
        strict = STRICT_TAG.match(text)
        if strict:
            return strict.group(0)
        space, letters, digits, after = loose.groups()
        if len(letters) != 1 or letters not in LETTERS:
            why = "chapter letter must be one of " + LETTERS
        elif len(digits) != 3:
            why = "want exactly three digits"
        elif space:
            why = "no space allowed between the comment opener and the tag"
        else:
            why = "the tag must be followed by a space"
        self.error(path, line, "malformed tour tag '%s:%s%s': %s"
                   % (letters, digits, after.strip(), why))
        return None

    def add(self, fragment):
        first = self.seen.get(fragment.tag)
        if first:
            self.error(fragment.path, fragment.line,
                       "duplicate tour tag %s (first at %s:%d)"
                       % (fragment.tag, first.path, first.line))
            return
        self.seen[fragment.tag] = fragment
        self.fragments.append(fragment)

    #P:070 C comments: the prose is the comment with its ` * ` decoration
    # removed. A comment ending in `:*/` also captures the code after it, up
    # to a line holding `/*:*/`, which shows up in the tour as a code block.
    def scan_c(self, path, text, lang):
        lines = text.split("\n")
        for token in C_TOKENS.finditer(text):
            body = token.group(0)
            if not body.startswith("/*"):
                continue
            line = text.count("\n", 0, token.start()) + 1
            closed = body.endswith("*/") and len(body) >= 4
            inner = body[2:-2] if closed else body[2:]
            tag = self.read_tag(inner, path, line)
            if not tag:
                continue
            if not closed:
                self.error(path, line, "comment with tag %s is never closed" % tag)
                continue
            inner = inner[len(tag):]
            capture = inner.endswith(":")
            if inner.strip() == ":":
                inner = ""  # a bare /*B:010:*/ has no prose of its own
            code = None
            if capture:
                end_line = text.count("\n", 0, token.end()) + 1
                code = self.capture_c(path, line, tag, lines, end_line)
                if code is None:
                    continue
            self.add(Fragment(tag, path, line, c_prose(inner), code, lang))

    def capture_c(self, path, line, tag, lines, after):
        for index in range(after, len(lines)):
            if "/*:*/" in lines[index]:
                code = textwrap.dedent("\n".join(lines[after:index]))
                return code.strip("\n")
        self.error(path, line, "code capture of %s is never closed by a /*:*/ line" % tag)
        return None

    #P:080 nasm and hash comments: a tagged comment line and the comment
    # lines right after it (until code, a blank line or another tag) form
    # the fragment. A tag-like text in a comment after code is an error,
    # since the tour would silently miss it.
    def scan_lines(self, path, text, opener):
        lines = text.split("\n")
        trailing = re.compile(r"\s%s" % re.escape(opener))
        index = 0
        while index < len(lines):
            stripped = lines[index].strip()
            if not stripped.startswith(opener):
                line = lines[index]
                if any(tag_like(line[m.end():]) for m in trailing.finditer(line)):
                    self.error(path, index + 1, "tour tag must open its own comment line")
                index += 1
                continue
            tag = self.read_tag(stripped[1:], path, index + 1)
            if not tag:
                index += 1
                continue
            start = index
            prose = [stripped[1 + len(tag):]]
            index += 1
            while index < len(lines):
                stripped = lines[index].strip()
                if not stripped.startswith(opener) or tag_like(stripped[1:]):
                    break
                prose.append(re.sub(r"^%s ?" % re.escape(opener), "", stripped))
                index += 1
            self.add(Fragment(tag, path, start + 1, tidy(prose)))

    def scan_file(self, root, rel):
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        ext = os.path.splitext(rel)[1]
        if ext in C_EXTS:
            self.scan_c(rel, text, "ld" if ext == ".ld" else "c")
        elif ext in ASM_EXTS:
            self.scan_lines(rel, text, ";")
        else:
            self.scan_lines(rel, text, "#")


def c_prose(inner):
    lines = inner.split("\n")
    rest = [re.sub(r"^\s*\*(?: |$)", "", line) for line in lines[1:]]
    return tidy([lines[0]] + rest)


def tidy(lines):
    """Strip the first line and shared indentation, keep paragraph breaks."""
    lines = [line.rstrip() for line in lines]
    first = lines[0].strip()
    rest = textwrap.dedent("\n".join(lines[1:])).split("\n") if lines[1:] else []
    return "\n".join([first] + rest).strip("\n")


def wanted(rel):
    name = os.path.basename(rel)
    ext = os.path.splitext(name)[1]
    return (ext in C_EXTS | ASM_EXTS | HASH_EXTS or name == "Makefile"
            or rel == os.path.join(".ci", "run"))


def source_files(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(top, name), root)
            if wanted(rel):
                yield rel


def slug(title):
    title = re.sub(r"[^\w\- ]", "", title.lower())
    return title.replace(" ", "-")


def render(fragments):
    present = [(l, n) for l, n in CHAPTERS if any(f.tag[0] == l for f in fragments)]
    out = ["# The kennel tour", "",
           "This is a guided reading of kennel's sources. Each section is one tagged",
           "comment from the tree; read them in order, with the file named in the",
           "heading open beside you. Chapters follow the path a reader takes from",
           "the build to the guest; numbers go up within each chapter.", "",
           "This file is generated by `make tour` from the tagged comments",
           "(see docs/conventions.md). Do not edit it: change the comments instead.", "",
           "## Contents", ""]
    for letter, name in present:
        title = "%s — %s" % (letter, name)
        out.append("- [%s](#%s)" % (title, slug(title)))
    for letter, name in present:
        out += ["", "## %s — %s" % (letter, name)]
        for frag in sorted((f for f in fragments if f.tag[0] == letter), key=Fragment.key):
            out += ["", "### %s — %s:%d" % (frag.tag, frag.path, frag.line)]
            if frag.prose:
                out += ["", frag.prose]
            if frag.code:
                out += ["", "```" + frag.lang, frag.code, "```"]
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Extract kennel's reading tour.")
    parser.add_argument("--check", action="store_true",
                        help="only validate the tags, write nothing")
    parser.add_argument("-o", "--output", help="write the tour here (default: stdout)")
    parser.add_argument("root", help="root of the kennel tree")
    args = parser.parse_args(argv)

    if not os.path.isdir(args.root):
        parser.error("%s is not a directory" % args.root)
    scanner = Scanner()
    for rel in source_files(args.root):
        scanner.scan_file(args.root, rel)
    if scanner.errors:
        for message in scanner.errors:
            print(message, file=sys.stderr)
        return 1
    if args.check:
        return 0
    text = render(scanner.fragments)
    if args.output:
        os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
