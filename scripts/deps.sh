#!/usr/bin/env bash
#P:030 scripts/deps.sh installs the Debian 12 packages kennel needs.
# `make run` and `make check` call it every time, so when everything is
# already there it must say nothing and return at once. Otherwise it runs
# `apt-get update` once and installs only what is missing, as root or
# through sudo. Read the Makefile next to see where it is called.
set -euo pipefail

packages=(nasm qemu-system-x86 grub-pc-bin grub-common xorriso mtools
	gcc-multilib libcmocka-dev python3-pytest python3-pexpect gdb make
	gcc binutils)

#P:040 A package counts as present only when dpkg reports it fully
# installed; a half-configured or removed package is installed again.
missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [[ $status != "install ok installed" ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

if ((EUID == 0)); then
	as_root=()
elif command -v sudo >/dev/null 2>&1; then
	as_root=(sudo)
else
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${as_root[@]}" apt-get update >"$log" 2>&1 ||
   ! "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
	cat "$log" >&2
	echo "deps: failed to install: ${missing[*]}" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
