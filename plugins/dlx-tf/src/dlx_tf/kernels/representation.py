"""Kernels of :mod:`dlx.ops.defs.representation`: ``tf.math.nextafter`` (float32 / float64;
16-bit floats step on their bits), ``tf.bitcast``, ``tf.complex`` and ``tf.math.real`` /
``tf.math.imag``."""

from __future__ import annotations

from dlx import dtypes
from dlx.ops.defs import representation as _spec
from dlx_tf._core import NAME, TF, fl, pair, static_shape, tensor, tf


def nextafter(x1, x2):
    a, b = pair(x1, x2)
    if NAME[a.dtype] not in dtypes.FLOATS:
        a, b = fl(a), fl(b)
    if a.dtype in (tf.float32, tf.float64):
        return tf.math.nextafter(a, b)
    a, b = tf.broadcast_to(a, tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))), b
    b = tf.broadcast_to(b, tf.shape(a))
    return _nextafter_16(a, b)


def _nextafter_16(a, b):
    """One step on the bits of a 16-bit float (the representation is sign-magnitude)."""
    bits = tf.cast(tf.bitcast(a, tf.uint16), tf.int32)
    af, bf = tf.cast(a, tf.float32), tf.cast(b, tf.float32)
    up = bf > af
    step = tf.where(tf.equal(up, af >= 0), 1, -1)
    out = tf.bitcast(tf.cast((bits + step) % 65536, tf.uint16), a.dtype)
    tiny = tf.bitcast(tf.where(up, tf.constant(1, tf.uint16), tf.constant(0x8001, tf.uint16)), a.dtype)
    out = tf.where(tf.equal(af, 0.0), tiny, out)
    out = tf.where(tf.equal(af, bf), b, out)
    nan = tf.math.is_nan(af) | tf.math.is_nan(bf)
    return tf.where(nan, tf.cast(tf.fill(tf.shape(a), float("nan")), a.dtype), out)


def view(x, dtype=None):
    x = tensor(x)
    if dtype is None:
        return x
    name = dtypes.standardize(dtype)
    src, dst = x.dtype.size, TF[name].size
    shape = static_shape(x)
    if src != dst:
        if len(shape) == 0:
            raise ValueError(f"view: a 0-d tensor of {NAME[x.dtype]} cannot be viewed as dtype={dtype!r}")
        if shape[-1] is not None and (shape[-1] * src) % dst:
            raise ValueError(f"view: the last axis of a {NAME[x.dtype]} tensor of shape {shape} holds "
                             f"{shape[-1] * src} bytes, not a multiple of dtype={dtype!r}'s {dst}")
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)  # the same bytes (0 / 1)
    target = tf.uint8 if name == "bool" else TF[name]
    lead = tf.shape(x)[:-1] if len(shape) else tf.shape(x)
    if src > dst:  # bitcast adds a trailing axis of src // dst
        out = tf.bitcast(x, target)
        out = tf.reshape(out, tf.concat([lead, [-1]], 0))
    elif src < dst:  # bitcast wants the trailing axis to be exactly dst // src
        out = tf.bitcast(tf.reshape(x, tf.concat([lead, [-1, dst // src]], 0)), target)
    else:
        out = tf.bitcast(x, target)
    return tf.not_equal(out, 0) if name == "bool" else out


def polar(abs_, angle):
    a, t = tensor(abs_), tensor(angle)
    cdt = dtypes.complex_for(dtypes.result_type(NAME[a.dtype], NAME[t.dtype]))
    part = TF[dtypes.real_part_dtype(cdt)]
    a, t = tf.cast(a, part), tf.cast(t, part)
    a, t = tf.broadcast_to(a, tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(t))), t
    t = tf.broadcast_to(t, tf.shape(a))
    return tf.complex(a * tf.cos(t), a * tf.sin(t))


def view_as_complex(x):
    x = tensor(x)
    _spec._check_pairs(_Shaped(static_shape(x)))
    x = tf.cast(x, tf.float32)
    return tf.complex(x[..., 0], x[..., 1])


class _Shaped:
    """What the spec's shape check reads of a tensor."""

    def __init__(self, shape):
        self.shape, self.ndim = shape, len(shape)


def view_as_real(x):
    x = tensor(x)
    if x.dtype.is_complex:
        return tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1)
    x = fl(x)
    return tf.stack([x, tf.zeros_like(x)], axis=-1)


KERNELS = {"nextafter": nextafter, "view": view, "polar": polar, "view_as_complex": view_as_complex,
           "view_as_real": view_as_real}
