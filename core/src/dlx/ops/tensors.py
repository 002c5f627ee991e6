"""Tensor utilities of ``dlx.ops`` that are not ops: shape and dtype queries, conversion to and
from the active backend's tensors. (A module of its own, below the op specs: the specs' gradient
rules use it without importing the ``dlx.ops`` package.)"""

from __future__ import annotations

from dlx import dtypes as _dtypes
from dlx.ops.dispatch import STATE as _STATE


def _backend():
    b = _STATE.backend
    if b is None:
        from dlx.backend import registry

        b = registry.activate_default()
    return b


def shape(x) -> tuple:
    """The shape of ``x`` as a tuple (``None`` for unknown dims of symbolic tensors).

    Arguments:
        x: a tensor, a symbolic tensor or anything with a ``shape``.

    Returns:
        A tuple of ints (``None`` for unknown dims).
    """
    s = x.shape
    return s if type(s) is tuple else tuple(None if d is None else int(d) for d in s)


def run_time_shape(x) -> tuple:
    """:func:`shape`, with a backend tensor's unknown dims (a TF graph being traced with a relaxed
    batch dim, a ``tf.data`` map) as run-time scalar tensors (``Backend.dynamic_shape``); for the
    code that handles such dims (the image preprocessing layers).

    Arguments:
        x: a tensor, a symbolic tensor or anything with a ``shape``.

    Returns:
        A tuple with an int for each known dim; an unknown dim is a scalar tensor for a backend
        tensor, ``None`` for a symbolic one.
    """
    s = shape(x)
    return _backend().dynamic_shape(x, s) if None in s and type(x.shape) is not tuple else s


def ndim(x) -> int:
    """The number of dimensions of ``x`` (anything with a ``shape``).

    Arguments:
        x: a tensor, a symbolic tensor or anything with a ``shape``.

    Returns:
        An int (0 for a scalar).

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ndim(np.zeros((2, 3)))
    2
    """
    return len(x.shape)


def size(x) -> int:
    """The number of elements of ``x``: the product of its static shape (``1`` for a scalar).

    Arguments:
        x: a tensor or anything with a ``shape``; every dim must be known.

    Returns:
        An int.

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.size(np.zeros((2, 3)))
    6
    """
    n = 1
    for d in shape(x):
        n *= d
    return n


def dtype(x) -> str:
    """dlx's name of ``x``'s dtype (Python scalars follow the weak-type rule).

    Arguments:
        x: a tensor, a symbolic tensor, a NumPy array, or a Python bool, int or float.

    Returns:
        The dtype's name, such as ``"float32"`` (a Python int gives ``"int32"``, a float
        ``floatx()``, a bool ``"bool"``).
    """
    if isinstance(x, (bool, int, float)):
        return _dtypes.result_type(x)
    return _dtypes.standardize(x.dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a tensor of the active backend. dlx's tensors are dense: ``sparse=True`` and
    ``ragged=True`` raise (``None`` and ``False`` give a dense tensor).

    Arguments:
        x: an array-like (a number, nested lists, a NumPy array, a tensor) or a ``Variable``
            (its current value is converted).
        dtype: the result's dtype (``None``: ``x``'s own dtype; Python ints give int32 and
            floats ``floatx()``).
        sparse: must be ``None`` or False.
        ragged: must be ``None`` or False.

    Returns:
        A tensor of the active backend (a tensor of the right dtype may be returned as it is).

    Raises:
        ValueError: for ``sparse=True`` or ``ragged=True``.
    """
    if sparse:
        raise ValueError("convert_to_tensor: sparse=True is not supported: dlx has no sparse tensors "
                         "(pass sparse=None or False for a dense tensor)")
    if ragged:
        raise ValueError("convert_to_tensor: ragged=True is not supported: dlx has no ragged tensors "
                         "(pass ragged=None or False for a dense tensor)")
    from dlx.variables import Variable

    if isinstance(x, Variable):  # its current value (a traced one inside a compiled step), as Keras
        x = x.value
    return _backend().convert_to_tensor(x, dtype)


def array(x, dtype=None):
    """A new tensor of the active backend holding ``x`` (an array-like: nested lists, NumPy
    arrays, tensors), in ``dtype`` if given; Python ints give int32 and floats floatx.

    Arguments:
        x: the values (an array-like).
        dtype: the result's dtype (``None``: ``x``'s own dtype, or the default for Python numbers).

    Returns:
        A tensor of the active backend that shares no memory with a NumPy array or tensor ``x``.
    """
    import numpy as np

    b = _backend()
    if b.is_tensor(x):
        x = b.to_numpy(x)
    if isinstance(x, np.ndarray):
        x = x.copy()
    return b.convert_to_tensor(x, dtype)


def convert_to_numpy(x):
    """``x`` as a NumPy array (no copy where the framework allows).

    Arguments:
        x: a tensor of the active backend (or an array-like).

    Returns:
        A NumPy array with ``x``'s values, shape and dtype.
    """
    return _backend().to_numpy(x)


def is_tensor(x) -> bool:
    """Whether ``x`` is a tensor of the active backend (a NumPy array on numpy, a ``jax.Array`` on jax...).

    Arguments:
        x: any object.

    Returns:
        A Python bool.
    """
    return _backend().is_tensor(x)
