#!/bin/bash
#P:095 scripts/grub.cfg.sh: writes the GRUB menu for build/kennel.iso.
#
# Usage: grub.cfg.sh ISO_DIR [FILE:NAME]...  Each FILE is copied into the
# ISO's /boot/ and loaded as a Multiboot module whose command line starts
# with NAME (the path the host's file system will show, e.g. /bin/launcher).
# GRUB talks on the serial console; the menu waits three seconds, then
# boots the first entry. Every entry loads every module; the entries differ
# in the host command line, that is, in which programs the host starts
# (docs/conventions.md has the options). To boot an entry without GRUB,
# give QEMU -kernel build/kennel.elf the same words with -append. The
# first entry needs the host's disk on the IDE bus (make run attaches
# build/host-disk.img): pup's disk is /var/pup.img on it. pup
# natively (no kennel) is `make run-native`: it needs a disk on the IDE
# bus, which a CD boot does not have.
set -euo pipefail
iso=$1
shift

# title|host command line
entries=(
	"kennel: pup, the guest OS, with its disk on the host's /var ('poweroff' stops it)|run=/bin/launcher,--mem,32M,--disk,/var/pup.img,/guests/pup.elf"
	"kennel: two pup guests, a and b, each on a copy of the disk in memory (Ctrl-T moves your typing between them)|run=/bin/launcher,--mem,32M,--name,a,--snapshot-disk,/guests/disk.img,/guests/pup.elf run=/bin/launcher,--mem,32M,--name,b,--snapshot-disk,/guests/disk.img,/guests/pup.elf"
	"kennel: an echo guest (type to it; 'quit' powers it off)|run=/bin/launcher,--mem,4M,/guests/echo.elf"
	"kennel: two echo guests (Ctrl-T moves your typing between them)|run=/bin/launcher,--mem,4M,--name,left,/guests/echo.elf run=/bin/launcher,--mem,4M,--name,right,/guests/echo.elf"
	"kennel: the host alone|"
)

modules=()
for spec in "$@"; do
	file=${spec%%:*}
	name=${spec#*:}
	cp "$file" "$iso/boot/$(basename "$file")"
	modules+=("	module /boot/$(basename "$file") $name")
done

cat <<CFG
set timeout=3
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
CFG
for entry in "${entries[@]}"; do
	cat <<CFG

menuentry "${entry%%|*}" {
	multiboot /boot/kennel.elf ${entry#*|}
$(printf '%s\n' "${modules[@]}")
	boot
}
CFG
done
