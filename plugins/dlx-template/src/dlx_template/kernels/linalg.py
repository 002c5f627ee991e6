"""Linear-algebra kernels (the ``dlx/ops/defs/linalg.py`` group)."""

from __future__ import annotations

import numpy as np

from dlx_template.kernels._dtypes import promote


def matmul(x1, x2):
    a, b = promote(x1, x2)
    return np.matmul(a, b).astype(a.dtype, copy=False)  # NumPy widens bfloat16 products


KERNELS = {"matmul": matmul}
