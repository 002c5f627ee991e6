"""Keras 3 program patterns that failed on dlx, each written the way real programs use it:
a ``compute_loss`` override, lists / tuples / dicts of inputs, ``len()`` and indexing of symbolic
shapes, a model that defines only ``train_step`` (the GAN pattern), an endpoint layer that adds
the loss from target ``Input`` s, ``train_on_batch`` returning this batch's values, callbacks
receiving a logs dict, ``get_state_tree`` / ``set_state_tree``, ``clone_model`` with
``call_function`` / ``recursive``, ``Layer.path`` and ``Variable`` attributes, random seeds.
Training programs run on every backend that trains (numpy, jax, torch, tf)."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
import dlx as keras
from dlx import layers, ops
from dlx.backend import registry

TRAINING = [b for b in ("numpy", "jax", "torch", "tf")
            if b in registry.records() and registry.usable(registry.records()[b])]


@pytest.fixture(params=TRAINING)
def trains(request):
    with dlx.backend.use(request.param) as b:
        keras.utils.set_random_seed(0)
        yield b


def _data(n=32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x.sum(axis=1, keepdims=True) > 0).astype("float32")


def test_compute_loss_override_is_what_fit_minimizes(trains):
    x, y = _data()

    class Doubled(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1, kernel_initializer="zeros")

        def call(self, inputs):
            return self.dense(inputs)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return 2.0 * ops.mean(ops.square(y - y_pred))

    model = Doubled()
    model.compile(optimizer=keras.optimizers.SGD(0.0))  # no update: the logged loss is the first one
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], 2.0 * np.mean(y.astype(np.float64) ** 2), rtol=1e-5)


@pytest.mark.parametrize("kind", ["list", "tuple", "dict"])
def test_several_inputs_as_list_tuple_or_dict(trains, kind):
    x, y = _data()
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    out = layers.Dense(1)(layers.Concatenate()([a, b]))
    inputs = {"list": [a, b], "tuple": (a, b), "dict": {"a": a, "b": b}}[kind]
    data = {"list": [x, 2 * x], "tuple": (x, 2 * x), "dict": {"a": x, "b": 2 * x}}[kind]
    model = keras.Model(inputs, out)
    model.compile("adam", "mse")
    model.fit(data, y, epochs=1, batch_size=8, verbose=0)
    assert model.predict(data, verbose=0).shape == (32, 1)
    assert np.isfinite(model.train_on_batch(data, y))
    assert np.isfinite(model.evaluate(data, y, verbose=0))


def test_symbolic_shapes_support_len_indexing_and_none():
    t = keras.Input((5, 3))
    assert len(t.shape) == 3 and t.shape[0] is None and t.shape[1:] == (5, 3) and t.shape[-1] == 3
    assert ops.shape(layers.Dense(7)(t))[-1] == 7


def test_model_with_only_a_train_step_trains(trains):
    """Keras's GAN guide: a Model subclass holding two models, with compile() and train_step()
    overridden and no call()."""
    x, _ = _data()
    disc = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    gen = keras.Sequential([keras.Input((2,)), layers.Dense(4)])

    class GAN(keras.Model):
        def __init__(self, discriminator, generator):
            super().__init__()
            self.discriminator, self.generator = discriminator, generator
            self.seed_generator = keras.random.SeedGenerator(1337)

        def compile(self, loss_fn):
            super().compile()
            self.loss_fn = loss_fn
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")

        @property
        def metrics(self):
            return [self.d_loss_metric]

        def train_step(self, real):
            n = ops.shape(real)[0]
            fake = self.generator(keras.random.normal((n, 2), seed=self.seed_generator))
            both = ops.concatenate([fake, real], axis=0)
            labels = ops.concatenate([ops.ones((n, 1)), ops.zeros((n, 1))], axis=0)
            self.d_loss_metric.update_state(self.loss_fn(labels, self.discriminator(both)))
            return {"d_loss": self.d_loss_metric.result()}

    gan = GAN(disc, gen)
    gan.compile(keras.losses.BinaryCrossentropy(from_logits=True))
    history = gan.fit(x, epochs=2, batch_size=8, verbose=0)  # train_step gets the array itself
    assert len(history.history["d_loss"]) == 2 and all(np.isfinite(history.history["d_loss"]))


def test_endpoint_layer_adds_the_loss_from_target_inputs(trains):
    """Keras's guide pattern: targets enter as an Input, a layer computes the loss with add_loss,
    compile() gets no loss and fit() no y."""

    class LogisticEndpoint(layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits):
            self.add_loss(self.loss_fn(targets, logits))
            return ops.sigmoid(logits)

    inputs, targets = keras.Input((3,), name="inputs"), keras.Input((10,), name="targets")
    dense = layers.Dense(10)
    preds = LogisticEndpoint(name="predictions")(targets, dense(inputs))
    model = keras.Model([inputs, targets], preds)
    model.compile(optimizer=keras.optimizers.SGD(0.0))
    rng = np.random.default_rng(1)
    data = {"inputs": rng.random((6, 3)).astype("float32"), "targets": (rng.random((6, 10)) > 0.5).astype("float32")}
    loss = model.fit(data, epochs=1, batch_size=6, verbose=0).history["loss"][0]
    logits = data["inputs"].astype(np.float64) @ dense.kernel.numpy() + dense.bias.numpy()
    t = data["targets"]
    want = np.mean(np.maximum(logits, 0) - logits * t + np.log1p(np.exp(-np.abs(logits))))
    np.testing.assert_allclose(loss, want, rtol=1e-5)


def test_train_and_test_on_batch_return_this_batch_values(trains):
    x, y = _data()
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.0), "mse", metrics=["mae"])
    for lo in (0, 8, 16):
        xb, yb = x[lo:lo + 8], y[lo:lo + 8]
        pred = xb.astype(np.float64) @ model.layers[-1].kernel.numpy() + model.layers[-1].bias.numpy()
        loss, mae = model.train_on_batch(xb, yb)
        np.testing.assert_allclose([loss, mae], [np.mean((pred - yb) ** 2), np.mean(np.abs(pred - yb))], rtol=1e-5)
        out = model.test_on_batch(xb, yb, return_dict=True)
        np.testing.assert_allclose(out["loss"], np.mean((pred - yb) ** 2), rtol=1e-5)


def test_callbacks_always_receive_a_logs_dict(numpy_backend):
    x, y = _data()
    seen = []

    class Recorder(keras.callbacks.Callback):
        def __getattribute__(self, name):
            if name.startswith("on_"):
                return lambda *args: seen.append((name, args[-1]))
            return super().__getattribute__(name)

    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=1, batch_size=16, validation_split=0.25, verbose=0, callbacks=[Recorder()])
    model.evaluate(x, y, verbose=0, callbacks=[Recorder()])
    model.predict(x, verbose=0, callbacks=[Recorder()])
    assert {name for name, _ in seen} >= {"on_train_begin", "on_epoch_begin", "on_train_batch_begin",
                                          "on_test_begin", "on_predict_begin", "on_predict_batch_end"}
    assert [name for name, logs in seen if not isinstance(logs, dict)] == []


def test_state_tree_round_trip(trains):
    x, y = _data()
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="d"), layers.Dense(1, name="out")], name="net")
    model.compile("adam", "mse", metrics=["mae"])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    state = model.get_state_tree("numpy_array")
    assert set(state) == {"trainable_variables", "non_trainable_variables", "optimizer_variables",
                          "metrics_variables"}
    np.testing.assert_array_equal(state["trainable_variables"]["net"]["d"]["kernel"], model.layers[0].kernel.numpy())
    assert "total" in state["metrics_variables"]["mean_absolute_error"]
    other = keras.models.clone_model(model)
    other.set_state_tree({"trainable_variables": state["trainable_variables"]})
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    lists = model.get_state_tree("python_list")
    assert isinstance(lists["trainable_variables"]["net"]["out"]["bias"], list)
    with pytest.raises(ValueError, match="no trainable_variables at path 'net/nope'"):
        model.set_state_tree({"trainable_variables": {"net": {"nope": np.zeros(1)}}})


def test_clone_model_with_call_function_and_recursive(numpy_backend):
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="inner_dense")], name="inner")
    a = keras.Input((4,), name="a")
    model = keras.Model(a, layers.Dense(1, name="head")(inner(a)))
    called = []

    def call_function(layer, *args, **kwargs):
        called.append(layer.name)
        return layer(*args, **kwargs)

    clone = keras.models.clone_model(model, call_function=call_function, recursive=True)
    assert called == ["inner_dense", "inner", "head"]  # the nested model was cloned layer by layer
    assert clone.layers[-1] is not model.layers[-1]
    assert clone.predict(np.ones((2, 4), "float32"), verbose=0).shape == (2, 1)
    shared = keras.models.clone_model(model, clone_function=lambda layer: layer)
    assert shared.layers[-1] is model.layers[-1]
    new_input = keras.Input((4,), name="mine")
    on_input = keras.models.clone_model(model, input_tensors=new_input)
    assert on_input.inputs[0] is new_input
    with pytest.raises(TypeError, match="unexpected keyword"):
        keras.models.clone_model(model, recurse=True)


def test_layer_path_and_variable_attributes(numpy_backend):
    dense = layers.Dense(2, name="dd")
    assert dense.path is None  # not built yet, as in Keras
    model = keras.Sequential([keras.Input((3,)), dense], name="outer")
    assert dense.path == "outer/dd" or dense.path == "dd"
    assert dense.kernel.path == f"{dense.path}/kernel"
    assert (dense.kernel.aggregation, dense.kernel.synchronization) == ("none", "auto")
    v = keras.Variable(np.zeros(2, "float32"), aggregation="sum", synchronization="on_read", name="acc")
    assert (v.aggregation, v.synchronization, v.path) == ("sum", "on_read", "acc")
    with pytest.raises(ValueError, match="aggregation='max'"):
        keras.Variable(np.zeros(2, "float32"), aggregation="max")
    del model


def test_name_scope_override_parent_and_deduplicate(numpy_backend):
    with keras.name_scope("a"), keras.name_scope("b", override_parent="/x"):
        v = layers.Dense(1, name="d")
        v.build((None, 2))
        assert v.kernel.path == "x/b/d/kernel"
