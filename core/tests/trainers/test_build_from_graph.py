"""Building the trainer (loss, metrics, optimizer) of a functional or sequential model reads the
outputs' structure and shapes from the model's graph: no eager forward pass runs before the
first train step (on JAX that pass compiled each op, on TF it ran the RNN loops step by step).
A model without a known graph (a subclass with its own ``call``) still builds from a probe."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import layers, losses, models, ops
from dlx.ops.symbolic import SymbolicTensor


class CountingDense(layers.Dense):
    """A Dense layer that counts its calls on real values (symbolic calls build the graph)."""

    concrete_calls = 0

    def call(self, inputs):
        if not isinstance(inputs, SymbolicTensor):
            type(self).concrete_calls += 1
        return super().call(inputs)


class OwnCall(models.Sequential):
    def call(self, inputs, training=False):
        return super().call(inputs, training=training)


@pytest.fixture(autouse=True)
def _numpy_backend():
    CountingDense.concrete_calls = 0
    with dlx.backend.use("numpy"):
        yield


def _data():
    r = np.random.default_rng(0)
    x = r.standard_normal((6, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("float32")[:, None]


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_graph_models_build_without_a_forward_pass(kind):
    dlx.utils.set_random_seed(0)  # initial weights whose predictions are neither all right nor all wrong
    x, y = _data()
    if kind == "sequential":
        model = models.Sequential([layers.Input((4,)), CountingDense(1, activation="sigmoid")])
    else:
        inp = layers.Input((4,))
        model = models.Model(inp, CountingDense(1, activation="sigmoid")(inp))
    model.compile(optimizer="sgd", loss=losses.BinaryCrossentropy(), metrics=["accuracy"])
    model.fit(x, y, batch_size=6, epochs=1, verbose=0, shuffle=False)
    assert CountingDense.concrete_calls == 1  # the one train step, no build probe
    w, b = (v.numpy().astype(np.float64) for v in model.trainable_variables)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    acc = model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    # "accuracy" was resolved from the symbolic output's shape: one sigmoid unit, binary accuracy
    want = np.mean((p > 0.5) == (y > 0.5))
    assert 0 < want < 1
    np.testing.assert_allclose(acc, want, rtol=1e-6)


def test_a_model_with_its_own_call_still_builds_from_a_probe():
    x, y = _data()
    model = OwnCall([layers.Input((4,)), CountingDense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=6, epochs=1, verbose=0, shuffle=False)
    assert CountingDense.concrete_calls == 2  # the probe, then the train step
    assert ops.shape(model.predict(x, verbose=0)) == (6, 1)
