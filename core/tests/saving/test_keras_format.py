"""The .keras / .weights.h5 formats on the NumPy backend: layout, round trips, optimizer state,
sharding, the folder form, legacy Keras 2 files, custom objects and safe mode."""

from __future__ import annotations

import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx.saving import FileFormatError, SerializationError, WeightsMismatchError

from .conftest import keras_side, outputs, write_keras2_h5

ks = keras_side()


@pytest.fixture(autouse=True)
def _numpy(numpy_backend):
    yield


def _trained(kind="cnn", epochs=1):
    dlx.utils.set_random_seed(0)
    m = ks.build(dlx, kind)
    xs = ks.inputs(m)
    m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    y = outputs(m(ks._x(xs), training=False))[0]
    m.fit(ks._x(xs), y * 0.5, epochs=epochs, batch_size=4, verbose=0, shuffle=False)
    return m, xs


def _h5_paths(path) -> dict:
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, (tuple(o.shape), dict(o.attrs)) if isinstance(o, h5py.Dataset)
                                                  else dict(o.attrs)))
    return out


def test_keras_archive_layout(tmp_path):
    m, _ = _trained("cnn")
    m.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        meta = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
        (tmp_path / "w.h5").write_bytes(zf.read("model.weights.h5"))
    assert meta["keras_version"].startswith("3.") and meta["dlx_version"] == dlx.__version__ and "date_saved" in meta
    assert {"module", "class_name", "config", "registered_name", "compile_config"} <= set(config)
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras", "Sequential", None)
    layer = config["config"]["layers"][1]
    assert (layer["module"], layer["class_name"]) == ("keras.layers", "Conv2D")
    assert layer["build_config"] == {"input_shape": [None, 8, 8, 3]}
    cc = config["compile_config"]
    assert cc["optimizer"]["module"] == "keras.optimizers" and cc["optimizer"]["class_name"] == "Adam"
    assert cc["loss"] == "mse" and cc["metrics"] == ["mae"]
    paths = _h5_paths(tmp_path / "w.h5")
    assert paths["vars"] == {"name": m.name}
    assert paths["layers/conv2d/vars"] == {"name": m.layers[0].name}
    assert paths["layers/conv2d/vars/0"][0] == (3, 3, 3, 4)
    assert [paths[f"layers/batch_normalization/vars/{i}"][0] for i in range(4)] == [(4,)] * 4
    assert "layers/flatten/vars" in paths and "layers/max_pooling2d/vars" in paths
    # optimizer: iteration, learning_rate, then (momentum, velocity) per trainable variable
    n_opt = 2 + 2 * len(m.trainable_variables)
    assert paths["optimizer/vars"] == {"name": m.optimizer.name}
    assert sorted(int(k.rsplit("/", 1)[1]) for k in paths if k.startswith("optimizer/vars/")) == list(range(n_opt))
    assert paths["optimizer/vars/0"][0] == () and paths["optimizer/vars/2"][0] == (3, 3, 3, 4)


@pytest.mark.parametrize("kind", ks.KINDS)
def test_round_trip_predictions_and_optimizer_state(tmp_path, kind):
    m, xs = _trained(kind)
    m.save(tmp_path / "m.keras")
    m2 = dlx.models.load_model(tmp_path / "m.keras")
    for a, b in zip(outputs(m(ks._x(xs), training=False)), outputs(m2(ks._x(xs), training=False))):
        np.testing.assert_array_equal(a, b)
    assert [v.path for v in m2.weights] and len(m2.weights) == len(m.weights)
    for a, b in zip(m.weights, m2.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert m2.compiled and len(m2.optimizer.variables) == len(m.optimizer.variables)
    for a, b in zip(m.optimizer.variables, m2.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert m2.get_compile_config()["metrics"] == ["mae"]


def test_resumed_fit_matches_uninterrupted(tmp_path):
    """Two epochs in one go == one epoch, save, load, one more epoch (same data order)."""
    dlx.utils.set_random_seed(0)
    x = np.random.default_rng(1).standard_normal((16, 6)).astype("float32")
    y = np.random.default_rng(2).standard_normal((16, 3)).astype("float32")

    def make():
        dlx.utils.set_random_seed(5)
        m = dlx.Sequential([dlx.Input((6,)), L.Dense(8, activation="tanh"), L.BatchNormalization(), L.Dense(3)])
        m.compile(optimizer=dlx.optimizers.Adam(0.01), loss="mse")
        return m

    a = make()
    a.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    b = make()
    b.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    b.save(tmp_path / "half.keras")
    c = dlx.models.load_model(tmp_path / "half.keras")
    c.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for va, vc in zip(a.weights, c.weights):
        np.testing.assert_allclose(vc.numpy(), va.numpy(), rtol=1e-6, atol=1e-7)
    for va, vc in zip(a.optimizer.variables, c.optimizer.variables):
        np.testing.assert_allclose(vc.numpy(), va.numpy(), rtol=1e-6, atol=1e-7)


def test_folder_form(tmp_path):
    m, xs = _trained("two_inputs")
    m.save(tmp_path / "saved", zipped=False)
    assert sorted(os.listdir(tmp_path / "saved")) == ["config.json", "metadata.json", "model.weights.h5"]
    m.save(tmp_path / "saved", zipped=False)  # overwriting a folder is fine
    m2 = dlx.models.load_model(tmp_path / "saved")
    np.testing.assert_array_equal(outputs(m2(ks._x(xs)))[0], outputs(m(ks._x(xs)))[0])
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]


def test_save_weights_load_weights(tmp_path):
    m, xs = _trained("lstm")
    m.save_weights(tmp_path / "w.weights.h5")
    fresh = ks.build(dlx, "lstm")
    fresh.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(outputs(fresh(xs[0]))[0], outputs(m(xs[0]))[0])
    paths = _h5_paths(tmp_path / "w.weights.h5")
    assert paths["layers/lstm/cell/vars/0"][0] == (3, 24) and paths["layers/lstm_1/cell/vars/1"][0] == (4, 16)
    # weights from a .keras archive
    m.save(tmp_path / "m.keras")
    other = ks.build(dlx, "lstm")
    other.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(outputs(other(xs[0]))[0], outputs(m(xs[0]))[0])


def test_load_weights_restores_optimizer_state_of_compiled_model(tmp_path):
    m, _ = _trained("mlp")
    m.save_weights(tmp_path / "w.weights.h5")
    fresh = ks.build(dlx, "mlp")
    fresh.compile(optimizer="adam", loss="mse")
    fresh.load_weights(tmp_path / "w.weights.h5")
    assert fresh.optimizer.built
    for a, b in zip(m.optimizer.variables, fresh.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_sharded_weights(tmp_path):
    dlx.utils.set_random_seed(0)
    m = dlx.Sequential([dlx.Input((100,)), L.Dense(300), L.Dense(300), L.Dense(10)])
    m.save_weights(tmp_path / "big.weights.h5", max_shard_size=0.0004)  # GiB, as in Keras: ~419 KiB per shard
    files = sorted(os.listdir(tmp_path))
    assert files == ["big.weights.json", "big_00000.weights.h5", "big_00001.weights.h5"]
    index = json.loads((tmp_path / "big.weights.json").read_text())
    assert index["metadata"]["total_size"] == 4 * (100 * 300 + 300 + 300 * 300 + 300 + 300 * 10 + 10)
    assert index["weight_map"] == {"/layers/dense/vars": ["big_00000.weights.h5"],
                                   "/layers/dense_1/vars": ["big_00001.weights.h5"],
                                   "/layers/dense_2/vars": ["big_00001.weights.h5"]}
    x = np.ones((2, 100), "float32")
    for path in ("big.weights.json", "big.weights.h5"):
        fresh = dlx.Sequential([dlx.Input((100,)), L.Dense(300), L.Dense(300), L.Dense(10)])
        fresh.load_weights(tmp_path / path)
        np.testing.assert_array_equal(outputs(fresh(x))[0], outputs(m(x))[0])
    # a smaller re-save removes the stale shard
    m.save_weights(tmp_path / "big.weights.json", max_shard_size=1.0)
    assert sorted(os.listdir(tmp_path)) == ["big.weights.json", "big_00000.weights.h5"]
    with pytest.raises(ValueError, match="max_shard_size"):
        m.save_weights(tmp_path / "big.weights.h5", max_shard_size=0.0001)
    with pytest.raises(ValueError, match="max_shard_size"):
        m.save_weights(tmp_path / "big.weights.h5", max_shard_size=-1)


def test_sharded_save_detects_mixed_shards(tmp_path):
    m = dlx.Sequential([dlx.Input((100,)), L.Dense(300), L.Dense(300)])
    m.save_weights(tmp_path / "a.weights.h5", max_shard_size=0.0004)
    first = (tmp_path / "a_00001.weights.h5").read_bytes()
    m.save_weights(tmp_path / "a.weights.h5", max_shard_size=0.0004)
    (tmp_path / "a_00001.weights.h5").write_bytes(first)  # a shard of the previous save
    with pytest.raises(FileFormatError, match="does not belong"):
        m.load_weights(tmp_path / "a.weights.json")


def test_weights_mismatch_errors_name_file_and_layer(tmp_path):
    m = dlx.Sequential([dlx.Input((4,)), L.Dense(3), L.Dense(2)])
    m.save_weights(tmp_path / "w.weights.h5")
    other = dlx.Sequential([dlx.Input((5,)), L.Dense(3), L.Dense(2)])
    before = [v.numpy() for v in other.weights]
    with pytest.raises(WeightsMismatchError, match=r"w\.weights\.h5.*kernel.*\(5, 3\).*\(4, 3\)"):
        other.load_weights(tmp_path / "w.weights.h5")
    for b, v in zip(before, other.weights):  # nothing was assigned
        np.testing.assert_array_equal(b, v.numpy())
    with pytest.warns(UserWarning, match="skipping"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[1].kernel.numpy(), m.layers[1].kernel.numpy())
    deeper = dlx.Sequential([dlx.Input((4,)), L.Dense(3), L.Dense(2), L.Dense(2)])
    with pytest.raises(WeightsMismatchError, match="no 'layers/dense_2/vars' group"):
        deeper.load_weights(tmp_path / "w.weights.h5")


def test_save_arguments(tmp_path):
    m = dlx.Sequential([dlx.Input((4,)), L.Dense(2)])
    with pytest.raises(ValueError, match=r"must end in '\.keras'"):
        m.save(tmp_path / "m.zip")
    with pytest.raises(ValueError, match="legacy"):
        m.save(tmp_path / "m.h5")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        m.save_weights(tmp_path / "w.h5")
    m.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite"):
        m.save(tmp_path / "m.keras", overwrite=False)
    with pytest.raises(FileNotFoundError):
        dlx.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="not built"):
        dlx.Sequential([L.Dense(2)]).load_weights(tmp_path / "m.keras")


# ------------------------------------------------------------------------------------------ legacy .h5
@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_legacy_keras2_h5(tmp_path, functional):
    rng = np.random.default_rng(0)
    weights = [(rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal(3).astype("float32")),
               (rng.standard_normal((3, 2)).astype("float32"), rng.standard_normal(2).astype("float32"))]
    write_keras2_h5(tmp_path / "old.h5", weights, functional)
    m = dlx.models.load_model(tmp_path / "old.h5")
    x = rng.standard_normal((5, 4)).astype("float32")
    (k1, b1), (k2, b2) = weights
    expected = np.maximum(x @ k1 + b1, 0) @ k2 + b2
    np.testing.assert_allclose(outputs(m(x))[0], expected, rtol=1e-5, atol=1e-6)
    assert type(m.optimizer).__name__ == "SGD" and m.get_compile_config()["loss"] == "mse"
    fresh = dlx.Sequential([dlx.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)])
    fresh.load_weights(tmp_path / "old.h5")
    np.testing.assert_allclose(outputs(fresh(x))[0], expected, rtol=1e-5, atol=1e-6)
    bad = dlx.Sequential([dlx.Input((4,)), L.Dense(5), L.Dense(2)])
    with pytest.raises(WeightsMismatchError, match=r"old\.h5.*\(4, 5\).*\(4, 3\)"):
        bad.load_weights(tmp_path / "old.h5")


# ------------------------------------------------------------------------------------------ custom objects
@dlx.saving.register_serializable(package="saving_tests")
class Scale(L.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(Scale):
    pass


def test_registered_custom_layer(tmp_path):
    m = dlx.Sequential([dlx.Input((3,)), Scale(3.0), L.Dense(2)])
    m.layers[0].w.assign(np.array([1.0, 2.0, 3.0], "float32"))
    m.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        cfg = json.loads(zf.read("config.json"))
    assert cfg["config"]["layers"][1]["registered_name"] == "saving_tests>Scale"
    m2 = dlx.models.load_model(tmp_path / "m.keras")
    x = np.ones((2, 3), "float32")
    assert isinstance(m2.layers[0], Scale) and m2.layers[0].factor == 3.0
    np.testing.assert_array_equal(outputs(m2(x))[0], outputs(m(x))[0])


def test_custom_objects_argument(tmp_path):
    m = dlx.Sequential([dlx.Input((3,)), Unregistered(2.0)])
    m.save(tmp_path / "m.keras")
    with pytest.raises(SerializationError, match=r"m\.keras.*Unregistered.*custom_objects"):
        dlx.models.load_model(tmp_path / "m.keras")
    m2 = dlx.models.load_model(tmp_path / "m.keras", custom_objects={"Unregistered": Unregistered})
    assert isinstance(m2.layers[0], Unregistered)


def test_safe_mode_refuses_lambdas(tmp_path):
    m = dlx.Sequential([dlx.Input((3,)), L.Lambda(lambda x: x * 2.0 + 1.0)])
    m.save(tmp_path / "m.keras")
    with pytest.raises(SerializationError, match="safe_mode=False"):
        dlx.models.load_model(tmp_path / "m.keras")
    m2 = dlx.models.load_model(tmp_path / "m.keras", safe_mode=False)
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(outputs(m2(x))[0], np.full((2, 3), 3.0, "float32"))
