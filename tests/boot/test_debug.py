#T:097 test_debug.py runs `make debug` as a user would, with gdb reading
# its commands from a pipe instead of a terminal: QEMU must start halted
# with its gdb stub, gdb must stop at kernel_main, and with APPEND the
# host must get that command line and the same modules `make run` has
# (the README's `make debug APPEND='run=/bin/hello'`). Next: T:110.
import pathlib
import re
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


#T:970 The recipe of the README's Debugging section, run by gdb itself:
# make debug boots pup under kennel (on a copy in memory of its disk),
# and gdb, reading its commands from a pipe, stops in a host function
# (run_guest) and in a pup function (pup's own sched_tick, chosen by
# file since the host has one too), steps two lines in pup, then stops at
# the Switcher's way out (exit_common) and single-steps with `cross`
# until the CPU is back in the host, and at its way in (switch_to_guest)
# and steps until it is in the guest. At every stop `world` must name
# the world from cs and eip, with the symbol and the ELF file it belongs
# to; pup's breakpoint must sit at pup's own addresses (0xD01xxxxx, G:100),
# not the host's; and gdb must not warn about its symbols at any stop (it
# did once at every one, for nasm's description of two code sections).
GDB_RECIPE = """\
break guest/kernel/sched.c:sched_tick
break run_guest
continue
world
continue
world
delete 3
continue
world
next
frame
next
frame
break exit_common
continue
world
cross
break switch_to_guest
continue
world
cross
kill
quit
"""

PUP_APPEND = "run=/bin/launcher,--mem,32M,--snapshot-disk,/guests/disk.img,/guests/pup.elf"


def after(out, marker):
    """The text of out after marker, which must be there."""
    assert marker in out, out[-4000:]
    return out[out.index(marker) + len(marker):]


def test_gdb_breaks_in_host_and_pup_and_crosses_the_switcher(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "debug", "APPEND=" + PUP_APPEND,
         "HOSTDISK=%s" % (tmp_path / "host-disk.img"), "GDB_PORT=%d" % free_port()],
        cwd=ROOT, input=GDB_RECIPE, capture_output=True, text=True, timeout=300)
    out = (result.stdout + result.stderr).replace("(gdb) ", "\n")
    (ROOT / "build" / "test-logs").mkdir(parents=True, exist_ok=True)
    (ROOT / "build" / "test-logs" / "gdb_recipe.log").write_text(out)
    lines = out.splitlines()
    assert not [l for l in lines if "warning:" in l or "not in symtab" in l], out[-4000:]

    pup_break = re.search(r"^Breakpoint 2 at 0x([0-9a-f]+): file guest/kernel/sched.c, line (\d+)\.$",
                          out, re.M)
    assert pup_break, out[-4000:]
    assert 0xd0100000 <= int(pup_break.group(1), 16) < 0xd0500000, pup_break.group(0)
    assert re.search(r"^Breakpoint 3 at 0xc01[0-9a-f]{5}: file host/run_guest.c, line \d+\.$",
                     out, re.M), out[-4000:]

    rest = after(out, "\nBreakpoint 1, kernel_main (")
    assert re.match(r"[^\n]*\n?[^\n]*at host/kernel/main.c:\d+\n", rest), rest[:500]
    host = r"world: host kernel, ring 0: cs 0x8, eip 0xc01[0-9a-f]{5} in %s in section \.text of \S+/build/kennel\.elf$"
    assert re.search(host % "kernel_main", rest, re.M), rest[:1000]

    rest = after(rest, "\nBreakpoint 3, run_guest (")
    assert re.match(r"g=0x[0-9a-f]+\) at host/run_guest.c:\d+\n", rest), rest[:500]
    assert re.search(host % "run_guest", rest, re.M), rest[:1000]

    rest = after(rest, "\nBreakpoint 2, sched_tick () at guest/kernel/sched.c:%s\n" % pup_break.group(2))
    guest = r"world: guest kernel, ring 1: cs 0x31, eip 0xd01[0-9a-f]{5} in %s in section \.text of \S+/build/guest/pup\.elf$"
    assert re.search(guest % r"sched_tick", rest, re.M), rest[:1000]
    steps = [int(n) for n in re.findall(r"^#0  sched_tick \(\) at guest/kernel/sched.c:(\d+)$",
                                        rest.split("\nBreakpoint 4")[0], re.M)]
    assert len(steps) == 2 and int(pup_break.group(2)) < steps[0] < steps[1], rest[:1500]

    rest = after(rest, "\nBreakpoint 4, exit_common () at switcher/switcher.asm:")
    switcher = r"world: the Switcher, ring 0: cs 0x8, eip 0xffc0[0-9a-f]{4} in %s in section \.switcher of \S+/build/kennel\.elf$"
    assert re.search(switcher % "exit_common", rest, re.M), rest[:1000]
    back = re.search(r"^cross: (\d+) instructions from switcher\n"
                     r"world: host kernel, ring 0: cs 0x8, eip 0xc01[0-9a-f]{5} in .* of \S+/build/kennel\.elf\n"
                     r"#0  .* at host/\S+:\d+$", rest, re.M)
    assert back and int(back.group(1)) > 10, rest[:1500]

    rest = after(rest, "\nBreakpoint 5, switch_to_guest () at switcher/switcher.asm:")
    assert re.search(switcher % "switch_to_guest", rest, re.M), rest[:1000]
    into = re.search(r"^cross: (\d+) instructions from switcher\n"
                     r"world: guest kernel, ring 1: cs 0x31, eip 0xd01[0-9a-f]{5} in .* of \S+/build/guest/pup\.elf\n"
                     r"#0  .* at (guest|lib|arch/x86)/\S+:\d+$", rest, re.M)
    assert into and int(into.group(1)) > 10, rest[:1500]


#T:977 Ring 3 is both worlds' user mode, at the same addresses (every
# program is linked at 0x00400000), so `world` tells a guest's program
# from a host program by CR3: the Switcher notes the shadow directory it
# loads (guest_cr3). The test stops once in pup's shell and once in its
# Launcher, told apart by a condition `world` does not use (the Launcher's
# own CR3, which the Switcher saved as host_cr3), each with only that
# program's symbols loaded, and `world` must name each rightly.
GDB_RING3 = """\
break guest/kernel/sched.c:sched_tick
continue
continue
delete 2
add-symbol-file build/guest/user/bin/sh
break main if $cr3 != ((struct switcher_state *)0xffc02000)->host_cr3
continue
world
delete 3
remove-symbol-file -a $pc
add-symbol-file build/launcher/launcher
break ioctl if $cr3 == ((struct switcher_state *)0xffc02000)->host_cr3
continue
world
kill
quit
"""


def test_gdb_tells_a_guest_program_from_a_host_program(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "debug", "APPEND=" + PUP_APPEND,
         "HOSTDISK=%s" % (tmp_path / "host-disk.img"), "GDB_PORT=%d" % free_port()],
        cwd=ROOT, input=GDB_RING3, capture_output=True, text=True, timeout=300)
    out = (result.stdout + result.stderr).replace("(gdb) ", "\n")
    worlds = re.findall(r"^world: .*$", out, re.M)
    assert len(worlds) == 2, out[-4000:]
    assert re.fullmatch(r"world: guest user program, ring 3: cs 0x1b, eip 0x400[0-9a-f]{3} in main "
                        r"in section \.text of \S+/build/guest/user/bin/sh", worlds[0]), worlds
    assert re.fullmatch(r"world: host program, ring 3: cs 0x1b, eip 0x4[0-9a-f]{5} in ioctl "
                        r"in section \.text of \S+/build/launcher/launcher", worlds[1]), worlds
    assert not [l for l in out.splitlines() if "warning:" in l or "not in symtab" in l], out[-4000:]
