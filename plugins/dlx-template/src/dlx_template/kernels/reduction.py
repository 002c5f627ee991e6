"""Reduction kernels (the ``dlx/ops/defs/reduction.py`` group)."""

from __future__ import annotations

import numpy as np


def sum(x, axis=None, keepdims=False):
    x = np.asarray(x)
    if x.dtype.kind == "b":
        x = x.astype(np.int32)
    # floats accumulate in their own dtype (NumPy's pairwise sum meets the Kr class); integers
    # follow the spec: int8/int16 widen as NumPy does, int32 and wider keep their dtype
    out = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype if x.dtype.kind == "f" else None)
    return out.astype(x.dtype) if x.dtype.kind in "iu" and x.dtype.itemsize >= 4 else np.asarray(out)


KERNELS = {"sum": sum}
