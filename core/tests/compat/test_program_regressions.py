"""Regression tests for differences the real-program harness (``tools/keras_programs``) found:
each uses the feature the way the keras.io program did, and checks the result against NumPy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx as keras
from dlx import ops

RNG = np.random.default_rng(7)


def test_compute_loss_override_without_training_argument(training_backend):
    """examples/vision/knowledge_distillation.py: a ``compute_loss`` override written for Keras 3.0
    (``x, y, y_pred, sample_weight, allow_empty`` and no ``training``) is called without it."""

    class Distiller(keras.Model):
        def __init__(self, student):
            super().__init__()
            self.student = student

        def call(self, x):
            return self.student(x)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            return ops.mean(ops.square(y - y_pred))

    x = RNG.normal(size=(16, 3)).astype("float32")
    y = RNG.normal(size=(16, 1)).astype("float32")
    student = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model = Distiller(student)
    model.compile(optimizer=keras.optimizers.SGD(0.0))
    w, b = (v.numpy() for v in student.layers[0].weights)
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    expected = np.mean((y - (x @ w + b)) ** 2)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)


def test_lambda_output_shape_with_a_list_of_inputs(backend):
    """examples/vision/siamese_contrastive.py: ``Lambda(fn, output_shape=(1,))([a, b])`` on two
    symbolic inputs; the batch dimension comes from the first input, as in Keras."""

    def euclidean_distance(vects):
        x, y = vects
        sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
        return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))

    a, b = keras.Input((4,)), keras.Input((4,))
    distance = keras.layers.Lambda(euclidean_distance, output_shape=(1,))([a, b])
    assert tuple(distance.shape) == (None, 1)
    model = keras.Model([a, b], distance)
    xa, xb = RNG.normal(size=(5, 4)).astype("float32"), RNG.normal(size=(5, 4)).astype("float32")
    expected = np.sqrt(np.maximum(((xa - xb) ** 2).sum(axis=1, keepdims=True), 1e-7))
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), expected, rtol=1e-5)


def test_lambda_output_shape_structure():
    a, b = keras.Input((4,)), keras.Input((4,))
    first, second = keras.layers.Lambda(lambda v: [v[0], v[1][:, :2]], output_shape=[(4,), (2,)])([a, b])
    assert (tuple(first.shape), tuple(second.shape)) == ((None, 4), (None, 2))


_TORCH_LOOP = textwrap.dedent(
    """
    import numpy as np
    import torch
    import dlx as keras

    inputs = keras.Input(shape=(3,), name="digits")
    outputs = keras.layers.Dense(1, name="predictions")(inputs)
    model = keras.Model(inputs=inputs, outputs=outputs)
    params = list(model.parameters())
    assert len(params) == 2, params
    w0, b0 = (v.numpy().copy() for v in model.weights)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    y = np.ones((4, 1), dtype="float32")
    loss = torch.nn.functional.mse_loss(model(torch.from_numpy(x)), torch.from_numpy(y))
    model.zero_grad()
    loss.backward()
    optimizer.step()
    err = x @ w0 + b0 - y
    np.testing.assert_allclose(model.weights[0].numpy(), w0 - 0.1 * x.T @ err * 2 / 4, rtol=1e-5)
    np.testing.assert_allclose(model.weights[1].numpy(), b0 - 0.1 * err.sum(0) * 2 / 4, rtol=1e-5)
    print("ok")
    """
)


def test_torch_optimizer_over_parameters_of_a_model_built_first():
    """guides/writing_a_custom_training_loop_in_torch.py: with ``DLX_BACKEND=torch`` and no op run
    yet, a Functional model's ``parameters()`` feed ``torch.optim`` (its variables were created
    before the backend was loaded, and must still be torch's parameters)."""
    pytest.importorskip("torch")
    env = dict(os.environ, DLX_BACKEND="torch")
    proc = subprocess.run([sys.executable, "-c", _TORCH_LOOP], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-2000:]


def test_save_own_variables_override_calling_super(backend, tmp_path):
    """guides/customizing_saving_and_serialization.py: a layer extends the default
    ``save_own_variables`` / ``load_own_variables`` with ``super()`` and keeps extra state in the
    same store (checked to load in Keras 3.15 too; the guide's variant that re-assigns
    ``store[str(i)]`` over ``self.weights`` does not load in Keras either)."""

    @keras.utils.register_keras_serializable(package="dlx_test_programs")
    class LayerWithExtraState(keras.layers.Layer):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.table = np.zeros((units,), "float32")

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                          name="kernel")

        def call(self, x):
            return ops.add(ops.matmul(x, self.kernel), self.table)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["table"] = self.table

        def load_own_variables(self, store):
            self.table = np.asarray(store["table"])
            super().load_own_variables({k: store[k] for k in store if k != "table"})

    model = keras.Sequential([keras.Input((3,)), LayerWithExtraState(4)])
    model.layers[0].table = np.arange(4, dtype="float32")
    kernel = model.layers[0].kernel.numpy().copy()
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(restored.layers[0].kernel.numpy(), kernel)
    np.testing.assert_array_equal(restored.layers[0].table, np.arange(4, dtype="float32"))
    x = RNG.normal(size=(2, 3)).astype("float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), x @ kernel + np.arange(4), rtol=1e-5, atol=1e-6)


def test_default_load_own_variables_checks_the_count(numpy_backend):
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    store: dict = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "1"]
    np.testing.assert_array_equal(store["0"], layer.kernel.numpy())
    with pytest.raises(ValueError, match="2 variables"):
        layer.load_own_variables({"0": store["0"]})
    layer.load_own_variables({"0": np.ones((3, 2)), "1": np.zeros(2)})
    np.testing.assert_array_equal(layer.kernel.numpy(), np.ones((3, 2)))


def test_reshape_into_windows_and_back_on_symbolic_inputs(backend):
    """examples/vision/swin_transformers.py: window partition / reverse reshapes with ``-1`` on a
    tensor with an unknown batch; the ``-1`` stays unknown (the probe batch need not divide)."""
    height = width = 8
    window, channels = 2, 4

    def partition(x):
        x = ops.reshape(x, (-1, height // window, window, width // window, window, channels))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, (-1, window, window, channels))

    def reverse(w):
        x = ops.reshape(w, (-1, height // window, width // window, window, window, channels))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, (-1, height, width, channels))

    inputs = keras.Input((height, width, channels))
    windows = partition(inputs)
    assert tuple(windows.shape) == (None, window, window, channels)
    outputs = reverse(windows * 2.0)
    assert tuple(outputs.shape) == (None, height, width, channels)
    model = keras.Model(inputs, outputs)
    x = RNG.normal(size=(3, height, width, channels)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), 2 * x, rtol=1e-6)


def test_tf_gradient_tape_over_trainable_variables():
    """examples/keras_recipes/trainer_pattern.py: a ``train_step`` on the tf backend takes
    ``tape.gradient(loss, self.trainable_variables)`` with TF's own ``GradientTape``."""
    tf = pytest.importorskip("tensorflow")
    with keras.backend.use("tf"):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        x = RNG.normal(size=(4, 3)).astype("float32")
        y = RNG.normal(size=(4, 1)).astype("float32")
        with tf.GradientTape() as tape:
            loss = keras.losses.MeanSquaredError()(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        w, b = (v.numpy() for v in model.weights)
    err = x @ w + b - y
    np.testing.assert_allclose(grads[0].numpy(), 2 * x.T @ err / 4, rtol=1e-5)
    np.testing.assert_allclose(grads[1].numpy(), 2 * err.sum(0) / 4, rtol=1e-5)


def test_metric_updated_inside_a_layer_on_symbolic_inputs(training_backend):
    """examples/keras_recipes/endpoint_layer_pattern.py: an endpoint layer calls ``add_loss`` and
    ``metric.update_state(targets, logits, sample_weight)`` while a Functional model is built
    (``broadcast_to`` of the sample weight to a shape with an unknown batch)."""

    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
            self.accuracy_metric = keras.metrics.BinaryAccuracy(name="accuracy")

        def call(self, logits, targets=None, sample_weight=None):
            if targets is not None:
                self.add_loss(self.loss_fn(targets, logits, sample_weight))
                self.accuracy_metric.update_state(targets, logits, sample_weight)
            return ops.softmax(logits)

    inputs = keras.Input((5,), name="inputs")
    logits = keras.layers.Dense(1)(inputs)
    targets = keras.Input((1,), name="targets")
    sample_weight = keras.Input((1,), name="sample_weight")
    model = keras.Model([inputs, targets, sample_weight], LogisticEndpoint()(logits, targets, sample_weight))
    n = 8
    data = {"inputs": RNG.normal(size=(n, 5)).astype("float32"),
            "targets": RNG.integers(0, 2, (n, 1)).astype("float32"),
            "sample_weight": RNG.random((n, 1)).astype("float32")}
    model.compile(keras.optimizers.SGD(0.0))
    w, b = (v.numpy() for v in model.weights)
    history = model.fit(data, batch_size=n, epochs=1, verbose=0)
    z = data["inputs"] @ w + b
    t, sw = data["targets"], data["sample_weight"]
    bce = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    np.testing.assert_allclose(history.history["loss"][0], np.sum(bce * sw) / n, rtol=1e-5)


def test_pure_train_step_returns_logs_then_state(training_backend):
    """guides/custom_train_step_in_jax.py: a ``train_step(self, state, data)`` built from
    ``stateless_call``, the backend's gradient, ``optimizer.stateless_apply`` and
    ``metric.stateless_update_state`` returns ``(logs, state)``, Keras's JAX order."""

    class CustomModel(keras.Model):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_vars, metrics_vars = state
            x, y = data

            def loss_fn(trainable):
                y_pred, _ = self.stateless_call(trainable, non_trainable, x, training=True)
                return ops.mean(ops.square(y - y_pred))

            loss, grads = training_backend.value_and_grad(loss_fn)(trainable)
            trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
            tracker = self.metrics[0]
            metrics_vars = list(tracker.stateless_update_state(metrics_vars[: len(tracker.variables)], loss))
            logs = {"loss": tracker.stateless_result(metrics_vars)}
            return logs, (trainable, non_trainable, optimizer_vars, metrics_vars)

    inputs = keras.Input((3,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = RNG.normal(size=(8, 3)).astype("float32")
    y = RNG.normal(size=(8, 1)).astype("float32")
    w, b = (v.numpy() for v in model.weights)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    expected = np.mean((y - (x @ w + b)) ** 2)
    np.testing.assert_allclose(history.history["loss"], [expected, expected], rtol=1e-5)


def test_functional_input_one_rank_short_gains_the_channel_axis(backend):
    """examples/vision/siamese_contrastive.py: (N, 28, 28) images fed to ``Input((28, 28, 1))``
    (Keras adds the trailing axis of 1; an extra trailing axis of 1 is dropped)."""
    inputs = keras.Input((4, 4, 1))
    model = keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs))
    twin = keras.models.clone_model(model)  # one input rank per model (a compiled predict
    twin.set_weights(model.get_weights())   # function may generalize over ranks)
    x = RNG.normal(size=(3, 4, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), twin.predict(x[..., None], verbose=0), rtol=1e-6)
    flat = keras.Input((3,))
    dense = keras.Model(flat, keras.layers.Dense(2)(flat))
    w, b = (v.numpy() for v in dense.weights)
    v = RNG.normal(size=(2, 3)).astype("float32")
    np.testing.assert_allclose(dense.predict(v[..., None], verbose=0), v @ w + b, rtol=1e-5)


def test_sequential_without_input_called_inside_a_layer(backend):
    """examples/vision/swin_transformers.py: a block holds ``self.mlp = keras.Sequential([...])``
    (no Input) and first calls it inside its own ``call`` while a Functional model is built."""

    class Block(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.mlp = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])

        def call(self, x):
            return self.mlp(x) + 1.0

    inputs = keras.Input((3,))
    outputs = Block()(inputs)
    assert tuple(outputs.shape) == (None, 2)
    model = keras.Model(inputs, outputs)
    w1, b1, w2, b2 = (v.numpy() for v in model.weights)
    x = RNG.normal(size=(5, 3)).astype("float32")
    expected = np.maximum(x @ w1 + b1, 0) @ w2 + b2 + 1.0
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


@keras.utils.register_keras_serializable(package="dlx_test_programs")
def small_square_sum_loss(y_true, y_pred):
    return ops.sum(ops.square(y_pred - y_true), axis=-1) / 10.0


@keras.utils.register_keras_serializable(package="dlx_test_programs")
def mean_pred(y_true, y_pred):
    return ops.mean(y_pred)


@keras.utils.register_keras_serializable(package="dlx_test_programs")
class ModelWithCustomCompile(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense1 = keras.layers.Dense(8, activation="relu")
        self.dense2 = keras.layers.Dense(4, activation="softmax")

    def call(self, inputs):
        return self.dense2(self.dense1(inputs))

    def compile(self, optimizer, loss_fn, metrics):
        super().compile(optimizer=optimizer, loss=loss_fn, metrics=metrics)
        self.model_optimizer, self.loss_fn, self.loss_metrics = optimizer, loss_fn, metrics

    def get_compile_config(self):
        return {"model_optimizer": self.model_optimizer, "loss_fn": self.loss_fn, "metric": self.loss_metrics}

    def compile_from_config(self, config):
        optimizer = keras.utils.deserialize_keras_object(config["model_optimizer"])
        loss_fn = keras.utils.deserialize_keras_object(config["loss_fn"])
        metrics = keras.utils.deserialize_keras_object(config["metric"])
        self.compile(optimizer=optimizer, loss_fn=loss_fn, metrics=metrics)


def test_compile_from_config_override(numpy_backend, tmp_path):
    """guides/customizing_saving_and_serialization.py: a model with its own ``compile(optimizer,
    loss_fn, metrics)`` overrides ``get_compile_config`` / ``compile_from_config``; loading calls
    the override (dlx called ``compile(**config)`` itself). Keras 3.15 fails this guide earlier,
    at its ``LayerWithCustomVariable``; this part loads there as here."""
    model = ModelWithCustomCompile()
    model.compile(optimizer="SGD", loss_fn=small_square_sum_loss, metrics=["accuracy", mean_pred])
    x = RNG.random((4, 8)).astype("float32")
    y = RNG.random((4,)).astype("float32")
    model.fit(x, y, verbose=0)
    model.save(tmp_path / "custom_compile_model.keras")
    restored = keras.models.load_model(tmp_path / "custom_compile_model.keras")
    assert restored.model_optimizer == "SGD"  # as given (a string), as in Keras
    assert restored.loss_fn is small_square_sum_loss
    assert restored.loss_metrics == ["accuracy", mean_pred]
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    logs = restored.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy", "mean_pred"}


def test_default_compile_from_config_skips_a_custom_compile(numpy_backend):
    """Keras's default ``compile_from_config`` warns and leaves a model with its own ``compile()``
    uncompiled (it cannot know that method's arguments)."""

    class OwnCompile(keras.Model):
        def compile(self, opt):
            super().compile(optimizer=opt, loss="mse")

    model = OwnCompile()
    with pytest.warns(UserWarning, match="compile_from_config"):
        model.compile_from_config({"optimizer": "sgd", "loss": "mse"})
    assert not getattr(model, "compiled", False)


def test_plot_model_to_png_as_the_guides_do(numpy_backend, tmp_path, monkeypatch):
    """guides/functional_api.py, training_with_built_in_methods.py and
    timeseries_classification_from_scratch.py call ``keras.utils.plot_model(model, "x.png",
    show_shapes=True)`` and go on. With Graphviz installed (``.ci/run`` installs Debian's package) the
    picture is written; without it, Keras's rule applies (``core/tests/compat/test_keras_plot_model.py``)."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` is not installed (.ci/run installs it)")
    monkeypatch.chdir(tmp_path)
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(keras.layers.Dense(4)(inputs)))
    assert keras.utils.plot_model(model, "model.png", show_shapes=True) == "model.png"
    with open(tmp_path / "model.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_train_step_looping_over_model_metrics(training_backend):
    """guides/custom_train_step_in_jax.py: a pure ``train_step`` loops over ``self.metrics``, updates
    the one named ``loss`` with the loss and every other with ``(y, y_pred)``, and returns the last
    one's ``stateless_result`` as its logs. As in Keras, ``model.metrics`` is ``[loss,
    compile_metrics]`` and the compiled metrics' result is a dict, so the logs are ``{"mae": ...}``."""

    class CustomModel(keras.Model):
        def compute_loss_and_updates(self, trainable, non_trainable, x, y, training=False):
            y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=training)
            return self.compute_loss(x, y, y_pred), (y_pred, non_trainable)

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_vars, metrics_vars = state
            x, y = data
            grad_fn = training_backend.value_and_grad(self.compute_loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable)), grads = grad_fn(trainable, non_trainable, x, y, True)
            trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
            new_metrics_vars = []
            for metric in self.metrics:
                n = len(new_metrics_vars)
                this_metric_vars = metrics_vars[n : n + len(metric.variables)]
                if metric.name == "loss":
                    this_metric_vars = metric.stateless_update_state(this_metric_vars, loss)
                else:
                    this_metric_vars = metric.stateless_update_state(this_metric_vars, y, y_pred)
                logs = metric.stateless_result(this_metric_vars)
                new_metrics_vars += this_metric_vars
            return logs, (trainable, non_trainable, optimizer_vars, new_metrics_vars)

    inputs = keras.Input((4,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse", metrics=["mae"])
    x = RNG.normal(size=(16, 4)).astype("float32")
    y = RNG.normal(size=(16, 1)).astype("float32")
    w, b = (v.numpy() for v in model.weights)
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert list(history.history) == ["mae"]
    np.testing.assert_allclose(history.history["mae"][0], np.mean(np.abs(y - (x @ w + b))), rtol=1e-5)
    results = model.get_metrics_result()  # the loss tracker and the compiled metrics' dict, merged
    assert list(results) == ["loss", "mae"]
    np.testing.assert_allclose(results["loss"], np.mean((y - (x @ w + b)) ** 2), rtol=1e-5)



@pytest.mark.parametrize("make", [
    lambda: keras.layers.RandomFlip("horizontal", seed=3),
    lambda: keras.layers.RandomRotation(0.1, seed=3),
    lambda: keras.layers.RandomZoom(0.2, 0.2, seed=3),
    lambda: keras.layers.RandomCrop(6, 6, seed=3),
    lambda: keras.layers.RandomContrast(0.1, seed=3),
])
def test_augmentation_layers_with_a_run_time_batch_on_tf(make):
    """examples/vision/eanet.py, cct.py, convmixer.py on tf: augmentation layers inside the model
    (TF retraces a step with the batch dim relaxed to ``None``, as Keras's) and in a ``tf.data``
    map. The batch size is then a run-time scalar; the images are those of an eager call with the
    same seed, where the batch is known."""
    tf = pytest.importorskip("tensorflow")
    images = RNG.uniform(size=(5, 8, 8, 3)).astype("float32")
    with keras.backend.use("tf"):
        expected = make()(images, training=True).numpy()
        layer = make()
        spec = tf.TensorSpec((None, 8, 8, 3), tf.float32)
        graph = tf.function(lambda x: layer(x, training=True), input_signature=[spec])(images).numpy()
        mapper = make()
        mapped = next(iter(tf.data.Dataset.from_tensor_slices(images).batch(5).map(
            lambda x: mapper(x, training=True)))).numpy()
    np.testing.assert_allclose(graph, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mapped, expected, rtol=1e-5, atol=1e-6)


def test_convert_to_tensor_of_a_weight_inside_a_compiled_step(training_backend):
    """examples/vision/cct.py: ``keras.ops.convert_to_tensor(self.position_embeddings)`` in a
    layer's ``call()`` while ``fit`` traces its step: the weight's current (traced) value, as Keras,
    not a host copy."""

    class AddEmbedding(keras.layers.Layer):
        def build(self, input_shape):
            self.embedding = self.add_weight(shape=(1, input_shape[-1]), initializer="ones")

        def call(self, x):
            return x + keras.ops.convert_to_tensor(self.embedding)

    inputs = keras.Input((3,))
    model = keras.Model(inputs, AddEmbedding()(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    x = RNG.normal(size=(8, 3)).astype("float32")
    y = RNG.normal(size=(8, 3)).astype("float32")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    grad = np.mean(2 * (x + 1.0 - y), axis=0, keepdims=True) / 3  # d mse / d embedding
    np.testing.assert_allclose(model.layers[1].embedding.numpy(), 1.0 - 0.5 * grad, rtol=1e-5)


def test_learning_rate_schedule_without_get_config(training_backend):
    """examples/vision/masked_image_modeling.py: a ``LearningRateSchedule`` subclass that defines
    only ``__call__`` (no ``get_config``) drives the optimizer of a compiled model; as in Keras,
    ``compile`` and ``fit`` serialize nothing, so it trains."""

    class Halved(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            return ops.cast(0.5, "float32")

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1, use_bias=False)(inputs))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=Halved()), loss="mse")
    x = RNG.normal(size=(8, 3)).astype("float32")
    y = RNG.normal(size=(8, 1)).astype("float32")
    w = model.weights[0].numpy()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    grad = 2 * x.T @ (x @ w - y) / 8
    np.testing.assert_allclose(model.weights[0].numpy(), w - 0.5 * grad, rtol=1e-5, atol=1e-6)


def test_conv_layer_convolution_op_override_and_call(backend):
    """examples/keras_recipes/subclassing_conv_layers.py: a ``Conv2D`` subclass overrides
    ``convolution_op(inputs, kernel)`` (standardizing the kernel), another calls it from its own
    ``call()``; both give the convolution with the standardized kernel (NumPy reference)."""

    def standardize(kernel):
        mean, var = ops.moments(kernel, axes=[0, 1, 2], keepdims=True)
        return (kernel - mean) / ops.sqrt(var + 1e-10)

    class WithOverride(keras.layers.Conv2D):
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, standardize(kernel))

    class WithCall(keras.layers.Conv2D):
        def call(self, inputs):
            return self.convolution_op(inputs, standardize(self.kernel)) + self.bias

    x = RNG.normal(size=(2, 3, 3, 1)).astype("float32")
    for cls in (WithOverride, WithCall):
        inputs = keras.Input((3, 3, 1))
        layer = cls(4, 3)
        model = keras.Model(inputs, layer(inputs))
        k = layer.kernel.numpy().astype("float64")
        k = (k - k.mean(axis=(0, 1, 2))) / np.sqrt(k.var(axis=(0, 1, 2)) + 1e-10)
        expected = np.einsum("bhwc,hwcf->bf", x, k)[:, None, None, :]
        np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)


def test_ops_shape_in_tf_graphs_with_a_run_time_batch():
    """examples/vision/mixup.py on tf: ``batch_size = keras.ops.shape(images)[0]`` in a ``tf.data``
    map, then ``keras.ops.reshape(l, (batch_size, 1, 1, 1))``; examples/vision/cct.py on tf:
    ``keras.ops.broadcast_to(embeddings, keras.ops.shape(inputs))`` in a step TF retraced with the
    batch relaxed. As Keras's TF backend, an unknown dim is a run-time scalar (``tf.shape``)."""
    tf = pytest.importorskip("tensorflow")
    images = RNG.normal(size=(10, 4, 4, 1)).astype("float32")
    weights = RNG.uniform(size=10).astype("float32")
    with keras.backend.use("tf"):
        def mix(x, w):
            batch_size = keras.ops.shape(x)[0]
            return x * keras.ops.reshape(w, (batch_size, 1, 1, 1))

        mixed = np.concatenate([b.numpy() for b in tf.data.Dataset.from_tensor_slices((images, weights))
                                .batch(4).map(mix)])
        embedding = RNG.normal(size=(1, 4, 1)).astype("float32")
        spec = tf.TensorSpec((None, 4, 4, 1), tf.float32)
        broadcast = tf.function(lambda x: keras.ops.broadcast_to(embedding, keras.ops.shape(x)),
                                input_signature=[spec])(images[:3]).numpy()
        assert keras.ops.shape(keras.Input((None, 3))) == (None, None, 3)  # symbolic dims stay None
    np.testing.assert_allclose(mixed, images * weights[:, None, None, None], rtol=1e-6)
    np.testing.assert_array_equal(broadcast, np.broadcast_to(embedding, (3, 4, 4, 1)))


def test_train_step_only_model_whose_layers_build_in_the_step(training_backend):
    """examples/vision/masked_image_modeling.py: a ``Model`` with only a stateful ``train_step``
    whose layers build on their first call inside it, applying ``optimizer.apply_gradients`` to
    their variables: the optimizer builds on that first apply (with every variable it is given),
    not before the step from the model's then-partial variable list."""
    if training_backend.name == "numpy":
        pytest.skip("numpy: no gradient of a stateful train_step")

    class Autoencoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.encoder = keras.layers.Dense(2)
            self.decoder = keras.layers.Dense(3)

        def train_step(self, data):
            x = data
            variables = self.trainable_variables
            if not variables:  # first call: build the layers, then take their variables
                self.decoder(self.encoder(x))
                variables = self.trainable_variables

            def loss_fn(values):
                with keras.StatelessScope(list(zip(variables, values))):
                    return ops.mean(ops.square(self.decoder(self.encoder(x)) - x))

            loss, grads = training_backend.value_and_grad(loss_fn)([v.value for v in variables])
            self.optimizer.apply_gradients(zip(grads, variables))
            return {"loss": loss}

    model = Autoencoder()
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    x = RNG.normal(size=(8, 3)).astype("float32")
    model.fit(x, batch_size=8, epochs=1, verbose=0)
    assert model.optimizer.built and len(model.trainable_variables) == 4


def test_tf_gradient_of_an_embedding_applied_by_the_optimizer():
    """examples/vision/masked_image_modeling.py on tf: ``tape.gradient`` of a loss through an
    ``Embedding`` is a ``tf.IndexedSlices``, given to ``optimizer.apply_gradients``; as Keras,
    it updates the looked-up rows (Adam's first step: ``lr * sign(g)``) and no other."""
    tf = pytest.importorskip("tensorflow")
    with keras.backend.use("tf"):
        emb = keras.layers.Embedding(6, 3)
        emb.build((None,))
        optimizer = keras.optimizers.Adam(0.1)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(emb(np.array([1, 4, 4])))
        grads = tape.gradient(loss, emb.trainable_variables)
        assert isinstance(grads[0], tf.IndexedSlices)
        before = emb.embeddings.numpy().copy()
        optimizer.apply_gradients(zip(grads, emb.trainable_variables))
        after = emb.embeddings.numpy()
    expected = before.copy()
    expected[[1, 4]] -= 0.1
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-6)


def test_custom_test_step_updating_model_metrics_then_evaluate(training_backend):
    """examples/vision/masked_image_modeling.py: a model with only ``train_step`` / ``test_step``
    updates every metric of ``self.metrics`` with ``(y, y_pred)`` and returns their results;
    ``loss, mae = model.evaluate(data)`` unpacks two values, as in Keras, where the compiled
    metrics build on their first update."""

    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def train_step(self, data):  # (the program's trains the layers; not what is tested here)
            return self.test_step(data)

        def test_step(self, data):
            x, y = data
            y_pred = self.dense(x)
            results = {}
            for metric in self.metrics:
                metric.update_state(y, y_pred)
                results[metric.name] = metric.result()
            return results

    model = Model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = RNG.normal(size=(8, 3)).astype("float32")
    y = RNG.normal(size=(8, 1)).astype("float32")
    model.dense(x)
    w, b = (v.numpy() for v in model.dense.weights)
    _loss, mae = model.evaluate(x, y, batch_size=8, verbose=0)
    np.testing.assert_allclose(mae, np.mean(np.abs(y - (x @ w + b))), rtol=1e-5)
