"""dlx.distribution.ModelParallel, sharded saving and distribute_tensor on JAX with 4 host CPU devices (``--xla_force_host_platform_device_count``).

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

    # -- ModelParallel: a 4-layer MLP on a (2, 2) mesh --------------------------------------------
    xm = rng.normal(size=(128, 16)).astype("float32")
    ym = rng.normal(size=(128, 4)).astype("float32")
    LAYOUT = {"d1": (None, "model"), "d2": ("model", None), "d3": (None, "model"), "d4": ("model", None)}

    def mlp():
        dlx.utils.set_random_seed(5)
        m = dlx.Sequential([L.Input((16,)), L.Dense(64, activation="relu", name="d1"),
                            L.Dense(64, activation="relu", name="d2"), L.Dense(64, activation="relu", name="d3"),
                            L.Dense(4, name="d4")])
        m.compile(dlx.optimizers.Adam(0.01), "mse")
        return m

    u = mlp()
    out["mp_loss_1"] = u.fit(xm, ym, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"]
    mesh = D.DeviceMesh((2, 2), ["batch", "model"])
    lm = D.LayoutMap(mesh)
    for name, axes in LAYOUT.items():
        lm[f".*/{name}/kernel"] = axes
    mp = D.ModelParallel(layout_map=lm, batch_dim_name="batch")
    s = mlp()
    with mp.scope():
        out["mp_loss_4"] = s.fit(xm, ym, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"]
        pred_sharded = s.predict(xm, verbose=0)
    mesh_pos = {str(d): [int(i) for i in idx] for idx, d in np.ndenumerate(mesh.devices)}
    shards = {}
    for v in [*s.weights, *s.optimizer.variables]:
        arr = v.value
        full = np.asarray(arr)
        shards[v.path] = {"spec": [None if a is None else str(a) for a in arr.sharding.spec], "shape": list(full.shape),
                          "shards": [[mesh_pos[str(sh.device)],
                                      [[sl.start, sl.stop] for sl in sh.index],
                                      bool(np.array_equal(np.asarray(sh.data), full[sh.index]))]
                                     for sh in arr.addressable_shards]}
    out["mp_shards"] = shards
    dev0 = str(mesh.devices[0, 0])
    out["mp_param_bytes_dev0"] = sum(int(np.prod(sh.data.shape)) * 4 for v in s.weights
                                     for sh in v.value.addressable_shards if str(sh.device) == dev0)
    out["mp_param_bytes_full"] = sum(int(np.prod(v.shape)) * 4 for v in s.weights)

    # -- saving: sharded -> unsharded, and back ---------------------------------------------------
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "mlp.keras")
    with mp.scope():
        s.save(path)
    loaded = dlx.saving.load_model(path)
    out["load_unsharded_devices"] = sorted({len(v.value.sharding.device_set) for v in loaded.weights})
    out["load_unsharded_diff"] = float(np.max(np.abs(loaded.predict(xm, verbose=0) - pred_sharded)))
    wpath = os.path.join(tmp, "mlp.weights.h5")
    loaded.save_weights(wpath)
    back = mlp()
    back.load_weights(wpath)
    with mp.scope():
        pred_back = back.predict(xm, verbose=0)
        out["reload_sharded_specs"] = {v.path: [None if a is None else str(a) for a in v.value.sharding.spec]
                                       for v in back.weights}
    out["reload_sharded_diff"] = float(np.max(np.abs(pred_back - pred_sharded)))

    # -- distribute_tensor, eagerly and inside a compiled function ------------------------------
    t = D.distribute_tensor(np.arange(32, dtype="float32").reshape(8, 4), D.TensorLayout(["batch", None], mesh))
    out["dt_spec"] = [None if a is None else str(a) for a in t.sharding.spec]
    import jax
    lay = D.TensorLayout([None, "model"], mesh)
    f = jax.jit(lambda a: D.distribute_tensor(a * 2, lay))
    out["dt_jit_spec"] = [None if a is None else str(a) for a in f(t).sharding.spec]
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


def test_model_parallel_loss_matches_unsharded(result):
    np.testing.assert_allclose(result["mp_loss_4"], result["mp_loss_1"], rtol=2e-5)


def _expected_slice(axes, shape, pos):
    """The [start, stop] per dimension that mesh position ``pos`` = (batch, model) holds."""
    out = []
    for dim, axis in zip(shape, axes):
        if axis is None:
            out.append([None, None])
        else:
            k = pos[0] if axis == "batch" else pos[1]
            out.append([k * dim // 2, (k + 1) * dim // 2])
    return out


def test_model_parallel_each_device_holds_its_layout_shard(result):
    layout = {"d1": (None, "model"), "d2": ("model", None), "d3": (None, "model"), "d4": ("model", None)}
    shards = result["mp_shards"]
    checked = 0
    for path, info in shards.items():
        name = next((n for n in layout if f"_{n}_kernel" in path or f"/{n}/kernel" in path), None)
        axes = layout[name] if name else (None,) * len(info["shape"])
        assert [a for a in info["spec"]] + [None] * (len(axes) - len(info["spec"])) == list(axes), path
        assert len(info["shards"]) == DEVICES
        for pos, index, equal in info["shards"]:
            assert index == _expected_slice(axes, info["shape"], pos), (path, pos)
            assert equal, path  # the shard's values are that slice of the full array
        checked += name is not None
    assert checked == 4 * 3  # four kernels and each kernel's two Adam moments


def test_model_parallel_parameter_memory(result):
    assert result["mp_param_bytes_dev0"] <= 0.55 * result["mp_param_bytes_full"]


def test_sharded_save_loads_unsharded_and_back(result):
    assert result["load_unsharded_devices"] == [1]
    assert result["load_unsharded_diff"] <= 1e-6
    specs = result["reload_sharded_specs"]
    assert specs["sequential_1/d1/kernel" if "sequential_1/d1/kernel" in specs else next(
        p for p in specs if p.endswith("d1/kernel"))] == [None, "model"]
    assert result["reload_sharded_diff"] <= 1e-6


def test_distribute_tensor(result):
    assert result["dt_spec"] == ["batch", None] or result["dt_spec"] == ["batch"]
    assert result["dt_jit_spec"][:2] == [None, "model"]
