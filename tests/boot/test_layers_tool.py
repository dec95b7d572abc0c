#T:075 The layering check (scripts/check_layers.py, P:085) has its own
# tests, like the tour tool's: each writes a tiny tree into a temporary
# directory and runs the check on it. A check that passed everything would
# let the OS reach up into the hypervisor unnoticed, so every rule is
# shown failing here as well as passing. Next: T:080.
import pathlib
import subprocess
import sys

CHECK = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check_layers.py"


def run_check(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return subprocess.run([sys.executable, str(CHECK), str(tmp_path)],
                          capture_output=True, text=True)


def test_the_real_tree_passes():
    result = subprocess.run([sys.executable, str(CHECK), str(CHECK.parents[1])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_os_may_use_its_own_headers_and_the_init_entry(tmp_path):
    result = run_check(tmp_path, {
        "host/kernel/main.c": '#include "host/kernel/proc.h"\n#include "host/hypervisor.h"\n',
        "host/kernel/proc.h": "",
        "host/hypervisor.h": "",
    })
    assert result.returncode == 0, result.stderr


def test_os_including_a_hypervisor_header_fails(tmp_path):
    result = run_check(tmp_path, {
        "host/kernel/proc.c": '#include "host/guest.h"\n',
        "host/guest.h": "",
    })
    assert result.returncode == 1
    assert "host/kernel/proc.c includes host/guest.h: the OS may use only host/hypervisor.h" \
        in result.stderr


def test_shared_code_including_a_part_fails(tmp_path):
    result = run_check(tmp_path, {"lib/string.c": '#include "host/kernel/heap.h"\n'})
    assert result.returncode == 1
    assert "lib/string.c includes host/kernel/heap.h: shared code includes no part" \
        in result.stderr


def test_a_circle_of_headers_fails(tmp_path):
    result = run_check(tmp_path, {
        "host/a.h": '#include "host/b.h"\n',
        "host/b.h": '#include "host/c.h"\n',
        "host/c.h": '#include "host/a.h"\n',
    })
    assert result.returncode == 1
    assert "headers include each other: host/a.h -> host/b.h -> host/c.h -> host/a.h" \
        in result.stderr
