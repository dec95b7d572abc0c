#T:900 test_storage.py: the host's disk, /var, and guest disks on it.
#
# Each test makes its own host disk in tmp_path with the build's mkpupfs
# (a copy of pup's disk as /pup.img when pup is to run), attaches it as
# the primary IDE disk, and boots the host more than once on it: what one
# boot wrote, the next must read. pup under kennel writes a file on its
# disk, served by the Launcher from /var/pup.img, and reads it back after
# a power-off; a second Launcher on the same image is refused; a 64 MiB
# file is written, checked, and checked again at the next boot; a full
# disk gives "No space left on device" and fsck finds nothing wrong (the
# host's, and pupfsck on the image afterwards); the
# host tools copy, list, remove and measure files. Next: T:902, the unit
# tests of the file system itself (tests/unit/test_pupfs.c).
import re
import shutil
import subprocess

from kennel_qemu import EXIT_FAILURE, EXIT_SUCCESS, ROOT

MKPUPFS = ROOT / "build" / "guest" / "mkpupfs"
PUPFSCK = ROOT / "build" / "guest" / "pupfsck"
PUP_DISK = ROOT / "build" / "guest" / "disk.img"
BIN = ROOT / "build" / "user" / "bin"
TOOLS = ["ls", "cat", "cp", "rm", "df", "fsck", "bigfile"]
PUP_MODULES = ["build/launcher/launcher /bin/launcher", "build/guest/pup.elf /guests/pup.elf",
               "build/guest/disk.img /guests/disk.img"]


def host_disk(tmp_path, kib, with_pup=False):
    """A fresh pupfs image of kib KiB, holding /pup.img if asked."""
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    if with_pup:
        (root / "pup.img").write_bytes(PUP_DISK.read_bytes())
    image = tmp_path / "host-disk.img"
    subprocess.run([str(MKPUPFS), str(image), str(kib), str(root)], check=True)
    return image


def native_fsck(image):
    """pupfsck on the image, on the build machine: (status, output)."""
    done = subprocess.run([str(PUPFSCK), str(image)], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def drive(image):
    return ["-drive", "file=%s,format=raw,if=ide" % image]


def tool_modules(*extra):
    return ["build/user/bin/%s /bin/%s" % (t, t) for t in TOOLS] + list(extra)


def boot_tools(qemu, image, append, extra_modules=(), timeout=60):
    """Boot the host with the tools and run append; its console lines."""
    machine = qemu(append=append, initrd=tool_modules(*extra_modules), extra=drive(image))
    status = machine.wait_exit(timeout=timeout)
    lines = machine.output.replace("\r", "").splitlines()
    return status, lines, machine


def var_line(lines):
    found = [line for line in lines if line.startswith("var: ")]
    assert len(found) == 1, found
    return found[0]


PUP_RUN = "run=/bin/launcher,--mem,32M,--disk,/var/pup.img,/guests/pup.elf"


def boot_pup(qemu, image):
    machine = qemu(append=PUP_RUN, initrd=PUP_MODULES, extra=drive(image))
    machine.expect_exact("[pup] pup:/$ ", timeout=90)
    return machine


def pup_command(machine, line, answer=None):
    machine.sendline(line)
    if answer:
        machine.expect_exact("[pup] " + answer)
    machine.expect_exact("[pup] pup:/$ ")


def test_pup_file_survives_poweroff(qemu, tmp_path):
    image = host_disk(tmp_path, 8192, with_pup=True)
    machine = boot_pup(qemu, image)
    pup_command(machine, "write /kept written before the power-off")
    pup_command(machine, "cat /kept", "written before the power-off")
    machine.sendline("poweroff")
    machine.expect_exact("launcher: guest pup powered off")
    assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()

    machine = boot_pup(qemu, image)
    pup_command(machine, "cat /kept", "written before the power-off")
    pup_command(machine, "ls /", "     29 kept")
    machine.sendline("poweroff")
    assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()
    assert native_fsck(image) == (0, "pupfsck: %s: clean\n" % image)


def test_snapshot_disk_forgets_and_module_disk_is_refused(qemu, tmp_path):
    image = host_disk(tmp_path, 8192, with_pup=True)
    machine = qemu(append="run=/bin/launcher,--disk,/guests/disk.img,/guests/pup.elf",
                   initrd=PUP_MODULES, extra=drive(image))
    machine.expect_exact("launcher: /guests/disk.img: read-only (a boot module?): "
                         "--snapshot-disk serves a copy in memory", timeout=60)
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE, machine.tail()

    run = "run=/bin/launcher,--snapshot-disk,/var/pup.img,/guests/pup.elf"
    for _ in range(2):
        machine = qemu(append=run, initrd=PUP_MODULES, extra=drive(image))
        machine.expect_exact("[pup] pup:/$ ", timeout=90)
        pup_command(machine, "cat /gone", "cat: /gone: No such file or directory")
        pup_command(machine, "write /gone only in memory")
        machine.sendline("poweroff")
        assert machine.wait_exit(timeout=30) == EXIT_SUCCESS, machine.tail()


def test_two_guests_cannot_share_a_writable_image(qemu, tmp_path):
    image = host_disk(tmp_path, 8192, with_pup=True)
    one = "run=/bin/launcher,--mem,16M,--name,a,--disk,/var/pup.img,/guests/pup.elf"
    two = one.replace("--name,a", "--name,b")
    machine = qemu(append=one + " " + two, initrd=PUP_MODULES, extra=drive(image))
    machine.expect_exact("launcher: /var/pup.img: in use by another guest: "
                         "a disk image serves one guest at a time", timeout=90)
    machine.expect(r"\[(a|b)\] pup:/\$ ", timeout=90)
    machine.sendline("poweroff")
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE, machine.tail()
    lines = machine.output.replace("\r", "").splitlines()
    assert sum("exited with status 125" in line for line in lines) == 1, lines
    assert sum("exited with status 0" in line for line in lines) == 1, lines


def test_64_mib_file_written_checked_and_kept(qemu, tmp_path):
    image = host_disk(tmp_path, 69 * 1024)
    status, lines, machine = boot_tools(qemu, image, "run=/bin/bigfile,both,/var/big,64",
                                        timeout=300)
    assert status == EXIT_SUCCESS, machine.tail()
    assert any(re.fullmatch(r"bigfile: wrote 67108864 bytes to /var/big in \d+ ms", line)
               for line in lines), lines
    assert any(re.fullmatch(r"bigfile: checked 67108864 bytes of /var/big in \d+ ms", line)
               for line in lines), lines

    status, lines, machine = boot_tools(qemu, image, "run=/bin/bigfile,check,/var/big,64",
                                        timeout=300)
    assert status == EXIT_SUCCESS, machine.tail()
    assert any(line.startswith("bigfile: checked 67108864 bytes of /var/big")
               for line in lines), lines


def test_full_disk_says_no_space_and_stays_consistent(qemu, tmp_path):
    image = host_disk(tmp_path, 2048)
    status, lines, machine = boot_tools(qemu, image, "run=/bin/bigfile,fill,/var/fill")
    assert status == EXIT_SUCCESS, machine.tail()
    full = [line for line in lines if line.startswith("bigfile: write /var/fill after")]
    assert len(full) == 1, lines
    assert re.fullmatch(r"bigfile: write /var/fill after (\d+) bytes: No space left on device",
                        full[0]), full
    assert int(full[0].split()[4]) > 1800 * 1024, full

    status, lines, machine = boot_tools(qemu, image, "run=/bin/fsck")
    assert status == EXIT_SUCCESS, machine.tail()
    assert "fsck: /var: clean" in lines, lines
    assert not [line for line in lines if line.startswith("fsck: /var: ") and
                line != "fsck: /var: clean"], lines
    assert re.fullmatch(r"var: disk of 2048 KiB mounted on /var: pupfs, 0 of 2048 blocks "
                        r"free, \d+ inodes", var_line(lines)), lines
    assert native_fsck(image) == (0, "pupfsck: %s: clean\n" % image)


def test_host_tools_copy_list_remove_and_measure(qemu, tmp_path):
    image = host_disk(tmp_path, 4096)
    note = tmp_path / "note.txt"
    note.write_text("a file from the boot modules\n")
    module = "%s /files/note.txt" % note
    status, lines, machine = boot_tools(qemu, image, "run=/bin/cp,/files/note.txt,/var/note.txt",
                                        [module])
    assert status == EXIT_SUCCESS, machine.tail()

    status, lines, machine = boot_tools(qemu, image,
                                        "run=/bin/cat,/var/note.txt run=/bin/ls,/var", [module])
    assert status == EXIT_SUCCESS, machine.tail()
    assert "a file from the boot modules" in lines, lines
    assert "file       29 note.txt" in lines, lines

    status, lines, machine = boot_tools(qemu, image, "run=/bin/rm,/var/note.txt,/var/nothing")
    assert status == EXIT_FAILURE, machine.tail()
    assert "rm: /var/nothing: No such file or directory" in lines, lines

    status, lines, machine = boot_tools(qemu, image, "run=/bin/ls,/var run=/bin/df")
    assert status == EXIT_SUCCESS, machine.tail()
    assert not [line for line in lines if "note.txt" in line], lines
    assert any(re.fullmatch(r"/var: 4096 KiB, \d+ KiB used, \d+ KiB free; \d+ inodes, \d+ free",
                            line) for line in lines), lines
    status, lines, machine = boot_tools(qemu, image, "run=/bin/rm,/bin/ls")
    assert status == EXIT_FAILURE, machine.tail()
    assert "rm: /bin/ls: Read-only file system" in lines, lines


def test_corrupt_host_disk_is_not_mounted(qemu, tmp_path):
    image = host_disk(tmp_path, 2048)
    with open(image, "r+b") as f:      # the superblock's data_start: into the bitmap
        f.seek(1024 + 20)
        f.write((3).to_bytes(4, "little"))
    status, lines, machine = boot_tools(qemu, image, "run=/bin/df")
    assert status == EXIT_FAILURE, machine.tail()
    assert re.fullmatch(r"var: disk of 2048 KiB: superblock: data_start 3 is inside the bitmap "
                        r"\(1 blocks from block \d+\); /var is not mounted",
                        var_line(lines)), lines
    assert "df: /var: No such file or directory" in lines, lines
    code, out = native_fsck(image)
    assert code == 2 and "superblock: data_start 3 is inside the bitmap" in out, out


#T:985 ninodes = 0xffffffff: rounded up to inode blocks in 32 bits, the
# sum wrapped to a small table and the disk mounted. The host's /var and
# pup (natively, its own disk) must both refuse it, saying why, and the
# native fsck too.
NINODES_REFUSED = (r"superblock: bitmap_start \d+ is inside the inode table "
                   r"\(4294967295 inodes from block \d+\)")


def set_ninodes(image, value):
    with open(image, "r+b") as f:      # struct pupfs_super at block 1: magic, nblocks, ninodes
        f.seek(1024 + 8)
        f.write(value.to_bytes(4, "little"))


def test_ninodes_that_wrap_are_refused(qemu, tmp_path):
    image = host_disk(tmp_path, 2048)
    set_ninodes(image, 0xffffffff)
    status, lines, machine = boot_tools(qemu, image, "run=/bin/df")
    assert status == EXIT_FAILURE, machine.tail()
    assert re.fullmatch(r"var: disk of 2048 KiB: %s; /var is not mounted" % NINODES_REFUSED,
                        var_line(lines)), lines
    code, out = native_fsck(image)
    assert code == 2 and re.search(NINODES_REFUSED, out), out

    disk = tmp_path / "pup-disk.img"
    shutil.copyfile(ROOT / "build" / "guest" / "disk.img", disk)
    set_ninodes(disk, 0xffffffff)
    machine = qemu(kernel="build/guest/pup.elf", append="",
                   extra=["-drive", "file=%s,format=raw,if=ide" % disk])
    machine.expect(r"pup: disk: 4096 KiB, ([^\r\n]*)\r*\n", timeout=30)
    assert re.fullmatch(NINODES_REFUSED, machine.match.group(1)), machine.tail()
    machine.expect_exact("pup: panic: no root file system", timeout=30)
    assert machine.wait_exit(timeout=30) == EXIT_FAILURE, machine.tail()
    assert "pup:/$ " not in machine.output, machine.tail()
