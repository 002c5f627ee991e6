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
