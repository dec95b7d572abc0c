#T:060 conftest.py gives every boot test a `qemu` fixture: a factory that
# starts machines with kennel_qemu.Qemu's arguments and kills them all when
# the test ends, pass or fail. Each test starts with a fresh console log in
# build/test-logs/. A test reads like:
#
#     machine = qemu(append="console=echo")
#     machine.expect(r"kennel \S+")
#     assert machine.wait_exit() == EXIT_SUCCESS
import pathlib
import sys

import pytest

HERE = str(pathlib.Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import kennel_qemu  # noqa: E402


@pytest.fixture
def qemu(request):
    machines = []
    kennel_qemu.log_path(request.node.name).unlink(missing_ok=True)

    def start(*args, **kwargs):
        kwargs.setdefault("name", request.node.name)
        machine = kennel_qemu.Qemu(*args, **kwargs)
        machines.append(machine)
        return machine

    yield start
    for machine in machines:
        machine.close()
