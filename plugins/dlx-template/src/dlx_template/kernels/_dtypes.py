"""dlx's dtype rules applied to NumPy inputs (shared by the kernels; not a kernel module)."""

from __future__ import annotations

import numpy as np

from dlx import dtypes


def promote(x1, x2):
    """Both arguments as arrays of their promoted dtype: dlx's lattice, Python scalars weak."""
    dt = dtypes.to_numpy_dtype(dtypes.result_type(x1, x2))
    return np.asarray(x1, dt), np.asarray(x2, dt)


def as_float(x):
    """``x`` as a float array: ints and bools become ``floatx()``."""
    if isinstance(x, (np.ndarray, np.generic)):  # NumPy scalars keep their dtype (np.float64 is a float)
        x = np.asarray(x)
    else:
        x = dtypes.python_to_numpy(x) if isinstance(x, (bool, int, float)) else np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(dtypes.to_numpy_dtype(dtypes.floatx()))
