"""Regression tests for differences the real-program harness (``tools/keras_programs``) found:
each uses the feature the way the keras.io program did, and checks the result against NumPy."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx as keras
from dlx import ops

RNG = np.random.default_rng(7)


def test_compute_loss_override_without_training_argument(backend):
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
