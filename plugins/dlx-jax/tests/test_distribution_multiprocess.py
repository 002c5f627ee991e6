"""dlx.distribution on JAX across 2 processes on loopback (``jax.distributed`` through
``dlx.distribution.initialize``), each with 2 host CPU devices: DataParallel over the 4 devices of
the job against the single-process fit of the same model."""

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

if importlib.util.find_spec("jax") is None:  # checked without importing it here
    pytest.skip("jax is not installed", allow_module_level=True)

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import dlx
    import dlx.distribution.engine as E
    from dlx import distribution as D
    from dlx import layers as L

    rank, port, out_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    D.initialize(f"127.0.0.1:{port}", 2, rank)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 16)).astype("float32")
    y = rng.normal(size=(128, 4)).astype("float32")

    def mlp():
        dlx.utils.set_random_seed(1)
        m = dlx.Sequential([L.Input((16,)), L.Dense(32, activation="relu"), L.Dense(4)])
        m.compile(dlx.optimizers.SGD(0.05), "mse")
        return m

    seen = []
    orig = E.batch_distributor

    def recording(training):
        f = orig(training)
        def g(batch):
            b = f(batch)
            gx = np.asarray(batch[0])
            seen.append([[sh.index[0].start, sh.index[0].stop,
                          bool(np.array_equal(np.asarray(sh.data), gx[sh.index[0]]))]
                         for sh in b[0].addressable_shards])
            return b
        return g

    E.batch_distributor = recording
    out = {"devices": D.list_devices(), "processes": D.DataParallel().num_processes}
    m = mlp()
    with D.DataParallel().scope():
        out["loss"] = m.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history["loss"]
    E.batch_distributor = orig
    out["local_shards"] = seen
    out["ref"] = mlp().fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history["loss"]
    json.dump(out, open(out_path, "w"))
""")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jaxmp")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DLX_BACKEND": "jax", "JAX_PLATFORMS": "cpu", "PYTHONWARNINGS": "ignore",
           "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(r), str(port), str(tmp / f"{r}.json")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
    errs = []
    for p in procs:
        try:
            errs.append(p.communicate(timeout=240)[1])
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
    assert all(p.returncode == 0 for p in procs), "\n".join(e[-3000:] for e in errs)
    return [json.loads((tmp / f"{r}.json").read_text()) for r in range(2)]


def test_the_job_has_both_processes_devices(results):
    for r in results:
        # JAX's global device ids: each process's devices are numbered from process_index * 2048
        assert r["devices"] == ["cpu:0", "cpu:1", "cpu:2048", "cpu:2049"]
        assert r["processes"] == 2


def test_each_process_feeds_its_half_and_each_device_a_quarter(results):
    for rank, r in enumerate(results):
        assert len(r["local_shards"]) == 2 * 128 // 32
        for shards in r["local_shards"]:
            rows = sorted((start, stop) for start, stop, _ in shards)
            assert rows == [(rank * 16, rank * 16 + 8), (rank * 16 + 8, rank * 16 + 16)]
            assert all(equal for *_, equal in shards)


def test_loss_matches_one_process(results):
    for r in results:
        np.testing.assert_allclose(r["loss"], r["ref"], rtol=2e-5)
    assert results[0]["loss"] == results[1]["loss"]  # one global computation
