"""A minimal model for trainer tests (the layers engine's Model is tested separately): a
two-layer MLP on dlx.Variables exposing the stateless API the Trainer needs."""

from __future__ import annotations

import numpy as np

import dlx
from dlx import ops
from dlx.trainers import Trainer
from dlx.variables import StatelessScope


class TinyMLP(Trainer):
    def __init__(self, n_in, n_hidden, n_out, seed=0, outputs="single", l2=0.0, activation="softmax"):
        r = np.random.default_rng(seed)
        self.built = True
        self.n_in, self.n_out = n_in, n_out
        self.w1 = dlx.Variable(r.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden)).astype(np.float32), name="w1")
        self.b1 = dlx.Variable(np.zeros(n_hidden, np.float32), name="b1")
        self.w2 = dlx.Variable(r.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_out)).astype(np.float32), name="w2")
        self.b2 = dlx.Variable(np.zeros(n_out, np.float32), name="b2")
        self.calls = dlx.Variable(np.zeros((), np.float32), trainable=False, name="calls")
        self.outputs = outputs
        self.l2 = l2
        self.activation = activation
        self.output_names = ["a", "b"] if outputs != "single" else None

    @property
    def trainable_variables(self):
        return [self.w1, self.b1, self.w2, self.b2]

    @property
    def non_trainable_variables(self):
        return [self.calls]

    @property
    def weights(self):
        return self.trainable_variables + self.non_trainable_variables

    def __call__(self, x, training=False):
        if isinstance(x, dict):
            x = x["features"]
        h = ops.relu(ops.add(ops.matmul(ops.cast(x, "float32"), self.w1), self.b1))
        logits = ops.add(ops.matmul(h, self.w2), self.b2)
        self.calls.assign(ops.add(self.calls.value, 1.0))
        out = ops.softmax(logits) if self.activation == "softmax" else logits
        if self.outputs == "list":
            return [out, ops.sum(logits, axis=-1, keepdims=True)]
        if self.outputs == "dict":
            return {"a": out, "b": ops.sum(logits, axis=-1, keepdims=True)}
        return out

    def stateless_call(self, trainable_variables, non_trainable_variables, x, return_losses=False, training=False):
        mapping = list(zip(self.trainable_variables, trainable_variables))
        mapping += list(zip(self.non_trainable_variables, non_trainable_variables))
        with StatelessScope(mapping) as scope:
            out = self(x, training=training)
            losses = [ops.multiply(self.l2, ops.sum(ops.square(self.w1.value)))] if self.l2 else []
        ntv = [scope.updated(v) for v in self.non_trainable_variables]
        return (out, ntv, losses) if return_losses else (out, ntv)

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        for v, w in zip(self.weights, weights):
            v.assign(w)

    def save_weights(self, path):
        assert str(path).endswith(".weights.h5")
        with open(path, "wb") as f:
            np.savez(f, *self.get_weights())

    def load_weights(self, path):
        with np.load(path) as z:
            self.set_weights([z[f"arr_{i}"] for i in range(len(self.weights))])


def blobs(n=256, n_in=6, n_classes=3, seed=0):
    """Separable Gaussian blobs."""
    r = np.random.default_rng(seed)
    centers = r.normal(0, 3, (n_classes, n_in))
    y = r.integers(0, n_classes, n)
    x = (centers[y] + r.normal(0, 1, (n, n_in))).astype(np.float32)
    return x, y.astype(np.int32)
