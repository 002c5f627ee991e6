"""Reduction kernels (the ``dlx/ops/defs/reduction.py`` group)."""

from __future__ import annotations

import numpy as np


def sum(x, axis=None, keepdims=False):
    x = np.asarray(x)
    # floats accumulate in their own dtype (NumPy's pairwise sum meets the Kr class); integers
    # follow the spec (Keras's rule): bool and 8/16-bit ints give int32 (unsigned: uint32), wider
    # ints keep their dtype
    if x.dtype.kind == "f":
        return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))
    if x.dtype.kind == "b" or x.dtype.itemsize < 4:
        out_dt = np.uint32 if x.dtype.kind == "u" else np.int32
    else:
        out_dt = x.dtype
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=out_dt))


KERNELS = {"sum": sum}
