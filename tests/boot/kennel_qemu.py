#T:020 kennel_qemu.py is how every boot test drives a machine.
#
# A Qemu object starts qemu-system-i386 with the host on its serial port,
# either as a Multiboot kernel (-kernel, -append, -initrd) or from the GRUB
# ISO (-cdrom). The test then waits for console lines with expect(), types
# with sendline(), and finally checks the status QEMU exits with: the host
# powers off through isa-debug-exit, so 33 means success and 35 failure.
# Everything the machine prints goes to build/test-logs/<test>.log as well.
# Read conftest.py next for the `qemu` fixture, then any test_*.py file.
import os
import pathlib
import re

import pexpect

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "build" / "test-logs"
DEFAULT_KERNEL = "build/kennel.elf"

EXIT_SUCCESS = 33  # the host wrote 0x10 to port 0xf4
EXIT_FAILURE = 35  # the host wrote 0x11 to port 0xf4

# signal=off: a Ctrl-C the test types is a byte for the guest, not SIGINT
# for QEMU (T:955).
BASE_ARGS = ["-display", "none", "-chardev", "stdio,id=console,signal=off",
             "-serial", "chardev:console", "-monitor", "none",
             "-net", "none", "-no-reboot",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "256M"]
TAIL = 3000
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_])")


def log_path(name):
    """Where the console log of test `name` is kept."""
    return LOG_DIR / (re.sub(r"[^\w.-]+", "_", name).strip("_")[:120] + ".log")


def current_test_name():
    current = os.environ.get("PYTEST_CURRENT_TEST", "qemu")
    return current.split("::")[-1].split(" ")[0]


class _Console:
    """pexpect's logfile_read: keeps what QEMU printed and appends it to the log."""

    def __init__(self, path):
        self.chunks = []
        path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(path, "a", encoding="utf-8")

    def write(self, text):
        self.chunks.append(text)
        if not self.log.closed:
            self.log.write(text)

    def note(self, line):
        """A line for the log file only, not part of the console output."""
        self.log.write("\n%s\n" % line)

    def flush(self):
        if not self.log.closed:
            self.log.flush()

    def close(self):
        self.log.close()


class Qemu:
    #T:030 The command line is fixed except for what the test names: the
    # image, the host command line, Multiboot modules ("file args" entries,
    # comma separated as QEMU wants them), and icount=True, which makes guest
    # time follow instructions executed so timer tests are repeatable.
    # int_log=True also has QEMU log every interrupt and reset to
    # build/test-logs/<test>.int.log (self.int_log), for int_oracle.py (T:720).
    def __init__(self, kernel=DEFAULT_KERNEL, append="", initrd=None, cdrom=None,
                 icount=False, extra=(), name=None, int_log=False):
        args = list(BASE_ARGS)
        if cdrom:
            self._require(cdrom)
            args += ["-cdrom", str(cdrom)]
        else:
            self._require(kernel)
            args += ["-kernel", str(kernel), "-append", append]
            if initrd:
                if not isinstance(initrd, str):
                    initrd = ",".join(initrd)
                args += ["-initrd", initrd]
        if icount:
            args += ["-icount", "shift=0,sleep=off"]
        args += [str(arg) for arg in extra]

        self.name = name or current_test_name()
        self.int_log = None
        if int_log:
            self.int_log = log_path(self.name).with_suffix(".int.log")
            self.int_log.parent.mkdir(parents=True, exist_ok=True)
            self.int_log.unlink(missing_ok=True)
            args += ["-d", "int,cpu_reset", "-D", str(self.int_log)]
        self.console = _Console(log_path(self.name))
        self.console.note("==== qemu-system-i386 %s" % " ".join(args))
        self.status = None
        self.child = pexpect.spawn("qemu-system-i386", args, cwd=str(ROOT),
                                   encoding="utf-8", codec_errors="replace",
                                   echo=False, timeout=10)
        self.child.logfile_read = self.console

    @staticmethod
    def _require(path):
        if not (ROOT / path).exists():
            raise FileNotFoundError("%s does not exist: run `make` first" % path)

    @property
    def output(self):
        """Everything the machine printed so far, without escape codes or \\r."""
        return ANSI.sub("", "".join(self.console.chunks)).replace("\r", "")

    @property
    def match(self):
        """The re match object of the last successful expect()."""
        return self.child.match

    def tail(self):
        return "\n---- console (last %d chars) ----\n%s\n---- end of console ----" % (
            TAIL, self.output[-TAIL:])

    #T:040 A failing expect never just says "timeout": the assertion carries
    # the end of the console, so the test report shows what the machine was
    # doing (a fault report, a panic, GRUB still waiting) when it went wrong.
    def expect(self, pattern, timeout=10):
        return self._expect(self.child.expect, pattern, timeout)

    def expect_exact(self, text, timeout=10):
        return self._expect(self.child.expect_exact, text, timeout)

    def _expect(self, method, pattern, timeout):
        try:
            return method(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("no %r on the console after %ss%s"
                                 % (pattern, timeout, self.tail())) from None
        except pexpect.EOF:
            status = self._reap()
            raise AssertionError("QEMU exited (status %s) before %r appeared%s"
                                 % (status, pattern, self.tail())) from None

    def send(self, text):
        self.child.send(text)

    def sendline(self, text=""):
        self.child.send(text + "\r")  # a serial terminal sends CR for Enter

    #T:050 QEMU's exit status tells how the host stopped. isa-debug-exit
    # gives value*2+1, so 33 or 35; with -no-reboot a triple fault ends QEMU
    # with status 0, which is always a crash, never a pass.
    def wait_exit(self, timeout=30):
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self.close()
            raise AssertionError("QEMU still running after %ss, killed it%s"
                                 % (timeout, self.tail())) from None
        status = self._reap()
        if status == 0:
            raise AssertionError("triple fault or reset: QEMU exited 0%s" % self.tail())
        return status

    def _reap(self):
        if self.status is None:
            self.child.wait()
            if self.child.signalstatus is not None:
                self.status = -self.child.signalstatus
            else:
                self.status = self.child.exitstatus
        return self.status

    def close(self):
        """Kill QEMU if it is still running; safe to call more than once."""
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close(force=True)
        self.console.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
