"""dlx.distribution on torch: DataParallel across 2 processes over torch.distributed's gloo on
loopback, against the single-process fit of the same model from the same initial weights.

Both processes are started by the test (``dlx.distribution.initialize`` with explicit
arguments); each reports as JSON what it saw and computed.
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

if importlib.util.find_spec("torch") is None:  # checked without importing it here
    pytest.skip("torch is not installed", allow_module_level=True)

WORLD = 2

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import dlx
    import dlx.distribution.engine as E
    from dlx import distribution as D
    from dlx import layers as L

    rank, world, port, out_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    D.initialize(job_addresses=f"127.0.0.1:{port}", num_processes=world, process_id=rank)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(192, 8, 8, 1)).astype("float32")
    y = np.argmax(x.reshape(192, -1) @ rng.normal(size=(64, 10)), axis=1).astype("int32")

    def cnn(seed):
        dlx.utils.set_random_seed(seed)
        m = dlx.Sequential([L.Input((8, 8, 1)), L.Conv2D(4, 3, activation="relu", name="conv"),
                            L.Flatten(), L.Dense(10, activation="softmax", name="head")])
        m.compile(dlx.optimizers.SGD(0.05), "sparse_categorical_crossentropy")
        return m

    out = {"devices": D.list_devices(), "rank": rank}
    seen = []
    orig = E.batch_distributor

    def recording(training):
        f = orig(training)
        def g(batch):
            local = f(batch)
            gx, lx = np.asarray(batch[0]), local[0].numpy()
            n = gx.shape[0]
            seen.append([n, lx.shape[0], bool(np.array_equal(lx, gx[rank * n // world:(rank + 1) * n // world]))])
            return local
        return g

    E.batch_distributor = recording
    m = cnn(seed=10 + rank)  # different initial weights per process: DataParallel broadcasts process 0's
    with D.DataParallel().scope():
        out["mesh"] = list(D.distribution().device_mesh.shape)
        out["loss"] = m.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
        E.batch_distributor = orig
        out["eval"] = m.evaluate(x, y, batch_size=32, verbose=0)
        out["predict_rows"] = int(m.predict(x, batch_size=32, verbose=0).shape[0])
    out["batches"] = seen
    out["weights"] = [w.numpy().tolist() for w in m.weights]
    if rank == 0:  # the single-process reference, outside any distribution
        ref = cnn(seed=10)
        out["ref_loss"] = ref.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
        out["ref_weights"] = [w.numpy().tolist() for w in ref.weights]
        out["ref_eval"] = ref.evaluate(x, y, batch_size=32, verbose=0)
        mesh = D.DeviceMesh((2,), ["model"])
        lm = D.LayoutMap(mesh)
        lm[".*head/kernel"] = (None, "model")
        try:
            with D.ModelParallel(layout_map=lm).scope():
                cnn(seed=1).fit(x, y, batch_size=32, epochs=1, verbose=0)
        except D.DistributionUnsupportedError as e:
            out["model_parallel_error"] = str(e)
    json.dump(out, open(out_path, "w"))
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ddp")
    port = _free_port()
    env = {**os.environ, "DLX_BACKEND": "torch", "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(r), str(WORLD), str(port), str(tmp / f"{r}.json")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for r in range(WORLD)]
    errs = []
    for p in procs:
        try:
            _, err = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
        errs.append(err)
    assert all(p.returncode == 0 for p in procs), "\n".join(e[-3000:] for e in errs)
    return [json.loads((tmp / f"{r}.json").read_text()) for r in range(WORLD)]


def test_devices_and_mesh(results):
    for r in results:
        assert r["devices"] == [f"cpu:{i}" for i in range(WORLD)]
        assert r["mesh"] == [WORLD]


def test_each_process_trains_on_its_half_of_every_batch(results):
    for r in results:
        assert len(r["batches"]) == 3 * 192 // 32
        for n, local, equal in r["batches"]:
            assert local == n // WORLD and equal


def test_replicas_stay_identical_and_match_one_process(results):
    ref = results[0]["ref_weights"]
    for r in results:
        for w, w_ref in zip(r["weights"], ref):
            # the all-reduced mean gradient equals the whole-batch one up to summation order (Kr)
            np.testing.assert_allclose(np.asarray(w), np.asarray(w_ref), rtol=1e-5, atol=1e-6)
    for a, b in zip(results[0]["weights"], results[1]["weights"]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))  # one update, applied by both


def test_global_loss_equals_one_process(results):
    # each process logs the mean loss of its halves; with equal halves their mean is the global one
    global_loss = np.mean([r["loss"] for r in results], axis=0)
    np.testing.assert_allclose(global_loss, results[0]["ref_loss"], rtol=1e-5)


def test_evaluate_and_predict_see_the_whole_data(results):
    for r in results:
        np.testing.assert_allclose(r["eval"], results[0]["ref_eval"], rtol=1e-5)
        assert r["predict_rows"] == 192


def test_model_parallel_is_a_clear_capability_error(results):
    msg = results[0]["model_parallel_error"]
    assert "torch" in msg and "jax" in msg


def test_custom_step_without_gradient_reduction_is_refused():
    """A custom pure train_step that applies its own gradients would let the processes diverge:
    under DataParallel on torch it raises (checked in this process, with a 1-device mesh)."""
    import dlx
    from dlx import distribution as D

    class Custom(dlx.Sequential):
        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x, y = data

            def loss_fn(tv):
                y_pred, _ = self.stateless_call(tv, ntv, x, training=True)
                return dlx.ops.mean(dlx.ops.square(y_pred - y))

            loss, grads = dlx.backend.current().value_and_grad(loss_fn)(tv)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            return {"loss": loss}, (tv, ntv, ov, mv)

    with dlx.backend.use("torch"):
        m = Custom([dlx.layers.Input((3,)), dlx.layers.Dense(2)])
        m.compile("sgd", "mse")
        x, y = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
        with D.DataParallel().scope(), pytest.raises(D.DistributionUnsupportedError, match="reduce its gradients"):
            m.fit(x, y, verbose=0)
        m.fit(x, y, verbose=0)  # without a distribution it trains
