"""dlx.distribution on TensorFlow: DataParallel as a MirroredStrategy over 4 logical CPUs, against
the single-device fit of the same model from the same initial weights.

Logical devices must be configured before TF initializes its runtime, so the scenario runs in a
child process that prints its measurements as JSON.
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

if importlib.util.find_spec("tensorflow") is None:  # checked without importing it here
    pytest.skip("tensorflow is not installed", allow_module_level=True)

REPLICAS = 4

CHILD = textwrap.dedent("""
    import json, sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * int(sys.argv[1]))
    import numpy as np
    import dlx
    from dlx import distribution as D
    from dlx import layers as L

    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 8, 8, 1)).astype("float32")
    y = np.argmax(x.reshape(128, -1) @ rng.normal(size=(64, 10)), axis=1).astype("int32")

    def cnn(**kw):
        dlx.utils.set_random_seed(3)
        m = dlx.Sequential([L.Input((8, 8, 1)), L.Conv2D(4, 3, activation="relu", name="conv"),
                            L.Flatten(), L.Dense(10, activation="softmax", name="head")])
        m.compile(dlx.optimizers.SGD(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"], **kw)
        return m

    out = {"devices": D.list_devices()}
    ref = cnn()
    out["ref"] = ref.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    m = cnn()
    with D.DataParallel().scope():
        out["dp"] = m.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    out["weights_diff"] = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(ref.weights, m.weights))

    # which rows each replica trains on (an eager fit, recording inside the replicas)
    seen = []
    e = cnn(run_eagerly=True)
    step = e.train_step

    def recording(state, data):
        ctx = tf.distribute.get_replica_context()
        seen.append([int(ctx.replica_id_in_sync_group), data[0].numpy().tolist()])
        return step(state, data)

    e.train_step = recording
    with D.DataParallel().scope():
        e.fit(x[:64], y[:64], batch_size=32, epochs=1, shuffle=False, verbose=0)
    rows = {tuple(np.asarray(r).reshape(-1)[:4].round(6)): i for i, r in enumerate(x[:64].tolist())}
    out["shares"] = [[rid, [rows[tuple(np.asarray(r).reshape(-1)[:4].round(6))] for r in xs]] for rid, xs in seen]

    errors = {}
    mesh = D.DeviceMesh((2, 2), ["batch", "model"])
    lm = D.LayoutMap(mesh)
    lm[".*head/kernel"] = (None, "model")
    for name, call in [("model_parallel", lambda: D.set_distribution(D.ModelParallel(layout_map=lm))),
                       ("initialize", lambda: D.initialize("127.0.0.1:1234", 2, 0))]:
        try:
            call()
        except D.DistributionUnsupportedError as err:
            errors[name] = str(err)
    out["errors"] = errors
    print("RESULT " + json.dumps(out))
""")


@pytest.fixture(scope="module")
def result():
    env = {**os.environ, "DLX_BACKEND": "tf", "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(REPLICAS)], env=env, capture_output=True, text=True,
                          timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT "):])


def test_devices(result):
    assert result["devices"] == [f"cpu:{i}" for i in range(REPLICAS)]


def test_mirrored_fit_matches_one_device(result):
    # the all-reduced row-weighted mean gradient differs from the whole-batch one in summation order
    np.testing.assert_allclose(result["dp"]["loss"], result["ref"]["loss"], rtol=2e-5)
    np.testing.assert_allclose(result["dp"]["accuracy"], result["ref"]["accuracy"], atol=1e-6)
    assert result["weights_diff"] < 1e-5


def test_each_replica_trains_on_a_quarter_of_every_batch(result):
    shares = result["shares"]
    assert len(shares) == 2 * REPLICAS  # two batches of 32
    for batch in range(2):
        got = sorted((rid, rows) for rid, rows in shares if rows and rows[0] // 32 == batch)
        assert [rid for rid, _ in got] == list(range(REPLICAS))
        for rid, rows in got:
            start = batch * 32 + rid * 32 // REPLICAS
            assert rows == list(range(start, start + 32 // REPLICAS))


def test_what_tf_cannot_do_is_a_clear_capability_error(result):
    errors = result["errors"]
    assert "ModelParallel" in errors["model_parallel"] and "jax" in errors["model_parallel"]
    assert "multi-process" in errors["initialize"] and "torch" in errors["initialize"]
