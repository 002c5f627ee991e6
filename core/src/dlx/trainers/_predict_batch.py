"""``predict``'s default batch size: as many rows as fit in a byte budget, within bounds (a
1,024-row MNIST-sized input is one compiled call; Keras's fixed 32 makes it 32 calls)."""

from __future__ import annotations

import numpy as np

_PREDICT_BATCH_BYTES = 8 << 20
PREDICT_BATCH_ROWS = (32, 1024)


def default_predict_batch_size(leaves) -> int:
    """Rows per ``predict`` batch for arrays ``leaves`` (their leading axis is the batch)."""
    row_bytes = 0
    for a in leaves:
        n = 1
        for d in tuple(a.shape)[1:]:
            n *= int(d) if d is not None else 1
        row_bytes += n * _itemsize(a.dtype)
    lo, hi = PREDICT_BATCH_ROWS
    return int(max(lo, min(hi, _PREDICT_BATCH_BYTES // max(1, row_bytes))))


def _itemsize(dtype) -> int:
    from dlx import dtypes

    try:
        return int(np.dtype(dtype).itemsize)
    except TypeError:  # a framework dtype object
        try:
            return int(dtypes.to_numpy_dtype(dtypes.standardize(dtype)).itemsize)
        except (TypeError, ValueError):
            return 4
