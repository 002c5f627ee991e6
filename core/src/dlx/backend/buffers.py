"""Aligned host buffers, for backends whose runtime adopts a NumPy array without a copy only
when it starts on a 64-byte boundary (TensorFlow's eager tensors, jax's CPU arrays).

NumPy aligns its allocations to 16 bytes: most batch-sized arrays are not 64-byte aligned, so
such a runtime copies them again. A backend that must copy a caller's array anyway (so that the
tensor never shares the caller's memory) copies it once, into :func:`aligned_empty`, and hands
that to the runtime.
"""

from __future__ import annotations

import numpy as np

#: the byte alignment of the arrays made here
ALIGN = 64

#: arrays at least this large are worth handing to a runtime without a copy; below it a copy costs
#: less than the hand-over (and the aligned allocation) does
ADOPT_MIN_BYTES = 1 << 18


def aligned_empty(shape, dtype) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape`` and ``dtype`` starting on an
    :data:`ALIGN`-byte boundary (a view into a slightly larger buffer, which it keeps alive).

    >>> a = aligned_empty((3, 5), np.float32)
    >>> a.shape, a.dtype, a.ctypes.data % ALIGN, a.flags.c_contiguous
    ((3, 5), dtype('float32'), 0, True)
    """
    dt = np.dtype(dtype)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    raw = np.empty(nbytes + ALIGN, np.uint8)
    start = -raw.ctypes.data % ALIGN
    return raw[start:start + nbytes].view(dt).reshape(shape)


def aligned_copy(a: np.ndarray) -> np.ndarray:
    """A C-contiguous, :data:`ALIGN`-byte-aligned copy of the array ``a`` (any strides). An
    object array (references, not bytes) gets NumPy's own copy.

    >>> b = aligned_copy(np.arange(6.0).reshape(2, 3).T)
    >>> b.tolist(), b.ctypes.data % ALIGN
    ([[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]], 0)
    """
    if a.dtype.hasobject:
        return a.copy()
    out = aligned_empty(a.shape, a.dtype)
    np.copyto(out, a, casting="no")
    return out


def take_rows(a: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``a[rows]`` for an integer index array ``rows`` (valid indices of ``a``'s first axis), as a
    new array: an :data:`ALIGN`-byte-aligned one when it holds numbers and at least
    :data:`ADOPT_MIN_BYTES` (a runtime can then adopt it without a copy), else NumPy's own gather.

    >>> a = np.arange(200000.0).reshape(-1, 4)
    >>> b = take_rows(a, np.arange(len(a))[::-1])
    >>> b[0].tolist(), b.shape, b.ctypes.data % ALIGN
    ([199996.0, 199997.0, 199998.0, 199999.0], (50000, 4), 0)
    """
    nbytes = a.itemsize * len(rows) * (a.size // len(a) if len(a) else 0)
    if nbytes < ADOPT_MIN_BYTES or a.dtype.kind not in "iufcb":
        return a[rows]
    out = aligned_empty((len(rows), *a.shape[1:]), a.dtype)
    # mode="clip": the indices are valid, and NumPy buffers ``out`` for mode="raise" (2x the time)
    np.take(a, rows, axis=0, out=out, mode="clip")
    return out


__all__ = ["ADOPT_MIN_BYTES", "ALIGN", "aligned_copy", "aligned_empty", "take_rows"]
