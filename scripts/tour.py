#!/usr/bin/python3
#P:050 scripts/tour.py turns the tagged comments of the tree into docs/tour.md.
#
# A tag is a chapter letter, a colon and three digits at the very start of a
# comment: `/*B:010` in C and linker scripts, `;S:010` in nasm, `#T:010` in
# Python, shell, gdb scripts and Makefiles. The fragments are printed chapter by chapter, each in
# number order, so the tour reads in a sensible order whatever file the code
# lives in. `make tour` runs it; `--check` only validates. Both refuse a
# tree whose tags are malformed or duplicated (P:060), whose comments cite a
# tag that does not exist, or whose "Next:" sends the reader past a chapter
# (P:083); docs/conventions.md states the rules.
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
# A reference is a tag standing as a word of its own anywhere in a comment
# or a document: "(H:200)", "see V:100.", "V:100-V:190" (two references).
REFERENCE = re.compile(r"(?<![\w:])[%s]:\d{3}(?!\w)" % LETTERS)

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


def chapter(tag):
    return LETTERS.index(tag[0])


class Fragment:
    def __init__(self, tag, path, line, prose, code=None, lang=""):
        self.tag, self.path, self.line = tag, path, line
        self.prose, self.code, self.lang = prose, code, lang

    def key(self):
        return (chapter(self.tag), int(self.tag[2:]))


class Scanner:
    def __init__(self):
        self.fragments = []
        self.errors = []
        self.seen = {}
        self.references = []  # (path, line, tag) of every tag cited

    def cite(self, path, line, text):
        """Remember the tags text refers to; text starts on line."""
        for m in REFERENCE.finditer(text):
            self.references.append((path, line + text.count("\n", 0, m.start()), m.group(0)))

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
            line = text.count("\n", 0, token.start()) + 1
            if body.startswith(("/*", "//")):
                self.cite(path, line, body)
            if not body.startswith("/*"):
                continue
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
    # since the tour would silently miss it. If the fragment's last comment
    # line is the marker alone (`;:` in nasm, `#:` elsewhere), the code
    # after it is part of the fragment too, up to the next such marker
    # line: the nasm form of `:*/ ... /*:*/`.
    def scan_lines(self, path, text, opener, lang):
        lines = text.split("\n")
        trailing = re.compile(r"\s%s" % re.escape(opener))
        marker = opener + ":"
        index = 0
        while index < len(lines):
            stripped = lines[index].strip()
            if not stripped.startswith(opener):
                line = lines[index]
                after = [m.end() for m in trailing.finditer(line)]
                if after:
                    self.cite(path, index + 1, line[after[0]:])
                if any(tag_like(line[end:]) for end in after):
                    self.error(path, index + 1, "tour tag must open its own comment line")
                index += 1
                continue
            self.cite(path, index + 1, stripped)
            tag = self.read_tag(stripped[1:], path, index + 1)
            if not tag:
                index += 1
                continue
            start = index
            prose = [stripped[1 + len(tag):]]
            code = None
            index += 1
            while index < len(lines):
                stripped = lines[index].strip()
                if stripped == marker:
                    code = self.capture_lines(path, start + 1, tag, lines, index + 1, marker)
                    break
                if not stripped.startswith(opener) or tag_like(stripped[1:]):
                    break
                self.cite(path, index + 1, stripped)
                prose.append(re.sub(r"^%s ?" % re.escape(opener), "", stripped))
                index += 1
            if code is not False:
                self.add(Fragment(tag, path, start + 1, tidy(prose), code, lang))

    def capture_lines(self, path, line, tag, lines, after, marker):
        for index in range(after, len(lines)):
            if lines[index].strip() == marker:
                return textwrap.dedent("\n".join(lines[after:index])).strip("\n")
        self.error(path, line, "code capture of %s is never closed by a %s line" % (tag, marker))
        return False

    def scan_file(self, root, rel):
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        ext = os.path.splitext(rel)[1]
        if ext in C_EXTS:
            self.scan_c(rel, text, "ld" if ext == ".ld" else "c")
        elif ext in ASM_EXTS:
            self.scan_lines(rel, text, ";", "nasm")
        else:
            self.scan_lines(rel, text, "#", "")

    def scan_document(self, root, rel):
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            self.cite(rel, 1, f.read())


#P:083 Links between fragments are checked once every file is read. A
# reference names a tag that must exist, wherever it is written: in any
# comment of the tree (tagged or not) and in README.md and docs/*.md (the
# generated docs/tour.md aside). A "Next:" says where the reader goes from
# a fragment; its target is the first tag named in the sentence after it,
# or else the first file named there that has fragments (its opening one).
# The target must be in the fragment's own chapter or the next one in
# CHAPTERS order: the story may not skip a chapter, nor go back to one.
NEXT = re.compile(r"Next:(.*?)(?:\.(?=\s|$)|$)", re.S)
FILE_WORD = re.compile(r"[\w./-]*\w\.(?:c|h|asm|inc|ld|py|sh|gdb|mk)\b|\bMakefile\b")


def documents(root):
    """README.md and docs/*.md, but not the tour that this tool writes."""
    docs = os.path.join(root, "docs")
    names = ["README.md"]
    if os.path.isdir(docs):
        names += [os.path.join("docs", n) for n in sorted(os.listdir(docs)) if n != "tour.md"]
    return [n for n in names if n.endswith(".md") and os.path.isfile(os.path.join(root, n))]


def next_target(frag, sentence, opening):
    tag = REFERENCE.search(sentence)
    if tag:
        return tag.group(0)
    for word in FILE_WORD.finditer(sentence):
        for rel in (word.group(0), os.path.join(os.path.dirname(frag.path), word.group(0))):
            rel = os.path.normpath(rel)
            if rel in opening:
                return opening[rel].tag
    return None


def check_links(scanner):
    for path, line, tag in scanner.references:
        if tag not in scanner.seen:
            scanner.error(path, line, "reference to tour tag %s, which does not exist" % tag)
    opening = {}
    for frag in scanner.fragments:
        if frag.path not in opening or frag.line < opening[frag.path].line:
            opening[frag.path] = frag
    for frag in scanner.fragments:
        for m in NEXT.finditer(frag.prose):
            target = next_target(frag, m.group(1), opening)
            if target is None or target not in scanner.seen:
                continue
            ahead = chapter(target) - chapter(frag.tag)
            if ahead not in (0, 1):
                want = LETTERS[chapter(frag.tag):chapter(frag.tag) + 2]
                scanner.error(frag.path, frag.line,
                              "%s's Next: leads to %s; it must stay in chapter %s"
                              % (frag.tag, target, " or ".join(want)))


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
    for rel in documents(args.root):
        scanner.scan_document(args.root, rel)
    check_links(scanner)
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
