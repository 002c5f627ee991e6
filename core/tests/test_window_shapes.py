"""The convolution and pooling shape rules (``dlx.ops.window_shapes``) against probing, which runs
the ops' NumPy references: the same symbolic shapes and dtypes over a grid of arguments, unknown
dims included; arguments a rule does not settle still go to probing (and its errors)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dlx import ops
from dlx.ops import symbolic, window_shapes
from dlx.ops.spec import REGISTRY
from dlx.ops.symbolic import SymbolicTensor


def _probed(name, args, kwargs, monkeypatch):
    with monkeypatch.context() as m:
        m.delitem(symbolic.RULES, name)
        return symbolic.infer(REGISTRY[name], args, kwargs)


def _cases():
    for fmt, pad, stride, dil, size in itertools.product(
            ("channels_last", "channels_first"), ("valid", "same"), (1, 2, 3), (1, 2), (None, 9, 10)):
        if stride > 1 and dil > 1:
            continue
        sp = (size, 7)
        shape = (None, *sp, 4) if fmt == "channels_last" else (None, 4, *sp)
        x = SymbolicTensor(shape, "float32")
        kw = {"strides": stride, "padding": pad, "data_format": fmt}
        yield "conv", (x, np.zeros((3, 2, 4, 6), np.float32)), {**kw, "dilation_rate": dil}
        yield "conv", (x, np.zeros((3, 3, 2, 6), np.float32)), {**kw, "dilation_rate": dil}  # 2 groups
        yield "conv_bias", (x, np.zeros((3, 2, 4, 6), np.float32), np.zeros(6, np.float32)), \
            {**kw, "dilation_rate": dil}
        yield "depthwise_conv", (x, np.zeros((3, 2, 4, 2), np.float32)), {**kw, "dilation_rate": dil}
        yield "separable_conv", (x, np.zeros((2, 3, 4, 2), np.float32), np.zeros((1, 1, 8, 5), np.float32)), \
            {**kw, "dilation_rate": dil}
        if dil == 1:
            yield "conv_transpose", (x, np.zeros((3, 2, 5, 4), np.float32)), kw
            yield "conv_transpose", (x, np.zeros((3, 3, 5, 4), np.float32)), {**kw, "output_padding": stride - 1}
            yield "max_pool", (x,), {"pool_size": (2, 3), **kw}
            yield "average_pool", (x,), {"pool_size": 3, "strides": None if stride == 1 else stride,
                                         "padding": pad, "data_format": fmt}
    x1 = SymbolicTensor((None, 11, 3), "float32")
    yield "conv", (x1, np.zeros((4, 3, 2), np.float32)), {"strides": 2, "padding": "valid"}
    x3 = SymbolicTensor((2, 5, None, 6, 3), "float32")
    yield "conv", (x3, np.zeros((2, 2, 3, 3, 4), np.float32)), {"padding": "same"}
    yield "max_pool", (x3,), {"pool_size": 2}


@pytest.mark.parametrize("name,args,kwargs", list(_cases()))
def test_rule_equals_probing(name, args, kwargs, monkeypatch):
    got = symbolic.RULES[name](*args, **kwargs)
    assert got is not None, "the rule should settle this case"
    want = _probed(name, args, kwargs, monkeypatch)
    assert (tuple(got.shape), got.dtype) == (tuple(want.shape), want.dtype)


def test_a_conv_bias_with_a_bias_of_other_channels_or_dtype_goes_to_probing():
    x = SymbolicTensor((None, 8, 8, 3), "float32")
    k = np.zeros((3, 3, 3, 4), np.float32)
    assert window_shapes.RULES["conv_bias"](x, k, np.zeros(5, np.float32)) is None
    with pytest.raises(ValueError, match=r"conv_bias: bias of shape \(5,\); expected shape \(4,\)"):
        ops.conv_bias(x, k, np.zeros(5, np.float32))
    assert window_shapes.RULES["conv_bias"](x, k, np.zeros(4, np.float64)) is None
    assert symbolic.infer(REGISTRY["conv_bias"], (x, k, np.zeros(4, np.float64)), {}).dtype == "float64"


@pytest.mark.parametrize("args,kwargs,raises", [
    ((SymbolicTensor((None, 8, 8, 3), "float32"), np.zeros((3, 3, 2, 4), np.float32)), {}, True),  # 3 % 2
    ((SymbolicTensor((None, 2, 2, 3), "float32"), np.zeros((3, 3, 3, 4), np.float32)), {}, True),  # empty
    ((SymbolicTensor((None, 8, 8, 3), "float16"), np.zeros((3, 3, 3, 4), np.float32)), {}, False),  # mixed
    ((SymbolicTensor((None, 8, 8, 3), "float32"), np.zeros((3, 3, 3, 4), np.float32)), {"padding": "causal"}, True),
])
def test_unsettled_cases_go_to_probing(args, kwargs, raises):
    assert window_shapes.RULES["conv"](*args, **kwargs) is None
    if raises:
        with pytest.raises(ValueError):
            symbolic.infer(REGISTRY["conv"], args, kwargs)
    else:
        assert symbolic.infer(REGISTRY["conv"], args, kwargs).dtype == "float32"
