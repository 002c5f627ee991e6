"""Functional models far deeper than Python's recursion limit build, run, serialize and clone."""

from __future__ import annotations

import sys

import numpy as np

import dlx
from dlx import layers


def _deep(depth):
    inp = dlx.Input((4,))
    x = inp
    for i in range(depth):
        x = layers.Activation("relu")(x) if i % 2 else layers.Average()([x, x])
    return dlx.Model(inp, x)


def test_a_graph_deeper_than_the_recursion_limit(tmp_path, monkeypatch):
    depth = sys.getrecursionlimit() * 2
    model = _deep(depth)
    assert len(model.layers) == depth + 1
    x = np.array([[0.5, -1.0, 2.0, 0.0]] * 2, "float32")
    expected = np.maximum(x, 0.0)  # averages of a tensor with itself and relus
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    clone = dlx.Model.from_config(model.get_config())
    assert len(clone.layers) == depth + 1
    path = tmp_path / "deep.keras"
    model.save(path)
    np.testing.assert_allclose(dlx.saving.load_model(path).predict(x, verbose=0), expected, rtol=1e-6)
