#T:955 test_shell.py: pup's shell as a small Unix shell, both ways pup
# runs (under kennel, its lines prefixed "[pup] ", and natively), through
# test_pup.py's Shell (T:510). What is checked, each by what it prints:
#
# - Ctrl-C (byte 0x03, which QEMU passes on because its stdio chardev has
#   signal=off) interrupts the foreground job, `sleep 100000` and `cat`
#   reading the console, with status 130; the shell, which ignores
#   SIGINT, answers the next command. A prompt at all proves the sleeper
#   died: it had 100 s to go. Ctrl-C is typed again if the first came
#   before the shell had given the job the console.
# - Ctrl-D ends `cat` (status 0), and at the prompt ends the shell with
#   $?, which powers pup off with that status, QEMU's 65+2N.
# - kill -SIGNAL: by name, number and process group, each with its status
#   (128 + the signal); the shell ignores SIGINT sent to it.
# - `exit 3` reaches QEMU's status (71) and, under kennel, the Launcher's
#   (3) and the host's line saying so.
# - 200 lines pasted at once all run, each token checked: nothing typed
#   ahead is lost by the host, the Launcher or pup's console.
# - pipes and redirection, $?, quoting, rmdir, the long-line refusal and
#   the argument limit, each by its exact output.
# - the arrow keys: Up recalls, Left moves back, escape sequences never
#   become text.
# Next: T:960, the exact outputs.
import random
import re

import pexpect

from kennel_qemu import EXIT_SUCCESS
from test_pup import (BOOT_TIMEOUT, BUILD, COMMAND_TIMEOUT, FILES, LAUNCHER, PUP, STAGED_BIN,
                      disk_copy, kennel_shell, ls_line, native_shell, require)

CTRL_C, CTRL_D = "\x03", "\x04"
UP, LEFT = "\x1b[A", "\x1b[D"
SIGINT_STATUS, SIGPIPE_STATUS = 130, 141


def qemu_status_of(status):
    """QEMU's exit status for a guest's (docs/conventions.md)."""
    return EXIT_SUCCESS if status == 0 else 65 + 2 * status


def interrupt(shell, command):
    """Start command, Ctrl-C it, and wait for the shell's next prompt."""
    shell.send(command)
    shell.machine.expect_exact(command, timeout=COMMAND_TIMEOUT)
    for _ in range(5):
        shell.machine.send(CTRL_C)
        if shell.machine.expect([re.escape(shell.prefix) + r"pup:\S*\$ ", r"\^C"],
                                timeout=COMMAND_TIMEOUT) == 0:
            break
        else:
            try:
                shell.machine.expect(re.escape(shell.prefix) + r"pup:\S*\$ ", timeout=3)
                break
            except Exception:
                continue
    else:
        raise AssertionError("%r was not interrupted%s" % (command, shell.machine.tail()))
    # The prompt is consumed: the next run() must not wait for another.
    shell.machine.sendline("")


def check_ctrl_c(shell):
    interrupt(shell, "sleep 100000")
    assert shell.run("echo $?") == [str(SIGINT_STATUS)]
    names = [l.split()[-1] for l in shell.run("ps")[1:]]
    assert not [n for n in names if n.endswith("sleep")], names
    interrupt(shell, "cat")
    assert shell.run("echo $?") == [str(SIGINT_STATUS)]
    assert shell.run("echo the shell is alive") == ["the shell is alive"]


def check_cat_ends_on_ctrl_d(shell):
    shell.send("cat")
    shell.machine.expect_exact("cat", timeout=COMMAND_TIMEOUT)
    shell.machine.sendline("typed to cat")
    for _ in range(2):                  # the console's echo, then cat's copy
        shell.machine.expect(r"%styped to cat\r*\n" % re.escape(shell.prefix),
                             timeout=COMMAND_TIMEOUT)
    shell.machine.send(CTRL_D)
    assert shell.run("echo cat said $?") == ["cat said 0"]


def check_paste(shell):
    salt = random.randrange(10 ** 6)
    tokens = ["TOK-%03d-%06d" % (i, salt) for i in range(200)]
    shell.wait_for_prompt()
    start = len(shell.machine.output)
    # Typed as "T"OK-..., printed as TOK-...: the echo of the typed lines
    # (which comes as they arrive, between the programs' lines, and may
    # be split by them) never reads as a token.
    shell.machine.send("".join('echo "T"%s\r' % t[1:] for t in tokens))
    shell.machine.expect_exact(tokens[-1], timeout=120)
    out = shell.run("echo pasted")
    found = re.findall(r"TOK-\d{3}-%06d" % salt, shell.machine.output[start:])
    assert found == tokens, "missing %r%s" % (sorted(set(tokens) - set(found))[:5],
                                              shell.machine.tail())
    assert out == ["pasted"], out


#T:960 The exact outputs: pipes (a writer whose reader is gone dies of
# SIGPIPE, which the shell reports), redirection, $?, quoting, rmdir,
# refusals.
def check_pipes_and_redirection(shell):
    assert shell.run("echo hi | cat") == ["hi"]
    staged = sorted(p.name for p in STAGED_BIN.iterdir())
    lines = [ls_line((STAGED_BIN / p).stat().st_size, p) for p in staged]
    want = "%d %d %d" % (len(lines), 2 * len(lines), sum(len(l) + 1 for l in lines))
    assert shell.run("ls /bin | wc") == [want]
    assert shell.run("ls /bin | cat | cat | wc") == [want]
    assert shell.run("echo a > /f; echo b >> /f; cat /f") == ["a", "b"]
    assert shell.run("echo c > /f; cat < /f; wc /f") == ["c", "1 1 2 /f"]
    motd = ls_line(len((FILES / "etc" / "motd").read_bytes()), "motd")
    assert shell.run("ls /etc >> /f; cat /f | wc") == ["2 3 %d" % (2 + len(motd) + 1)]
    assert shell.run("cat /bin/sh | ls /etc") == [
        motd, "sh: cat: killed (status %d)" % SIGPIPE_STATUS]
    assert shell.run("echo x > /nodir/f") == ["sh: /nodir/f: No such file or directory"]
    refused(shell, "echo | ; echo @@never", "sh: a | or a redirection with no command")
    refused(shell, "echo > ; echo @@never", "sh: a redirection with no file name")


def refused(shell, line, message):
    """A line with a syntax error runs nothing of itself: its message, $? 2."""
    shell.send(line)
    shell.machine.expect_exact(shell.prefix + message, timeout=COMMAND_TIMEOUT)
    assert shell.run("echo $?") == ["2"]
    assert "@@never" not in [l.strip() for l in shell.machine.output.split("\n")]


def check_status_and_quoting(shell):
    assert shell.run("cat /nosuch; echo $?") == [
        "cat: /nosuch: No such file or directory", "1"]
    assert shell.run("nosuch; echo $?") == ["sh: nosuch: No such file or directory", "127"]
    assert shell.run("echo '$?' \"$?\" $?") == ["$? 0 0"]
    assert shell.run("echo 'a  b' \"c ; d | e\" f'g'\"h\" '>'") == ["a  b c ; d | e fgh >"]
    refused(shell, "echo 'open; echo @@never", "sh: no closing '")


def check_rmdir(shell):
    assert shell.run("mkdir /d; rmdir /d; ls / | cat") == shell.run("ls /")
    assert shell.run("mkdir /d; write /d/f x; rmdir /d") == [
        "rmdir: /d: Directory not empty"]
    assert shell.run("rm /d/f; rmdir /d; rmdir /d") == [
        "rmdir: /d: No such file or directory"]


def check_limits(shell):
    longest = "echo " + "y" * 10 + " " * 239 + "z"     # 255 characters: the most a line holds
    assert len(longest) == 255
    shell.send(longest)
    shell.machine.expect(r"\n%s%s z\r*\n" % (re.escape(shell.prefix), "y" * 10),
                         timeout=COMMAND_TIMEOUT)
    shell.send("echo " + "z" * 300)
    shell.machine.expect_exact(
        shell.prefix + "sh: line too long: at most 255 characters; not run",
        timeout=COMMAND_TIMEOUT)
    assert shell.run("echo $?") == ["2"]          # echo would have made it 0
    words = " ".join(str(i) for i in range(1, 16))
    assert shell.run("echo " + words) == [words]            # 16 words: the limit
    refused(shell, "echo %s 16; echo @@never" % words,
            "sh: too many words: a command has at most 16 (the program and 15 arguments)")


def check_arrows(shell):
    assert shell.run("echo first") == ["first"]
    shell.wait_for_prompt()
    shell.machine.send(UP + "\r")          # "echo first; echo @@done-N" again
    shell.machine.expect(r"\n%sfirst\r*\n" % re.escape(shell.prefix), timeout=COMMAND_TIMEOUT)
    shell.machine.expect(r"%s@@done-%d\r*\n" % (re.escape(shell.prefix), shell.count),
                         timeout=COMMAND_TIMEOUT)
    shell.wait_for_prompt()
    # Left, a character in the middle, an unknown sequence, Ctrl-Right.
    shell.machine.send("echo ac" + LEFT + "b" + "\x1b[Z" + "\x1b[1;5C" + "\r")
    shell.machine.expect(r"\n%sabc\r*\n" % re.escape(shell.prefix), timeout=COMMAND_TIMEOUT)
    shell.wait_for_prompt()
    # Backspace at the end and in the middle: "echo xyz" -> "echo xq" -> "echo q".
    shell.machine.send("echo xyz\x7f\x7fq" + LEFT + "\x7f" + "\r")
    shell.machine.expect(r"\n%sq\r*\n" % re.escape(shell.prefix), timeout=COMMAND_TIMEOUT)
    assert shell.run("echo after the arrows") == ["after the arrows"]
    for text in ("?[", "[A", "[D", "[Z", "[1;5C"):      # never shown as text
        assert text not in shell.machine.output, (text, shell.machine.tail())


def check_help(shell):
    out = shell.run("help")
    assert out[0] == "builtins: cd exit help pwd", out
    programs = " ".join(out[1:-2]).replace("programs (/bin):", "").split()
    assert programs == sorted(p.name for p in STAGED_BIN.iterdir()), out


def killed_in_background(shell, how, status):
    """Start a background sleeper, send it a signal with kill `how`
    (PID stands for its pid), and wait for the shell's report of it."""
    started = shell.run("sleep 100000 &")
    m = re.fullmatch(r"\[(\d+)\] sleep", started[0])
    assert m and len(started) == 1, started
    pid = int(m.group(1))
    assert shell.run("kill " + how.replace("PID", str(pid))) == []
    report = "sh: [%d] sleep: killed (status %d)" % (pid, status)
    for _ in range(20):                   # reaped before a prompt, once it is dead
        if shell.machine.output.count(shell.prefix + report) == 1:
            return
        shell.run("sleep 50")
    raise AssertionError("no %r%s" % (report, shell.machine.tail()))


def check_kill(shell):
    killed_in_background(shell, "-INT PID", SIGINT_STATUS)
    killed_in_background(shell, "-9 PID", 137)
    killed_in_background(shell, "-KILL -PID", 137)        # its process group
    killed_in_background(shell, "PID", 143)               # SIGTERM
    assert shell.run("kill -FOO 1") == [
        "kill: FOO: no such signal (HUP INT QUIT KILL SEGV PIPE TERM, or 0 to 31)"]
    sh = [l.split()[0] for l in shell.run("ps")[1:] if l.split()[-1].endswith("sh")]
    assert len(sh) == 1, sh
    # The shell ignores SIGINT, so Ctrl-C at its prompt cannot end it.
    assert shell.run("kill -INT %s; echo the shell ignored it" % sh[0]) == [
        "the shell ignored it"]
    assert shell.run("kill -0 %s; echo $?" % sh[0]) == ["0"]
    assert shell.run("kill -0 9999; echo $?") == ["kill: 9999: No such process", "1"]


def check_all(shell):
    check_help(shell)
    check_kill(shell)
    check_ctrl_c(shell)
    check_cat_ends_on_ctrl_d(shell)
    check_pipes_and_redirection(shell)
    check_status_and_quoting(shell)
    check_rmdir(shell)
    check_limits(shell)
    check_arrows(shell)
    check_paste(shell)


#T:965 The exit status, end to end: the shell's `exit 3` is pup's
# poweroff status, the Launcher's exit status, and QEMU's (71).
def launcher_exits(machine):
    return re.findall(r"^kennel: /bin/launcher exited with status (-?\d+)$", machine.output,
                      re.M)


def test_shell_under_kennel(qemu):
    shell = kennel_shell(qemu)
    check_all(shell)
    shell.send("exit 3")
    shell.machine.expect_exact("pup: powering off (/bin/sh exited with status 3)",
                               timeout=COMMAND_TIMEOUT)
    shell.machine.expect_exact("launcher: guest pup powered off", timeout=COMMAND_TIMEOUT)
    shell.machine.expect_exact("kennel: powering off (status 3)", timeout=BOOT_TIMEOUT)
    assert shell.machine.wait_exit(timeout=BOOT_TIMEOUT) == qemu_status_of(3)
    assert launcher_exits(shell.machine) == ["3"], shell.machine.tail()


def test_shell_native(qemu, tmp_path):
    shell = native_shell(qemu, disk_copy(tmp_path))
    check_all(shell)
    shell.send("exit 3")
    shell.machine.expect_exact("pup: powering off (/bin/sh exited with status 3)",
                               timeout=COMMAND_TIMEOUT)
    assert shell.machine.wait_exit(timeout=BOOT_TIMEOUT) == qemu_status_of(3)


def ctrl_d_at_the_prompt(shell):
    shell.send("cat /nosuch")             # $? is 1
    shell.machine.expect_exact("cat: /nosuch: No such file or directory", timeout=COMMAND_TIMEOUT)
    shell.wait_for_prompt()
    shell.machine.send(CTRL_D)
    shell.machine.expect_exact("pup: powering off (/bin/sh exited with status 1)",
                               timeout=COMMAND_TIMEOUT)


def test_ctrl_d_ends_the_shell_under_kennel(qemu):
    shell = kennel_shell(qemu)
    ctrl_d_at_the_prompt(shell)
    assert shell.machine.wait_exit(timeout=BOOT_TIMEOUT) == qemu_status_of(1)
    assert launcher_exits(shell.machine) == ["1"], shell.machine.tail()


def test_ctrl_d_ends_the_shell_native(qemu, tmp_path):
    shell = native_shell(qemu, disk_copy(tmp_path))
    ctrl_d_at_the_prompt(shell)
    assert shell.machine.wait_exit(timeout=BOOT_TIMEOUT) == qemu_status_of(1)


#T:967 pup's kernel test, ktest (G:580), as the first program on its own
# disk: every system call from ring 3, signals and pipes among them
# (G:890), both ways; it must pass all its checks, and pup must power
# off with its status, 0.
KTEST_DISK = BUILD / "guest" / "kernel-test.img"
KTEST_LINE = r"ktest: (\d+) checks, (\d+) failed"


def check_ktest(machine, prefix):
    machine.expect(re.escape(prefix) + KTEST_LINE, timeout=120)
    checks, failed = int(machine.match.group(1)), int(machine.match.group(2))
    assert checks >= 60 and failed == 0, machine.tail()
    machine.expect_exact("pup: powering off (/bin/ktest exited with status 0)",
                         timeout=COMMAND_TIMEOUT)
    assert machine.wait_exit(timeout=BOOT_TIMEOUT) == EXIT_SUCCESS, machine.tail()


def test_ktest_native(qemu, tmp_path):
    require(PUP, KTEST_DISK)
    disk = tmp_path / "ktest.img"
    disk.write_bytes(KTEST_DISK.read_bytes())
    machine = qemu(kernel=PUP.relative_to(BUILD.parent), append="init=/bin/ktest",
                   extra=["-drive", "file=%s,format=raw,if=ide" % disk])
    check_ktest(machine, "")


def test_ktest_under_kennel(qemu):
    require(LAUNCHER, PUP, KTEST_DISK)
    run = "run=/bin/launcher,--mem,32M,--snapshot-disk,/guests/ktest.img,/guests/pup.elf," \
          "init=/bin/ktest"
    machine = qemu(append=run, initrd=["%s /bin/launcher" % LAUNCHER, "%s /guests/pup.elf" % PUP,
                                       "%s /guests/ktest.img" % KTEST_DISK])
    check_ktest(machine, "[pup] ")
    assert launcher_exits(machine) == ["0"], machine.tail()


#T:969 make run-native as a person types at it: Ctrl-C interrupts pup's
# foreground job and not QEMU (QEMU_FLAGS' console has signal=off), and
# the shell's `exit 3` comes back as "guest exited with status 3" from
# the recipe, which exits 3 (make reports "Error 3" and exits 2, as it
# does for any recipe that fails).
def test_make_run_native_passes_ctrl_c_and_the_status(tmp_path):
    from test_run import make_run_native
    with open(tmp_path / "console.log", "w") as log:
        child = make_run_native(tmp_path / "native-disk.img", log)
        child.sendline("sleep 100000")
        child.expect_exact("sleep 100000")
        for _ in range(5):
            child.send(CTRL_C)
            if child.expect([r"\^C\r*\npup:/\$ ", pexpect.TIMEOUT], timeout=5) == 0:
                break
        else:
            raise AssertionError("sleep was not interrupted: " + child.before[-2000:])
        child.sendline("echo status $?")
        child.expect_exact("status 130")
        child.expect_exact("pup:/$ ")
        child.sendline("exit 3")
        child.expect_exact("pup: powering off (/bin/sh exited with status 3)")
        child.expect_exact("guest exited with status 3")
        child.expect(pexpect.EOF)
        child.close()
        assert "Error 3" in child.before and child.exitstatus == 2, child.before[-2000:]


#T:968 With two pups, Ctrl-C is a key like any other: it goes to the
# guest with console focus and interrupts only that one's job. Each pup
# starts a sleeper; the Ctrl-C typed while b has focus ends b's (b
# prompts again) and not a's, which says "^C" only once focus is back
# and a second Ctrl-C is typed.
def test_ctrl_c_reaches_only_the_focused_guest(qemu):
    from test_pup import CTRL_T, MOTD, Shell, boot_under_kennel
    machine = boot_under_kennel(qemu, names=("a", "b"))
    greetings = ["[%s] %s" % (name, MOTD[-1]) for name in "ab"]
    while greetings:
        greetings.pop(machine.expect_exact(greetings, timeout=BOOT_TIMEOUT))
    machine.sendline("echo who has focus")
    machine.expect(r"\n\[(a|b)\] who has focus\r*\n", timeout=COMMAND_TIMEOUT)
    first = Shell(machine, "[%s] " % machine.match.group(1))
    second = Shell(machine, "[%s] " % ("b" if first.prefix == "[a] " else "a"))
    first.send("sleep 100000")
    machine.expect_exact("sleep 100000", timeout=COMMAND_TIMEOUT)
    machine.send(CTRL_T)
    machine.expect_exact("[console focus: %s]" % second.prefix[1:2], timeout=COMMAND_TIMEOUT)
    interrupt(second, "sleep 100000")
    assert second.run("echo $?", keep_foreign=False) == [str(SIGINT_STATUS)]
    assert machine.output.count(first.prefix + "^C") == 0, machine.tail()
    machine.send(CTRL_T)
    machine.expect_exact("[console focus: %s]" % first.prefix[1:2], timeout=COMMAND_TIMEOUT)
    machine.send(CTRL_C)
    machine.expect_exact(first.prefix + "^C", timeout=COMMAND_TIMEOUT)
    machine.sendline("")
    assert first.run("echo $?", keep_foreign=False) == [str(SIGINT_STATUS)]
    assert machine.output.count(first.prefix + "^C") == 1, machine.tail()
