"""``keras.StatelessScope``, ``keras.SymbolicScope`` and ``keras.KerasTensor``: the same programs
run on Keras 3 and on dlx (``import dlx as keras``) print the same thing."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

SNIPPETS = {
    "stateless_reads_and_assigns": """
        w = keras.Variable(np.zeros(2, "float32"))
        with keras.StatelessScope([(w, np.ones(2))]) as s:
            print(np.asarray(w.value).tolist())
            w.assign(np.array([5.0, 6.0], "float32"))
            print(np.asarray(w.value).tolist(), np.asarray(s.get_current_value(w)).tolist())
        print(w.numpy().tolist())
    """,
    "stateless_add_update_and_unmapped": """
        w = keras.Variable(np.zeros(2, "float32"))
        u = keras.Variable(np.full(2, 3.0, "float32"))
        with keras.StatelessScope() as s:
            print(s.get_current_value(w))
            s.add_update((w, np.array([1.0, 2.0], "float32")))
            print(np.asarray(s.get_current_value(w)).tolist(), np.asarray(u.value).tolist())
        print(w.numpy().tolist())
    """,
    "stateless_dict_mapping_cast": """
        w = keras.Variable(np.zeros(2, "float32"))
        with keras.StatelessScope({w: np.array([1, 2], "int32")}):
            print(keras.backend.standardize_dtype(w.value.dtype), np.asarray(w.value).tolist())
    """,
    "stateless_bad_shape": """
        w = keras.Variable(np.zeros(2, "float32"))
        keras.StatelessScope([(w, np.ones(3))])
    """,
    "stateless_bad_key": """
        keras.StatelessScope([(1, np.ones(3))])
    """,
    "stateless_collect_losses": """
        class Penalty(keras.layers.Layer):
            def call(self, x):
                self.add_loss(keras.ops.sum(x) * 0.5)
                return x

        layer = Penalty()
        with keras.StatelessScope(collect_losses=True) as s:
            layer(np.ones((2, 2), "float32"))
        print([float(np.asarray(x)) for x in s.losses])
        with keras.StatelessScope() as s:
            layer(np.ones((2, 2), "float32"))
        print(s.losses, s.collect_losses, s.initialize_variables)
    """,
    "stateless_initialize_variables_false": """
        with keras.StatelessScope(initialize_variables=False):
            v = keras.Variable(keras.initializers.Ones(), shape=(2,))
        v.assign(np.array([3.0, 4.0], "float32"))
        print(v.numpy().tolist())
    """,
    "symbolic_scope": """
        with keras.SymbolicScope() as s:
            x = keras.KerasTensor((None, 4))
            y = keras.ops.matmul(x, keras.ops.ones((4, 2)))
            print(type(s).__name__, y.shape, y.dtype)
        keras.SymbolicScope(1)
    """,
    "keras_tensor": """
        x = keras.KerasTensor((None, 3), dtype="int32", name="ids")
        print(x.shape, x.dtype, x.name, x.ndim, x.sparse, x.ragged)
        y = keras.ops.cast(x, "float32") * 2.0
        print(isinstance(y, keras.KerasTensor), y.shape, y.dtype)
        print(keras.backend.is_keras_tensor(y), keras.backend.is_keras_tensor(np.ones(2)))
        print(len(keras.KerasTensor((5, 2)).shape), isinstance(keras.Input((3,)), keras.KerasTensor))
    """,
    "device_cpu": """
        with keras.device("cpu:0"):
            x = keras.ops.ones((2,))
            v = keras.Variable(np.array([1.0, 2.0], "float32"))
        print(np.asarray(x + v).tolist())
        with keras.device("cpu"):
            print(np.asarray(keras.ops.zeros((1,))).tolist())
    """,
    "keras_tensor_bad_kwarg": """
        keras.KerasTensor((2,), foo=1)
    """,
    "keras_tensor_sparse_and_ragged": """
        keras.KerasTensor((2,), sparse=True, ragged=True)
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]


def test_device_scope_on_every_backend(backend):
    """``keras.device``: the backend's own CPU is accepted (with or without an index) and the
    values created in it compute as usual; a device the backend lacks is a ValueError naming it
    (Keras raises a different error on each backend, or ignores it on NumPy and TF)."""
    import numpy as np

    import dlx

    with dlx.device("cpu"):
        x = dlx.ops.add(dlx.ops.ones((2,)), dlx.Variable(np.array([1.0, 2.0], "float32")))
    np.testing.assert_array_equal(np.asarray(backend.to_numpy(x)), [2.0, 3.0])
    for name in ("tpu:7", "cpu:3"):
        with pytest.raises(ValueError, match=name):
            dlx.device(name)
    with pytest.raises(ValueError, match="index"):
        dlx.device("gpu:x")
