#P:090 scripts/kennel.gdb is loaded by `make debug`, which starts QEMU
# frozen (-S) with a gdb stub, then runs gdb on this script. It attaches
# to the stub, loads the symbols of every kernel that runs on the
# machine, defines `world` and `cross` (P:400), and stops at kernel_main.
#
# Three programs share the CPU, at addresses that never overlap, so one
# gdb holds all their symbols and a breakpoint names one of them:
#   the host kernel  0xC01xxxxx  build/kennel.elf
#   the Switcher     0xFFC00000  also build/kennel.elf (section .switcher)
#   pup's kernel     0xD01xxxxx  build/guest/pup.elf (G:100)
# Names that both kernels define (memcpy, kprintf, sched_tick, ...) get
# a breakpoint in each; name the file to choose one:
# `break guest/kernel/sched.c:sched_tick`. User programs are all linked
# at 0x00400000 and are not loaded; `add-symbol-file build/guest/user/X`
# adds one. Only the few instructions of each kernel's .boot section,
# which run at their physical addresses (0x100000 in both), share
# addresses: gdb names them after the host's.
#
# At the (gdb) prompt: `continue` (or `c`) runs up to kernel_main; then
# `next`, `step`, `bt` and `info registers` as usual; Ctrl-C stops the
# machine again, and `quit` ends the session (make debug then stops
# QEMU). The README's Debugging section has the recipe for a guest. The
# port below is the default; make debug rewrites it to $(GDB_PORT) in
# build/kennel.gdb.
set pagination off
set width 0
set confirm off
set architecture i386
file build/kennel.elf
add-symbol-file build/guest/pup.elf
target remote localhost:1234

#P:400 Which world is the CPU in? cs's low two bits are the ring, and
# eip and CR3 tell the rest:
#   ring 0 at 0xFFC00000 and up        the Switcher
#   ring 0 at pup's addresses          pup booted natively
#   ring 0 elsewhere                   the host kernel
#   ring 1                             a guest's kernel (only guests use it)
#   ring 3 with the CR3 the Switcher   a guest's user program
#     last loaded (guest_cr3, S:030)
#   ring 3 otherwise                   a host program (a Launcher, ...)
# `world` prints one line, "world: host kernel, ring 0: cs 0x8, eip ...
# in FUNCTION in section .text of FILE", and leaves a short name in
# $world (host, switcher, guest, guest-user, host-user, native).
# `cross [N]` single-steps until the world changes (at most N
# instructions, 2000 unless told) and then says how many it took and
# where it is: from a breakpoint at switch_to_guest it walks the
# Switcher into the guest, from exit_common back to the host. Under
# QEMU's gdb stub a single step takes no interrupt, so only the code's
# own traps and its iret change the world.
python
import gdb

STATE_PAGE = 2 * 4096           # host/switcher.h: text, regs page, state page


def kennel_value(expr):
    try:
        return int(gdb.parse_and_eval(expr)) & 0xffffffff
    except (gdb.error, gdb.MemoryError):
        return None


def kennel_user_world():
    switcher = kennel_value("(unsigned int)&switch_to_guest")
    cr3 = kennel_value("$cr3")
    guest_cr3 = None
    if switcher is not None:
        guest_cr3 = kennel_value("((struct switcher_state *)%#x)->guest_cr3"
                                 % (switcher + STATE_PAGE))
    if cr3 is not None and guest_cr3 is not None and \
            cr3 & ~0xfff == guest_cr3 & ~0xfff:
        return "guest-user", "guest user program, ring 3"
    if guest_cr3 is None:
        return "user", "user program, ring 3"
    return "host-user", "host program, ring 3"


def kennel_world():
    ring = kennel_value("$cs") & 3
    eip = kennel_value("$eip")
    if ring == 1:
        return "guest", "guest kernel, ring 1"
    if ring == 3:
        return kennel_user_world()
    switcher = kennel_value("(unsigned int)&switch_to_guest")
    pup_base = kennel_value("(unsigned int)&pup_kernel_base")
    if switcher is not None and eip >= switcher:
        return "switcher", "the Switcher, ring 0"
    if pup_base is not None and pup_base <= eip < (switcher or 1 << 32):
        return "native", "pup natively, ring 0"
    return "host", "host kernel, ring 0"


def kennel_where():
    eip = kennel_value("$eip")
    where = gdb.execute("info symbol %#x" % eip, to_string=True).strip()
    return "cs %#x, eip %#x in %s" % (kennel_value("$cs"), eip, where)


def kennel_show():
    short, name = kennel_world()
    gdb.set_convenience_variable("world", short)
    print("world: %s: %s" % (name, kennel_where()))
    return short


class World(gdb.Command):
    """Say which world the CPU is in: host kernel, Switcher, guest kernel
(ring 1), guest or host user program (ring 3); also sets $world."""

    def __init__(self):
        super().__init__("world", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        kennel_show()


class Cross(gdb.Command):
    """cross [N]: stepi until the CPU changes world (at most N steps,
default 2000), then show the new world and the source line."""

    def __init__(self):
        super().__init__("cross", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        limit = int(arg) if arg.strip() else 2000
        start = kennel_world()[0]
        gdb.execute("set suppress-cli-notifications on")
        try:
            steps = self.step_until_not(start, limit)
        finally:
            gdb.execute("set suppress-cli-notifications off")
        if steps is None:
            print("cross: still in %s after %d instructions" % (start, limit))
            return
        print("cross: %d instructions from %s" % (steps, start))
        kennel_show()
        gdb.execute("frame")

    def step_until_not(self, start, limit):
        for steps in range(1, limit + 1):
            gdb.execute("stepi", to_string=True)
            if kennel_world()[0] != start:
                return steps
        return None


World()
Cross()
end

break kernel_main
