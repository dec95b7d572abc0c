#T:160 test_run.py: the GRUB menu's entries, as a user would boot them.
#
# test_boot.py already boots the ISO's default entry through GRUB (pup,
# make run's path; tests/boot/test_pup.py drives pup itself). The other entries are read from the generated
# build/iso/boot/grub/grub.cfg and booted with QEMU's -kernel and the same
# host command line, which is also how the README tells users to boot them
# quickly. The two-guest entry must give each guest its own console focus:
# a line typed first reaches exactly one guest (whichever joined the focus
# ring first), and after Ctrl-T the next line reaches exactly the other;
# each answers with its own prefix, and both power off.
import pathlib
import re

import pexpect
import pytest

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS

ROOT = pathlib.Path(__file__).resolve().parents[2]
GRUB_CFG = ROOT / "build" / "iso" / "boot" / "grub" / "grub.cfg"
MODULES = ["build/launcher/launcher /bin/launcher", "build/tests/guests/echo.elf /guests/echo.elf"]
CTRL_T = "\x14"


def menu_entries():
    """{title: host command line} from the generated GRUB menu."""
    text = GRUB_CFG.read_text()
    found = re.findall(r'menuentry "([^"]*)" \{\n\tmultiboot /boot/kennel.elf ?([^\n]*)\n', text)
    assert found, "no menu entries in %s: run `make` first" % GRUB_CFG
    return dict(found)


def entry_line(title_start):
    matches = [line for title, line in menu_entries().items() if title.startswith(title_start)]
    assert len(matches) == 1, matches
    return matches[0]


def test_echo_guest_entry_answers_and_powers_off(qemu):
    machine = qemu(append=entry_line("kennel: an echo guest"), initrd=MODULES)
    machine.expect_exact("[echo] echo: type a line", timeout=30)
    machine.sendline("woof")
    machine.expect_exact("[echo] echo: you typed 'woof' (4 bytes)")
    machine.sendline("quit")
    machine.expect_exact("launcher: guest echo powered off: echo: the user said quit")
    assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()


def test_two_echo_guests_each_get_their_typing(qemu):
    machine = qemu(append=entry_line("kennel: two echo guests"), initrd=MODULES)
    ready = set()
    while len(ready) < 2:   # the two Launchers start in either order
        machine.expect(r"\[(left|right)\] echo: type a line", timeout=30)
        ready.add(machine.match.group(1))
    machine.sendline("first line")
    machine.expect(r"\[(left|right)\] echo: you typed 'first line' \(10 bytes\)")
    first = machine.match.group(1)
    second = "right" if first == "left" else "left"
    machine.send(CTRL_T)
    machine.expect_exact("[console focus: %s]" % second)
    machine.sendline("second line")
    machine.expect_exact("[%s] echo: you typed 'second line' (11 bytes)" % second)
    machine.sendline("quit")
    machine.expect_exact("launcher: guest %s powered off" % second)
    machine.send(CTRL_T)
    machine.sendline("quit")
    machine.expect_exact("launcher: guest %s powered off" % first)
    assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()
    answers = [line for line in machine.output.splitlines() if "you typed" in line]
    assert answers == ["[%s] echo: you typed 'first line' (10 bytes)" % first,
                       "[%s] echo: you typed 'second line' (11 bytes)" % second], answers


PUP_MODULES = ["build/launcher/launcher /bin/launcher", "build/guest/pup.elf /guests/pup.elf",
               "build/guest/disk.img /guests/disk.img"]


def test_two_pup_guests_entry(qemu):
    """Only the pup with console focus shows its prompt; Ctrl-T brings up
    the other's, and each powers off when it has focus."""
    machine = qemu(append=entry_line("kennel: two pup guests"), initrd=PUP_MODULES)
    machine.expect(r"\[(a|b)\] pup:/\$ ", timeout=60)
    first = machine.match.group(1)
    second = "b" if first == "a" else "a"
    machine.send(CTRL_T)
    machine.expect_exact("[%s] pup:/$ " % second, timeout=60)
    machine.sendline("poweroff")
    machine.expect_exact("launcher: guest %s powered off: poweroff" % second, timeout=30)
    machine.expect_exact("[%s] pup:/$ " % first, timeout=30)   # focus came back
    machine.sendline("poweroff")
    machine.expect_exact("launcher: guest %s powered off: poweroff" % first, timeout=30)
    assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()
    exits = re.findall(r"^kennel: /bin/launcher exited with status (\d+)", machine.output, re.M)
    assert exits == ["0", "0"], exits


def test_host_alone_entry_powers_off(qemu):
    machine = qemu(append=entry_line("kennel: the host alone"))
    assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()
    assert "kennel: nothing left to run" in machine.output


#T:980 make run-native keeps its disk, as the README says: a file written
# in one session, ended by poweroff, is read back in the next, and the
# second session starts from that disk, not a fresh copy. NATIVEDISK
# keeps the test's disk apart from the developer's.
def make_run_native(disk, log):
    child = pexpect.spawn("make", ["--no-print-directory", "run-native", "NATIVEDISK=%s" % disk],
                          cwd=str(ROOT), encoding="utf-8", timeout=120, logfile=log)
    child.expect_exact("pup:/$ ")
    return child


def power_off(child):
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before[-2000:]


def test_make_run_native_keeps_its_disk_between_runs(tmp_path):
    disk = tmp_path / "native-disk.img"
    with open(tmp_path / "console.log", "w") as log:
        first = make_run_native(disk, log)
        assert "its disk is %s, kept between runs" % disk in first.before, first.before
        first.sendline("write /kept written natively")
        first.expect_exact("pup:/$ ")
        power_off(first)
        assert disk.exists()
        second = make_run_native(disk, log)
        second.sendline("cat /kept")
        second.expect(r"cat /kept\r*\n(.*)\r*\n")
        assert second.match.group(1).strip() == "written natively", second.before
        power_off(second)


#T:988 Two guests of one name could not be told apart on the console or
# in the monitor: the host refuses the second KN_INIT (EEXIST) and its
# Launcher says so, naming the name, and exits 125; the first guest runs
# on and powers off as usual. Two without --name (both "echo", from the
# file name) are refused the same way.
@pytest.mark.parametrize("name", ["twin", None])
def test_two_guests_of_one_name_are_refused(qemu, name):
    words = ["run=/bin/launcher", "--mem", "4M"] + (["--name", name] if name else [])
    run = ",".join(words + ["/guests/echo.elf"])
    name = name or "echo"
    machine = qemu(append=run + " " + run, initrd=MODULES)
    refused = ("launcher: guest %s: another guest is already called %s: give each "
               "its own --name" % (name, name))
    ready = "[%s] echo: type a line" % name
    seen = set()
    while len(seen) < 2:    # the two Launchers start in either order
        machine.expect_exact([refused, ready], timeout=30)
        seen.add(machine.match)
    machine.sendline("quit")
    machine.expect_exact("launcher: guest %s powered off: echo: the user said quit" % name)
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE, machine.tail()
    lines = machine.output.replace("\r", "").splitlines()
    assert sum(line.startswith("kennel: /bin/launcher exited with status") for line in lines) == 2, lines
    assert "kennel: /bin/launcher exited with status 0" in lines, lines
    assert "kennel: /bin/launcher exited with status 125" in lines, lines
