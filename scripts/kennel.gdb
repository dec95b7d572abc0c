#P:090 scripts/kennel.gdb is loaded by `make debug`, which starts QEMU
# frozen (-S) with a gdb stub, then runs gdb on this script. It attaches
# to the stub, loads the host's symbols and stops at kernel_main.
#
# At the (gdb) prompt: `continue` (or `c`) runs up to kernel_main; then
# `next`, `step`, `bt` and `info registers` as usual; Ctrl-C stops the
# machine again, `break host/foo.c:42` adds a breakpoint, and `quit`
# ends the session (make debug then stops QEMU). The port below is the
# default; make debug rewrites it to $(GDB_PORT) in build/kennel.gdb.
# For the Switcher, `layout asm` and `stepi` help.
set pagination off
set confirm off
set architecture i386
symbol-file build/kennel.elf
target remote localhost:1234
break kernel_main
