"""Tensor plumbing shared by the kernels: conversion without copies, dtype names, the dlx
promotion lattice on torch dtypes, and the unsigned-integer fallback.

Conventions (the NumPy references' rules, see ``dlx.dtypes``):

* ``type(x) is torch.Tensor`` is the fast path everywhere; NumPy arrays become tensors with
  ``torch.from_numpy`` (shared memory); Python ``bool``/``int``/``float`` are *weak* scalars
  (NumPy scalars are strong: ``np.float64(1.0)`` is a float64 tensor);
* when two tensors of different dtypes meet, both are cast to ``dlx.dtypes.result_type`` (torch's
  own rule differs for 0-d tensors and unsigned/signed mixes);
* torch has no arithmetic kernels for ``uint16/32/64``: a kernel that raises on such inputs is
  retried on int64 copies and its int64 results are cast back (:func:`unsigned_safe`). Casting
  int64 to ``torch.uint32`` wraps modulo 2**32, which is exactly NumPy's uint32 arithmetic.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from dlx import dtypes

Tensor = torch.Tensor

TORCH_DTYPES: dict[str, torch.dtype] = {
    "bool": torch.bool, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32, "int64": torch.int64,
    "uint8": torch.uint8, "uint16": torch.uint16, "uint32": torch.uint32, "uint64": torch.uint64,
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64,
    "complex64": torch.complex64, "complex128": torch.complex128,
}
NAMES: dict[torch.dtype, str] = {v: k for k, v in TORCH_DTYPES.items()}
UNSIGNED_WIDE = frozenset({torch.uint16, torch.uint32, torch.uint64})


class _Device:
    """The backend's default device (``cpu`` unless CUDA is available)."""

    type = "cpu"
    torch = torch.device("cpu")


DEVICE = _Device()


def set_device(device: str) -> None:
    DEVICE.torch = torch.device(device)
    DEVICE.type = DEVICE.torch.type


def is_dtensor(t: Any) -> bool:
    """Whether ``t`` is a ``torch.distributed.tensor.DTensor`` (a variable split by
    ``dlx.distribution.ModelParallel``); never imports ``torch.distributed``."""
    if type(t) is Tensor or type(t) is torch.nn.Parameter:
        return False
    mod = sys.modules.get("torch.distributed.tensor")
    return mod is not None and isinstance(t, mod.DTensor)


def tdtype(dtype: Any) -> torch.dtype:
    """The torch dtype for a dlx dtype name, NumPy dtype or torch dtype."""
    if isinstance(dtype, torch.dtype):
        return dtype
    td = TORCH_DTYPES.get(dtype) if isinstance(dtype, str) else None
    return td if td is not None else TORCH_DTYPES[dtypes.standardize(dtype)]


def floatx() -> torch.dtype:
    return TORCH_DTYPES[dtypes.floatx()]


def _from_numpy(a: np.ndarray) -> Tensor:
    if a.dtype.kind not in "biufc":
        if a.dtype.name == "bfloat16":  # ml_dtypes: reinterpret the bits
            return _from_numpy(a.view(np.int16)).view(torch.bfloat16)
        raise TypeError(f"dlx torch backend: cannot convert an array of dtype {a.dtype} to a tensor")
    if not a.flags.writeable:  # torch has no read-only tensors: copy instead of aliasing
        a = a.copy()
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    try:
        t = torch.from_numpy(a)
    except ValueError:  # negative strides
        t = torch.from_numpy(np.ascontiguousarray(a))
    if DEVICE.type != "cpu":
        t = t.to(DEVICE.torch)
    return t


def _scalar_tensor(x: Any) -> Tensor:
    if isinstance(x, bool):
        return torch.tensor(x, device=DEVICE.torch)
    if isinstance(x, int):
        dt = torch.int32 if -(2**31) <= x < 2**31 else torch.int64
        return torch.tensor(x, dtype=dt, device=DEVICE.torch)
    return torch.tensor(float(x), dtype=floatx(), device=DEVICE.torch)


def to_t(x: Any) -> Tensor:
    """``x`` as a tensor, without a copy where possible (Python scalars follow dlx's rules:
    floats become ``floatx()``, ints ``int32``)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return _from_numpy(x)
    if isinstance(x, np.generic):  # before the Python scalars: np.float64 subclasses float
        return _from_numpy(np.asarray(x))
    if isinstance(x, (bool, int, float)):  # Python scalars (and their subclasses)
        return _scalar_tensor(x)
    if hasattr(x, "storage") and hasattr(x, "assign") and hasattr(x, "value"):  # a dlx.Variable
        return to_t(x.value)
    a = np.asarray(x)
    if a.dtype == np.float64 and not hasattr(x, "dtype"):
        a = a.astype(dtypes.to_numpy_dtype(dtypes.floatx()))
    elif a.dtype == np.int64 and not hasattr(x, "dtype"):
        a = a.astype(np.int32)
    return _from_numpy(a)


def T(x: Any) -> Tensor:
    """Fast path of :func:`to_t`."""
    return x if type(x) is Tensor else to_t(x)


def F(x: Any) -> Tensor:
    """``x`` as a floating tensor (integers and bools become ``floatx()``)."""
    if type(x) is not Tensor:
        x = to_t(x)
    return x if x.is_floating_point() else x.to(floatx())


@functools.cache
def promote_dtypes(a: torch.dtype, b: torch.dtype) -> torch.dtype:
    return TORCH_DTYPES[dtypes.result_type(NAMES[a], NAMES[b])]


_WEAK = (bool, int, float)


def _is_weak(x: Any) -> bool:
    """Python scalars are weak; NumPy scalars (np.float64 subclasses float) are strong."""
    return type(x) in _WEAK


def _with_weak(t: Tensor, s: Any) -> tuple[Tensor, Any]:
    """A tensor and a weak scalar: the tensor's dtype wins unless the scalar is "higher"."""
    if isinstance(s, float):
        if not t.is_floating_point():
            t = t.to(floatx())
    elif isinstance(s, int) and not isinstance(s, bool) and t.dtype is torch.bool:
        t = t.to(torch.int32)
    return t, s


def pair(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Operands of a binary op: tensors of the promoted dtype, or a tensor and a weak scalar."""
    w1, w2 = _is_weak(x1), _is_weak(x2)
    if w1 and w2:
        a, b = _scalar_tensor(x1), _scalar_tensor(x2)
    elif w2:
        t, s = _with_weak(T(x1), x2)
        return t, s
    elif w1:
        t, s = _with_weak(T(x2), x1)
        return s, t
    else:
        a, b = T(x1), T(x2)
    if a.dtype is not b.dtype:
        dt = promote_dtypes(a.dtype, b.dtype)
        a, b = a.to(dt), b.to(dt)
    return a, b


def pair_tensors(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Like :func:`pair` but a weak scalar becomes a 0-d tensor of the other operand's dtype."""
    a, b = pair(x1, x2)
    if not isinstance(a, Tensor):
        a = torch.tensor(a, dtype=b.dtype, device=b.device)
    elif not isinstance(b, Tensor):
        b = torch.tensor(b, dtype=a.dtype, device=a.device)
    return a, b


def promote_all(xs: list | tuple) -> list[Tensor]:
    """Every element as a tensor of the common dlx dtype (weak scalars take it)."""
    strong = [T(x) for x in xs if not _is_weak(x)]
    if strong:
        dt = strong[0].dtype
        for t in strong[1:]:
            if t.dtype is not dt:
                dt = promote_dtypes(dt, t.dtype)
        name = dtypes.result_type(NAMES[dt], *[x for x in xs if _is_weak(x)])
    else:
        name = dtypes.result_type(*[x for x in xs])
    dt = TORCH_DTYPES[name]
    device = strong[0].device if strong else DEVICE.torch
    out = []
    for x in xs:
        if _is_weak(x):
            out.append(torch.tensor(x, dtype=dt, device=device))
        else:
            t = T(x)
            out.append(t if t.dtype is dt else t.to(dt))
    return out


def axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, int or sequence) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        return (axis % ndim if ndim else axis,)
    return tuple(int(a) % ndim if ndim else int(a) for a in axis)


# --------------------------------------------------------------------------- unsigned fallback
def _has_unsigned(obj: Any) -> bool:
    if isinstance(obj, Tensor):
        return obj.dtype in UNSIGNED_WIDE
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind == "u" and obj.dtype.itemsize > 1
    if isinstance(obj, (list, tuple)):
        return any(_has_unsigned(o) for o in obj)
    return False


def _int_dtypes(obj: Any, out: list) -> None:
    if isinstance(obj, (Tensor, np.ndarray)):
        t = T(obj)
        if not t.is_floating_point() and t.dtype is not torch.bool:
            out.append(t.dtype)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _int_dtypes(o, out)


def _widen(obj: Any) -> Any:
    if isinstance(obj, (Tensor, np.ndarray)):
        t = T(obj)
        return t.to(torch.int64) if t.dtype in UNSIGNED_WIDE else t
    if isinstance(obj, (list, tuple)) and _has_unsigned(obj):
        return type(obj)(_widen(o) for o in obj)
    return obj


def _narrow(obj: Any, dt: torch.dtype) -> Any:
    if isinstance(obj, Tensor):
        return obj.to(dt) if obj.dtype is torch.int64 else obj
    if isinstance(obj, (list, tuple)):
        return type(obj)(_narrow(o, dt) for o in obj)
    return obj


def unsigned_retry(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Runs ``fn`` on int64 copies of its wide-unsigned inputs; int64 results go back to the
    unsigned dtype when every integer input was unsigned (the dlx promotion result)."""
    ints: list = []
    for a in (*args, *kwargs.values()):
        _int_dtypes(a, ints)
    target = None
    if ints and all(d in UNSIGNED_WIDE for d in ints):
        target = ints[0]
        for d in ints[1:]:
            target = promote_dtypes(target, d)
    out = fn(*(_widen(a) for a in args), **{k: _widen(v) for k, v in kwargs.items()})
    return out if target is None else _narrow(out, target)


def unsigned_safe(fn: Callable) -> Callable:
    """Wraps a kernel: on a torch error with wide-unsigned inputs, retries it in int64."""

    @functools.wraps(fn)
    def kernel(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (RuntimeError, NotImplementedError, TypeError):
            if not (any(_has_unsigned(a) for a in args) or any(_has_unsigned(v) for v in kwargs.values())):
                raise
        return unsigned_retry(fn, args, kwargs)

    return kernel


# ------------------------------------------------------------------------------ donated buffers
class _Donated(threading.local):
    ids: frozenset = frozenset()


#: ids of the tensors handed to the running compiled function through ``donate_argnums``: its
#: caller gives them up, so a kernel may overwrite them in place (as XLA reuses donated buffers)
DONATED = _Donated()


@contextlib.contextmanager
def donating(tensors):
    """Marks ``tensors`` as donated while the block runs (nests: the outer set is restored)."""
    outer = DONATED.ids
    DONATED.ids = outer | {id(t) for t in tensors if type(t) is Tensor}
    try:
        yield
    finally:
        DONATED.ids = outer


def donated(*tensors) -> bool:
    """Whether every one of ``tensors`` is a donated buffer that no autograd graph records."""
    ids = DONATED.ids
    return bool(ids) and all(type(t) is Tensor and id(t) in ids and not t.requires_grad for t in tensors)
