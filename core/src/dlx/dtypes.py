"""dtype names and the one promotion lattice every backend follows.

dlx names dtypes by strings (``"float32"``, ``"int32"``, ``"bool"``...). Framework dtype objects
(``np.float32``, ``torch.float32``, ``tf.float32``, ``jnp.bfloat16``) are standardized to those
names by :func:`standardize`.

The promotion rule (:func:`result_type`) is the same on every backend:

* bool < any integer < any float;
* integers of the same signedness promote to the wider; a signed/unsigned mix promotes to the
  signed type wide enough for both (``uint32`` + ``int32`` -> ``int64``), ``uint64`` + signed ->
  ``int64``;
* an integer with a float gives the float (``int64`` + ``float32`` -> ``float32``);
* ``float16`` with ``bfloat16`` gives ``float32``;
* Python scalars are *weak*: they never widen a tensor's dtype. A Python ``float`` with an integer
  or bool tensor gives ``floatx()`` (``float32``); a Python ``int`` with a bool tensor gives
  ``int32``.
"""

from __future__ import annotations

import numpy as np

FLOATS = ("float16", "bfloat16", "float32", "float64")
SIGNED = ("int8", "int16", "int32", "int64")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
INTS = SIGNED + UNSIGNED
ALL = ("bool", *INTS, *FLOATS)
#: complex dtypes: only backends whose capabilities declare ``complex`` hold them; they are not in
#: :data:`ALL` (the real dtypes every backend has)
COMPLEX = ("complex64", "complex128")

_BITS = {
    "bool": 1, "int8": 8, "int16": 16, "int32": 32, "int64": 64, "uint8": 8, "uint16": 16,
    "uint32": 32, "uint64": 64, "float16": 16, "bfloat16": 16, "float32": 32, "float64": 64,
    "complex64": 64, "complex128": 128,
}
_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "int": "int64",
            "long": "int64", "bool_": "bool", "boolean": "bool", "uint": "uint64"}

_FLOATX = "float32"


def floatx() -> str:
    """The default float dtype (``"float32"``).

    Example:

    >>> from dlx import dtypes
    >>> dtypes.floatx()
    'float32'
    """
    return _FLOATX


def set_floatx(dtype: str) -> None:
    """Sets the default float dtype used for Python floats and new weights.

    Arguments:
        dtype: a float dtype (``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``) in
            any form :func:`standardize` accepts.

    Raises:
        ValueError: when ``dtype`` is not a float dtype.

    Example:

    >>> from dlx import dtypes
    >>> dtypes.set_floatx("float64")
    >>> dtypes.floatx()
    'float64'
    >>> dtypes.set_floatx("float32")
    >>> dtypes.set_floatx("int32")
    Traceback (most recent call last):
    ...
    ValueError: set_floatx: dtype='int32' is not a float dtype; ...
    """
    global _FLOATX
    d = standardize(dtype)
    if d not in FLOATS:
        raise ValueError(f"set_floatx: dtype={dtype!r} is not a float dtype; expected one of {FLOATS}")
    _FLOATX = d


_STANDARD: dict = {}  # dtype object -> name (also keeps torch.compile away from np.dtype errors)


def standardize(dtype) -> str:
    """Returns dlx's name for ``dtype`` (a string, NumPy/JAX/torch/TF dtype or array type).

    Python's ``bool`` gives ``"bool"``, ``int`` gives ``"int64"`` and ``float`` gives
    :func:`floatx`; the aliases ``"float"``, ``"double"``, ``"half"``, ``"int"``, ``"long"``
    and ``"uint"`` are understood.

    Arguments:
        dtype: the dtype to name.

    Returns:
        The dtype's name, e.g. ``"float32"``.

    Raises:
        ValueError: for a dtype dlx does not know (string dtypes included; the message says
            what to do instead).

    >>> standardize("float32"), standardize(np.int64), standardize(bool)
    ('float32', 'int64', 'bool')
    """
    try:
        hit = _STANDARD.get(dtype)
    except TypeError:  # unhashable
        hit = None
    if hit is not None:
        return hit
    if isinstance(dtype, str):
        name = dtype
    elif dtype is bool:
        return "bool"
    elif dtype is int:
        return "int64"
    elif dtype is float:
        return _FLOATX
    else:
        name = getattr(dtype, "name", None)  # numpy / tf dtypes, ml_dtypes
        if not isinstance(name, str):
            if type(dtype).__module__.split(".")[0] == "torch":
                name = str(dtype)
            else:
                try:
                    name = np.dtype(dtype).name
                except TypeError:
                    name = str(dtype)
    name = name.rsplit(".", 1)[-1]  # "torch.float32" -> "float32"
    name = _ALIASES.get(name, name)
    if name not in _BITS:
        if name in ("string", "str", "object", "bytes") or name.startswith(("str", "bytes")):
            raise ValueError(f"dtype={dtype!r} is not a dtype dlx knows: dlx tensors have no string dtype on any "
                             "backend, so a model cannot "
                             "take strings as inputs (Keras allows it on TensorFlow only). Run the string layers "
                             "(StringLookup, TextVectorization, Hashing, FeatureSpace) on the data instead -- "
                             "`dataset.map(lambda x, y: (lookup(x), y))` or `lookup(np.array([...]))` -- and give "
                             "the model their numeric outputs")
        raise ValueError(f"dtype={dtype!r} is not a dtype dlx knows; expected one of {ALL}")
    try:
        if len(_STANDARD) < 1024:
            _STANDARD[dtype] = name
    except TypeError:
        pass
    return name


def is_float(dtype) -> bool:
    """Whether ``dtype`` (any form :func:`standardize` accepts) is a floating-point dtype.

    Arguments:
        dtype: a dtype in any form :func:`standardize` accepts.

    Returns:
        ``True`` for ``float16``, ``bfloat16``, ``float32`` and ``float64`` (not complex dtypes).

    Raises:
        ValueError: when :func:`standardize` does not know ``dtype``.

    >>> from dlx import dtypes
    >>> dtypes.is_float("float16"), dtypes.is_float("int32")
    (True, False)
    """
    return standardize(dtype) in FLOATS


def is_int(dtype) -> bool:
    """Whether ``dtype`` (any form :func:`standardize` accepts) is an integer dtype, signed or unsigned.

    Arguments:
        dtype: a dtype in any form :func:`standardize` accepts.

    Returns:
        ``True`` for the ``int*`` and ``uint*`` dtypes (``bool`` is not an integer dtype).

    Raises:
        ValueError: when :func:`standardize` does not know ``dtype``.

    Example:

    >>> from dlx import dtypes
    >>> dtypes.is_int("uint8"), dtypes.is_int("float32"), dtypes.is_int("bool")
    (True, False, False)
    """
    return standardize(dtype) in INTS


def is_complex(dtype) -> bool:
    """Whether ``dtype`` (any form :func:`standardize` accepts) is ``complex64`` or ``complex128``.

    Arguments:
        dtype: a dtype in any form :func:`standardize` accepts.

    Returns:
        ``True`` for a complex dtype.

    Raises:
        ValueError: when :func:`standardize` does not know ``dtype``.

    Example:

    >>> from dlx import dtypes
    >>> dtypes.is_complex("complex64"), dtypes.is_complex("float64")
    (True, False)
    """
    return standardize(dtype) in COMPLEX


def complex_for(dtype) -> str:
    """The complex dtype whose parts have float dtype ``dtype`` (float64 -> complex128; every
    other float, int and bool -> complex64).

    Arguments:
        dtype: a dtype in any form :func:`standardize` accepts.

    Returns:
        ``"complex128"`` or ``"complex64"``.

    Raises:
        ValueError: when :func:`standardize` does not know ``dtype``.

    >>> complex_for("float64"), complex_for("float16")
    ('complex128', 'complex64')
    """
    return "complex128" if standardize(dtype) == "float64" else "complex64"


def real_part_dtype(dtype) -> str:
    """The float dtype of a complex dtype's parts (complex128 -> float64, complex64 -> float32).

    Arguments:
        dtype: a complex dtype in any form :func:`standardize` accepts.

    Returns:
        ``"float64"`` or ``"float32"``.

    Raises:
        KeyError: when ``dtype`` is not complex.

    Example:

    >>> from dlx import dtypes
    >>> dtypes.real_part_dtype("complex128")
    'float64'
    """
    return {"complex64": "float32", "complex128": "float64"}[standardize(dtype)]


def _promote2(a: str, b: str) -> str:
    if a == b:
        return a
    if a == "bool":
        return b
    if b == "bool":
        return a
    if a in COMPLEX or b in COMPLEX:  # complex wins; float64 (or complex128) parts make it complex128
        wide = "complex128" in (a, b) or "float64" in (a, b)
        return "complex128" if wide else "complex64"
    fa, fb = a in FLOATS, b in FLOATS
    if fa and fb:
        if {a, b} == {"float16", "bfloat16"}:
            return "float32"
        return a if _BITS[a] >= _BITS[b] else b
    if fa:
        return a
    if fb:
        return b
    ua, ub = a in UNSIGNED, b in UNSIGNED
    if ua == ub:
        return a if _BITS[a] >= _BITS[b] else b
    u, s = (a, b) if ua else (b, a)
    bits = max(_BITS[s], min(2 * _BITS[u], 64))
    return f"int{bits}"


def result_type(*items) -> str:
    """The promoted dtype of tensors / dtypes and weak Python scalars in ``items``.

    >>> result_type("int32", "float32"), result_type("float16", 2.0), result_type("int32", 1.5)
    ('float32', 'float16', 'float32')
    """
    strong = []
    weak = []
    for it in items:
        t = type(it)
        if t is bool:
            weak.append("bool")
        elif t is int:
            weak.append("int")
        elif t is float:  # NumPy scalars (np.float64 subclasses float) are strong
            weak.append("float")
        elif isinstance(it, (str, np.dtype, type)):
            strong.append(standardize(it))
        else:
            dt = getattr(it, "dtype", None)
            if dt is None:
                strong.append(standardize(np.asarray(it).dtype))
            else:
                strong.append(standardize(dt))
    if strong:
        out = strong[0]
        for d in strong[1:]:
            out = _promote2(out, d)
    else:
        out = None
    for w in weak:
        if out is None:
            out = {"bool": "bool", "int": "int32", "float": _FLOATX}[w]
        elif w == "float" and out not in FLOATS and out not in COMPLEX:
            out = _FLOATX
        elif w == "int" and out == "bool":
            out = "int32"
    return out


def python_to_numpy(x) -> np.ndarray:
    """A Python scalar or (nested) list as a NumPy array with dlx's defaults: floats become
    ``floatx()``, ints ``int32`` (NumPy would pick float64 / int64). Every backend converts
    Python values this way.

    Arguments:
        x: a Python scalar, a (nested) list or tuple, or anything ``numpy.asarray`` accepts
            (a float64 or int64 result is converted the same way).

    Returns:
        A NumPy array.

    >>> python_to_numpy(1.5).dtype, python_to_numpy([1, 2]).dtype
    (dtype('float32'), dtype('int32'))
    """
    arr = np.asarray(x)
    if arr.dtype == np.float64:
        return arr.astype(to_numpy_dtype(_FLOATX))
    if arr.dtype == np.int64:
        return arr.astype(np.int32)
    return arr


def to_numpy_dtype(dtype) -> np.dtype:
    """The NumPy dtype for a dlx dtype (bfloat16 needs ``ml_dtypes``).

    Arguments:
        dtype: a dtype in any form :func:`standardize` accepts.

    Returns:
        A ``numpy.dtype``.

    Raises:
        ValueError: when :func:`standardize` does not know ``dtype``.
        TypeError: for ``bfloat16`` when ``ml_dtypes`` is not installed.

    Example:

    >>> from dlx import dtypes
    >>> dtypes.to_numpy_dtype("float16")
    dtype('float16')
    >>> dtypes.to_numpy_dtype("bfloat16")  # ml_dtypes' bfloat16
    dtype(bfloat16)
    """
    name = standardize(dtype)
    if name == "bfloat16":
        try:
            import ml_dtypes
        except ImportError as e:  # pragma: no cover - depends on environment
            raise TypeError("dtype='bfloat16' on the NumPy backend needs the ml_dtypes package") from e
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)
