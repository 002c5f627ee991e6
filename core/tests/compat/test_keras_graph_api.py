"""``keras.Operation``, ``keras.Function``, ``keras.RematScope`` and ``keras.remat``: the same
programs run on Keras 3 and on dlx (``import dlx as keras``) print the same thing."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

SNIPPETS = {
    "function_two_inputs": """
        a = keras.KerasTensor((None, 2, 3))
        b = keras.KerasTensor((None, 2, 3))
        out = keras.ops.sigmoid(a + b)
        fn = keras.Function(inputs=[a, b], outputs=out, name="f")
        x = np.linspace(-1, 1, 12, dtype="float32").reshape(2, 2, 3)
        print(fn.name, len(fn.inputs), len(fn.outputs), isinstance(fn, keras.Operation))
        print(np.round(np.asarray(fn([x, x * 0.5])), 5).tolist())
        print(fn.compute_output_shape([(4, 2, 3), (4, 2, 3)]))
        spec = fn.compute_output_spec([keras.KerasTensor((7, 2, 3)), keras.KerasTensor((7, 2, 3))])
        print(spec.shape, spec.dtype)
    """,
    "function_dict_structure_and_layers": """
        x = keras.KerasTensor((None, 4), name="x")
        dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
        h = dense(x)
        fn = keras.Function({"x": x}, {"h": h, "r": keras.ops.relu(h - 3.0)})
        out = fn({"x": np.arange(8, dtype="float32").reshape(2, 4)})
        print(sorted(out), np.asarray(out["h"]).tolist(), np.asarray(out["r"]).tolist())
        print(any(op is dense for op in fn.operations))
    """,
    "model_input_output_shapes": """
        a = keras.Input((4,), name="a")
        b = keras.Input((3,), name="b")
        ya, yb = keras.layers.Dense(2)(a), keras.layers.Dense(1)(b)
        for ins, outs in [({"a": a, "b": b}, {"y": ya, "z": yb}), ({"a": a}, {"y": ya}), ([a, b], [ya]),
                          ((a,), (ya,)), (a, ya), ([a, b], (ya, yb))]:
            m = keras.Model(ins, outs)
            print(m.input_shape, m.output_shape)
        s = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
        print(s.input_shape, s.output_shape)
    """,
    "function_bad_structure": """
        a = keras.KerasTensor((None, 2))
        b = keras.KerasTensor((None, 2))
        fn = keras.Function([a, b], a * b)
        fn([np.ones((1, 2), "float32")])
    """,
    "function_bad_shape": """
        a = keras.KerasTensor((None, 2))
        fn = keras.Function(a, a * 2.0)
        fn(np.ones((1, 3), "float32"))
    """,
    "function_disconnected": """
        a = keras.KerasTensor((None, 2))
        b = keras.KerasTensor((None, 2))
        keras.Function(a, a * b)
    """,
    "function_empty": """
        keras.Function([], [])
    """,
    "operation_subclass": """
        class ScaledSum(keras.Operation):
            def __init__(self, scale, name=None):
                super().__init__(name=name)
                self.scale = scale

            def call(self, x, y):
                return (x + y) * self.scale

        op = ScaledSum(3.0, name="scaled_sum")
        print(op.name, op.get_config(), isinstance(keras.layers.Dense(1), keras.Operation))
        print(np.asarray(op(np.ones(2, "float32"), np.ones(2, "float32"))).tolist())
        a, b = keras.KerasTensor((None, 2)), keras.KerasTensor((None, 2))
        z = op(a, b)
        print(isinstance(z, keras.KerasTensor), z.shape, op.output is z)
        fn = keras.Function([a, b], z)
        print(np.asarray(fn([np.ones((1, 2), "float32"), np.full((1, 2), 2.0, "float32")])).tolist())
    """,
    "operation_custom_output_spec": """
        class Outer(keras.Operation):
            def call(self, x, y):
                return keras.ops.einsum("i,j->ij", x, y)

            def compute_output_spec(self, x, y):
                return keras.KerasTensor((x.shape[0], y.shape[0]), dtype=x.dtype)

        a, b = keras.KerasTensor((3,)), keras.KerasTensor((4,))
        print(Outer()(a, b).shape)
    """,
    "operation_in_functional_model": """
        class Clip(keras.Operation):
            def call(self, x):
                return keras.ops.clip(x, -1.0, 1.0)

            def compute_output_spec(self, x):
                return keras.KerasTensor(x.shape, x.dtype)

        inp = keras.Input((3,))
        out = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)(Clip()(inp * 2.0))
        model = keras.Model(inp, out)
        print(isinstance(model, keras.Function), [type(l).__name__ for l in model.layers])
        print(np.asarray(model(np.array([[0.2, -3.0, 5.0]], "float32"))).tolist())
    """,
    "operation_bad_name": """
        keras.Operation(name="a/b")
    """,
    "remat_scope_modes": """
        with keras.RematScope(mode="full"):
            a = keras.layers.Dense(2)
            with keras.RematScope(mode="larger_than", output_size_threshold=10):
                b = keras.layers.Dense(2)
            with keras.RematScope(mode=None):
                c = keras.layers.Dense(2)
        d = keras.layers.Dense(2)
        print(a._remat_mode.mode, b._remat_mode, c._remat_mode.mode, d._remat_mode)
        s = keras.RematScope(mode="list_of_layers", layer_names=["x"])
        print(s.mode, s.output_size_threshold, s.layer_names, keras.RematScope().layer_names)
    """,
    "remat_scope_bad_mode": """
        keras.RematScope(mode="sometimes")
    """,
    "remat_function_values_and_grads": """
        import jax
        f = keras.remat(lambda x: keras.ops.sum(keras.ops.sin(x) ** 2))
        x = np.array([0.1, 0.5, 2.0], "float32")
        print(np.round(float(f(x)), 5), np.round(np.asarray(jax.grad(f)(x)), 5).tolist())
    """,
    "remat_layers_train_same_as_plain": """
        def build(mode):
            keras.utils.set_random_seed(1)
            with keras.RematScope(mode=mode, output_size_threshold=4, layer_names=["h2"]):
                inp = keras.Input((4,))
                h = keras.layers.Dense(8, activation="tanh", name="h1")(inp)
                h = keras.layers.Dense(8, activation="relu", name="h2")(h)
                out = keras.layers.Dense(1, name="out")(h)
            model = keras.Model(inp, out)
            w = [np.full(v.shape, 0.1 * (i + 1), "float32") for i, v in enumerate(model.weights)]
            model.set_weights(w)
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            return model

        rng = np.random.default_rng(0)
        x = rng.normal(size=(16, 4)).astype("float32")
        y = rng.normal(size=(16, 1)).astype("float32")
        results = []
        for mode in (None, "full", "activations", "larger_than", "list_of_layers"):
            m = build(mode)
            h = m.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
            results.append(np.round(h.history["loss"], 4).tolist())
        print(all(r == results[0] for r in results), results[0])
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]


REMAT_ON_EVERY_BACKEND = ("remat_layers_train_same_as_plain", "remat_scope_modes")


@pytest.mark.parametrize("backend_name", ["torch", "tf"])
def test_remat_trains_as_keras_on_torch_and_tf(results, backend_name):
    """Rematerialized layers (torch.utils.checkpoint, tf.recompute_grad) train exactly as plain
    ones, and as Keras's do (Keras on JAX is the reference)."""
    from dlx.backend import registry

    if backend_name not in [n for n, rec in registry.records().items() if registry.usable(rec)]:
        pytest.skip(f"backend {backend_name} is not installed")
    keras_out, _ = results
    dlx_out = same_program.run({k: SNIPPETS[k] for k in REMAT_ON_EVERY_BACKEND}, "dlx", backend_name)
    for k in REMAT_ON_EVERY_BACKEND:
        assert dlx_out[k] == keras_out[k], k


def test_remat_layer_with_state_updates_trains_as_plain(training_backend):
    """A rematerialized BatchNormalization updates its moving statistics as the plain layer does
    (the assignments leave the checkpointed function as outputs; Keras 3.15 on JAX raises here),
    and the losses are the plain model's."""
    import numpy as np

    import dlx as keras

    def run(mode):
        with keras.RematScope(mode=mode):
            inp = keras.Input((4,))
            h = keras.layers.Dense(8, activation="relu")(inp)
            h = keras.layers.BatchNormalization()(h)
            model = keras.Model(inp, keras.layers.Dense(1)(h))
        model.set_weights([np.full(v.shape, 0.1 * (i + 1), "float32") for i, v in enumerate(model.weights)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
        hist = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        return hist.history["loss"], [v.numpy() for v in model.weights]

    with pytest.warns(UserWarning, match="no rematerialization") if training_backend.name == "numpy" else _no_op():
        loss_remat, weights_remat = run("full")
    loss_plain, weights_plain = run(None)
    np.testing.assert_allclose(loss_remat, loss_plain, rtol=1e-6)
    for a, b in zip(weights_remat, weights_plain):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def _no_op():
    import contextlib

    return contextlib.nullcontext()


def test_summary_of_a_functional_model_lists_its_raw_ops(numpy_backend):
    """``model.layers`` leaves raw op calls out (as Keras), but the summary lists every operation
    of the graph, as Keras's does."""
    import dlx as keras

    x = keras.Input((3,))
    model = keras.Model(x, keras.layers.Dense(2)(keras.ops.relu(x) * 2.0))
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "relu" in text and "multiply" in text and "dense" in text
