"""``dlx.utils.FeatureSpace`` against Keras 3's on the same columns (``feature_space_cases.py``; Keras in
a subprocess with TensorFlow, dlx without): encoded outputs, single-sample calls, adapt on a dict
and on batched datasets, configs; then dlx-only behaviour (symbolic graph, save/load, errors)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx.utils import FeatureSpace

from .feature_space_cases import CASES, TEST, TRAIN, spec

HERE = Path(__file__).parent
pytest.importorskip("farmhash", reason="Hashing needs pyfarmhash (dlx[preprocessing]) to equal Keras")


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("tensorflow") is None:
        pytest.skip("the Keras 3 reference needs keras and tensorflow (test-only)")
    folder = tmp_path_factory.mktemp("kfs")
    _side(folder)
    with np.load(folder / "keras.npz") as f:
        outs = {k: f[k] for k in f.files}
    return outs, json.loads((folder / "configs.json").read_text()), folder


def _side(folder, *args):
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_feature_space_side.py"), str(folder), *args], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]


def _np(x):
    return np.asarray(dlx.ops.convert_to_numpy(x))


def _close(out, ref, what):
    out = _np(out)
    assert out.shape == ref.shape, f"{what}: shape {out.shape}, Keras {ref.shape}"
    if ref.dtype.kind in "iu":
        np.testing.assert_array_equal(out, ref, err_msg=what)
    else:  # normalization: float32 mean/variance by different summation orders
        np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5, err_msg=what)


@pytest.mark.parametrize("case", CASES)
def test_outputs_equal_keras(ref, backend, case):
    fs = spec(FeatureSpace, case)
    fs.adapt({k: TRAIN[k] for k in fs.features})
    out = fs({k: TEST[k] for k in fs.features})
    if isinstance(out, dict):
        keys = sorted(k.split(":", 1)[1] for k in ref[0] if k.startswith(f"{case}:") and k != f"{case}:single")
        assert sorted(out) == keys
        for k, v in out.items():
            _close(v, ref[0][f"{case}:{k}"], f"{case} {k} on {backend.name}")
        single = fs({k: TEST[k][2] for k in fs.features})["income"]
    else:
        _close(out, ref[0][case], f"{case} on {backend.name}")
        single = fs({k: TEST[k][2] for k in fs.features})
    _close(single, ref[0][f"{case}:single"], f"{case} single sample")


def test_adapt_on_batched_datasets_equals_keras(ref, numpy_backend):
    batches = [{k: v[i:i + 16] for k, v in TRAIN.items()} for i in range(0, len(TRAIN["age"]), 16)]
    fs = spec(FeatureSpace, "all_kinds")
    fs.adapt(batches)  # a list of dict batches
    _close(fs(TEST), ref[0]["batched_adapt"], "adapt on batches")
    keys = list(TRAIN)
    ds = dlx.utils.Dataset(len(TRAIN["age"]), lambda i: {k: TRAIN[k][i] for k in keys}, batch_size=16)
    fs = spec(FeatureSpace, "all_kinds")
    fs.adapt(ds)  # a dlx Dataset of dict batches
    _close(fs(TEST), ref[0]["batched_adapt"], "adapt on a dlx Dataset")
    enc = fs.get_encoded_features()  # string columns: an Input of the encoded width
    assert tuple(enc.shape) == (None, int(ref[0]["encoded_width"]))


def _plain(cfg):
    """A config with the per-process layer names removed (the two sides number them differently)."""
    if isinstance(cfg, dict):
        return {k: _plain(v) for k, v in cfg.items() if k not in ("name", "module", "registered_name", "dtype")
                or not isinstance(v, (str, dict))}
    if isinstance(cfg, (list, tuple)):
        return [_plain(v) for v in cfg]
    return cfg


@pytest.mark.parametrize("case", CASES)
def test_config_equals_keras_and_round_trips(ref, case, numpy_backend):
    fs = spec(FeatureSpace, case)
    cfg = json.loads(json.dumps(fs.get_config(), default=list))
    kcfg = ref[1][case]
    assert set(cfg) == set(kcfg)
    assert set(cfg["features"]) == set(kcfg["features"])
    for name, feat in kcfg["features"].items():
        mine = cfg["features"][name]
        assert mine["class_name"] == feat["class_name"] == "Feature"
        assert mine["config"]["dtype"] == feat["config"]["dtype"] and \
            mine["config"]["output_mode"] == feat["config"]["output_mode"], name
        assert mine["config"]["preprocessor"]["class_name"] == feat["config"]["preprocessor"]["class_name"], name
    assert [c["config"] for c in cfg["crosses"]] == [c["config"] for c in kcfg["crosses"]]
    # Keras's config (its classes named by Keras's modules) builds an equal dlx space
    clone = FeatureSpace.from_config(kcfg)
    clone.adapt(TRAIN)
    original = spec(FeatureSpace, case)
    original.adapt(TRAIN)
    a, b = clone(TEST), original(TEST)
    for x, y in zip(dlx.tree_util.leaves(a), dlx.tree_util.leaves(b)):
        np.testing.assert_array_equal(_np(x), _np(y))


def test_numeric_space_builds_a_functional_model(numpy_backend):
    FS = FeatureSpace
    fs = FS({"income": FS.float_normalized(), "rooms": FS.integer_categorical(), "age": FS.float_discretized(3)},
            crosses=[("rooms", "age")], crossing_dim=4)
    fs.adapt(TRAIN)
    inputs = fs.get_inputs()
    encoded = fs.get_encoded_features()
    assert tuple(encoded.shape) == (None, 1 + 6 + 3 + 4)
    out = dlx.layers.Dense(1)(encoded)
    model = dlx.Model(inputs=inputs, outputs=out)
    eager = _np(fs({k: TEST[k] for k in inputs}))
    head = dlx.Model(inputs=encoded, outputs=out)
    np.testing.assert_allclose(_np(model({k: TEST[k][:, None] for k in inputs})), _np(head(eager)), rtol=1e-6,
                               atol=1e-6)


def test_keras_files_load_in_dlx_and_back(ref, numpy_backend):
    outs, _, folder = ref
    for case in CASES:
        fs = dlx.saving.load_model(str(folder / f"k_{case}.keras"))
        assert isinstance(fs, FeatureSpace)
        out = fs({k: TEST[k] for k in fs.features})
        for name, value in (out.items() if isinstance(out, dict) else [(None, out)]):
            key = case if name is None else f"{case}:{name}"
            _close(value, outs[key], f"Keras file {key} in dlx")
        fs.save(str(folder / f"dlx_{case}.keras"))
    _side(folder, "load")
    with np.load(folder / "keras_on_dlx.npz") as f:
        for key in f.files:
            _close(f[key], outs[key], f"dlx file {key} in Keras")


def test_save_and_load(tmp_path, numpy_backend):
    fs = spec(FeatureSpace, "all_kinds")
    fs.adapt(TRAIN)
    fs.save(str(tmp_path / "fs.keras"))
    loaded = dlx.saving.load_model(str(tmp_path / "fs.keras"))
    assert isinstance(loaded, FeatureSpace)
    np.testing.assert_array_equal(_np(loaded(TEST)), _np(fs(TEST)))


def test_errors(numpy_backend):
    FS = FeatureSpace
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FS({})
    with pytest.raises(ValueError, match="Invalid feature type"):
        FS({"a": "float_squared"})
    with pytest.raises(ValueError, match="unknown features"):
        FS({"a": "float"}, crosses=[("a", "b")])
    with pytest.raises(ValueError, match="output_mode"):
        FS({"a": "float"}, output_mode="list")
    with pytest.raises(ValueError, match="output_mode"):
        FS.feature("float32", dlx.layers.Rescaling(1.0), "two_hot")
    fs = FS({"a": "float_normalized"})
    with pytest.raises(ValueError, match="adapt"):
        fs({"a": np.ones(3)})
    with pytest.raises(ValueError, match="dict"):
        fs.adapt(np.ones(3))
    fs.adapt({"a": np.arange(5.0)})
    with pytest.raises(ValueError, match="only be called with a dict"):
        fs(np.ones(3))
    fs = FS({"c": FS.integer_categorical(output_mode="int")})
    with pytest.raises(ValueError, match="Cannot concatenate"):
        fs.adapt({"c": np.arange(4)})
    with pytest.raises(ValueError, match="should return an integer"):
        FS({"a": FS.feature("float32", dlx.layers.Rescaling(2.0), "one_hot")})({"a": np.ones(2)})
    fs = FS({"s": "string_categorical"})
    fs.adapt({"s": ["x", "y"]})
    with pytest.raises(ValueError, match="string features"):
        fs.get_inputs()


@pytest.mark.parametrize("case", ["all_kinds", "dict_int"])
def test_maps_a_tf_data_pipeline(case, numpy_backend):
    """``dataset.map(lambda x, y: (feature_space(x), y))`` (Keras's usage): graph tensors in,
    TensorFlow tensors of the encoded shapes out, equal to the eager call."""
    tf = pytest.importorskip("tensorflow")
    fs = spec(FeatureSpace, case)
    fs.adapt({k: TRAIN[k] for k in fs.features})
    cols = {k: TEST[k] for k in fs.features}
    eager = fs(cols)
    ds = tf.data.Dataset.from_tensor_slices((cols, np.arange(7))).batch(3).map(lambda x, y: (fs(x), y))
    got = [b[0] for b in ds]
    if isinstance(eager, dict):
        for k, v in eager.items():
            assert tuple(ds.element_spec[0][k].shape) == (None, v.shape[1])
            np.testing.assert_allclose(np.concatenate([g[k].numpy() for g in got]), _np(v), rtol=1e-6)
    else:
        assert tuple(ds.element_spec[0].shape) == (None, eager.shape[1])
        # (a batch of 3 rows may round a normalized value 1 ulp apart from the batch of 7)
        np.testing.assert_allclose(np.concatenate([g.numpy() for g in got]), _np(eager), rtol=1e-6)
    single = tf.data.Dataset.from_tensor_slices(cols).map(fs)
    first = next(iter(single))
    want = fs({k: v[0] for k, v in cols.items()})
    for a, b in zip(dlx.tree_util.leaves(first), dlx.tree_util.leaves(want)):
        np.testing.assert_allclose(np.asarray(a), _np(b), rtol=1e-6)
