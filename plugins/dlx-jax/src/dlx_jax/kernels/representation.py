"""Kernels of :mod:`dlx.ops.defs.representation`: ``jnp.nextafter``, ``lax.bitcast_convert_type``
(through ``Array.view``), ``lax.complex`` and ``jnp.real`` / ``jnp.imag``."""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from dlx import dtypes
from dlx.ops.defs import representation as _spec
from dlx_jax._common import arr, float_promote, np_dtype


def nextafter(x1, x2):
    a, b = float_promote(x1, x2)
    return jnp.nextafter(arr(a), arr(b))


def view(x, dtype=None):
    x = arr(x)
    if dtype is None:
        return x
    target = np_dtype(dtype)
    src, dst = x.dtype.itemsize, target.itemsize
    if src != dst:
        if x.ndim == 0:
            raise ValueError(f"view: a 0-d tensor of {dtypes.standardize(x.dtype)} cannot be viewed as dtype={dtype!r}")
        if (x.shape[-1] * src) % dst:
            raise ValueError(f"view: the last axis of a {dtypes.standardize(x.dtype)} tensor of shape {x.shape} "
                             f"holds {x.shape[-1] * src} bytes, not a multiple of dtype={dtype!r}'s {dst}")
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.uint8)  # the same bytes (0 / 1)
    if target == jnp.bool_:
        return x.view(jnp.uint8) != 0
    return x.view(target)


def polar(abs_, angle):
    cdt = dtypes.complex_for(dtypes.result_type(abs_, angle))
    part = np_dtype(dtypes.real_part_dtype(cdt))
    a, t = arr(abs_).astype(part), arr(angle).astype(part)
    a, t = jnp.broadcast_arrays(a, t)
    return lax.complex(a * jnp.cos(t), a * jnp.sin(t))


def view_as_complex(x):
    x = arr(x)
    _spec._check_pairs(x)
    x = x.astype(jnp.float32)
    return lax.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    x = arr(x)
    if jnp.iscomplexobj(x):
        return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(np_dtype(dtypes.floatx()))
    return jnp.stack([x, jnp.zeros_like(x)], axis=-1)


KERNELS = {"nextafter": nextafter, "view": view, "polar": polar, "view_as_complex": view_as_complex,
           "view_as_real": view_as_real}
