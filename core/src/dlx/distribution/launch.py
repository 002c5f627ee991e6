"""Start a job of N devices on a backend's distributed engine and call a function in it.

Each engine knows how fresh interpreters get N devices: jax asks XLA for N host devices in one
process, torch starts one process per device over ``torch.distributed``, tf splits the CPU into
N logical devices before its runtime starts. A backend's distribution module says so with a hook,

* ``launch(num_devices) -> Launch``: the number of processes, their extra environment, an
  optional ``"module:function"`` called with ``num_devices`` in every process before the backend
  is selected, and the device type the job's devices have;

and :func:`run` starts those processes, joins them into one job (:func:`dlx.distribution.initialize`
on loopback when there are several), calls ``target(**kwargs)`` in each and returns their
results. The conformance suite's distribution tier and ``bench/distribution.py`` use it.

>>> Launch(processes=2).processes
2

Nothing here imports a framework.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any


@dataclasses.dataclass(frozen=True)
class Launch:
    """How to start a job of ``num_devices`` devices (returned by an engine's ``launch`` hook).

    Arguments:
        processes: how many processes to start; they are joined into one job with
            :func:`~dlx.distribution.initialize` when there is more than one.
        env: environment variables set in every process (before any framework is imported).
        setup: ``"module:function"``, called as ``function(num_devices)`` in every process before
            the backend is selected (tf: configures logical devices), or ``None``.
        device_type: the type of the job's devices, for ``list_devices(device_type)`` (``None``:
            the backend's default type).
    """

    processes: int = 1
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    setup: str | None = None
    device_type: str | None = None


class LaunchError(RuntimeError):
    """A process of a launched job failed or timed out (the message has its stderr's tail)."""


def plan(backend_name: str, num_devices: int) -> Launch:
    """The backend engine's :class:`Launch` for a job of ``num_devices`` devices.

    Raises:
        DistributionUnsupportedError: when the backend has no distribution engine, or its engine
            has no ``launch`` hook.
    """
    from dlx.backend import registry
    from dlx.distribution.engine import DistributionUnsupportedError, engine_for

    if not isinstance(num_devices, int) or num_devices < 1:
        raise ValueError(f"launch: num_devices={num_devices!r}; expected a positive int")
    eng = engine_for(registry.get(backend_name))
    hook = getattr(eng, "launch", None)
    if hook is None:
        raise DistributionUnsupportedError(
            f"the {backend_name} backend's distribution module ({eng.__name__}) has no launch(num_devices) hook: "
            "it cannot say how to start a job of several devices")
    out = hook(num_devices)
    if not isinstance(out, Launch) or out.processes < 1 or num_devices % out.processes:
        raise TypeError(f"{eng.__name__}.launch({num_devices}) returned {out!r}; expected a Launch whose processes "
                        f"divide {num_devices}")
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(backend_name: str, num_devices: int, target: str, kwargs: Mapping[str, Any] | None = None, *,
        timeout: float = 300.0, env: Mapping[str, str] | None = None, launch: Launch | None = None) -> list:
    """Calls ``target(**kwargs)`` in every process of a ``num_devices``-device job on
    ``backend_name`` and returns their results in process order.

    Arguments:
        backend_name: the backend the processes select.
        num_devices: how many devices the job has.
        target: ``"module:function"``; its keyword arguments and result must be JSON values. It
            reads the job's devices with ``dlx.distribution.list_devices(device_type)``, where
            ``device_type`` is passed to it as a keyword argument too.
        kwargs: the keyword arguments (the same in every process).
        timeout: seconds the whole job may take; then every process is killed.
        env: extra environment variables for every process (after the launch's own).
        launch: the plan (default: :func:`plan`'s).

    Raises:
        LaunchError: when a process fails or the job times out (naming the process, with the end
            of its stderr); the other processes are killed.
    """
    launch = launch or plan(backend_name, num_devices)
    for _ in range(_PORT_ATTEMPTS - 1):
        with contextlib.suppress(_PortTaken):
            return _run_once(backend_name, num_devices, target, kwargs, timeout, env, launch, _free_port())
    return _run_once(backend_name, num_devices, target, kwargs, timeout, env, launch, _free_port())


# The coordinator's port is found free, closed, then bound by process 0 a few seconds later; another
# program (another job's connections take ephemeral ports too) can take it in between. The job is
# then started again on a new port.
_PORT_ATTEMPTS = 3
_PORT_TAKEN = ("address already in use", "eaddrinuse")


class _PortTaken(LaunchError):
    pass


def _run_once(backend_name, num_devices, target, kwargs, timeout, env, launch, port) -> list:
    with tempfile.TemporaryDirectory(prefix="dlx-launch-") as tmp:
        procs = []
        for rank in range(launch.processes):
            spec = {"backend": backend_name, "num_devices": num_devices, "processes": launch.processes, "rank": rank,
                    "port": port, "setup": launch.setup, "target": target,
                    "kwargs": {**(kwargs or {}), "device_type": launch.device_type},
                    "out": str(Path(tmp) / f"{rank}.json")}
            penv = {**os.environ, "DLX_BACKEND": backend_name, **launch.env, **(env or {})}
            with open(Path(tmp) / f"{rank}.err", "w") as err:  # a file: a pipe could fill and block the child
                procs.append(subprocess.Popen([sys.executable, "-m", "dlx.distribution.launch", json.dumps(spec)],
                                              env=penv, stdout=subprocess.DEVNULL, stderr=err))
        errors = _wait(procs, timeout, [Path(tmp) / f"{r}.err" for r in range(len(procs))])
        if errors:
            if any(m in e.lower() for e in errors for m in _PORT_TAKEN):
                raise _PortTaken(f"port {port} was taken before the job bound it: " + "; ".join(errors))
            raise LaunchError(f"{backend_name} job of {num_devices} device(s) in {launch.processes} process(es): "
                              + "; ".join(errors))
        return [json.loads((Path(tmp) / f"{r}.json").read_text()) for r in range(launch.processes)]


def _wait(procs, timeout, err_files) -> list[str]:
    """Waits for every process; on the first failure or the deadline kills the rest. Returns the
    failures' descriptions."""
    deadline = time.monotonic() + timeout
    pending, killed = set(range(len(procs))), set()
    why = ""
    while pending:
        for i in sorted(pending):
            if procs[i].poll() is not None:
                pending.discard(i)
                if procs[i].returncode and not why:
                    why = f"killed after process {i} failed"
        if pending and (why or time.monotonic() > deadline):
            why = why or f"timed out after {timeout:g} s"
            for i in pending:
                procs[i].kill()
                procs[i].wait()
            killed |= pending
            pending = set()
        time.sleep(0.02)
    out = []
    for i, p in enumerate(procs):
        if i in killed:
            out.append(f"process {i} {why}: {err_files[i].read_text(errors='replace')[-1000:]}")
        elif p.returncode:
            out.append(f"process {i} exit status {p.returncode}: {err_files[i].read_text(errors='replace')[-2500:]}")
    return out


def _resolve(ref: str):
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _child(spec: dict) -> None:
    if spec["setup"]:
        _resolve(spec["setup"])(spec["num_devices"])
    from dlx import config

    config.set_backend(spec["backend"])
    if spec["processes"] > 1:
        from dlx.distribution.engine import initialize

        initialize(job_addresses=f"127.0.0.1:{spec['port']}", num_processes=spec["processes"], process_id=spec["rank"])
    result = _resolve(spec["target"])(**spec["kwargs"])
    Path(spec["out"]).write_text(json.dumps(result))


if __name__ == "__main__":
    _child(json.loads(sys.argv[1]))
