"""``dlx.export.ExportArchive`` (Keras's API): tracked objects, endpoints with input signatures,
variable collections, written as a TF SavedModel by dlx-tf from a model living on any backend and
read back by TensorFlow."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import dlx
from dlx.saving import export as dlx_export

from .conftest import get_backend, installed_backends, outputs

pytestmark = pytest.mark.skipif("tf_saved_model" not in dlx_export.exporters()
                                or importlib.util.find_spec("tensorflow") is None,
                                reason="ExportArchive writes through dlx-tf's tf_saved_model exporter")
SPEC = [dlx_export.TensorSpec((None, 5), "float32")]


def _model():
    x = dlx.Input((5,))
    h = dlx.layers.Dense(6, activation="tanh", name="hidden")(x)
    h = dlx.layers.BatchNormalization(name="bn")(h)
    return dlx.Model(x, dlx.layers.Dense(2, name="head")(h), name="archived")


@pytest.mark.parametrize("backend", [b for b in ("numpy", "jax", "torch") if b in installed_backends()])
def test_archive_endpoints_and_collections(tmp_path, backend):
    import tensorflow as tf

    x = np.random.default_rng(3).standard_normal((7, 5)).astype("float32")
    with dlx.backend.use(get_backend(backend)):
        dlx.utils.set_random_seed(0)
        m = _model()
        m.compile(optimizer="adam", loss="mse")
        m.fit(x, np.ones((7, 2), "float32"), epochs=1, verbose=0)  # moves the BatchNormalization statistics
        want = outputs(m.predict(x, verbose=0))[0]
        want_hidden = outputs(m.get_layer("hidden")(x))[0]
        archive = dlx.export.ExportArchive()
        archive.track(m)
        archive.add_endpoint("serve", m.call, input_signature=SPEC)
        archive.add_endpoint("features", lambda t: {"hidden": m.get_layer("hidden")(t), "out": m(t, training=False)},
                             input_signature=[dlx.InputSpec(shape=(None, 5), dtype="float32")])
        archive.add_variable_collection("head_weights", m.get_layer("head").weights)
        archive.write_out(tmp_path / "archive", verbose=False)
    loaded = tf.saved_model.load(str(tmp_path / "archive"))
    np.testing.assert_allclose(loaded.serve(x).numpy(), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(loaded.signatures["serving_default"](tf.constant(x))["output_0"].numpy(), want,
                               rtol=1e-5, atol=1e-5)
    feats = loaded.features(x)
    np.testing.assert_allclose(feats["hidden"].numpy(), want_hidden, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(feats["out"].numpy(), want, rtol=1e-5, atol=1e-5)
    head = [w.numpy() for w in m.get_layer("head").weights]
    assert [v.numpy().tolist() for v in loaded.head_weights] == [h.tolist() for h in head]


def test_archive_errors(tmp_path):
    with dlx.backend.use("numpy"):
        m = _model()
        other = dlx.layers.Dense(2, name="untracked")
        other.build((None, 2))
        archive = dlx.export.ExportArchive()
        with pytest.raises(ValueError, match="no endpoint was added"):
            archive.write_out(tmp_path / "a")
        with pytest.raises(ValueError, match="is not built"):
            archive.track(dlx.layers.Dense(3))
        archive.track(m)
        with pytest.raises(ValueError, match="input_signature is required"):
            archive.add_endpoint("serve", m.call)
        with pytest.raises(ValueError, match="name='1bad'"):
            archive.add_endpoint("1bad", m.call, input_signature=SPEC)
        with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['jit'\]"):
            archive.add_endpoint("serve", m.call, input_signature=SPEC, jit=True)
        with pytest.raises(ValueError, match="'untracked/kernel' belongs to no tracked object"):
            archive.add_variable_collection("w", other.weights)
        archive.add_endpoint("serve", lambda t: other(m(t)), input_signature=SPEC)
        with pytest.raises(ValueError, match="already exists"):
            archive.add_endpoint("serve", m.call, input_signature=SPEC)
        with pytest.raises(ValueError, match=r"reads variable\(s\) \['untracked/bias', 'untracked/kernel'\]"):
            archive.write_out(tmp_path / "a", verbose=False)
    assert not (tmp_path / "a").exists()


def test_export_archive_takes_keras_format_argument():
    import pytest as _pytest

    import dlx

    assert dlx.export.ExportArchive(format="saved_model").endpoint_names == []
    with _pytest.raises(ValueError, match="format='neptune_model' is not supported"):
        dlx.export.ExportArchive(format="neptune_model")
    with _pytest.raises(TypeError, match="unexpected arguments \\['bogus'\\]"):
        dlx.export.ExportArchive(bogus=1)
