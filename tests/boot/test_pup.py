#T:500 test_pup.py boots pup, the guest OS, both ways it runs, and talks
# to its shell the way a person would: under kennel (the host starts a
# Launcher with --disk, and pup's lines come prefixed "[pup] "), and
# natively (QEMU boots pup.elf itself, its disk a per-test copy of
# build/guest/disk.img on an IDE drive). Every program is run and its real
# output checked: file contents against the files the disk was built
# from, sizes against the programs' own, the process table's columns
# against each other. Then a file is written and read back, directories
# made and removed, a program crashes (the shell must report it and go
# on), a background sleeper is killed, and pup powers off with the status
# its machine promises: 33 from QEMU, after "launcher: guest pup powered
# off" under kennel.
#
# Two guests at once must keep apart: a line typed reaches only the guest
# with console focus, Ctrl-T moves it, each guest's lines carry its own
# name, and a file one guest writes is not on the other's disk (each
# Launcher has its own copy). Natively, what pup writes is on the drive
# after a poweroff and the next boot finds it; that boot ends with the
# shell's own "exit 5", after which pup powers off saying so.
#
# And the same programs must say the same things both ways: a fixed list
# of commands is run natively and under kennel, and their outputs, the
# prefix taken off, must be equal line for line. Only what is meant to
# differ (sysinfo, mem, uptime, ps's ticks) is left out of that list.
#
# A missing line, a hang or a triple fault fails: every wait has a
# timeout, and QEMU's status is checked. Logs: build/test-logs/<test>.log.
# Next: T:510, how a command's output is cut out of the console.
import re
import shutil

from kennel_qemu import EXIT_SUCCESS, ROOT

BUILD = ROOT / "build"
PUP = BUILD / "guest" / "pup.elf"
DISK = BUILD / "guest" / "disk.img"
LAUNCHER = BUILD / "launcher" / "launcher"
STAGED_BIN = BUILD / "guest" / "root" / "bin"   # what mkpupfs put in /bin
FILES = ROOT / "guest" / "files"
MOTD = (FILES / "etc" / "motd").read_text().splitlines()
BOOT_TIMEOUT = 60
COMMAND_TIMEOUT = 20
CTRL_T = "\x14"
EXIT_FAULTED, EXIT_KILLED = 139, 143   # 128 + SIGSEGV, 128 + SIGTERM (G:800)
PROGRAM_NAMES = ["cat", "echo", "fault", "kill", "ls", "mem", "mkdir", "poweroff", "ps",
                 "rm", "rmdir", "sh", "sleep", "sysinfo", "uptime", "wc", "write"]   # at least these


def require(*paths):
    for path in paths:
        if not path.exists():
            raise FileNotFoundError("%s does not exist: run `make` first" % path)


# ---- starting pup ------------------------------------------------------------


def launcher_run(name=None, mem="32M"):
    """A run= value: the Launcher, a copy of pup's disk in its memory, pup."""
    words = ["/bin/launcher", "--mem", mem]
    if name:
        words += ["--name", name]
    return ",".join(words + ["--snapshot-disk", "/guests/disk.img", "/guests/pup.elf"])


KENNEL_MODULES = ["%s /bin/launcher" % LAUNCHER, "%s /guests/pup.elf" % PUP,
                  "%s /guests/disk.img" % DISK]


def boot_under_kennel(qemu, names=(None,)):
    require(LAUNCHER, PUP, DISK)
    append = " ".join("run=" + launcher_run(n) for n in names)
    return qemu(append=append, initrd=KENNEL_MODULES)


def disk_copy(tmp_path):
    require(DISK)
    copy = tmp_path / "disk.img"
    shutil.copyfile(DISK, copy)
    return copy


def boot_native(qemu, disk):
    require(PUP)
    return qemu(kernel=PUP.relative_to(ROOT), append="",
                extra=["-drive", "file=%s,format=raw,if=ide" % disk])


#T:510 A Shell is a conversation with one pup's shell. run() types a line
# and returns what it printed: the line is the command followed by
# "; echo @@done-N", so the end of the output is a line of its own that
# nothing else prints, and the output is every line between the echo of
# the typed line (the prompt, then what was typed: pup's console echoes)
# and that marker. It types only once the prompt is there: a line typed
# before would be read by whatever runs before the shell asks (under
# kennel the Launcher shows a prompt, an unfinished line, whenever it
# waits for its guest: H:150). Waiting for the marker, not for the next
# prompt, is how the end of the output is found. Lines
# are returned without the guest's prefix; a line that lacks the prefix
# (the host's, or the other guest's) is returned whole, so a stray line
# fails the comparison instead of vanishing. With two guests, only
# lines with our own prefix count (keep_foreign=False).
class Shell:
    def __init__(self, machine, prefix=""):
        self.machine = machine
        self.prefix = prefix
        self.count = 0

    def wait_for_motd(self):
        for line in MOTD:
            self.machine.expect_exact(self.prefix + line, timeout=BOOT_TIMEOUT)

    def send(self, text):
        self.wait_for_prompt()
        self.machine.sendline(text)

    def wait_for_prompt(self, timeout=COMMAND_TIMEOUT):
        self.machine.expect(re.escape(self.prefix) + r"pup:\S*\$ ", timeout=timeout)

    def run(self, command, timeout=COMMAND_TIMEOUT, keep_foreign=True):
        self.count += 1
        marker = "@@done-%d" % self.count
        typed = "%s; echo %s" % (command, marker)
        self.wait_for_prompt()
        self.machine.sendline(typed)
        self.machine.expect(r"\n%s\r*\n" % re.escape(self.prefix + marker), timeout=timeout)
        return self.cut_output(typed, marker, keep_foreign)

    def cut_output(self, typed, marker, keep_foreign):
        lines = self.machine.output.split("\n")
        end = max(i for i, l in enumerate(lines) if l == self.prefix + marker)
        echoes = [i for i, l in enumerate(lines[:end]) if self.is_echo_of(l, typed)]
        assert echoes, "no prompt and echo of %r%s" % (typed, self.machine.tail())
        start = echoes[-1]
        return [self.unprefixed(l) for l in lines[start + 1:end]
                if keep_foreign or l.startswith(self.prefix)]

    def is_echo_of(self, line, typed):
        return re.fullmatch(re.escape(self.prefix) + r"pup:\S*\$ " + re.escape(typed), line)

    def unprefixed(self, line):
        return line[len(self.prefix):] if line.startswith(self.prefix) else line

    def prompt_of(self, typed):
        """The directory the prompt showed when `typed` was typed."""
        pattern = re.escape(self.prefix) + r"pup:(\S*)\$ " + re.escape(typed)
        found = re.findall("^" + pattern + "$", self.machine.output, re.M)
        assert found, "no prompt before %r%s" % (typed, self.machine.tail())
        return found[-1]


def kennel_shell(qemu):
    shell = Shell(boot_under_kennel(qemu), "[pup] ")
    shell.wait_for_motd()
    return shell


def native_shell(qemu, disk):
    shell = Shell(boot_native(qemu, disk))
    shell.wait_for_motd()
    return shell


def expect_powered_off(machine, name):
    """The Launcher's line for a guest that powered itself off (the reason
    after the colon is pup's own)."""
    machine.expect(r"\nlauncher: guest %s powered off(: [^\r\n]*)?\r*\n" % re.escape(name),
                   timeout=COMMAND_TIMEOUT)


def send_poweroff(shell):
    shell.send("poweroff")
    shell.machine.expect_exact(shell.prefix + "poweroff: powering off", timeout=COMMAND_TIMEOUT)


def power_off_under_kennel(shell, name="pup"):
    send_poweroff(shell)
    expect_powered_off(shell.machine, name)
    status = shell.machine.wait_exit(timeout=BOOT_TIMEOUT)
    exits = re.findall(r"^kennel: /bin/launcher exited with status (-?\d+)$",
                       shell.machine.output, re.M)
    assert exits == ["0"], "Launcher exits %r%s" % (exits, shell.machine.tail())
    assert status == EXIT_SUCCESS, shell.machine.tail()


def power_off_native(shell):
    send_poweroff(shell)
    assert shell.machine.wait_exit(timeout=BOOT_TIMEOUT) == EXIT_SUCCESS, shell.machine.tail()


# ---- what each program must print ------------------------------------------


def ls_line(size, name):
    return "%7d %s" % (size, name)


def check_files_and_listings(shell):
    readme = (FILES / "README").read_text().splitlines()
    assert shell.run("cat /README") == readme
    assert shell.run("cat /etc/motd") == MOTD
    root = shell.run("ls /")
    assert ls_line(len((FILES / "README").read_bytes()), "README") in root, root
    assert sorted(re.sub(r"^ *\d+ ", "", l) for l in root) == ["README", "bin/", "etc/"], root
    staged = sorted(p.name for p in STAGED_BIN.iterdir())
    assert set(PROGRAM_NAMES) <= set(staged), staged
    want_bin = sorted(ls_line((STAGED_BIN / p).stat().st_size, p) for p in staged)
    assert sorted(shell.run("ls /bin")) == want_bin
    assert shell.run("ls /etc/motd") == [ls_line(len((FILES / "etc" / "motd").read_bytes()),
                                                 "/etc/motd")]
    assert shell.run("cat /no/such/file") == ["cat: /no/such/file: No such file or directory"]
    assert shell.run("ls /nothing") == ["ls: /nothing: No such file or directory"]


def check_echo_and_builtins(shell):
    assert shell.run("echo hello   from  pup") == ["hello from pup"]
    assert shell.run("pwd") == ["/"]
    assert shell.run("cd /bin; pwd") == ["/bin"]
    assert shell.run("pwd") == ["/bin"]
    assert shell.prompt_of("pwd; echo @@done-%d" % shell.count) == "/bin"
    assert shell.run("cd /nowhere") == ["sh: cd: /nowhere: No such file or directory"]
    assert shell.run("cd; pwd") == ["/"]
    assert shell.run("nosuchprogram an argument") == [
        "sh: nosuchprogram: No such file or directory"]


def check_files_written(shell):
    assert shell.run("write /notes one two  three") == []
    assert shell.run("cat /notes") == ["one two three"]
    assert ls_line(len("one two three\n"), "notes") in shell.run("ls /")
    assert shell.run("write /notes four") == []           # O_TRUNC: the old words go
    assert shell.run("cat /notes") == ["four"]
    assert shell.run("mkdir /box; cd /box; write inside in the box; ls; cat /box/inside") == [
        ls_line(len("in the box\n"), "inside"), "in the box"]
    assert "box/" in [re.sub(r"^ *\d+ ", "", l) for l in shell.run("ls /")]
    assert shell.run("cd /; rm /box/inside; ls /box") == []
    refused = shell.run("rm /box")                        # unlink takes files only
    assert len(refused) == 1 and refused[0].startswith("rm: /box: "), refused
    assert "box/" in [re.sub(r"^ *\d+ ", "", l) for l in shell.run("ls /")]
    assert shell.run("rm /notes; cat /notes") == ["cat: /notes: No such file or directory"]
    assert shell.run("mkdir /box") == ["mkdir: /box: File exists"]


def check_fault_is_survived(shell):
    out = shell.run("fault page; echo still here")
    assert out[0] == "fault: about to page", out
    assert out[-2:] == ["sh: fault: killed (status %d)" % EXIT_FAULTED, "still here"], out
    assert shell.run("echo after the fault") == ["after the fault"]


PS_LINE = re.compile(r" *(\d+) +(\d+) (running|sleeping|zombie) +(\d+) +(\d+) (\S+)")


def processes(shell):
    out = shell.run("ps")
    assert out[0] == "  PID  PPID STATE    PAGES    TICKS NAME", out
    rows = [PS_LINE.fullmatch(l) for l in out[1:]]
    assert all(rows), out
    return {int(r.group(1)): (int(r.group(2)), r.group(3), int(r.group(4)), r.group(6))
            for r in rows}


def find(table, name):
    found = [(pid, row) for pid, row in table.items() if row[3].endswith(name)]
    assert len(found) == 1, "one %s in %r" % (name, table)
    return found[0]


def check_processes(shell):
    table = processes(shell)
    sh_pid, (_, sh_state, sh_pages, _) = find(table, "sh")
    ps_pid, (ps_parent, ps_state, ps_pages, _) = find(table, "ps")
    assert ps_parent == sh_pid and ps_state == "running" and sh_state == "sleeping", table
    assert sh_pages > 0 and ps_pages > 0, table
    started = shell.run("sleep 600000 &")
    assert len(started) == 1 and re.fullmatch(r"\[\d+\] sleep", started[0]), started
    sleeper = int(started[0][1:started[0].index("]")])
    assert processes(shell)[sleeper][:2] == (sh_pid, "sleeping")
    assert shell.run("kill %d" % sleeper) == []
    for _ in range(20):                   # reaped before a prompt, once it is dead
        if sleeper not in processes(shell):
            break
    assert sleeper not in processes(shell)
    report = "sh: [%d] sleep: killed (status %d)" % (sleeper, EXIT_KILLED)
    assert shell.machine.output.count(shell.prefix + report) == 1, shell.machine.tail()
    assert shell.run("kill 999") == ["kill: 999: No such process"]
    assert shell.run("kill pup") == ["kill: pup: not a process id"]


def check_memory_and_time(shell, backend, ring, max_kib):
    mem = shell.run("mem")
    m = re.fullmatch(r"memory: (\d+) KiB total, (\d+) KiB free, (\d+) KiB kernel", mem[0])
    assert m and len(mem) == 1, mem
    total, free, kernel = (int(g) for g in m.groups())
    assert 0 < free < total <= max_kib and 0 < kernel < total, mem
    first = uptime_ms(shell)
    assert shell.run("sleep 300") == []
    second = uptime_ms(shell)
    assert second - first >= 300, (first, second)
    info = shell.run("sysinfo")
    m = re.fullmatch(r"pup on (\w+): kernel in ring (\d), timer (\d+) Hz, up (\d+)\.(\d{3}) s",
                     info[0])
    assert m and len(info) == 1, info
    assert (m.group(1), int(m.group(2))) == (backend, ring), info
    assert int(m.group(3)) > 0 and int(m.group(4)) * 1000 + int(m.group(5)) >= second, info


def uptime_ms(shell):
    out = shell.run("uptime")
    m = re.fullmatch(r"up (\d+)\.(\d{3}) s", out[0])
    assert m and len(out) == 1, out
    return int(m.group(1)) * 1000 + int(m.group(2))


def check_everything(shell, backend, ring, max_kib):
    check_files_and_listings(shell)
    check_echo_and_builtins(shell)
    check_files_written(shell)
    check_fault_is_survived(shell)
    check_processes(shell)
    check_memory_and_time(shell, backend, ring, max_kib)


# ---- the tests ------------------------------------------------------------------


def test_pup_under_kennel(qemu):
    shell = kennel_shell(qemu)
    check_everything(shell, "kennel", 1, 32 * 1024)
    power_off_under_kennel(shell)


def test_pup_native(qemu, tmp_path):
    shell = native_shell(qemu, disk_copy(tmp_path))
    check_everything(shell, "native", 0, 256 * 1024)
    power_off_native(shell)


def test_native_disk_keeps_what_pup_wrote(qemu, tmp_path):
    disk = disk_copy(tmp_path)
    shell = native_shell(qemu, disk)
    assert shell.run("mkdir /kept; write /kept/note written before the poweroff") == []
    power_off_native(shell)
    shell = native_shell(qemu, disk)
    assert shell.run("cat /kept/note") == ["written before the poweroff"]
    shell.send("exit 5")                  # the first program's end is pup's
    shell.machine.expect(r"pup: powering off \(/bin/sh exited with status 5\)",
                         timeout=COMMAND_TIMEOUT)
    # and its status is QEMU's: 65 + 2 * 5 (docs/conventions.md, "Exit status")
    assert shell.machine.wait_exit(timeout=BOOT_TIMEOUT) == 75, shell.machine.tail()


#T:520 Two guests share the host's one console. Whichever Launcher joined
# the focus ring first gets the first line typed; the test finds out which
# by its answer, checks the other said nothing, and after Ctrl-T talks to
# the other. Each Launcher read the image into its own memory, so a file
# one guest writes is not on the other's disk.
def test_two_guests_keep_apart(qemu):
    machine = boot_under_kennel(qemu, names=("a", "b"))
    shells = {name: Shell(machine, "[%s] " % name) for name in "ab"}
    greetings = ["[%s] %s" % (name, MOTD[-1]) for name in "ab"]
    while greetings:                      # in whichever order they come
        greetings.pop(machine.expect_exact(greetings, timeout=BOOT_TIMEOUT))
    machine.sendline("echo who has focus")
    machine.expect(r"\n\[(a|b)\] who has focus\r*\n", timeout=COMMAND_TIMEOUT)
    first = machine.match.group(1)
    second = "b" if first == "a" else "a"
    one, other = shells[first], shells[second]
    assert one.run("write /mine \"this is %s's file\"; cat /mine" % first,   # quoted: sh quotes
                   keep_foreign=False) == ["this is %s's file" % first]
    machine.send(CTRL_T)
    machine.expect_exact("[console focus: %s]" % second, timeout=COMMAND_TIMEOUT)
    assert other.run("cat /mine", keep_foreign=False) == [
        "cat: /mine: No such file or directory"]
    assert other.run("echo this is %s" % second, keep_foreign=False) == ["this is %s" % second]
    guest_lines = [l for l in machine.output.split("\n") if re.match(r"\[[ab]\] ", l)]
    assert not [l for l in guest_lines if "who has focus" in l and l.startswith("[%s]" % second)]
    assert not [l for l in guest_lines if l.startswith("[%s] " % first) and "this is %s" % second in l]
    assert not [l for l in guest_lines if l.startswith("[%s] " % second) and "%s's file" % first in l]
    send_poweroff(other)
    expect_powered_off(machine, second)
    # The Launcher that stopped left the focus ring: focus is back with the other.
    assert one.run("cat /mine", keep_foreign=False) == ["this is %s's file" % first]
    send_poweroff(one)
    expect_powered_off(machine, first)
    assert machine.wait_exit(timeout=BOOT_TIMEOUT) == EXIT_SUCCESS, machine.tail()
    exits = re.findall(r"^kennel: /bin/launcher exited with status (-?\d+)$", machine.output, re.M)
    assert exits == ["0", "0"], exits


#T:530 The comparison. Every command's output must be the same line for
# line under kennel and natively: the programs, the C library and pup's
# file system are the same, and only the machine below differs. Each
# command is run in the same order on the same fresh disk, so even the
# process ids match.
SAME_BOTH_WAYS = [
    "echo one image, two machines",
    "ls /", "ls /bin", "ls /etc", "cat /etc/motd", "cat /README",
    "write /cmp alpha beta", "cat /cmp", "ls /",
    "mkdir /cmpdir; cd /cmpdir; pwd; write f gamma; ls; cat f; cd /",
    "rm /cmpdir/f; ls /cmpdir; rm /cmp; ls /",
    "cat /cmp", "nosuch", "kill 999",
    "fault page", "fault gp", "fault ud", "fault divide", "fault kernel",
    "sleep 50", "echo the end",
]


def outputs(shell):
    return [(command, shell.run(command)) for command in SAME_BOTH_WAYS]


def test_same_output_natively_and_under_kennel(qemu, tmp_path):
    shell = kennel_shell(qemu)
    under_kennel = outputs(shell)
    power_off_under_kennel(shell)
    shell = native_shell(qemu, disk_copy(tmp_path))
    native = outputs(shell)
    power_off_native(shell)
    for (command, kennel_lines), (_, native_lines) in zip(under_kennel, native):
        assert kennel_lines == native_lines, "%r differs:\nkennel: %r\nnative: %r" % (
            command, kennel_lines, native_lines)
    faults = [lines for command, lines in under_kennel if command.startswith("fault ")]
    assert all(lines[-1] == "sh: fault: killed (status %d)" % EXIT_FAULTED for lines in faults), faults
