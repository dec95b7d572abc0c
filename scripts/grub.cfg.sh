#!/bin/bash
#P:095 scripts/grub.cfg.sh: writes the GRUB menu for build/kennel.iso.
#
# Usage: grub.cfg.sh ISO_DIR [FILE:NAME[:ARGS]]...  Each FILE is copied into
# the ISO's /boot/ and loaded as a Multiboot module whose command line starts
# with NAME (the path the host's file system will show, e.g. /bin/launcher).
# GRUB talks on the serial console and boots the first entry at once.
set -euo pipefail
iso=$1
shift
modules=()
for spec in "$@"; do
	file=${spec%%:*}
	name=${spec#*:}
	cp "$file" "$iso/boot/$(basename "$file")"
	modules+=("	module /boot/$(basename "$file") $name")
done
cat <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial

menuentry "kennel" {
	multiboot /boot/kennel.elf
$(printf '%s\n' "${modules[@]}")
	boot
}
CFG
