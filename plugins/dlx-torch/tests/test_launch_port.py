"""A launched job whose coordinator port was taken between being found free and being bound by
process 0 starts again on another port (``dlx.distribution.launch.run``)."""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path

import pytest

if importlib.util.find_spec("torch") is None:  # checked without importing it here
    pytest.skip("torch is not installed", allow_module_level=True)


def job(device_type):
    """What each process runs: its rank and the job's world size, as torch.distributed has them."""
    import torch.distributed as tdist

    return [tdist.get_rank(), tdist.get_world_size()]


def test_a_taken_port_restarts_the_job_on_another(monkeypatch):
    from dlx.distribution import launch

    with socket.socket() as held:  # another program listens on the port the job is handed first
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        handed = []
        free = launch._free_port

        def first_taken():
            handed.append(taken if not handed else free())
            return handed[-1]

        monkeypatch.setattr(launch, "_free_port", first_taken)
        env = {"PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
               "OMP_NUM_THREADS": "1"}
        out = launch.run("torch", 2, "test_launch_port:job", timeout=120, env=env)
    assert out == [[0, 2], [1, 2]]
    assert len(handed) == 2 and handed[1] != taken  # the second start had a new port


def test_other_failures_are_not_retried(monkeypatch):
    from dlx.distribution import launch

    calls = []
    free = launch._free_port
    monkeypatch.setattr(launch, "_free_port", lambda: calls.append(1) or free())
    with pytest.raises(launch.LaunchError, match=r"No module named .no_such_module_here."):
        launch.run("torch", 2, "no_such_module_here:job", timeout=120)
    assert len(calls) == 1
