"""Stacking, splitting and rearranging (Keras's numpy group, and ``unstack`` of its core group):
``hstack``/``vstack``/``dstack``/``column_stack``, the ``split`` family, ``append``, ``copy``,
flips and ``rot90``, ``meshgrid``, ``diff``, ``select``, ``trapezoid``, and creation ops
(``empty``, ``identity``, ``geomspace``, ``logspace``). Each composes ops every backend has (its
``decomposition``), so every backend runs them on its own kernels."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd, promote
from dlx.ops.spec import Case, op

G = "numpy"
E0 = T.E0


def _x(r, dt, shape):
    return r.standard_normal(shape).astype(dt)


def _list_case(name, *shapes, grad=True, **kw):
    return Case(name, lambda r, dt: (([_x(r, dt, s) for s in shapes],), dict(kw)), grad=grad)


def _int_list_case(*shapes):
    return Case("mixed_int", lambda r, dt: (([_x(r, dt, shapes[0]), r.integers(-5, 5, shapes[1]).astype(np.int32)],), {}),
                grad=False)


# ------------------------------------------------------------------------------ stacking
def _atleast(x, n):
    """``x`` reshaped to at least ``n`` dims the way NumPy's atleast_1d/2d/3d do."""
    s = tensors.shape(x)
    if len(s) >= n:
        return x
    if n == 1:
        return K.reshape(x, (1,))
    if n == 2:
        return K.reshape(x, (1, *s) if len(s) == 1 else (1, 1))
    if len(s) == 0:
        return K.reshape(x, (1, 1, 1))
    return K.reshape(x, (1, s[0], 1) if len(s) == 1 else (*s, 1))


def _stack_axis(kind, xs):
    """``(n, axis)``: the rank each input is raised to and the axis they are joined along."""
    if kind == "h":
        return 1, 0 if all(len(tensors.shape(x)) <= 1 for x in xs) else 1
    if kind == "v":
        return 2, 0
    if kind == "d":
        return 3, 2
    return 2, 1  # column_stack


def _column(x):
    s = tensors.shape(x)
    return K.reshape(x, (s[0], 1)) if len(s) == 1 else (K.reshape(x, (1, 1)) if not s else x)


def _stack_decomposition(kind):
    def decomposition(xs):
        n, axis = _stack_axis(kind, xs)
        parts = [_column(x) if kind == "c" else _atleast(x, n) for x in xs]
        return K.concatenate(parts, axis)
    return decomposition


def _stack_grad(kind):
    def grad(g, out, xs):
        n, axis = _stack_axis(kind, xs)
        parts = [_column(x) if kind == "c" else _atleast(x, n) for x in xs]
        sizes = [tensors.shape(p)[axis] for p in parts]
        cuts = [int(c) for c in np.cumsum(sizes)[:-1]]
        pieces = K.split(g, cuts, axis) if cuts else [g]
        return ([K.reshape(p, tensors.shape(x)) for p, x in zip(pieces, xs)],)
    return grad


def _np_stack(fn):
    def ref(xs):
        return fn(promote(*xs))
    return ref


_STACK_SECTIONS = """

Arguments:
    xs: a list or tuple of tensors; once lower-rank inputs are raised in rank as described
        above, their shapes must agree except along the joined axis.

Returns:
    One tensor, the inputs one after the other, in their promoted dtype.
"""

# The Example section of each joining op below (run by the docstring tests).
_STACK_EXAMPLES = {
    'hstack': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.hstack([np.array([1, 2]), np.array([3])])\n'
        'array([1, 2, 3])\n'
        '>>> ops.hstack([np.zeros((2, 1)), np.ones((2, 2))])\n'
        'array([[0., 1., 1.],\n'
        '       [0., 1., 1.]])\n'
    ),
    'vstack': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.vstack([np.array([1, 2]), np.array([3, 4])])\n'
        'array([[1, 2],\n'
        '       [3, 4]])\n'
    ),
    'dstack': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.dstack([np.array([1, 2]), np.array([3, 4])])\n'
        'array([[[1, 3],\n'
        '        [2, 4]]])\n'
    ),
    'column_stack': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.column_stack([np.array([1, 2]), np.array([3, 4])])\n'
        'array([[1, 3],\n'
        '       [2, 4]])\n'
    ),
}


for _name, _kind, _fn, _doc, _cases in [
    ("hstack", "h", np.hstack, "Joins tensors horizontally: along axis 1 (axis 0 for 1-D inputs).",
     [_list_case("2d", (3, 2), (3, 4)), _list_case("1d", (4,), (2,)), _int_list_case((3, 2), (3, 1))]),
    ("vstack", "v", np.vstack, "Joins tensors vertically: along axis 0, 1-D inputs as rows.",
     [_list_case("2d", (2, 3), (4, 3)), _list_case("1d", (3,), (3,)), _int_list_case((2, 3), (1, 3))]),
    ("dstack", "d", np.dstack, "Joins tensors depth-wise: along axis 2 (1-D ``(n,)`` as ``(1, n, 1)``, 2-D "
     "``(m, n)`` as ``(m, n, 1)``).",
     [_list_case("2d", (2, 3), (2, 3)), _list_case("3d", (2, 3, 1), (2, 3, 2)), _list_case("1d", (4,), (4,))]),
    ("column_stack", "c", np.column_stack, "Joins 1-D tensors as the columns of a 2-D tensor (2-D inputs "
     "join along axis 1).",
     [_list_case("1d", (4,), (4,), (4,)), _list_case("mixed", (3, 2), (3,)), _int_list_case((3,), (3,))]),
]:
    _r = _np_stack(_fn)
    _r.__name__ = _name
    _r.__doc__ = _doc + _STACK_SECTIONS + "\nExample:\n\n" + _STACK_EXAMPLES[_name]
    op(G, E0, _cases, grad=_stack_grad(_kind), tensor_lists=("xs",), decomposition=_stack_decomposition(_kind),
       name=_name)(_r)


# ------------------------------------------------------------------------------ splitting
def _split_grad(g, out, x, indices_or_sections, axis=0):
    return (K.concatenate(list(g), axis),)


def _array_split_bounds(n, indices_or_sections):
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0:
            raise ValueError(f"array_split: indices_or_sections={indices_or_sections} must be a positive int or a "
                             "list of indices")
        q, r = divmod(n, indices_or_sections)
        sizes = [q + 1] * r + [q] * (indices_or_sections - r)
        return [int(c) for c in np.cumsum(sizes)[:-1]]
    return [int(i) for i in indices_or_sections]


def _array_split_decomposition(x, indices_or_sections, axis=0):
    n = tensors.shape(x)[axis]
    cuts = _array_split_bounds(n, indices_or_sections)
    a = axis % len(tensors.shape(x))
    out, start = [], 0
    for stop in [*cuts, n]:
        stop = min(max(stop, start), n)
        begin = [0] * len(tensors.shape(x))
        begin[a] = start
        size = list(tensors.shape(x))
        size[a] = stop - start
        out.append(K.slice(x, begin, size))
        start = stop
    return out


@op(G, E0, [Case("uneven", lambda r, dt: ((_x(r, dt, (7, 3)), 3), {})),
            Case("indices", lambda r, dt: ((_x(r, dt, (3, 8)), [2, 5]), {"axis": 1})),
            Case("more_than_len", lambda r, dt: ((_x(r, dt, (2, 3)), 4), {}), grad=False)],
    grad=_split_grad, tensors=("x",), decomposition=_array_split_decomposition)
def array_split(x, indices_or_sections, axis=0):
    """Splits into ``indices_or_sections`` sections (the first ``len % n`` one longer; some may be
    empty) or at the given indices, along ``axis``; returns a list.

    Arguments:
        x: the input tensor.
        indices_or_sections: a positive int ``n`` (``n`` sections of as near equal length as
            possible, need not divide the axis) or a list of indices along ``axis`` to cut before.
        axis: the axis to split.

    Returns:
        A list of tensors of ``x``'s dtype.

    Raises:
        ValueError: when ``indices_or_sections`` is an int below 1.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.array_split(np.arange(5), 2)
    [array([0, 1, 2]), array([3, 4])]
    """
    return list(np.array_split(np.asarray(x), indices_or_sections, axis=axis))


# The Example section of each op _dir_split defines (run by the docstring tests).
_SPLIT_EXAMPLES = {
    'hsplit': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.hsplit(np.arange(6).reshape(2, 3), [1])\n'
        '[array([[0],\n'
        '       [3]]), array([[1, 2],\n'
        '       [4, 5]])]\n'
    ),
    'vsplit': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.vsplit(np.arange(6).reshape(3, 2), 3)\n'
        '[array([[0, 1]]), array([[2, 3]]), array([[4, 5]])]\n'
    ),
    'dsplit': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> parts = ops.dsplit(np.zeros((2, 3, 4)), 2)\n'
        '>>> [p.shape for p in parts]\n'
        '[(2, 3, 2), (2, 3, 2)]\n'
    ),
}


def _dir_split(name, axis_of, min_rank, doc):
    def ref(x, indices_or_sections):
        x = np.asarray(x)
        if x.ndim < min_rank:
            raise ValueError(f"{name}: x needs at least {min_rank} dimensions, got shape {x.shape}")
        return list(np.split(x, indices_or_sections, axis=axis_of(x.ndim)))

    def decomposition(x, indices_or_sections):
        r = len(tensors.shape(x))
        if r < min_rank:
            raise ValueError(f"{name}: x needs at least {min_rank} dimensions, got shape {tensors.shape(x)}")
        return K.split(x, indices_or_sections, axis_of(r))

    def grad(g, out, x, indices_or_sections):
        return (K.concatenate(list(g), axis_of(len(tensors.shape(x)))),)

    ref.__name__ = name
    ref.__doc__ = doc + f"""

Arguments:
    x: a tensor of rank at least {min_rank}.
    indices_or_sections: an int ``n`` (``n`` equal sections; the axis length must be a multiple
        of ``n``) or a sorted list of indices along the axis to cut before.

Returns:
    A list of tensors of ``x``'s dtype.

Raises:
    ValueError: when ``x`` has fewer than {min_rank} dimension{"s" if min_rank > 1 else ""}.

Example:

""" + _SPLIT_EXAMPLES[name]
    shape3 = (4, 6, 8)
    cases = [Case("sections", lambda r, dt: ((_x(r, dt, shape3), 2), {})),
             Case("indices", lambda r, dt: ((_x(r, dt, shape3), [1, 3]), {}))]
    if name == "hsplit":
        cases.append(Case("1d", lambda r, dt: ((_x(r, dt, (6,)), 3), {})))
    op(G, E0, cases, grad=grad, tensors=("x",), decomposition=decomposition, name=name)(ref)


_dir_split("hsplit", lambda nd_: 1 if nd_ > 1 else 0, 1,
           "Splits along axis 1 (axis 0 for 1-D ``x``) into equal sections or at indices; returns a list.")
_dir_split("vsplit", lambda nd_: 0, 2, "Splits along axis 0 (``x`` at least 2-D) into equal sections or at indices.")
_dir_split("dsplit", lambda nd_: 2, 3, "Splits along axis 2 (``x`` at least 3-D) into equal sections or at indices.")


def _append_grad(g, out, x1, x2, axis=None):
    if axis is None:
        n1 = tensors.size(x1)
        a, b = K.split(g, [n1], 0)
        return K.reshape(a, tensors.shape(x1)), K.reshape(b, tensors.shape(x2))
    n1 = tensors.shape(x1)[axis]
    a, b = K.split(g, [n1], axis)
    return a, b


def _append_decomposition(x1, x2, axis=None):
    if axis is None:
        return K.concatenate([K.reshape(x1, (-1,)), K.reshape(x2, (-1,))], 0)
    return K.concatenate([x1, x2], axis)


@op(G, E0, [Case("flat", lambda r, dt: ((_x(r, dt, (2, 3)), _x(r, dt, (4,))), {})),
            Case("axis", lambda r, dt: ((_x(r, dt, (2, 3)), _x(r, dt, (2, 2))), {"axis": 1})),
            Case("promote", lambda r, dt: ((_x(r, dt, (3,)), np.arange(2, dtype=np.int32)), {}), grad=False)],
    grad=_append_grad, decomposition=_append_decomposition)
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened if None).

    Arguments:
        x1: the first tensor.
        x2: the tensor to append; with an ``axis``, of ``x1``'s rank and shape except along it.
        axis: the axis to join along (``None``: both are flattened first, giving a 1-D result).

    Returns:
        A new tensor in the promoted dtype of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.append(np.array([1, 2]), np.array([3, 4]))
    array([1, 2, 3, 4])
    """
    a, b = promote(x1, x2)
    return np.append(a, b, axis=axis)


@op(G, E0, [Case("basic", lambda r, dt: ((_x(r, dt, (3, 4)),), {})),
            Case("int", lambda r, dt: ((r.integers(-9, 9, (5,)).astype(np.int32),), {}), dtypes=("int32",), grad=False)],
    grad=lambda g, out, x: (g,), decomposition=lambda x: K.reshape(x, tensors.shape(x)))
def copy(x):
    """A copy of ``x``.

    Arguments:
        x: the input tensor (or array-like).

    Returns:
        A new tensor with ``x``'s values, shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.copy(np.array([1.0, 2.0]))
    array([1., 2.])
    """
    return np.array(np.asarray(x), copy=True)


@op(G, E0, [Case("basic", lambda r, dt: ((_x(r, dt, (3, 4)),), {})), Case("3d", lambda r, dt: ((_x(r, dt, (2, 3, 2)),), {}))],
    grad=lambda g, out, x: (K.flip(g, 1),), decomposition=lambda x: K.flip(x, 1))
def fliplr(x):
    """Reverses axis 1 (left-right).

    Arguments:
        x: a tensor of rank at least 2.

    Returns:
        ``x`` with the order of axis 1 reversed (same shape and dtype).

    Raises:
        ValueError: when ``x`` has fewer than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fliplr(np.array([[1, 2], [3, 4]]))
    array([[2, 1],
           [4, 3]])
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"fliplr: x needs at least 2 dimensions, got shape {x.shape}")
    return np.fliplr(x).copy()


@op(G, E0, [Case("basic", lambda r, dt: ((_x(r, dt, (3, 4)),), {})), Case("1d", lambda r, dt: ((_x(r, dt, (5,)),), {}))],
    grad=lambda g, out, x: (K.flip(g, 0),), decomposition=lambda x: K.flip(x, 0))
def flipud(x):
    """Reverses axis 0 (up-down).

    Arguments:
        x: a tensor of rank at least 1.

    Returns:
        ``x`` with the order of axis 0 reversed (same shape and dtype).

    Raises:
        ValueError: when ``x`` is a scalar.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.flipud(np.array([[1, 2], [3, 4]]))
    array([[3, 4],
           [1, 2]])
    """
    x = np.asarray(x)
    if x.ndim < 1:
        raise ValueError("flipud: x needs at least 1 dimension, got a scalar")
    return np.flipud(x).copy()


def _rot90_decomposition(array, k=1, axes=(0, 1)):
    r = len(tensors.shape(array))
    a0, a1 = axes[0] % r, axes[1] % r
    if a0 == a1:
        raise ValueError(f"rot90: axes={axes} must be two different axes")
    k %= 4
    if k == 0:
        return K.reshape(array, tensors.shape(array))
    if k == 2:
        return K.flip(K.flip(array, a0), a1)
    perm = list(range(r))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return K.transpose(K.flip(array, a1), perm)
    return K.flip(K.transpose(array, perm), a1)


@op(G, E0, [Case("k1", lambda r, dt: ((_x(r, dt, (3, 4)),), {})),
            Case("k2", lambda r, dt: ((_x(r, dt, (3, 4)),), {"k": 2})),
            Case("k_neg", lambda r, dt: ((_x(r, dt, (2, 3, 4)),), {"k": -1, "axes": (1, 2)})),
            Case("k3", lambda r, dt: ((_x(r, dt, (2, 3, 4)),), {"k": 3, "axes": (2, 0)}))],
    grad=lambda g, out, array, k=1, axes=(0, 1): (_rot90_decomposition(g, -k, axes),), tensors=("array",),
    decomposition=_rot90_decomposition)
def rot90(array, k=1, axes=(0, 1)):
    """Rotates by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second).

    Arguments:
        array: a tensor of rank at least 2.
        k: the number of quarter turns (any int; negative turns the other way).
        axes: the two different axes spanning the plane of rotation.

    Returns:
        The rotated tensor, of ``array``'s dtype (its two ``axes`` lengths swapped for odd ``k``).

    Raises:
        ValueError: when ``axes`` is not two different axes.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rot90(np.array([[1, 2], [3, 4]]))
    array([[2, 4],
           [1, 3]])
    """
    x = np.asarray(array)
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % max(x.ndim, 1) == axes[1] % max(x.ndim, 1):
        raise ValueError(f"rot90: axes={axes} must be two different axes")
    return np.rot90(x, k, axes).copy()


# ------------------------------------------------------------------------------ meshgrid, diff
def _meshgrid_shape(xs, indexing):
    sizes = [tensors.size(x) for x in xs]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    return sizes


def _meshgrid_axis(i, n, indexing):
    if indexing == "xy" and n >= 2 and i < 2:
        return 1 - i
    return i


def _check_indexing(indexing):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing={indexing!r} is invalid; expected 'xy' or 'ij'")


def _meshgrid_decomposition(*x, indexing="xy"):
    _check_indexing(indexing)
    shape = _meshgrid_shape(x, indexing)
    out = []
    for i, v in enumerate(x):
        a = _meshgrid_axis(i, len(x), indexing)
        view = [1] * len(x)
        view[a] = tensors.size(v)
        out.append(K.broadcast_to(K.reshape(v, view), shape))
    return out


def _meshgrid_grad(g, out, *x, indexing="xy"):
    grads = []
    for i, v in enumerate(x):
        a = _meshgrid_axis(i, len(x), indexing)
        others = tuple(j for j in range(len(x)) if j != a)
        grads.append(K.reshape(K.sum(g[i], axis=others) if others else g[i], tensors.shape(v)))
    return (grads,)


@op(G, E0, [Case("xy", lambda r, dt: ((_x(r, dt, (3,)), _x(r, dt, (4,))), {})),
            Case("ij3", lambda r, dt: ((_x(r, dt, (2,)), _x(r, dt, (3,)), _x(r, dt, (4,))), {"indexing": "ij"})),
            Case("one", lambda r, dt: ((_x(r, dt, (5,)),), {})),
            Case("int", lambda r, dt: ((np.arange(3, dtype=np.int32), np.arange(2, dtype=np.int32)), {}),
                 dtypes=("int32",), grad=False)],
    grad=_meshgrid_grad, tensors=(), tensor_lists=("x",), decomposition=_meshgrid_decomposition)
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors (``indexing='xy'``: Cartesian, the first two
    axes swapped; ``'ij'``: matrix indexing); returns a list, each in its input's dtype.

    Arguments:
        *x: the 1-D coordinate tensors, one per grid axis.
        indexing: ``"xy"`` (grids of shape ``(len(x[1]), len(x[0]), ...)``) or ``"ij"`` (grids
            of shape ``(len(x[0]), len(x[1]), ...)``).

    Returns:
        A list of ``len(x)`` tensors of the same shape; the ``i``-th holds ``x[i]``'s values
        repeated along the other axes.

    Raises:
        ValueError: for an ``indexing`` other than ``"xy"`` or ``"ij"``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> xs, ys = ops.meshgrid(np.array([1, 2, 3]), np.array([4, 5]))
    >>> xs
    array([[1, 2, 3],
           [1, 2, 3]])
    >>> ys
    array([[4, 4, 4],
           [5, 5, 5]])
    """
    _check_indexing(indexing)
    return [g.copy() for g in np.meshgrid(*[np.asarray(v) for v in x], indexing=indexing)]


def _diff_once(x, axis):
    s = tensors.shape(x)
    a = axis % len(s)
    n = s[a]
    begin = [0] * len(s)
    size = list(s)
    size[a] = n - 1
    hi_begin = list(begin)
    hi_begin[a] = 1
    hi, lo = K.slice(x, hi_begin, size), K.slice(x, begin, size)
    if tensors.dtype(x) == "bool":
        return K.not_equal(hi, lo)
    return K.subtract(hi, lo)


def _diff_decomposition(a, n=1, axis=-1):
    if n < 0:
        raise ValueError(f"diff: n={n} must be >= 0")
    for _ in range(n):
        a = _diff_once(a, axis)
    return a


def _diff_grad(g, out, a, n=1, axis=-1):
    r = len(tensors.shape(a))
    ax = axis % r
    for _ in range(n):
        lo = [(0, 0)] * r
        hi = [(0, 0)] * r
        lo[ax] = (1, 0)
        hi[ax] = (0, 1)
        g = K.subtract(K.pad(g, lo), K.pad(g, hi))
    return (g,)


@op(G, E0, [Case("n1", lambda r, dt: ((_x(r, dt, (4, 6)),), {})),
            Case("n2_axis0", lambda r, dt: ((_x(r, dt, (5, 3)),), {"n": 2, "axis": 0})),
            Case("n0", lambda r, dt: ((_x(r, dt, (3,)),), {"n": 0})),
            Case("int", lambda r, dt: ((r.integers(-9, 9, (6,)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
            Case("bool", lambda r, dt: ((r.random((6,)) < 0.5,), {}), dtypes=("bool",), grad=False)],
    grad=_diff_grad, tensors=("a",), decomposition=_diff_decomposition, exact_in_dtype=True)
def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis`` (``a[1:] - a[:-1]``, applied ``n`` times;
    for bools, ``a[1:] != a[:-1]``).

    Arguments:
        a: the input tensor.
        n: how many times to take the difference (0 returns ``a`` unchanged).
        axis: the axis to difference along.

    Returns:
        A tensor of ``a``'s dtype, ``n`` shorter along ``axis``.

    Raises:
        ValueError: when ``n`` is negative.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diff(np.array([1, 4, 9, 16]))
    array([3, 5, 7])
    """
    if n < 0:
        raise ValueError(f"diff: n={n} must be >= 0")
    return np.diff(np.asarray(a), n=n, axis=axis)


# ------------------------------------------------------------------------------ unstack
def _unstack_check(x, num, axis):
    s = tensors.shape(x) if not isinstance(x, np.ndarray) else x.shape
    if not s:
        raise ValueError("unstack: x must have at least one dimension")
    n = s[axis]
    if num is not None and n is not None and num != n:
        raise ValueError(f"unstack: num={num} does not match the length {n} of axis {axis}")
    return n


def _unstack_decomposition(x, num=None, axis=0):
    n = _unstack_check(x, num, axis)
    return [K.squeeze(p, axis) for p in K.split(x, n, axis)]


@op("core", E0, [Case("axis0", lambda r, dt: ((_x(r, dt, (3, 4)),), {})),
                 Case("axis_neg", lambda r, dt: ((_x(r, dt, (2, 3, 4)),), {"axis": -1, "num": 4})),
                 Case("int", lambda r, dt: ((r.integers(-9, 9, (2, 3)).astype(np.int32),), {"axis": 1}),
                      dtypes=("int32",), grad=False)],
    grad=lambda g, out, x, num=None, axis=0: (K.stack(list(g), axis),), tensors=("x",),
    decomposition=_unstack_decomposition)
def unstack(x, num=None, axis=0):
    """Splits ``x`` along ``axis`` into a list of its slices (that axis removed); ``num``, if
    given, must equal the axis length.

    Arguments:
        x: a tensor of rank at least 1.
        num: the expected length of ``axis`` (``None``: not checked).
        axis: the axis to unstack along.

    Returns:
        A list of ``x.shape[axis]`` tensors of ``x``'s dtype, each without ``axis``.

    Raises:
        ValueError: when ``x`` is a scalar, or ``num`` differs from the length of ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.unstack(np.array([[1, 2], [3, 4]]))
    [array([1, 2]), array([3, 4])]
    """
    x = np.asarray(x)
    _unstack_check(x, num, axis)
    return [s.copy() for s in np.moveaxis(x, axis, 0)]


# ------------------------------------------------------------------------------ select
def _select_check(condlist, choicelist):
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist has {len(condlist)} entries but choicelist has {len(choicelist)}")
    if not condlist:
        raise ValueError("select: condlist and choicelist must not be empty")


def _select_decomposition(condlist, choicelist, default=0):
    _select_check(condlist, choicelist)
    out = K.where(condlist[-1], choicelist[-1], default)
    for c, v in zip(reversed(condlist[:-1]), reversed(choicelist[:-1])):
        out = K.where(c, v, out)
    return out


def _select_grad(g, out, condlist, choicelist, default=0):
    taken = K.zeros_like(g) > 0
    grads = []
    for c in condlist:
        pick = K.logical_and(K.broadcast_to(c, tensors.shape(g)), K.logical_not(taken))
        grads.append(K.where(pick, g, K.zeros_like(g)))
        taken = K.logical_or(taken, pick)
    return None, grads


@op(G, E0, [Case("two", lambda r, dt: (([r.random((4, 5)) < 0.3, r.random((4, 5)) < 0.6], [_x(r, dt, (4, 5)), _x(r, dt, (4, 5))]),
                                       {"default": -1.0})),
            Case("broadcast", lambda r, dt: (([r.random((4, 1)) < 0.5], [_x(r, dt, (4, 5))]), {})),
            Case("int", lambda r, dt: (([r.random((5,)) < 0.5], [np.arange(5, dtype=np.int32)]), {"default": 7}),
                 dtypes=("int32",), grad=False)],
    grad=_select_grad, tensors=(), tensor_lists=("condlist", "choicelist"), decomposition=_select_decomposition)
def select(condlist, choicelist, default=0):
    """Per element, the entry of ``choicelist`` for the first true condition of ``condlist``
    (``default`` where none holds).

    Arguments:
        condlist: a non-empty list of boolean tensors.
        choicelist: a list of tensors, as many as ``condlist``; all broadcast together.
        default: the value where no condition holds (a scalar or a broadcastable tensor).

    Returns:
        A tensor of the broadcast shape, in the dtype of ``choicelist``'s entries promoted with
        ``default``.

    Raises:
        ValueError: when the two lists differ in length or are empty.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([-2, 0, 3])
    >>> ops.select([x < 0, x > 0], [-x, x * 10], default=7)
    array([ 2,  7, 30])
    """
    _select_check(condlist, choicelist)
    vals = promote(*choicelist, default)
    conds = [np.asarray(c, bool) for c in condlist]
    return np.asarray(np.select(conds, list(vals[:-1]), vals[-1])).astype(vals[0].dtype)


# ------------------------------------------------------------------------------ trapezoid
def _trap_len(args, kwargs):
    y = np.asarray(args[0])
    axis = kwargs.get("axis", -1)
    return max(y.shape[axis], 1) if y.ndim else 1


def _trap_scale(ctx):
    """S of the trapezoid sum: sum of |(y_i + y_i+1) / 2| * |dx_i| along the axis (float64)."""
    y = np.asarray(ctx.args[0], np.float64)
    x = ctx.args[1] if len(ctx.args) > 1 else ctx.kwargs.get("x")
    axis = ctx.kwargs.get("axis", -1)
    y = np.moveaxis(y, axis, -1)
    s = (np.abs(y[..., 1:]) + np.abs(y[..., :-1])) / 2
    if x is None:
        return np.sum(s * abs(float(ctx.kwargs.get("dx", 1.0))), -1)
    x = np.asarray(x, np.float64)
    d = np.abs(np.diff(x if x.ndim == 1 else np.moveaxis(x, axis, -1)))
    return np.sum(s * d, -1)


def _trap_parts(y, x, dx, axis):
    r = len(tensors.shape(y))
    a = axis % r
    n = tensors.shape(y)[a]
    begin = [0] * r
    size = list(tensors.shape(y))
    size[a] = n - 1
    hi_begin = list(begin)
    hi_begin[a] = 1
    avg = (K.slice(y, hi_begin, size) + K.slice(y, begin, size)) / 2
    if x is None:
        return avg, dx, a
    xs = tensors.shape(x)
    if len(xs) == 1:
        view = [1] * r
        view[a] = xs[0]
        x = K.reshape(x, view)
    d = _diff_once(x, a if len(tensors.shape(x)) == r else -1)
    return avg, d, a


def _trap_float(y):
    return y if dtypes.is_float(tensors.dtype(y)) else K.cast(y, dtypes.floatx())


def _trapezoid_decomposition(y, x=None, dx=1.0, axis=-1):
    y = _trap_float(y)
    avg, d, a = _trap_parts(y, x, dx, axis)
    return K.sum(avg * d, axis=a)


def _trapezoid_grad(g, out, y, x=None, dx=1.0, axis=-1):
    yf = _trap_float(y)
    r = len(tensors.shape(yf))
    a = axis % r
    ge = K.expand_dims(g, a)
    lo = [(0, 0)] * r
    hi = [(0, 0)] * r
    lo[a] = (1, 0)
    hi[a] = (0, 1)
    avg, d, _ = _trap_parts(yf, x, dx, axis)
    if x is None:
        w = (K.pad(K.ones_like(avg), lo) + K.pad(K.ones_like(avg), hi)) * (dx / 2)
        return ge * w, None
    dd = K.broadcast_to(d, tensors.shape(avg))
    w = (K.pad(dd, lo) + K.pad(dd, hi)) / 2
    gy = ge * w
    s = K.broadcast_to(ge, tensors.shape(avg)) * avg  # d out / d x_j = s_{j-1} - s_j
    gx = K.pad(s, lo) - K.pad(s, hi)
    xs = tensors.shape(x)
    if len(xs) == 1:
        gx = K.sum(gx, axis=tuple(i for i in range(r) if i != a))
    else:
        gx = K.reshape(gx, xs) if tensors.shape(gx) == tuple(xs) else gx
    return gy, gx


@op(G, T.Kr(scale=_trap_scale, length=_trap_len), [
    Case("dx", lambda r, dt: ((_x(r, dt, (4, 9)),), {"dx": 0.5})),
    Case("x1d", lambda r, dt: ((_x(r, dt, (3, 6)), np.sort(r.standard_normal(6)).astype(dt)), {})),
    Case("axis0", lambda r, dt: ((_x(r, dt, (7, 3)),), {"axis": 0})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (3, 5)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
], grad=_trapezoid_grad, tensors=("y", "x"), decomposition=_trapezoid_decomposition)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x`` (1-D
    along ``axis``, or ``y``'s shape) or a spacing ``dx``; integers give floatx.

    Arguments:
        y: the sampled values.
        x: the sample points (``None``: evenly spaced ``dx`` apart).
        dx: the spacing of the samples when ``x`` is ``None``.
        axis: the axis to integrate along.

    Returns:
        A tensor of ``y``'s shape without ``axis``, in ``y``'s float dtype (``floatx()`` for an
        integer or bool ``y``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.trapezoid(np.array([1.0, 2.0, 3.0]))
    array(4.)
    """
    y = np.asarray(y)
    if y.dtype.kind not in "f":
        y = y.astype(nd(dtypes.floatx()))
    if x is None:
        return np.asarray(np.trapezoid(y, dx=dx, axis=axis)).astype(y.dtype)
    return np.asarray(np.trapezoid(y, np.asarray(x, y.dtype), axis=axis)).astype(y.dtype)


# ------------------------------------------------------------------------------ creation
def _creation_cases(*extra, **kw):
    return [Case("basic", lambda r, dt: ((*extra,), {"dtype": dt, **kw}), grad=False),
            Case("int", lambda r, dt: ((*extra,), {"dtype": "int32", **kw}), dtypes=("float32",), grad=False)]


@op(G, E0, _creation_cases((2, 3)), tensors=(), decomposition=lambda shape, dtype=None: K.zeros(shape, dtype))
def empty(shape, dtype=None):
    """A tensor of ``shape`` (``dtype`` defaults to floatx). dlx fills it with zeros: no backend
    exposes uninitialized memory, so results never depend on it.

    Arguments:
        shape: an int or a tuple of ints.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        A tensor of zeros of ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.empty((2, 3)).shape
    (2, 3)
    """
    return np.zeros(shape, nd(dtype or dtypes.floatx()))


@op(G, E0, [Case("basic", lambda r, dt: ((_x(r, dt, (3, 2)),), {}), grad=False),
            Case("dtype", lambda r, dt: ((_x(r, dt, (3,)),), {"dtype": "int32"}), grad=False)],
    tensors=("x",), decomposition=lambda x, dtype=None: K.zeros_like(x, dtype))
def empty_like(x, dtype=None):
    """A tensor of ``x``'s shape (and by default dtype), filled with zeros (see ``empty``).

    Arguments:
        x: the tensor whose shape (and dtype) the result takes.
        dtype: the result's dtype (``None``: ``x``'s dtype).

    Returns:
        A tensor of zeros of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.empty_like(np.zeros((2, 3)), dtype="int32").dtype
    dtype('int32')
    """
    x = np.asarray(x)
    return np.zeros(x.shape, nd(dtype) if dtype is not None else x.dtype)


@op(G, E0, _creation_cases(4), tensors=(), decomposition=lambda n, dtype=None: K.eye(n, None, 0, dtype))
def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix (``dtype`` defaults to floatx).

    Arguments:
        n: the number of rows and columns.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        An ``(n, n)`` tensor, ones on the diagonal and zeros elsewhere.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.identity(2)
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    return np.identity(n, nd(dtype or dtypes.floatx()))


def _static_creation(ref):
    """Decomposition of a creation op whose arguments are all static: its float64 NumPy values,
    computed once on the host, as a tensor of the active backend."""
    return lambda *args, **kwargs: tensors.convert_to_tensor(ref(*args, **kwargs))


def _geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values from ``start`` to ``stop`` evenly spaced on a log scale (a geometric
    sequence; negative bounds give negative values).

    Arguments:
        start: the first value (a nonzero number or array).
        stop: the last value (included when ``endpoint`` is True), of ``start``'s sign.
        num: the number of values.
        endpoint: whether ``stop`` is the last value; if False the ``num`` values stop one ratio
            step short of it.
        dtype: the result's dtype (``None``: ``floatx()``).
        axis: the axis of the result the values run along when ``start`` / ``stop`` are arrays.

    Returns:
        The values, as a tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.geomspace(1.0, 1000.0, 4)
    array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    out = np.geomspace(np.asarray(start, np.float64), np.asarray(stop, np.float64), num, endpoint=endpoint, axis=axis)
    return out.astype(nd(dtype or dtypes.floatx()))


def _logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: ``num`` values evenly spaced on a log scale.

    Arguments:
        start: the exponent of the first value (a number or an array).
        stop: the exponent of the last value (included when ``endpoint`` is True).
        num: the number of values.
        endpoint: whether ``base ** stop`` is the last value.
        base: the base of the powers.
        dtype: the result's dtype (``None``: ``floatx()``).
        axis: the axis of the result the values run along when ``start`` / ``stop`` are arrays.

    Returns:
        The values, as a tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logspace(0.0, 3.0, 4)
    array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    out = np.logspace(np.asarray(start, np.float64), np.asarray(stop, np.float64), num, endpoint=endpoint,
                      base=np.asarray(base, np.float64), axis=axis)
    return out.astype(nd(dtype or dtypes.floatx()))


_geomspace.__name__, _logspace.__name__ = "geomspace", "logspace"
op(G, E0, [Case("basic", lambda r, dt: ((1.0, 1000.0, 4), {"dtype": dt}), grad=False),
           Case("negative", lambda r, dt: ((-2.0, -32.0, 5), {"dtype": dt}), grad=False),
           Case("no_endpoint", lambda r, dt: ((1.0, 16.0, 4), {"endpoint": False, "dtype": dt}), grad=False),
           Case("arrays_axis", lambda r, dt: (([1.0, 2.0], [10.0, 20.0], 3), {"axis": 1, "dtype": dt}), grad=False)],
   tensors=(), decomposition=_static_creation(_geomspace), name="geomspace")(_geomspace)
op(G, E0, [Case("basic", lambda r, dt: ((0.0, 3.0, 4), {"dtype": dt}), grad=False),
           Case("base2", lambda r, dt: ((-1.0, 4.0, 6), {"base": 2, "dtype": dt}), grad=False),
           Case("no_endpoint", lambda r, dt: ((0.0, 2.0, 4), {"endpoint": False, "dtype": dt}), grad=False)],
   tensors=(), decomposition=_static_creation(_logspace), name="logspace")(_logspace)
