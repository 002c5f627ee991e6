"""dlx.distribution.DataParallel on JAX with 4 host CPU devices (``--xla_force_host_platform_device_count``).

The flag must be set before JAX is imported, so every scenario runs in one child process that
prints its measurements as JSON; the tests check them. References are independent of the code
under test: the 1-device fit of the same model from the same initial weights, NumPy slices of
the full variable values, and byte counts from shapes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

if importlib.util.find_spec("jax") is None:  # checked without importing it here
    pytest.skip("jax is not installed", allow_module_level=True)

DEVICES = 4

CHILD = textwrap.dedent("""
    import json, os, sys, tempfile
    import numpy as np
    import dlx
    import dlx.distribution.engine as E
    from dlx import distribution as D
    from dlx import layers as L

    out = {"devices": D.list_devices(), "count": D.get_device_count("cpu")}
    rng = np.random.default_rng(0)

    # -- DataParallel: a small CNN, 1 device vs 4 ------------------------------------------------
    xi = rng.normal(size=(256, 8, 8, 1)).astype("float32")
    yi = np.argmax(xi.reshape(256, -1) @ rng.normal(size=(64, 10)), axis=1).astype("int32")  # learnable

    def cnn():
        dlx.utils.set_random_seed(3)
        m = dlx.Sequential([L.Input((8, 8, 1)), L.Conv2D(4, 3, activation="relu", name="conv"),
                            L.Flatten(), L.Dense(10, activation="softmax", name="head")])
        m.compile(dlx.optimizers.SGD(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"])
        return m

    m1 = cnn()
    out["dp_loss_1"] = m1.fit(xi, yi, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
    seen = []
    orig = E.batch_distributor

    def recording(training):
        f = orig(training)
        def g(batch):
            b = f(batch)
            x = b[0]
            seen.append({"shape": list(x.shape),
                         "shards": sorted([[str(s.device), s.index[0].start, s.index[0].stop, list(s.data.shape)]
                                           for s in x.addressable_shards])})
            return b
        return g

    E.batch_distributor = recording
    m4 = cnn()
    dp = D.DataParallel()
    with dp.scope():
        out["dp_loss_4"] = m4.fit(xi, yi, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
        out["dp_eval_4"] = m4.evaluate(xi, yi, verbose=0)
        m4.evaluate(xi, yi, verbose=0)
        # the compiled steps' traces: once each, not again for the metrics' fresh reset state
        out["dp_traces"] = [m4.train_function.trace_count, m4.test_function.trace_count]
    E.batch_distributor = orig
    out["dp_eval_1"] = m1.evaluate(xi, yi, verbose=0)
    out["dp_batches"] = seen
    out["dp_var_specs"] = [[str(a) for a in v.value.sharding.spec] + [len(v.value.sharding.device_set)]
                           for v in m4.weights]
    out["dp_weights_close"] = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in
                                  zip(m1.weights, m4.weights))

    # a custom pure train_step (Keras's JAX pattern: stateless_call, value_and_grad,
    # optimizer.stateless_apply) runs unchanged under the distribution
    class Custom(dlx.Sequential):
        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x, y = data

            def loss_fn(tv, ntv):
                y_pred, ntv = self.stateless_call(tv, ntv, x, training=True)
                return dlx.ops.mean(dlx.ops.square(y_pred - y)), ntv

            (loss, ntv), grads = dlx.backend.current().value_and_grad(loss_fn, has_aux=True)(tv, ntv)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            return {"loss": loss}, (tv, ntv, ov, mv)

    def custom():
        dlx.utils.set_random_seed(4)
        m = Custom([L.Input((64,)), L.Dense(16, activation="relu"), L.Dense(10)])
        m.compile(dlx.optimizers.SGD(0.05))
        return m

    xc, yc = xi.reshape(256, 64), np.eye(10, dtype="float32")[yi]
    c1, c4 = custom(), custom()
    c1.fit(xc, yc, batch_size=32, epochs=2, shuffle=False, verbose=0)
    with dp.scope():
        c4.fit(xc, yc, batch_size=32, epochs=2, shuffle=False, verbose=0)
    out["custom_weights_diff"] = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in
                                     zip(c1.weights, c4.weights))
    out["custom_devices"] = [len(v.value.sharding.device_set) for v in c4.weights]
    print("RESULT " + json.dumps(out))
""")




@pytest.fixture(scope="module")
def result():
    env = {**os.environ, "DLX_BACKEND": "jax", "XLA_FLAGS": f"--xla_force_host_platform_device_count={DEVICES}",
           "JAX_PLATFORMS": "cpu", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT "):])


def test_devices(result):
    assert result["devices"] == [f"cpu:{i}" for i in range(DEVICES)]
    assert result["count"] == DEVICES


def test_data_parallel_loss_matches_one_device(result):
    # reductions split over 4 devices change the summation order only: Kr-sized differences
    np.testing.assert_allclose(result["dp_loss_4"], result["dp_loss_1"], rtol=2e-5)
    np.testing.assert_allclose(result["dp_eval_4"], result["dp_eval_1"], rtol=2e-5)
    assert result["dp_weights_close"] < 1e-4


def test_data_parallel_each_device_holds_a_quarter_of_each_batch(result):
    batches = result["dp_batches"]
    assert len(batches) == 3 * 256 // 32 + 2 * 256 // 32  # 3 epochs of fit, then evaluate twice
    for b in batches:
        n = b["shape"][0]
        shards = b["shards"]
        assert len({d for d, *_ in shards}) == DEVICES
        rows = sorted((start, stop) for _, start, stop, _ in shards)
        assert rows == [(i * n // DEVICES, (i + 1) * n // DEVICES) for i in range(DEVICES)]
        assert all(shape[0] == n // DEVICES for *_, shape in shards)


def test_data_parallel_compiles_each_step_once(result):
    # 3 epochs of fit and 2 evaluations, every batch the same shape: one trace each (before, the
    # metrics' reset values on one device made the second step trace and compile again)
    assert result["dp_traces"] == [1, 1]


def test_data_parallel_replicates_variables(result):
    for spec in result["dp_var_specs"]:
        assert all(a == "None" for a in spec[:-1]) and spec[-1] == DEVICES




def test_custom_train_step_runs_unchanged(result):
    assert result["custom_weights_diff"] < 1e-5
    assert result["custom_devices"] == [DEVICES] * 4
