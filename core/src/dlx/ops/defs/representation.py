"""How numbers are represented: complex tensors and their ``(real, imag)`` pairs, the polar form,
bit reinterpretation (``view``) and the next representable float (``nextafter``).

Complex results (``polar``, ``view_as_complex``) and complex inputs (``view_as_real``) exist only
on backends whose capabilities declare ``complex``; their cases carry a complex dtype label
(``complex64`` / ``complex128``: the inputs are the float dtype of the parts), so the suite runs
them only there and reports the capability elsewhere (OpenVINO has no complex element types).
The gradient tiers differentiate real scalars of real arrays, so the complex-valued ops have no
gradient rule here (Keras's are differentiable only where its backend's autodiff takes complex
cotangents).
"""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd
from dlx.ops.spec import Case, op

_PARTS = {"complex64": "float32", "complex128": "float64"}


def _part_dtype(label):
    """The float dtype of a case's inputs: the parts of a complex label, else the label."""
    return _PARTS.get(label, label)


# ------------------------------------------------------------------------------------ nextafter
def _nextafter_cases():
    def pairs(r, dt):
        x1 = (r.standard_normal((6, 7)) * 10).astype(dt)
        x2 = np.where(r.random((6, 7)) < 0.5, np.inf, -np.inf).astype(dt)
        return (x1, x2), {}

    def special(r, dt):
        x1 = np.array([0.0, -0.0, 1.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 2.0, 1.0]).astype(dt)
        x2 = np.array([1.0, 0.0, 1.0, 2.0, -np.inf, 0.0, 0.0, 1.0, np.nan, 0.0]).astype(dt)
        return (x1, x2), {}

    def bcast(r, dt):
        return ((r.standard_normal((3, 1, 5)).astype(dt), r.standard_normal((4, 5)).astype(dt)), {})

    return [
        Case("toward_inf", pairs, dtypes=("float16", "float32", "float64"), grad=False),
        Case("broadcast", bcast, grad=False),
        Case("special", special, dtypes=("float32", "float64"), grad=False),
        Case("int", lambda r, dt: ((r.integers(-9, 9, (4, 5)).astype(np.int32), r.integers(-9, 9, (4, 5)).astype(np.int32)), {}),
             dtypes=("int32",), grad=False),
    ]


# the oracle runs in the case dtype: the next float32 after x is not float64's
@op("numpy", T.E0, _nextafter_cases(), exact_in_dtype=True)
def nextafter(x1, x2):
    """The next representable value after ``x1`` in the direction of ``x2``, elementwise (``x2``
    itself where they are equal; NaN where either is NaN). Ints and bools give ``floatx()``.

    Arguments:
        x1: the starting values.
        x2: the directions to step toward, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape in the promoted float dtype of ``x1`` and ``x2``
        (``floatx()`` when that dtype is an integer or bool one).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nextafter(np.array([1.0, 1.0], dtype='float32'), np.array([2.0, 0.0], dtype='float32'))
    array([1.0000001 , 0.99999994], dtype=float32)
    """
    dt = dtypes.result_type(x1, x2)
    if dt not in dtypes.FLOATS:
        dt = dtypes.floatx()
    a = np.asarray(x1).astype(nd(dt))
    b = np.asarray(x2).astype(nd(dt))
    if dt == "bfloat16":  # step on the float32 grid's bfloat16 subset: via the bits
        return _nextafter_bfloat16(a, b)
    return np.asarray(np.nextafter(a, b))


def _nextafter_bfloat16(a, b):
    bits = a.view(np.uint16).astype(np.int32)
    af, bf = a.astype(np.float32), b.astype(np.float32)
    up = bf > af
    mag_up = up == (af >= 0)  # moving away from zero grows the magnitude's bits
    step = np.where(mag_up, 1, -1)
    out = (bits + step).astype(np.uint16).view(a.dtype)
    tiny = np.where(up, np.uint16(0x0001), np.uint16(0x8001)).view(a.dtype)
    out = np.where(af == 0, tiny, out)
    out = np.where(af == bf, b, out)
    return np.where(np.isnan(af) | np.isnan(bf), np.array(np.nan, a.dtype), out)


# ----------------------------------------------------------------------------------------- view
def _view_target(x, dtype):
    return np.dtype(x.dtype) if dtype is None else nd(dtype)


def _view_check(x, dtype):
    src, dst = x.dtype.itemsize, _view_target(x, dtype).itemsize
    if src == dst:
        return
    if x.ndim == 0:
        raise ValueError(f"view: a 0-d tensor of {dtypes.standardize(x.dtype)} cannot be viewed as "
                         f"dtype={dtype!r} (the item sizes differ: {src} and {dst} bytes)")
    if (x.shape[-1] * src) % dst:
        raise ValueError(f"view: the last axis of a {dtypes.standardize(x.dtype)} tensor of shape {x.shape} "
                         f"holds {x.shape[-1] * src} bytes, not a multiple of dtype={dtype!r}'s {dst}")


def _view_cases():
    def floats_as(dst):
        return lambda r, dt: ((r.standard_normal((4, 6)).astype(dt),), {"dtype": dst})

    def ints_as(src, dst, shape=(3, 8)):
        def make(r, dt):
            info = np.iinfo(src)
            return (r.integers(info.min, info.max, shape, dtype=np.int64, endpoint=True).astype(src),), {"dtype": dst}
        return make

    def finite_bits_as_float(r, dt):  # int32 bit patterns of finite float32 values
        return (r.standard_normal((5, 4)).astype(np.float32).view(np.int32),), {"dtype": "float32"}

    return [
        Case("float_as_int", floats_as("int32"), dtypes=("float32",), grad=False),
        Case("float_as_bytes", floats_as("uint8"), dtypes=("float32",), grad=False),
        Case("float_as_halves", floats_as("float16"), dtypes=("float32",), grad=False),
        Case("halves_as_float", floats_as("float32"), dtypes=("float16",), grad=False),
        Case("double_as_ints", floats_as("int32"), dtypes=("float64",), grad=False),
        Case("bytes_as_int", ints_as(np.uint8, "int32"), dtypes=("uint8",), grad=False),
        Case("int8_as_uint8", ints_as(np.int8, "uint8", (7,)), dtypes=("int8",), grad=False),
        Case("int_as_float", finite_bits_as_float, dtypes=("int32",), grad=False),
        Case("bool_as_uint8", lambda r, dt: ((r.random((3, 5)) < 0.5,), {"dtype": "uint8"}), dtypes=("bool",), grad=False),
        Case("same_dtype", lambda r, dt: ((r.standard_normal((2, 3)).astype(dt),), {}), dtypes=("float32",), grad=False),
    ]


@op("numpy", T.E0, _view_cases(), exact_in_dtype=True)  # the oracle views the case dtype's bits
def view(x, dtype=None):
    """The bits of ``x`` reinterpreted as ``dtype`` (no conversion): the last axis is rescaled by
    the ratio of the item sizes (a float32 ``(4, 6)`` tensor viewed as uint8 is ``(4, 24)``);
    ``dtype=None`` returns ``x``'s values unchanged. The bytes are read in the machine's order
    (little-endian on every supported platform).

    Arguments:
        x: input tensor.
        dtype: the dtype to reinterpret the bits as, a name such as ``"uint8"`` (``None``:
            ``x``'s own dtype, a plain copy).

    Returns:
        A tensor of dtype ``dtype`` holding ``x``'s bytes: ``x``'s shape with the last axis
        scaled by ``x``'s item size over ``dtype``'s (unchanged when the sizes are equal).

    Raises:
        ValueError: when the item sizes differ and ``x`` is 0-d or its last axis does not hold a
            whole number of ``dtype`` items, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.view(np.array([1.0], dtype='float32'), 'int32')
    array([1065353216], dtype=int32)
    """
    x = np.asarray(x)
    if dtype is None:
        return x.copy()
    _view_check(x, dtype)
    return np.ascontiguousarray(x).view(_view_target(x, dtype))


# ------------------------------------------------------------------------------ complex tensors
def _complex_cases(make_parts, with_float16=False):
    labels = ("complex64", "complex128")
    cases = [Case("normal", lambda r, dt: make_parts(r, _part_dtype(dt), (5, 7)), dtypes=labels, grad=False),
             Case("scalar", lambda r, dt: make_parts(r, _part_dtype(dt), ()), dtypes=labels, grad=False),
             Case("empty", lambda r, dt: make_parts(r, _part_dtype(dt), (0, 3)), dtypes=labels, grad=False)]
    if with_float16:
        cases.append(Case("half_parts", lambda r, dt: make_parts(r, "float16", (4, 3)), dtypes=("complex64",), grad=False))
    return cases


def _polar_parts(r, dt, shape):
    return (np.abs(r.standard_normal(shape) * 3).astype(dt), r.uniform(-7, 7, shape).astype(dt)), {}


def _polar_scale(ctx):
    """|abs_| per element: each part is ``abs_ * cos`` / ``abs_ * sin`` with an error relative to
    ``abs_``, not to the part (the part is tiny where cos / sin cancels)."""
    a, b = (np.asarray(v, np.float64) for v in ctx.args[:2])
    return np.abs(np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)))


def _polar_special(r, dt):
    dt = _part_dtype(dt)
    return (np.array([0.0, 1.0, 2.0, np.nan, 1.0, 3.0]).astype(dt), np.array([0.0, np.pi, -0.5, 1.0, np.nan, 0.0]).astype(dt)), {}


@op("nn", T.Kr(_polar_scale, lambda a, k: 1),
    [*_complex_cases(_polar_parts, with_float16=True),
     Case("broadcast", lambda r, dt: ((np.abs(r.standard_normal((3, 1))).astype(_part_dtype(dt)),
                                       r.uniform(-3, 3, (4,)).astype(_part_dtype(dt))), {}),
          dtypes=("complex64", "complex128"), grad=False),
     Case("special", _polar_special, dtypes=("complex64", "complex128"), grad=False)])
def polar(abs_, angle):
    """The complex tensor ``abs_ * (cos(angle) + 1j * sin(angle))`` (broadcast). float64 parts
    give complex128; every other float, int or bool input gives complex64 (float16 / bfloat16
    parts are computed in float32). Needs a backend with complex dtypes.

    Arguments:
        abs_: the magnitudes.
        angle: the angles in radians, broadcast against ``abs_``.

    Returns:
        A complex tensor of the broadcast shape: complex128 when the promoted dtype of the
        inputs is float64, complex64 otherwise.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.polar(np.array([2.0, 1.0]), np.array([0.0, np.pi / 2])), 4)
    array([2.+0.j, 0.+1.j])
    """
    dt = dtypes.result_type(abs_, angle)
    cdt = dtypes.complex_for(dt)
    part = nd(dtypes.real_part_dtype(cdt))
    a = np.asarray(abs_).astype(part)
    t = np.asarray(angle).astype(part)
    with np.errstate(invalid="ignore"):
        re = a * np.cos(t)
        im = a * np.sin(t)
    out = np.empty(np.broadcast_shapes(a.shape, t.shape), nd(cdt))
    out.real, out.imag = re, im
    return out


def _pair_parts(r, dt, shape):
    return ((r.standard_normal((*shape, 2)) * 2).astype(dt),), {}


def _check_pairs(x):
    if x.ndim == 0 or x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: x has shape {x.shape}; its last axis must have size 2 "
                         "(the real and imaginary parts)")


@op("math", T.E0, [*_complex_cases(_pair_parts, with_float16=True),
                    Case("int_parts", lambda r, dt: ((r.integers(-9, 9, (3, 2)).astype(np.int32),), {}),
                         dtypes=("complex64",), grad=False)])
def view_as_complex(x):
    """The complex tensor whose real and imaginary parts are ``x[..., 0]`` and ``x[..., 1]``
    (the last axis must have size 2). As Keras's, the result is complex64 for every input dtype
    (float64 parts are rounded to float32). Needs a backend with complex dtypes.

    Arguments:
        x: a real tensor whose last axis has size 2 (the real and imaginary parts).

    Returns:
        A complex64 tensor of shape ``x.shape[:-1]``.

    Raises:
        ValueError: when ``x`` is 0-d or its last axis does not have size 2.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.view_as_complex(np.array([[1.0, 2.0], [3.0, -1.0]]))
    array([1.+2.j, 3.-1.j], dtype=complex64)
    """
    x = np.asarray(x)
    _check_pairs(x)
    parts = x.astype(np.float32)
    out = np.empty(x.shape[:-1], np.complex64)
    out.real, out.imag = parts[..., 0], parts[..., 1]
    return out


def _complex_input(r, dt, shape):
    cdt = dt if dt in _PARTS else "complex64"
    z = np.empty(shape, nd(cdt))
    z.real = r.standard_normal(shape) * 3
    z.imag = r.standard_normal(shape) * 3
    return (z,), {}


def _view_as_real_grad(g, out, x):
    if dtypes.is_complex(tensors.dtype(x)):
        return (None,)
    return (K.get_item(g, (Ellipsis, 0)),)


@op("math", T.E0, [*_complex_cases(_complex_input),
                    Case("real_input", lambda r, dt: ((r.standard_normal((4, 3)).astype(dt),), {})),
                    Case("int_input", lambda r, dt: ((r.integers(-9, 9, (3, 4)).astype(np.int32),), {}),
                         dtypes=("int32",), grad=False)],
    grad=_view_as_real_grad)
def view_as_real(x):
    """The ``(..., 2)`` float tensor of ``x``'s real and imaginary parts (complex64 -> float32,
    complex128 -> float64). A real float tensor gets zero imaginary parts in its own dtype; ints
    and bools give ``floatx()``.

    Arguments:
        x: a complex tensor (or a real one, read as having zero imaginary parts).

    Returns:
        A float tensor of shape ``(*x.shape, 2)``: ``[..., 0]`` holds the real parts and
        ``[..., 1]`` the imaginary ones.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.view_as_real(np.array([1 + 2j, 3 - 1j]))
    array([[ 1.,  2.],
           [ 3., -1.]])
    """
    x = np.asarray(x)
    if np.iscomplexobj(x):
        return np.stack([x.real, x.imag], axis=-1)
    if x.dtype.kind in "biu":
        x = x.astype(nd(dtypes.floatx()))
    return np.stack([x, np.zeros_like(x)], axis=-1)
