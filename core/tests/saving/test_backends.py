"""Files are backend-neutral: a round trip on every installed backend for every layer of the
first layer set keeps predictions and optimizer state identical, and a file saved on one backend
loads on every other with the same predictions."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops

from .conftest import get_backend, installed_backends, keras_side, outputs

ks = keras_side()
BACKENDS = installed_backends()
# the shared-with-Keras catalog, plus the dlx layers a Keras file cannot carry portably
ENTRIES = [*ks.CATALOG,
           ("lambda", lambda K: K.layers.Lambda(lambda x: ops.square(x) + 1.0), [(4,)], None),
           ("lstm_state", lambda K: K.layers.LSTM(3, return_state=True), [(4, 5)], None),
           ("embedding_mask_zero", lambda K: K.layers.Embedding(10, 4, mask_zero=True), [(5,)], 10),
           ("layer_normalization_rms", lambda K: K.layers.LayerNormalization(rms_scaling=True), [(8,)], None),
           ("batch_normalization_axis1", lambda K: K.layers.BatchNormalization(axis=1), [(3, 2)], None),
           ("op_layer", lambda K: K.layers.OpLayer("tanh"), [(4,)], None),
           ("conv_lstm1d", lambda K: K.layers.ConvLSTM1D(2, 3, return_sequences=True), [(3, 6, 2)], None),
           ("conv_lstm2d", lambda K: K.layers.ConvLSTM2D(2, 3, padding="same"), [(2, 5, 5, 2)], None),
           ("conv_lstm3d", lambda K: K.layers.ConvLSTM3D(1, 2), [(2, 4, 4, 3, 1)], None)]
# layers whose .keras round trips live with their own tests: the interop layers run on one
# backend each (core/tests/layers/test_interop_layers.py), the audio front ends are preprocessing
# (core/tests/data/test_audio_layers.py)
NOT_IN_CATALOG = {"TorchModuleWrapper", "JaxLayer", "FlaxLayer", "TFSMLayer", "MelSpectrogram", "STFTSpectrogram"}


def _train_state(model, backend) -> None:
    """Compiles with Adam and, where the backend trains, applies one update with fixed
    gradients so the optimizer's moments are non-zero."""
    model.compile(optimizer=dlx.optimizers.Adam(0.01), loss="mse")
    model.optimizer.build(model.trainable_variables)
    if backend.capabilities.training and model.trainable_variables:
        rng = np.random.default_rng(7)
        grads = [ops.convert_to_tensor(rng.standard_normal(v.shape).astype(v.dtype)) for v in
                 model.trainable_variables]
        model.optimizer.apply(grads, model.trainable_variables)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e[0] for e in ENTRIES])
@pytest.mark.parametrize("backend_name", BACKENDS)
def test_layer_round_trip(tmp_path, backend_name, entry):
    backend = get_backend(backend_name)
    xs = ks.catalog_inputs(entry)
    with dlx.backend.use(backend):
        m = ks.catalog_model(dlx, entry)
        ks.perturb(m)
        _train_state(m, backend)
        before = outputs(m(ks._x(xs), training=False))
        m.save(tmp_path / "m.keras")
        m2 = dlx.models.load_model(tmp_path / "m.keras", safe_mode=False)
        after = outputs(m2(ks._x(xs), training=False))
        assert len(after) == len(before)
        for a, b in zip(before, after):
            np.testing.assert_array_equal(b, a)
        assert [v.shape for v in m2.weights] == [v.shape for v in m.weights]
        for a, b in zip(m.weights, m2.weights):
            np.testing.assert_array_equal(b.numpy(), a.numpy())
        assert len(m2.optimizer.variables) == len(m.optimizer.variables)
        for a, b in zip(m.optimizer.variables, m2.optimizer.variables):
            np.testing.assert_array_equal(b.numpy(), a.numpy())
        for v in m2.weights + m2.optimizer.variables:
            assert v.backend is backend


@pytest.fixture(scope="module")
def saved_on_each_backend(tmp_path_factory):
    """``{(backend, kind): (path, inputs, predictions)}``: each reference model saved on each
    backend (trained there where the backend trains)."""
    folder = tmp_path_factory.mktemp("per_backend")
    out = {}
    for name in BACKENDS:
        backend = get_backend(name)
        with dlx.backend.use(backend):
            for kind in ks.KINDS:
                dlx.utils.set_random_seed(11)
                m = ks.build(dlx, kind)
                ks.perturb(m)
                _train_state(m, backend)
                xs = ks.inputs(m)
                path = folder / f"{name}_{kind}.keras"
                m.save(path)
                out[name, kind] = (path, xs, outputs(m(ks._x(xs), training=False))[0],
                                   [v.numpy() for v in m.optimizer.variables])
    return out


@pytest.mark.parametrize("kind", ks.KINDS)
@pytest.mark.parametrize("target", BACKENDS)
@pytest.mark.parametrize("source", BACKENDS)
def test_saved_on_one_backend_loads_on_another(saved_on_each_backend, source, target, kind):
    path, xs, expected, opt_state = saved_on_each_backend[source, kind]
    backend = get_backend(target)
    with dlx.backend.use(backend):
        m = dlx.models.load_model(path)
        got = outputs(m(ks._x(xs), training=False))[0]
        for v in m.weights:
            assert v.backend is backend
        for a, v in zip(opt_state, m.optimizer.variables):
            np.testing.assert_array_equal(np.asarray(v.numpy(), a.dtype), a)
    # different kernels on different frameworks: equal within float32 round-off
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6)


def test_layer_catalog_covers_the_first_layer_set():
    """Every concrete public layer class of dlx.layers is in ENTRIES (directly or as a sub-layer)."""
    import inspect

    covered = set()
    for entry in ENTRIES:
        model = ks.catalog_model(dlx, entry)
        covered.update(type(la) for la in model._flatten_layers())
    abstract = {L.Layer, L.Wrapper}
    # preprocessing layers: their .keras round trips (adapted state, assets) are in
    # core/tests/layers/preprocessing/test_keras_parity.py
    from dlx.layers import preprocessing

    abstract |= {getattr(preprocessing, n) for n in preprocessing.__all__}
    public = {v for v in vars(L).values() if inspect.isclass(v) and issubclass(v, L.Layer)} - abstract
    assert not {c.__name__ for c in public - covered} - NOT_IN_CATALOG
