#T:097 test_debug.py runs `make debug` as a user would, with gdb reading
# its commands from a pipe instead of a terminal: QEMU must start halted
# with its gdb stub, gdb must stop at kernel_main, and with APPEND the
# host must get that command line and the same modules `make run` has
# (the README's `make debug APPEND='run=/bin/hello'`). Next: T:110.
import pathlib
import socket
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_debug_stops_at_kernel_main_and_runs_the_appended_programs():
    result = subprocess.run(
        ["make", "--no-print-directory", "debug", "APPEND=run=/bin/hello,a,b",
         "GDB_PORT=%d" % free_port()],
        cwd=ROOT, input="continue\ncontinue\nquit\n", capture_output=True,
        text=True, timeout=120)
    out = result.stdout + result.stderr
    assert "Breakpoint 1, kernel_main" in out, out[-3000:]
    lines = out.splitlines()
    assert "hello from pid 1: argc=3" in lines, out[-3000:]
    assert "argv[2] = b" in lines, out[-3000:]
    assert "kennel: powering off (success)" in lines, out[-3000:]
