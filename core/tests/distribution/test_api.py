"""dlx.distribution's framework-free part: meshes, layouts, LayoutMap's regex lookup, the
distributions' layouts, the active distribution and its scope, and the capability error of a
backend without an engine. Keras 3 is the reference for LayoutMap's lookup rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx import distribution as D
from dlx.backend import registry

DEVS = [f"cpu:{i}" for i in range(4)]


class _Var:
    def __init__(self, path, shape):
        self.path, self.shape = path, shape


def test_device_mesh_shape_and_devices():
    mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=DEVS)
    assert mesh.shape == (2, 2) and mesh.axis_names == ("batch", "model")
    assert mesh.devices.shape == (2, 2) and mesh.devices[1, 0] == "cpu:2"
    assert mesh.axis_size("model") == 2


@pytest.mark.parametrize(("shape", "names", "match"), [
    ((3,), ["batch"], "needs 3 devices"),
    ((2, 2), ["batch"], "must name each"),
    ((2, 2), ["a", "a"], "repeated"),
    ((0,), ["batch"], "positive ints"),
])
def test_device_mesh_rejects(shape, names, match):
    with pytest.raises(ValueError, match=match):
        D.DeviceMesh(shape, names, devices=DEVS)


def test_tensor_layout_checks_axes_and_shapes():
    mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=DEVS)
    layout = D.TensorLayout([None, "model"], mesh)
    assert layout.axes == (None, "model") and layout.device_mesh is mesh
    layout.check_shape((3, 8))
    with pytest.raises(ValueError, match="does not divide"):
        layout.check_shape((3, 5))
    with pytest.raises(ValueError, match="rank"):
        layout.check_shape((3, 4, 4))
    with pytest.raises(ValueError, match="not an axis of the mesh"):
        D.TensorLayout(["data"], mesh)
    with pytest.raises(ValueError, match="more than one dimension"):
        D.TensorLayout(["model", "model"])
    with pytest.raises(ValueError, match="tuple of mesh axis names"):
        D.TensorLayout("model")


def test_layout_map_exact_then_regex():
    mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=DEVS)
    lm = D.LayoutMap(mesh)
    lm[".*dense.*kernel"] = (None, "model")
    lm["conv/kernel"] = D.TensorLayout([None, None, None, "model"])
    lm["conv.*"] = ("model",)
    assert lm["dense/kernel/x"] is None  # the whole path must match
    assert lm["seq/dense_3/kernel"].axes == (None, "model")
    assert lm["seq/dense_3/kernel"].device_mesh is mesh
    assert lm["conv/kernel"].axes == (None, None, None, "model")  # an exact key wins over patterns
    assert lm["seq/other/bias"] is None
    with pytest.raises(ValueError, match="more than one key"):
        lm["conv/dense/kernel"]
    with pytest.raises(ValueError, match="already has a layout"):
        lm["conv.*"] = (None,)
    del lm["conv.*"]
    assert len(lm) == 2 and sorted(lm) == [".*dense.*kernel", "conv/kernel"]
    with pytest.raises(ValueError, match="not a valid regular expression"):
        lm["dense("] = (None,)


def test_data_parallel_layouts():
    dp = D.DataParallel(devices=DEVS)
    assert dp.device_mesh.shape == (4,) and dp.batch_dim_name == "batch"
    assert dp.num_model_replicas == 4
    assert dp.get_data_layout((32, 28, 28, 1)).axes == ("batch", None, None, None)
    assert dp.get_variable_layout(_Var("d/kernel", (8, 4))).axes == (None, None)
    assert dp.get_tensor_layout("d/out") is None
    with pytest.raises(ValueError, match="1-d mesh"):
        D.DataParallel(device_mesh=D.DeviceMesh((2, 2), ["a", "b"], devices=DEVS))
    with pytest.raises(ValueError, match="not both"):
        D.DataParallel(device_mesh=dp.device_mesh, devices=DEVS)


def test_model_parallel_layouts():
    mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=DEVS)
    lm = D.LayoutMap(mesh)
    lm[".*/d1/kernel"] = (None, "model")
    mp = D.ModelParallel(layout_map=lm, batch_dim_name="batch")
    assert mp.num_model_replicas == 2
    assert mp.get_variable_layout(_Var("seq/d1/kernel", (8, 4))).axes == (None, "model")
    assert mp.get_variable_layout(_Var("seq/d1/bias", (4,))).axes == (None,)
    assert mp.get_data_layout((6, 3)).axes == ("batch", None)
    with pytest.raises(ValueError, match="does not divide"):
        mp.get_variable_layout(_Var("seq/d1/kernel", (8, 5)))
    assert D.ModelParallel(layout_map=lm).batch_dim_name == "batch"
    assert D.ModelParallel(layout_map=lm, batch_dim_name="model").num_model_replicas == 2
    with pytest.raises(ValueError, match="not an axis"):
        D.ModelParallel(layout_map=lm, batch_dim_name="data")
    with pytest.raises(ValueError, match="expected a LayoutMap"):
        D.ModelParallel()
    with pytest.raises(TypeError, match="device_mesh"):
        D.ModelParallel(layout_map=lm, device_mesh=mesh)


def test_scope_nests_over_the_global_distribution():
    a, b = D.DataParallel(devices=DEVS), D.DataParallel(devices=DEVS[:2])
    assert D.distribution() is None
    with a.scope():
        assert D.distribution() is a
        with b.scope():
            assert D.distribution() is b
        assert D.distribution() is a
    assert D.distribution() is None
    with pytest.raises(TypeError, match="expected a Distribution"):
        D.set_distribution("data_parallel")


def test_numpy_backend_raises_naming_the_backends_that_can(numpy_backend):
    capable = D.engine.capable_backends()
    assert not numpy_backend.capabilities.distribution
    for call in (D.list_devices, lambda: D.set_distribution(D.DataParallel(devices=DEVS))):
        with pytest.raises(D.DistributionUnsupportedError, match="numpy backend does not support") as e:
            call()
        for name in capable:
            assert name in str(e.value)
    assert D.distribution() is None
    m = dlx.Sequential([dlx.layers.Input((3,)), dlx.layers.Dense(2)])
    m.compile("sgd", "mse")
    x, y = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    with D.DataParallel(devices=DEVS).scope(), pytest.raises(D.DistributionUnsupportedError, match="numpy"):
        m.fit(x, y, verbose=0)
    m.fit(x, y, verbose=0)  # without a distribution it fits as before


def test_openvino_raises_naming_the_backends_that_can():
    rec = registry.records().get("openvino")
    if rec is None or not registry.usable(rec):
        pytest.skip("openvino is not installed")
    b = registry.get("openvino")
    with dlx.backend.use(b), pytest.raises(D.DistributionUnsupportedError, match="OpenVINO is an inference") as e:
        D.get_device_count()
    assert "jax" in str(e.value)


def test_initialize_validates_arguments_before_the_engine(numpy_backend, monkeypatch):
    with pytest.raises(ValueError, match="num_processes=0"):
        D.initialize(num_processes=0)
    with pytest.raises(ValueError, match="process_id=2"):
        D.initialize(num_processes=2, process_id=2)
    monkeypatch.setenv("DLX_DISTRIBUTION_NUM_PROCESSES", "two")
    with pytest.raises(ValueError, match="DLX_DISTRIBUTION_NUM_PROCESSES"):
        D.initialize()


_KERAS_LOOKUP = textwrap.dedent("""
    import json, sys
    import keras
    from keras import distribution as D
    mesh = D.DeviceMesh((1, 1), ["batch", "model"], devices=D.list_devices()[:1])
    lm = D.LayoutMap(mesh)
    for k, v in json.loads(sys.argv[1]):
        lm[k] = tuple(v)
    out = {}
    for p in json.loads(sys.argv[2]):
        try:
            r = lm[p]
            out[p] = None if r is None else list(r.axes)
        except ValueError:
            out[p] = "error"
    print(json.dumps(out))
""")


def test_layout_map_lookup_matches_keras():
    pytest.importorskip("keras")
    keys = [[".*dense.*kernel", [None, "model"]], ["dense_1/bias", ["model"]], ["conv", [None, None, None, "model"]],
            ["seq/dense/.*", [None, None]], ["dense.*", [None]]]
    paths = ["seq/dense/kernel", "seq/dense_1/bias", "seq/dense_1/kernel", "seq/conv/kernel", "seq/x/y",
             "conv2d/dense/kernel", "dense_1/bias"]
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    proc = subprocess.run([sys.executable, "-c", _KERAS_LOOKUP, json.dumps(keys), json.dumps(paths)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = json.loads(proc.stdout.strip().splitlines()[-1])
    lm = D.LayoutMap(D.DeviceMesh((1, 1), ["batch", "model"], devices=["cpu:0"]))
    for k, v in keys:
        lm[k] = tuple(v)
    for p in paths:
        try:
            r = lm[p]
            got = None if r is None else list(r.axes)
        except ValueError:
            got = "error"
        assert got == expected[p], p
