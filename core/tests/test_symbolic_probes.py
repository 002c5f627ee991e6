"""Shape inference on symbolic tensors: what the probes run, and that the answers stay right."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dlx.ops import REGISTRY, symbolic
from dlx.ops.symbolic import SymbolicTensor


def _recording(spec):
    seen = []

    def reference(*args, **kwargs):
        seen.append(tuple(a.shape for a in args if isinstance(a, np.ndarray)))
        return spec.reference(*args, **kwargs)

    return dataclasses.replace(spec, reference=reference), seen


def test_a_conv_takes_its_shape_from_the_rule_without_running_the_reference():
    spec, seen = _recording(REGISTRY["conv"])
    out = symbolic.infer(spec, (SymbolicTensor((None, 64, 64, 3)), np.zeros((7, 7, 3, 8), np.float32)),
                         {"strides": 2, "padding": "same"})
    assert out.shape == (None, 32, 32, 8) and out.dtype == "float32"
    assert seen == []  # dlx.ops.window_shapes: no reference convolution at all


def test_a_conv_the_rule_leaves_to_probing_probes_two_and_three_images():
    spec, seen = _recording(REGISTRY["conv"])
    # mixed input / kernel dtypes: the rule declines, probing gives the promoted dtype
    out = symbolic.infer(spec, (SymbolicTensor((None, 64, 64, 3), "float16"), np.zeros((7, 7, 3, 8), np.float32)),
                         {"strides": 2, "padding": "same"})
    assert out.shape == (None, 32, 32, 8) and out.dtype == "float32"
    assert [s[0][0] for s in seen] == [2, 3]  # not a batch of 12 and 36 images of 64x64


@pytest.mark.parametrize("shape, pool, strides, expected", [
    ((None, None, None, 3), 4, 4, (None, None, None, 3)),
    ((None, 20, 20, 3), 4, 4, (None, 5, 5, 3)),
    ((None, 9, 3), 2, 2, (None, 4, 3)),
])
def test_pooling_shapes_with_unknown_dims(shape, pool, strides, expected):
    spec, seen = _recording(REGISTRY["max_pool"])
    out = symbolic.infer(spec, (SymbolicTensor(shape),), {"pool_size": pool, "strides": strides})
    assert out.shape == expected
    assert seen == []  # from the window rule


def test_batch_preserving_ops_probe_two_and_three():
    spec, seen = _recording(REGISTRY["relu"])
    out = symbolic.infer(spec, (SymbolicTensor((None, 64, 64, 3)),), {})
    assert out.shape == (None, 64, 64, 3)
    assert [s[0][0] for s in seen] == [2, 3]


def test_ops_that_are_not_batch_preserving_keep_the_wide_probes():
    # x[::3] over the batch: probes of 2 and 3 would both give 1 and call the dim known
    spec, seen = _recording(REGISTRY["get_item"])
    out = symbolic.infer(spec, (SymbolicTensor((None, 4)), slice(None, None, 3)), {})
    assert out.shape == (None, 4)
    assert [s[0][0] for s in seen] == [12, 36]


def test_broadcasting_against_an_unknown_batch_keeps_it_unknown():
    out = symbolic.infer(REGISTRY["add"], (SymbolicTensor((None, 4)), np.ones((1, 4), np.float32)), {})
    assert out.shape == (None, 4)
    out = symbolic.infer(REGISTRY["multiply"], (SymbolicTensor((None, 1, 4), "int32"), SymbolicTensor((None, 5, 1))),
                         {})
    assert out.shape == (None, 5, 4) and out.dtype == "float32"


_BINARY = ("add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum")
_SHAPES = [(None, 4), (None, 1, 4), (1, 4), (4,), (3, 1), (None, None, 4), (None, 3, 1), (2, 3, 4), (), (1,), (0, 4)]


@pytest.mark.parametrize("name", _BINARY)
def test_same_float_binary_rule_agrees_with_probing(name, monkeypatch):
    answered = 0
    for sa, sb in ((a, b) for a in _SHAPES for b in _SHAPES):
        for dt in ("float32", "float16"):
            x1, x2 = SymbolicTensor(sa, dt), (SymbolicTensor(sb, dt) if None in sb else np.ones(sb, dt))
            with monkeypatch.context() as m:
                m.delitem(symbolic.RULES, name)
                try:
                    probed = symbolic.infer(REGISTRY[name], (x1, x2), {})
                except ValueError:
                    probed = None
            ruled = symbolic.RULES[name](x1, x2)
            if ruled is not None:  # the rule answers: as probing, and never where probing raises
                answered += 1
                assert probed is not None and (ruled.shape, ruled.dtype) == (probed.shape, probed.dtype), (sa, sb)
    assert answered > 150


def test_bias_add_of_a_conv_output_runs_no_reference():
    spec, seen = _recording(REGISTRY["add"])
    out = symbolic.infer(spec, (SymbolicTensor((None, 112, 112, 64)), np.zeros((64,), np.float32)), {})
    assert out.shape == (None, 112, 112, 64) and out.dtype == "float32" and seen == []
    # mixed dtypes: promotion is the reference's to decide
    out = symbolic.infer(spec, (SymbolicTensor((None, 8), "float16"), np.zeros((8,), np.float32)), {})
    assert out.dtype == "float32" and len(seen) == 2
