"""Layers whose ``call()`` uses the framework directly (``jnp.*``, ``torch.*``, ``tf.*``, ``np.*``)
build in Functional models, as in Keras: core's symbolic tensors cannot run them, so the call is
traced through the backend (issue 15, item 3)."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import ops


def _fw(backend):
    """The framework's own tanh, strided slice and matmul, as a user's layer would call them."""
    name = backend.name
    if name == "jax":
        import jax.numpy as jnp

        return jnp.tanh, lambda x: x[:, ::3], jnp.matmul
    if name == "torch":
        import torch

        return torch.tanh, lambda x: x[:, ::3], torch.matmul
    if name == "tf":
        import tensorflow as tf

        return tf.tanh, lambda x: x[:, ::3], tf.matmul
    if name == "numpy":
        return np.tanh, lambda x: x[:, ::3], np.matmul
    pytest.skip(f"{name}: no framework functions a user would call in a layer")


class _Native(dlx.layers.Layer):
    """tanh(x @ kernel) over every third timestep, all by framework functions."""

    def __init__(self, fns, units=5, **kwargs):
        super().__init__(**kwargs)
        self.fns, self.units = fns, units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, x):
        tanh, every_third, matmul = self.fns
        self.calls.assign(self.calls + 1.0)
        return tanh(matmul(every_third(x), self.kernel.value))


def test_framework_calls_build_a_functional_model(backend):
    fns = _fw(backend)
    inp = dlx.Input((None, 4))
    layer = _Native(fns)
    out = layer(inp)
    # the unknown batch and time stay unknown (a stride of 3 follows the length); the rest is known
    assert tuple(out.shape) == (None, None, 5)
    assert out.dtype == "float32"
    model = dlx.Model(inp, dlx.layers.Dense(2, use_bias=False)(out))
    assert float(ops.convert_to_numpy(layer.calls.value)) == 0.0, "the trace must not change the layer's state"
    x = np.random.default_rng(0).standard_normal((3, 7, 4)).astype(np.float32)
    kernel = ops.convert_to_numpy(layer.kernel.value).astype(np.float64)
    dense = ops.convert_to_numpy(model.layers[-1].kernel.value).astype(np.float64)
    want = np.tanh(x.astype(np.float64)[:, ::3] @ kernel) @ dense
    got = model.predict(x, verbose=0)
    assert got.shape == (3, 3, 2)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_known_shapes_stay_known(backend):
    fns = _fw(backend)
    out = _Native(fns, units=3)(dlx.Input((9, 4), batch_size=2))
    assert tuple(out.shape) == (2, 3, 3)


def test_an_error_in_call_is_the_users_error(backend):
    class Broken(dlx.layers.Layer):
        def call(self, x):
            raise ValueError("Broken.call: x must be positive")

    with pytest.raises(ValueError, match="x must be positive") as info:
        Broken()(dlx.Input((4,)))
    assert any("through the backend failed too" in note for note in getattr(info.value, "__notes__", []))
