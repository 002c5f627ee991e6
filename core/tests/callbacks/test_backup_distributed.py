"""BackupAndRestore resumes a distributed fit: a DataParallel fit interrupted mid-epoch (an
exception raised from a callback) and started again with the same callback ends with the same
weights, optimizer step and epoch losses as an uninterrupted one.

jax runs on 4 host devices and tf on 4 logical CPUs (MirroredStrategy) in one process; torch
runs 2 processes over gloo on loopback (only process 0 writes the backup, both restore it). Each
scenario runs in child processes that print their measurements as JSON; the reference is the
uninterrupted fit of the same model from the same initial weights in the same child.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

CHILD = textwrap.dedent("""
    import importlib, json, os, sys
    backend, rank, world, ports, workdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    # imported before seeding (importing jax draws from NumPy's global generator)
    framework = importlib.import_module({"tf": "tensorflow"}.get(backend, backend))
    if backend == "tf" and world == 1:  # 4 logical CPUs, configured before TF starts its runtime
        cpu = framework.config.list_physical_devices("CPU")[0]
        framework.config.set_logical_device_configuration(cpu, [framework.config.LogicalDeviceConfiguration()] * 4)
    import numpy as np
    import dlx
    from dlx import distribution as D
    from dlx import layers as L

    if world > 1:
        D.initialize([f"127.0.0.1:{p}" for p in ports.split(",")], num_processes=world, process_id=rank)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 12)).astype("float32")
    y = (x[:, :3].sum(1) > 0).astype("int32")


    class Interrupt(Exception):
        pass


    def fit(seed, backup, stop_at=None):
        dlx.utils.set_random_seed(seed)  # initial weights and the shuffling seed
        m = dlx.Sequential([L.Input((12,)), L.Dense(16, activation="relu"), L.Dense(2)])
        m.compile(dlx.optimizers.Adam(0.01), dlx.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
        cbs = [dlx.callbacks.BackupAndRestore(backup, save_freq=3)]
        if stop_at:
            def stop(batch, logs):
                if int(m.optimizer.iterations.numpy()) == stop_at:
                    raise Interrupt(stop_at)
            cbs.append(dlx.callbacks.LambdaCallback(on_train_batch_end=stop))
        with D.DataParallel().scope():
            out["replicas"] = D.distribution().num_model_replicas
            h = m.fit(x, y, batch_size=32, epochs=3, shuffle=True, verbose=0, callbacks=cbs)
        return m, h.history


    out = {}
    clean, clean_hist = fit(1, os.path.join(workdir, "clean"))
    backup = os.path.join(workdir, "backup")
    try:
        fit(1, backup, stop_at=7)  # 4 batches an epoch: stopped after the 3rd of epoch 1
    except Interrupt:
        with open(os.path.join(backup, "latest", "training_metadata.json")) as f:
            out["backup"] = json.load(f)
    resumed, resumed_hist = fit(2, backup)  # other initial weights: the backup's must win
    if backend == "jax":
        out["devices_per_variable"] = [len(v.value.sharding.device_set) for v in resumed.weights]
    out["weights"] = [[a.tolist(), b.tolist()] for a, b in zip(clean.get_weights(), resumed.get_weights())]
    out["iterations"] = [int(clean.optimizer.iterations.numpy()), int(resumed.optimizer.iterations.numpy())]
    out["loss"] = [clean_hist["loss"], resumed_hist["loss"]]
    print("RESULT " + json.dumps(out))
""")

SCENARIOS = {  # name -> (backend, processes, extra environment)
    "jax": ("jax", 1, {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"}),
    "tf": ("tf", 1, {"TF_CPP_MIN_LOG_LEVEL": "2"}),
    "torch-2-processes": ("torch", 2, {"OMP_NUM_THREADS": "1"}),
}
MODULES = {"jax": "jax", "tf": "tensorflow", "torch": "torch"}


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return ",".join(str(s.getsockname()[1]) for s in socks)
    finally:
        for s in socks:
            s.close()


def _run(backend, world, extra, tmp_path):
    # PYTHONFAULTHANDLER: a child that aborts prints every thread's Python stack to stderr
    env = {**os.environ, "DLX_BACKEND": backend, "PYTHONWARNINGS": "ignore", "PYTHONFAULTHANDLER": "1", **extra}
    ports = _free_ports(world)
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, backend, str(rank), str(world), ports, str(tmp_path)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for rank in range(world)]
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=240))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    results = []
    for p, (stdout, stderr) in zip(procs, outs):
        lines = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")]
        assert p.returncode == 0 and lines, stderr[-4000:]
        results.append(json.loads(lines[-1][len("RESULT "):]))
    return results


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_interrupted_distributed_fit_resumes_to_the_same_weights(scenario, tmp_path):
    backend, world, extra = SCENARIOS[scenario]
    if importlib.util.find_spec(MODULES[backend]) is None:
        pytest.skip(f"{MODULES[backend]} is not installed")
    results = _run(backend, world, extra, tmp_path)
    for r in results:
        assert r["replicas"] == (4 if world == 1 else world)
        # the backup the restart found: written mid-epoch 1 (after its 2nd batch, global batch 6)
        assert (r["backup"]["epoch"], r["backup"]["step"]) == (1, 2)
        assert r["iterations"] == [12, 12]
        clean, resumed = r["loss"]
        assert len(resumed) == 2  # epochs 1 and 2: epoch 0 was not trained again
        # epoch 1's loss averages all 4 of its batches: the 2 before the backup came from the
        # restored metric state (every process's: torch's processes combine their metrics, so all
        # of them hold the global state the backup saved)
        np.testing.assert_allclose(resumed, clean[1:], rtol=1e-6)
        for a, b in r["weights"]:
            np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-6, atol=1e-7)
    assert not (tmp_path / "backup").exists()  # deleted after the successful fit
    if backend == "jax":  # the resumed model's variables are replicated over the 4 devices
        assert results[0]["devices_per_variable"] == [4] * len(results[0]["weights"])
    if world > 1:  # every process ends with the same weights
        for a, b in zip(results[0]["weights"], results[1]["weights"]):
            np.testing.assert_array_equal(np.asarray(a[1]), np.asarray(b[1]))
