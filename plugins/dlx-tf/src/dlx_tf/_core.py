"""Shared plumbing of the TensorFlow kernels: dtype tables, conversion and dlx's promotion rule.

Every kernel module imports TensorFlow through this one, so ``TF_CPP_MIN_LOG_LEVEL`` is set
(unless the user set it) before TensorFlow is first imported.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops as _tf_ops

from dlx import dtypes
from dlx.backend.buffers import ADOPT_MIN_BYTES, ALIGN, aligned_copy

Tensor = tf.Tensor
# the class, not type(tf.constant(...)): an op at import would start TF's runtime, and
# dlx.distribution.initialize must set up TF's collectives before that
EagerTensor = _tf_ops.EagerTensor

_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "bfloat16", "float32", "float64", "complex64", "complex128")
TF: dict[str, tf.DType] = {n: tf.as_dtype(n) for n in _NAMES}
NAME: dict[tf.DType, str] = {v: k for k, v in TF.items()}
FLOAT_TF = frozenset(TF[n] for n in dtypes.FLOATS)
INT_TF = frozenset(TF[n] for n in dtypes.INTS)

# Constant index vectors for "all axes" reductions, one per rank (created lazily, eagerly).
_ALL_AXES: dict[int, tf.Tensor] = {}


def name_of(x) -> str:
    """dlx's dtype name of a tensor, array or (weak) Python scalar."""
    dt = getattr(x, "dtype", None)
    if dt is None:
        return dtypes.result_type(x)
    n = NAME.get(dt) if isinstance(dt, tf.DType) else None
    return n if n is not None else dtypes.standardize(dt)


_np_default = dtypes.python_to_numpy


def adopt_host(arr: np.ndarray) -> tf.Tensor:
    """A tensor of ``arr``, a NumPy array that dlx allocated itself and hands over (nothing writes
    it afterwards): TensorFlow takes its buffer without a copy (DLPack) when it is large,
    C-contiguous and aligned to 64 bytes (TF's kernels check the alignment and abort the process
    on a misaligned buffer); otherwise it is copied. The spec generator's draws are aligned
    (``dlx.backend.buffers.ALIGN``): adopting ResNet-50's 25.6M initial weights instead of
    copying them saves about 0.06 s of its build."""
    if arr.nbytes >= ADOPT_MIN_BYTES and arr.flags.c_contiguous and arr.ctypes.data % ALIGN == 0:
        return tf.experimental.dlpack.from_dlpack(arr.__dlpack__())
    return tf.constant(arr)


def host_tensor(arr: np.ndarray) -> tf.Tensor:
    """A tensor holding a copy of ``arr``, a caller's NumPy array (it never shares the caller's
    memory). ``tf.constant`` copies an array and then, unless that copy happens to be 64-byte
    aligned (NumPy aligns to 16), copies it again; a large array is copied once here, into an
    aligned buffer TensorFlow adopts (:func:`adopt_host`)."""
    if arr.nbytes >= ADOPT_MIN_BYTES and arr.dtype.kind in "iuf":  # numbers DLPack carries
        return adopt_host(aligned_copy(arr))
    return tf.constant(arr)


def tensor(x, dtype: str | None = None) -> tf.Tensor:
    """``x`` as a ``tf.Tensor`` (of dlx dtype ``dtype`` if given); tensors of that dtype pass
    through untouched."""
    if isinstance(x, Tensor):
        if dtype is None or NAME[x.dtype] == dtype:
            return x
        return tf.cast(x, TF[dtype])
    if isinstance(x, tf.Variable):
        x = x.value()
        return x if dtype is None or NAME[x.dtype] == dtype else tf.cast(x, TF[dtype])
    if isinstance(x, tf.IndexedSlices):  # TF's gradient of a gather / embedding lookup, made dense
        return tensor(tf.convert_to_tensor(x), dtype)
    if dtype is None:
        if isinstance(x, np.ndarray | np.generic):
            return tf.convert_to_tensor(x)
        return tf.convert_to_tensor(_np_default(x))
    if isinstance(x, bool | int | float):
        if dtype == "bool" or (isinstance(x, float) and dtype not in dtypes.FLOATS):
            return tf.convert_to_tensor(np.asarray(x).astype(dtypes.to_numpy_dtype(dtype)))
        return tf.constant(x, TF[dtype])
    arr = np.asarray(x)
    want = dtypes.to_numpy_dtype(dtype)
    if arr.dtype != want:
        with np.errstate(all="ignore"):
            arr = arr.astype(want)
    return tf.convert_to_tensor(arr)


def is_weak(x) -> bool:
    return isinstance(x, bool | int | float)


def promote(*xs) -> list[tf.Tensor]:
    """Tensors of the promoted dtype of ``xs`` (dlx's lattice; Python scalars are weak)."""
    dt = dtypes.result_type(*[x if is_weak(x) else name_of(x) for x in xs])
    return [tensor(x, dt) for x in xs]


def pair(a, b) -> tuple[tf.Tensor, tf.Tensor]:
    """Binary-op operands in their promoted dtype; two tensors of one dtype pass straight through."""
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype == b.dtype:
        return a, b
    dt = dtypes.result_type(a if is_weak(a) else name_of(a), b if is_weak(b) else name_of(b))
    return tensor(a, dt), tensor(b, dt)


def float_pair(a, b) -> tuple[tf.Tensor, tf.Tensor]:
    """Like :func:`pair`, but integer / bool results become ``floatx()``."""
    a, b = pair(a, b)
    if a.dtype not in FLOAT_TF:
        f = TF[dtypes.floatx()]
        return tf.cast(a, f), tf.cast(b, f)
    return a, b


def fl(x) -> tf.Tensor:
    """``x`` as a float tensor: integers and bools become ``floatx()``."""
    if not isinstance(x, Tensor):
        x = tensor(x)
    if x.dtype not in FLOAT_TF:
        return tf.cast(x, TF[dtypes.floatx()])
    return x


def axes(axis, ndim: int) -> list[int] | None:
    """Normalized reduction axes (``None`` stays ``None``)."""
    if axis is None:
        return None
    if isinstance(axis, int | np.integer):
        return [int(axis) % ndim if ndim else int(axis)]
    return [int(a) % ndim if ndim else int(a) for a in axis]


def all_axes(ndim: int) -> tf.Tensor:
    """An int32 vector ``[0, ..., ndim - 1]`` (cached)."""
    t = _ALL_AXES.get(ndim)
    if t is None:
        with tf.init_scope():
            t = _ALL_AXES[ndim] = tf.constant(list(range(ndim)), tf.int32)
    return t


def red_axes(axis, ndim: int):
    """The ``axis`` argument of a TF reduction for dlx's ``axis`` (``None``: every axis)."""
    if axis is None:
        return all_axes(ndim)
    if isinstance(axis, int):
        return axis
    return list(axis)


def static_shape(x) -> tuple:
    """The static shape of ``x`` as a tuple (``None`` for unknown dims)."""
    return tuple(x.shape.as_list()) if isinstance(x, Tensor) else tuple(np.shape(x))


def to_bool(x):
    """``x`` as a bool tensor (nonzero is True)."""
    x = tensor(x)
    return x if x.dtype == tf.bool else tf.not_equal(x, tf.zeros((), x.dtype))
