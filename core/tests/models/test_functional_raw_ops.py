"""Raw dlx.ops calls on symbolic tensors are graph nodes of Functional models (as keras.ops)."""

import numpy as np

import dlx
from dlx import ops


def build():
    x = dlx.Input((4,), name="x")
    y = ops.relu(x) * 2.0 + 1.0
    z = dlx.layers.Dense(3)(ops.concatenate([y, x], axis=-1))
    return dlx.Model(x, ops.softmax(z))


def reference(model, a):
    k, b = (np.asarray(w, np.float64) for w in model.get_weights())
    h = np.concatenate([np.maximum(a, 0) * 2 + 1, a], -1) @ k + b
    e = np.exp(h - h.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_raw_ops_are_recorded_replayed_and_serialized(numpy_backend):
    m = build()
    names = [layer.name for layer in m.operations]  # raw ops are operations, not layers (as in Keras)
    assert any(n.startswith("relu") for n in names) and any(n.startswith("concatenate") for n in names)
    a = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    out = m.predict(a, verbose=0)
    np.testing.assert_allclose(out, reference(m, a.astype(np.float64)), rtol=1e-5, atol=1e-6)
    clone = dlx.Model.from_config(m.get_config())
    clone.set_weights(m.get_weights())
    np.testing.assert_array_equal(clone.predict(a, verbose=0), out)


def test_ops_inside_a_layer_call_are_not_nodes(numpy_backend):
    class Scale(dlx.layers.Layer):
        def call(self, x):
            return ops.multiply(ops.relu(x), 3.0)

    x = dlx.Input((2,))
    m = dlx.Model(x, Scale()(x))
    assert [type(layer).__name__ for layer in m.layers] == ["InputLayer", "Scale"]
