#U:480 test_userland.py boots the host with real ring-3 programs (from
# user/bin, built by `make`) and holds it to the userland chapter's
# promises, on the console and in QEMU's exit status:
#
# - a program is loaded, gets its arguments as syscall.h lays them out,
#   and its exit status is reported; the run succeeds (33) only if every
#   run= program exits 0, and any failure, a fault, a non-zero status or a
#   program that cannot be started, makes it 35;
# - a CPU fault in a program kills just that program, with one exact line
#   naming the fault, eip and (for page faults) the address;
# - bad pointers in every system call earn EFAULT, never a host crash;
# - a program that spins forever does not starve the others, and eight
#   workers share the CPU and memory without corrupting each other;
# - the module file system lists and reads files and devices;
# - console input goes to the process with focus, and Ctrl-T moves it;
# - a bad ELF file is refused with its reason;
# - after every run, the free-frame count is what it was before it.
#
# Next: the Launcher chapter, which is "just" another such program.
import re
import struct
import time

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS, ROOT

BIN = ROOT / "build" / "user" / "bin"
FRAMES = re.compile(r"kennel: (\d+) frames free (before|after) the programs")
TIMEOUT = 60


def module(name):
    """The -initrd entry for build/user/bin/NAME: the file, then /bin/NAME,
    the name the host's file system shows (QEMU passes both words; the
    host drops the first)."""
    path = BIN / name
    if not path.exists():
        raise FileNotFoundError("%s does not exist: run `make` first" % path)
    return "%s /bin/%s" % (path, name)


def boot(qemu, runs, programs, extra=()):
    """Boot with run= for each entry of runs and the named programs as modules."""
    append = " ".join("run=" + r for r in runs)
    initrd = [module(p) for p in programs] + list(extra)
    machine = qemu(append=append, initrd=initrd)
    status = machine.wait_exit(timeout=TIMEOUT)
    return machine, status


def lines_of(machine):
    return [line.rstrip() for line in machine.output.split("\n") if line.strip()]


def assert_frames_balanced(machine):
    counts = dict((when, int(n)) for n, when in FRAMES.findall(machine.output))
    assert set(counts) == {"before", "after"}, "no frame counts%s" % machine.tail()
    assert counts["before"] == counts["after"], (
        "frames leaked: %(before)d free before, %(after)d after" % counts + machine.tail())


def assert_exits(machine, expected):
    """expected: [(path, status)], in run= order, one line each."""
    found = re.findall(r"^kennel: (\S+) exited with status (-?\d+)$", machine.output, re.M)
    assert [(p, int(s)) for p, s in found] == expected, machine.tail()


def test_hello_gets_its_arguments(qemu):
    machine, status = boot(qemu, ["/bin/hello,one,two"], ["hello"])
    lines = lines_of(machine)
    start = lines.index("hello from pid 1: argc=3")
    assert lines[start + 1:start + 4] == ["argv[0] = /bin/hello", "argv[1] = one", "argv[2] = two"]
    assert_exits(machine, [("/bin/hello", 0)])
    assert_frames_balanced(machine)
    assert lines[-1] == "kennel: powering off (success)"
    assert status == EXIT_SUCCESS


FAULTS = {
    "page": r"page fault at eip 0x004[0-9a-f]{5}, address 0x00000000",
    "gp": r"general protection at eip 0x004[0-9a-f]{5}",
    "divide": r"divide error at eip 0x004[0-9a-f]{5}",
    "ud": r"invalid opcode at eip 0x004[0-9a-f]{5}",
    "kernel": r"page fault at eip 0x004[0-9a-f]{5}, address 0xc0100000",
    "fpu": r"device not available at eip 0x004[0-9a-f]{5}",
}


def test_faults_kill_only_the_faulting_program(qemu):
    kinds = list(FAULTS)
    machine, status = boot(qemu, ["/bin/fault," + k for k in kinds] + ["/bin/hello"],
                           ["fault", "hello"])
    kills = [l for l in lines_of(machine) if " killed: " in l]
    assert len(kills) == len(kinds), machine.tail()
    for pid, kind in enumerate(kinds, start=1):
        line = re.escape("kennel: pid %d (/bin/fault) killed: " % pid) + FAULTS[kind]
        assert any(re.fullmatch(line, k) for k in kills), (line, kills)
        assert "fault: about to %s" % kind in machine.output
        assert "fault: %s did not fault" % kind not in machine.output
    assert_exits(machine, [("/bin/fault", 139)] * len(kinds) + [("/bin/hello", 0)])
    assert "hello from pid %d: argc=1" % (len(kinds) + 1) in machine.output
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE


def assert_checker_passes(qemu, name, checks=r"\d+"):
    """Run /bin/NAME, a program that checks the host's answers one by one
    and ends "NAME: N checks, 0 failed" and "Test result: SUCCESS"."""
    machine, status = boot(qemu, ["/bin/" + name], [name])
    assert "%s: FAILED" % name not in machine.output, machine.tail()
    assert re.search(r"^%s: %s checks, 0 failed$" % (name, checks), machine.output, re.M), \
        machine.tail()
    assert "Test result: SUCCESS" in lines_of(machine)
    assert_exits(machine, [("/bin/" + name, 0)])
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_userfault_handle_abi(qemu):
    """The userfault handle keeps every rule of its ABI that needs no fault:
    the handshake, registration, reads, a guest gone (user/bin/ufdev.c)."""
    assert_checker_passes(qemu, "ufdev", "68")


def test_bad_pointers_earn_efault(qemu):
    assert_checker_passes(qemu, "badptr")


def test_hypervisor_device_checks_its_launcher(qemu):
    """/dev/kennel refuses every bad KN_INIT, KN_SET_REGS and KN_IRQ, and
    pins a guest's memory until the guest is gone (user/bin/kndev.c)."""
    assert_checker_passes(qemu, "kndev", "28")


def test_spinner_does_not_starve_others(qemu):
    runs = ["/bin/starve"] + ["/bin/worker,%d" % i for i in range(1, 5)]
    machine, status = boot(qemu, runs, ["starve", "spin", "hello", "worker"])
    lines = lines_of(machine)
    assert "starve: spinner exited with status 128" in lines, machine.tail()
    assert "starve: spinner killed, others ran" in lines
    assert "Test result: SUCCESS" in lines
    for i in range(1, 5):
        assert "worker %d: ok cdc72e2a" % i in lines
    assert_exits(machine, [("/bin/starve", 0)] + [("/bin/worker", 0)] * 4)
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_eight_workers_share_the_machine(qemu):
    runs = ["/bin/worker,%d" % i for i in range(1, 9)]
    machine, status = boot(qemu, runs, ["worker"])
    lines = lines_of(machine)
    for i in range(1, 9):
        assert "worker %d: ok cdc72e2a" % i in lines, machine.tail()
    assert_exits(machine, [("/bin/worker", 0)] * 8)
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_file_system_lists_and_reads(qemu, tmp_path):
    motd = tmp_path / "motd"
    motd.write_text("first line of the motd\nsecond line\n")
    blob = tmp_path / "blob"
    blob.write_bytes(b"\0" * 1234)
    runs = ["/bin/ls", "/bin/ls,/bin", "/bin/ls,/dev", "/bin/ls,/guest",
            "/bin/cat,/etc/motd", "/bin/cat,/etc//motd/"]
    extra = ["%s /etc/motd" % motd, "%s /guest/blob" % blob]
    machine, status = boot(qemu, runs, ["ls", "cat"], extra)
    lines = lines_of(machine)
    ls_size = (BIN / "ls").stat().st_size
    for want in ["dir         0 dev", "dir         0 bin", "dir         0 etc",
                 "dir         0 guest", "file %8d ls" % ls_size, "dev         0 null",
                 "dev         0 console", "file     1234 blob"]:
        assert want in lines, (want, machine.tail())
    assert lines.count("first line of the motd") == 2
    assert lines.count("second line") == 2
    assert_exits(machine, [("/bin/ls", 0)] * 4 + [("/bin/cat", 0)] * 2)
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_one_failing_program_fails_the_run(qemu):
    machine, status = boot(qemu, ["/bin/hello", "/bin/cat,/no/such/file"], ["hello", "cat"])
    assert "cat: /no/such/file: No such file or directory" in lines_of(machine), machine.tail()
    assert_exits(machine, [("/bin/hello", 0), ("/bin/cat", 1)])
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE


def forge_bad_elf(src, dst):
    """A copy of src whose last PT_LOAD segment starts just below the stack
    and runs past it. Returns that segment's program-header index."""
    data = bytearray(src.read_bytes())
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    loads = [i for i in range(phnum)
             if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 1]
    last = loads[-1]
    struct.pack_into("<I", data, phoff + last * phentsize + 8, 0xBFEEF000)
    struct.pack_into("<I", data, phoff + last * phentsize + 20, 0x00002000)
    dst.write_bytes(bytes(data))
    return last


def test_bad_programs_are_refused_with_a_reason(qemu, tmp_path):
    bad = tmp_path / "bad"
    segment = forge_bad_elf(BIN / "hello", bad)
    junk = tmp_path / "junk"
    junk.write_text("#!/bin/sh\n# a script is not a program kennel can run\necho hello\n")
    runs = ["/bin/bad", "/bin/junk", "/bin/missing", "/bin", "/bin/hello"]
    machine, status = boot(qemu, runs, ["hello"],
                           ["%s /bin/bad" % bad, "%s /bin/junk" % junk])
    lines = lines_of(machine)
    for want in ["spawn: /bin/bad: segment %d extends beyond user space" % segment,
                 "kennel: cannot start /bin/bad: not a program kennel can run",
                 "spawn: /bin/junk: not an ELF file",
                 "kennel: cannot start /bin/missing: no such file",
                 "kennel: cannot start /bin: is a directory",
                 "kennel: /bin/bad was not started", "kennel: /bin/missing was not started"]:
        assert want in lines, (want, machine.tail())
    assert_exits(machine, [("/bin/hello", 0)])
    assert_frames_balanced(machine)
    assert status == EXIT_FAILURE


def test_console_input_follows_focus(qemu):
    machine = qemu(append="run=/bin/cat run=/bin/cat", initrd=[module("cat")])
    machine.expect(r"frames free before the programs")
    # Both cats block reading the console; pid 1 read first, so it has focus.
    time.sleep(0.5)
    machine.sendline("one")
    machine.expect(r"\none\r*\n")
    # pid 2 joins the focus ring when it first reads; on a busy machine that
    # may be later than pid 1's echo, and Ctrl-T then stays with pid 1.
    for _ in range(20):
        machine.send("\x14")
        machine.expect(r"\[console focus: pid (\d) \(/bin/cat\)\]")
        if machine.match.group(1) == "2":
            break
        time.sleep(0.25)
    assert machine.match.group(1) == "2", machine.tail()
    machine.sendline("two")
    machine.expect(r"\ntwo\r*\n")
    machine.send("\x04")  # end of file for pid 2; focus returns to pid 1
    machine.expect_exact("[console focus: pid 1 (/bin/cat)]")
    machine.sendline("three")
    machine.expect(r"\nthree\r*\n")
    machine.send("\x04")
    status = machine.wait_exit(timeout=TIMEOUT)
    assert_exits(machine, [("/bin/cat", 0), ("/bin/cat", 0)])
    assert_frames_balanced(machine)
    assert status == EXIT_SUCCESS


def test_input_nobody_reads_is_kept_to_a_bound_and_the_loss_reported(qemu):
    """Typed input waits in the host's buffer (8192 bytes) until its reader
    comes; what does not fit is counted and reported, never lost quietly.
    /bin/spin never reads, so of 9000 bytes 808 are lost; the host reports
    at most twice a second, so the last of them is told when the next byte
    arrives (one more lost). On a loaded machine the 9000 may still be
    arriving when that byte is sent: then it is sent again after a pause,
    and every byte sent beyond the buffer must be reported, exactly."""
    report = r"\[console: input buffer full \(8192 bytes\): (\d+) typed bytes lost\]"
    machine = qemu(append="run=/bin/spin", initrd=[module("spin")])
    machine.expect(r"kennel: \d+ frames free before the programs", timeout=TIMEOUT)
    machine.send("x" * 9000)
    machine.expect(report, timeout=TIMEOUT)
    lost, sent = int(machine.match.group(1)), 9000
    while lost < sent - 8192 and sent < 9010:
        time.sleep(1)
        machine.send("y")
        sent += 1
        while lost < sent - 8192:
            try:
                machine.expect(report, timeout=3)
            except AssertionError:
                break               # rate-limited: the next byte brings it
            lost += int(machine.match.group(1))
    assert lost == sent - 8192, "%d sent, %d lost%s" % (sent, lost, machine.tail())
