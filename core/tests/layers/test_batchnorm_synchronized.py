"""``BatchNormalization(synchronized=True)``: under a dlx ``DataParallel`` distribution the batch
statistics are those of the global batch, so the moving mean / variance and the trained weights
equal those of single-device training on the whole batch; without a distribution the layer is
plain BatchNormalization (as in Keras).

Per backend, one job in child processes (devices must be configured before the framework
starts): jax on 4 host CPU devices (under the sharded step the batch mean is global already),
tf on 4 logical CPUs of a ``MirroredStrategy`` (the moments are all-reduced across replicas),
torch on 2 processes over gloo (the moments are all-reduced across processes). The single-device
fit of the same model from the same weights is the reference; ``synchronized=False`` under the
same distribution is the control (tf, torch: each replica's own statistics, which differ).
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

import dlx
from dlx import layers as L

CHILD = textwrap.dedent("""
    import json, os, sys
    backend, rank, world, port, out_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    if backend == "tf":
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 4)
    import numpy as np
    import dlx
    from dlx import distribution as D
    from dlx import layers as L

    if backend == "torch":
        D.initialize(job_addresses=f"127.0.0.1:{port}", num_processes=world, process_id=rank)
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(64, 6)).astype("float32")
    x = x[np.argsort(x[:, 0])]  # sorted rows: every replica's share has its own statistics
    y = (x @ rng.normal(size=(6, 1))).astype("float32")

    def model(sync):
        dlx.utils.set_random_seed(1)
        m = dlx.Sequential([L.Input((6,)), L.Dense(5, name="d"),
                            L.BatchNormalization(synchronized=sync, momentum=0.5, name="bn"), L.Dense(1, name="out")])
        m.compile(dlx.optimizers.SGD(0.05), "mse")
        return m

    def state(m):
        bn = m.get_layer("bn")
        return {"moving_mean": bn.moving_mean.numpy().tolist(), "moving_variance": bn.moving_variance.numpy().tolist(),
                "weights": [w.numpy().tolist() for w in m.trainable_weights]}

    out = {}
    ref = model(True)
    ref.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    out["reference"] = state(ref)
    dp = D.DataParallel()  # one strategy for both runs (tf: a second one over the same devices reuses its keys)
    for sync in (True, False):
        m = model(sync)
        with dp.scope():
            m.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        out[f"sync_{sync}"] = state(m)
    json.dump(out, open(out_path, "w"))
""")

JOBS = {"jax": (1, {"XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}),
        "tf": (1, {"TF_CPP_MIN_LOG_LEVEL": "3"}),
        "torch": (2, {"OMP_NUM_THREADS": "1"})}
PACKAGES = {"jax": "jax", "tf": "tensorflow", "torch": "torch"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("backend_name", sorted(JOBS))
def test_synchronized_statistics_are_global_under_data_parallel(backend_name, tmp_path):
    if importlib.util.find_spec(PACKAGES[backend_name]) is None:
        pytest.skip(f"{PACKAGES[backend_name]} is not installed")
    world, extra = JOBS[backend_name]
    env = {**os.environ, "DLX_BACKEND": backend_name, "PYTHONWARNINGS": "ignore", **extra}
    port = str(_free_port())
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, backend_name, str(r), str(world), port,
                               str(tmp_path / f"{r}.json")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for r in range(world)]
    errs = []
    for p in procs:
        try:
            errs.append(p.communicate(timeout=300)[1])
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
    assert all(p.returncode == 0 for p in procs), "\n".join(e[-3000:] for e in errs)
    results = [json.loads((tmp_path / f"{r}.json").read_text()) for r in range(world)]
    for res in results:
        ref, sync = res["reference"], res["sync_True"]
        for key in ("moving_mean", "moving_variance"):
            np.testing.assert_allclose(sync[key], ref[key], rtol=1e-5, atol=1e-6)
        for w, w_ref in zip(sync["weights"], ref["weights"]):  # the gradients through the global moments
            np.testing.assert_allclose(w, w_ref, rtol=1e-4, atol=1e-5)
        local = res["sync_False"]["moving_mean"]
        if backend_name == "jax":  # one global array under the sharded step: the statistics are global anyway
            np.testing.assert_allclose(local, ref["moving_mean"], rtol=1e-5, atol=1e-6)
        else:  # the control: each replica's own share
            assert np.max(np.abs(np.subtract(local, ref["moving_mean"]))) > 1e-2


def test_synchronized_without_distribution_is_plain_batch_normalization(training_backend):
    x = np.random.default_rng(0).normal(1.0, 2.0, size=(16, 4)).astype("float32")
    plain, synced = L.BatchNormalization(momentum=0.5), L.BatchNormalization(momentum=0.5, synchronized=True)
    a, b = plain(x, training=True), synced(x, training=True)
    np.testing.assert_array_equal(dlx.ops.convert_to_numpy(a), dlx.ops.convert_to_numpy(b))
    np.testing.assert_array_equal(plain.moving_variance.numpy(), synced.moving_variance.numpy())
    # the float64 reference: momentum 0.5 from (0, 1) toward the batch's population statistics
    np.testing.assert_allclose(synced.moving_mean.numpy(), 0.5 * x.astype("float64").mean(0), rtol=1e-5)
    np.testing.assert_allclose(synced.moving_variance.numpy(), 0.5 + 0.5 * x.astype("float64").var(0), rtol=1e-5)
    assert synced.get_config()["synchronized"] is True
