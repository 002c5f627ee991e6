"""Contractions: matmul, einsum, tensordot, and friends."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import float_promote, nd, promote
from dlx.ops.spec import Case, op

G = "numpy"


def _mm_len(args, kwargs):
    return np.shape(args[0])[-1] if np.ndim(args[0]) else 1


def _mm_cases():
    def mk(s1, s2, fn=None):
        def make(r, dt):
            a, b = r.standard_normal(s1), r.standard_normal(s2)
            if fn:
                a, b = fn(a), fn(b)
            return (a.astype(dt), b.astype(dt)), {}
        return make
    return [
        Case("2d", mk((17, 33), (33, 9))),
        Case("batched", mk((3, 8, 16), (3, 16, 5))),
        Case("broadcast", mk((2, 1, 4, 6), (3, 6, 5))),
        Case("vec_mat", mk((6,), (6, 4))),
        Case("mat_vec", mk((4, 6), (6,))),
        Case("k2048", mk((32, 2048), (2048, 24)), grad=False),
        Case("k1024_positive", mk((16, 1024), (1024, 16), np.abs), grad=False),
        Case("int", lambda r, dt: ((r.integers(-5, 5, (4, 6)).astype(np.int32), r.integers(-5, 5, (6, 3)).astype(np.int32)), {}),
             dtypes=("int32",), grad=False),
    ]


def _matmul_grad(g, out, x1, x2):
    a_vec, b_vec = tensors.ndim(x1) == 1, tensors.ndim(x2) == 1
    a = K.expand_dims(x1, 0) if a_vec else x1
    b = K.expand_dims(x2, -1) if b_vec else x2
    gg = g
    if a_vec:
        gg = K.expand_dims(gg, -2)
    if b_vec:
        gg = K.expand_dims(gg, -1)
    ga = K.matmul(gg, K.swapaxes(b, -1, -2))
    gb = K.matmul(K.swapaxes(a, -1, -2), gg)
    if a_vec:
        ga = K.reshape(K.sum(ga, axis=tuple(range(tensors.ndim(ga) - 2))) if tensors.ndim(ga) > 2 else ga, tensors.shape(x1))
    if b_vec:
        gb = K.reshape(K.sum(gb, axis=tuple(range(tensors.ndim(gb) - 2))) if tensors.ndim(gb) > 2 else gb, tensors.shape(x2))
    return ga, gb


@op(G, T.Kc(_mm_len), _mm_cases(), grad=_matmul_grad)
def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting and 1-D promotion rules.

    Arguments:
        x1: the left operand; a 1-D ``x1`` is treated as a row vector (the added axis is dropped).
        x2: the right operand; a 1-D ``x2`` is treated as a column vector. Leading (batch) axes
            broadcast.

    Returns:
        The product in the two inputs' promoted dtype: ``(..., n, p)`` for ``(..., n, k)`` and
        ``(..., k, p)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.matmul(np.array([[1, 2], [3, 4]]), np.array([[1], [1]]))
    array([[3],
           [7]])
    """
    a, b = promote(x1, x2)
    return np.matmul(a, b).astype(a.dtype, copy=False)  # NumPy widens bfloat16 products


def _einsum_len(args, kwargs):
    subs = args[0].replace(" ", "")
    ins, _, out = subs.partition("->")
    sizes = {}
    for term, arr in zip(ins.split(","), args[1:]):
        for ch, n in zip(term, np.shape(arr)):
            sizes[ch] = n
    k = 1
    for ch, n in sizes.items():
        if ch not in out:
            k *= n
    return k


def _einsum_grad(g, out, subscripts, *operands, **kwargs):
    subs = subscripts.replace(" ", "")
    ins, _, outs = subs.partition("->")
    terms = ins.split(",")
    grads = []
    for i, term in enumerate(terms):
        others = [t for j, t in enumerate(terms) if j != i]
        ops_ = [o for j, o in enumerate(operands) if j != i]
        missing = [c for c in term if c not in outs and not any(c in t for t in others)]
        if missing:  # an index summed away in this operand alone: broadcast back afterwards
            reduced = "".join(c for c in term if c not in missing)
            gi = K.einsum(",".join([outs, *others]) + "->" + reduced, g, *ops_)
            for pos, c in enumerate(term):
                if c in missing:
                    gi = K.expand_dims(gi, pos)
            grads.append(K.broadcast_to(gi, tensors.shape(operands[i])))
        else:
            grads.append(K.einsum(",".join([outs, *others]) + "->" + term, g, *ops_))
    return (grads,)


def _ein_case(subs, *shapes, grad=True, fn=None):
    def make(r, dt):
        arrs = [r.standard_normal(s) for s in shapes]
        if fn:
            arrs = [fn(a) for a in arrs]
        return (subs, *[a.astype(dt) for a in arrs]), {}
    return Case(subs.replace(",", "_").replace("->", "_to_") or "e", make, grad=grad)


@op(G, T.Kc(_einsum_len), [
    _ein_case("ij,jk->ik", (5, 7), (7, 3)),
    _ein_case("bij,bjk->bik", (2, 4, 6), (2, 6, 3)),
    _ein_case("btnh,bsnh->bnts", (2, 3, 2, 4), (2, 5, 2, 4)),
    _ein_case("ij->j", (6, 4)),
    _ein_case("i,i->", (50,), (50,)),
    _ein_case("ij,kj->ikj", (3, 4), (2, 4)),
    Case("optimize", lambda r, dt: (("ij,jk,kl->il", *(r.standard_normal(s).astype(dt) for s in ((3, 4), (4, 5), (5, 2)))),
                                    {"optimize": "optimal"})),
], tensors=(), tensor_lists=("operands",), grad=_einsum_grad,
    validate=lambda subscripts, *operands, **kwargs: check_einsum_kwargs(kwargs))
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (explicit ``->`` output recommended). The one keyword argument is
    ``optimize`` (the contraction-order strategy: False, True, "greedy" or "optimal"; it changes
    speed, not the result); any other raises.

    Arguments:
        subscripts: the NumPy-style equation, e.g. ``"bij,bjk->bik"``; ``...`` stands for
            broadcast axes.
        *operands: the tensors, one per comma-separated term of ``subscripts``.
        optimize: (keyword) the contraction-order strategy, as above.

    Returns:
        The contraction, in the operands' promoted dtype.

    Raises:
        TypeError: for a keyword other than ``optimize``.
        ValueError: for an ``optimize`` value other than the four above.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.einsum("ij,j->i", np.array([[1, 2], [3, 4]]), np.array([1, 10]))
    array([21, 43])
    """
    check_einsum_kwargs(kwargs)
    arrs = promote(*operands)
    return np.asarray(np.einsum(subscripts, *arrs, optimize=True)).astype(arrs[0].dtype)


def check_einsum_kwargs(kwargs):
    """Raises for keyword arguments of ``einsum`` other than a valid ``optimize``."""
    for k, v in kwargs.items():
        if k != "optimize":
            raise TypeError(f"einsum: unexpected keyword argument {k}={v!r}; the only one is optimize")
        if not (v is False or v is True or v in ("greedy", "optimal")):
            raise ValueError(f"einsum: optimize={v!r} is invalid; expected False, True, 'greedy' or 'optimal'")


def _td_axes(x1, x2, axes):
    if isinstance(axes, int):
        return list(range(np.ndim(x1) - axes, np.ndim(x1))), list(range(axes))
    a, b = axes
    return ([a] if isinstance(a, int) else list(a)), ([b] if isinstance(b, int) else list(b))


def _td_len(args, kwargs):
    x1, x2 = args[0], args[1]
    axes = kwargs.get("axes", args[2] if len(args) > 2 else 2)
    a, _ = _td_axes(x1, x2, axes)
    return int(np.prod([np.shape(x1)[i] for i in a])) if a else 1


def _td_grad(g, out, x1, x2, axes=2):
    a, b = _td_axes(x1, x2, axes)
    n1, n2 = tensors.ndim(x1), tensors.ndim(x2)
    letters = "abcdefghijklmnopqrstuvwxyz"
    t1 = list(letters[:n1])
    t2 = [None] * n2
    for i, j in zip(a, b):
        t2[j] = t1[i]
    free = iter(letters[n1:])
    t2 = [c if c is not None else next(free) for c in t2]
    o = [c for i, c in enumerate(t1) if i not in a] + [c for j, c in enumerate(t2) if j not in b]
    subs = f"{''.join(t1)},{''.join(t2)}->{''.join(o)}"
    return tuple(_einsum_grad(g, out, subs, x1, x2)[0])


@op(G, T.Kc(_td_len), [
    Case("axes2", lambda r, dt: ((r.standard_normal((3, 4, 5)).astype(dt), r.standard_normal((4, 5, 2)).astype(dt)), {})),
    Case("pairs", lambda r, dt: ((r.standard_normal((3, 4)).astype(dt), r.standard_normal((5, 3)).astype(dt)), {"axes": ([0], [1])})),
    Case("axes0", lambda r, dt: ((r.standard_normal((3,)).astype(dt), r.standard_normal((2,)).astype(dt)), {"axes": 0})),
], grad=_td_grad, tensors=("x1", "x2"))
def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes`` (an int, or a pair of axis lists).

    Arguments:
        x1: the first tensor.
        x2: the second tensor.
        axes: an int ``n`` contracts the last ``n`` axes of ``x1`` with the first ``n`` of ``x2``;
            a pair ``(axes_1, axes_2)`` (ints or equal-length sequences) names the axes to contract
            pairwise.

    Returns:
        The free axes of ``x1`` followed by those of ``x2``, in the promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    a, b = promote(x1, x2)
    return np.tensordot(a, b, axes)


@op(G, T.E0, [Case("basic", lambda r, dt: ((r.standard_normal(4).astype(dt), r.standard_normal(3).astype(dt)), {}))],
    grad=lambda g, out, x1, x2: (K.reshape(K.matmul(g, K.ravel(x2)), tensors.shape(x1)),
                                 K.reshape(K.matmul(K.ravel(x1), g), tensors.shape(x2))))
def outer(x1, x2):
    """Outer product of the flattened inputs.

    Arguments:
        x1: the first tensor (flattened to length ``m``).
        x2: the second tensor (flattened to length ``n``).

    Returns:
        An ``(m, n)`` tensor with ``out[i, j] = x1[i] * x2[j]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.outer(np.array([1, 2]), np.array([1, 10, 100]))
    array([[  1,  10, 100],
           [  2,  20, 200]])
    """
    a, b = promote(x1, x2)
    return np.outer(a, b)


def _norm_scale(ctx):
    return np.abs(ctx.exact)


def _norm_grad(g, out, x, ord=None, axis=None, keepdims=False):
    o = out
    gg = g
    if not keepdims and axis is not None:
        ax = (axis,) if isinstance(axis, int) else axis
        for a_ in sorted(a % tensors.ndim(x) for a in ax):
            o = K.expand_dims(o, a_)
            gg = K.expand_dims(gg, a_)
    safe = K.where(K.equal(o, 0), K.ones_like(o), o)
    return (gg * x / safe,)


@op("linalg", T.Kr(_norm_scale), [
    Case("vector", lambda r, dt: ((r.standard_normal(100).astype(dt),), {})),
    Case("axis", lambda r, dt: ((r.standard_normal((6, 40)).astype(dt),), {"axis": 1})),
    Case("keepdims", lambda r, dt: ((r.standard_normal((6, 40)).astype(dt),), {"axis": -1, "keepdims": True})),
], grad=_norm_grad, tensors=("x",))
def norm(x, ord=None, axis=None, keepdims=False):
    """Euclidean (2-) norm over ``axis`` (all axes if None). Only ``ord=None`` / ``2`` for vectors.

    Arguments:
        x: the input tensor; non-float inputs are computed in ``float32``.
        ord: the norm: ``None``, ``2``, ``"fro"`` or ``"euclidean"`` all give the square root of the
            sum of squares over ``axis`` (for two axes that is the Frobenius norm); any other value
            raises.
        axis: an int or a tuple of ints; ``None`` reduces all axes.
        keepdims: keep the reduced axes with length 1.

    Returns:
        A float tensor of the norms (scalar when ``axis`` is ``None`` and ``keepdims`` is false).

    Raises:
        ValueError: for an ``ord`` other than the four above.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.norm(np.array([3.0, 4.0]))
    array(5.)
    """
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: ord={ord!r}; only the 2-norm (ord=None) is supported")
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float32)
    m = np.max(np.abs(x), axis=axis, keepdims=True) if x.size else np.ones((), x.dtype)
    m = np.where(m == 0, np.ones_like(m), m)
    out = m * np.sqrt(np.sum((x / m) ** 2, axis=axis, keepdims=True, dtype=x.dtype))
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return np.asarray(out).astype(x.dtype)


# ------------------------------------------------------------------------------ dense (op-spec v2)
def _dense_len(args, kwargs):
    return (np.shape(args[0])[-1] if np.ndim(args[0]) else 1) + 1  # n products and the bias


def _static_shape(v):
    """``v``'s shape as a tuple (``None`` entries for unknown dims), or ``None`` when a backend's
    graph value does not say."""
    try:
        s = v.shape if hasattr(v, "shape") else np.shape(v)
        return tuple(None if d is None else int(d) for d in s)
    except (TypeError, ValueError, RuntimeError):
        return None


def _dense_check(x, kernel, bias=None):
    ks, xs = _static_shape(kernel), _static_shape(x)
    if ks is None or xs is None:
        return
    if len(ks) != 2:
        raise ValueError(f"dense: kernel of shape {ks}; expected a 2-D kernel (input_dim, units)")
    if not xs or (xs[-1] is not None and ks[0] is not None and xs[-1] != ks[0]):
        raise ValueError(f"dense: x of shape {xs} does not match kernel of shape {ks}; expected x's last "
                         f"dimension to be {ks[0]}")
    if bias is not None:
        check_bias("dense", bias, ks[1], "the kernel's units")


def check_bias(op, bias, units, what):
    """Raises unless ``bias`` (of ``op``) is a vector of ``units`` (``what`` names them) elements,
    where its static shape and ``units`` are known."""
    bs = _static_shape(bias)
    if bs is not None and (len(bs) != 1 or (bs[0] is not None and units is not None and bs[0] != units)):
        raise ValueError(f"{op}: bias of shape {bs}; expected shape ({units},) ({what})")


def _dense_cases():
    def mk(sx, n, m, bias=True, dt=None):
        def make(r, d):
            d = dt or d
            x, k = r.standard_normal((*sx, n)), r.standard_normal((n, m))
            if dt == "int32":
                x, k = np.round(x * 3), np.round(k * 3)
            args = (x.astype(d), k.astype(d))
            if bias:
                b = r.standard_normal(m)
                args += ((np.round(b * 3) if dt == "int32" else b).astype(d),)
            return args, {}
        return make
    return [
        Case("2d", mk((17,), 33, 9)),
        Case("3d", mk((3, 5), 16, 7)),
        Case("one_row", mk((1,), 64, 10)),
        Case("no_bias", mk((6,), 12, 5, bias=False)),
        Case("k1024", mk((16,), 1024, 8), grad=False),
        Case("int", mk((4,), 6, 3, dt="int32"), dtypes=("int32",), grad=False),
    ]


def _dense_grad(g, out, x, kernel, bias=None):
    n, m = tensors.shape(kernel)
    g2 = K.reshape(g, (-1, m))
    gx = K.matmul(g, K.transpose(kernel))
    gk = K.matmul(K.transpose(K.reshape(x, (-1, n))), g2)
    return gx, gk, (K.sum(g2, axis=0) if bias is not None else None)


def dense_decomposition(x, kernel, bias=None):
    y = K.matmul(x, kernel)
    return y if bias is None else K.add(y, bias)


@op("internal", T.Kc(_dense_len), _dense_cases(), grad=_dense_grad, tensors=("x", "kernel", "bias"),
    decomposition=dense_decomposition, validate=_dense_check, since=2)
def dense(x, kernel, bias=None):
    """``matmul(x, kernel) + bias`` for ``x`` of shape ``(..., n)``, a ``(n, units)`` kernel and a
    ``(units,)`` bias (or ``None``): the Dense layer's contraction, one fused kernel (GEMM with the
    bias in its accumulator) on backends that have one, ``matmul`` then ``add`` elsewhere.

    Arguments:
        x: the input, ``(..., n)``.
        kernel: a 2-D ``(n, units)`` weight matrix.
        bias: a ``(units,)`` vector added to every row, or ``None``.

    Returns:
        A ``(..., units)`` tensor in the promoted dtype.

    Raises:
        ValueError: when ``kernel`` is not 2-D, ``x``'s last axis does not match ``kernel``'s first,
            or ``bias`` is not ``(units,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[1.0, 2.0]])
    >>> ops.dense(x, np.array([[1.0, 0.0], [0.0, 1.0]]), bias=np.array([0.5, -0.5]))
    array([[1.5, 1.5]])
    """
    if bias is None:
        a, b = promote(x, kernel)
        return np.matmul(a, b).astype(a.dtype, copy=False)
    a, b, c = promote(x, kernel, bias)
    return (np.matmul(a, b) + c).astype(a.dtype, copy=False)


# ------------------------------------------------------------------------------ products (numpy group)
def _vec_pair(n1, n2, dt_int=False):
    def make(r, dt):
        if dt_int:
            return (r.integers(-5, 5, n1).astype(dt), r.integers(-5, 5, n2).astype(dt)), {}
        return (r.standard_normal(n1).astype(dt), r.standard_normal(n2).astype(dt)), {}
    return make


def _dot_len(args, kwargs):
    return np.shape(args[0])[-1] if np.ndim(args[0]) and np.ndim(args[1]) else 1


def _dot_grad(g, out, x1, x2):
    if tensors.ndim(x1) == 0 or tensors.ndim(x2) == 0:
        return K.multiply(g, x2), K.multiply(g, x1)
    n1, n2 = tensors.ndim(x1), tensors.ndim(x2)
    return _td_grad(g, out, x1, x2, ([n1 - 1], [n2 - 2 if n2 >= 2 else 0]))


@op(G, T.Kc(_dot_len), [
    Case("matrix", _vec_pair((5, 7), (7, 3))),
    Case("vector", _vec_pair((30,), (30,))),
    Case("nd", _vec_pair((2, 3, 4), (5, 4, 2))),
    Case("mat_vec", _vec_pair((3, 4), (4,))),
    Case("scalar", lambda r, dt: ((np.asarray(1.5, dt), r.standard_normal((3, 2)).astype(dt)), {})),
    Case("int", _vec_pair((3, 4), (4, 2), dt_int=True), dtypes=("int32",), grad=False),
], grad=_dot_grad)
def dot(x1, x2):
    """NumPy's ``dot``: the product of scalars, the inner product of vectors, else a sum over the
    last axis of ``x1`` and the second-to-last of ``x2`` (the only axis of a vector).

    Arguments:
        x1: the first tensor.
        x2: the second tensor.

    Returns:
        The product in the promoted dtype, shape ``x1.shape[:-1] + x2.shape[:-2] + x2.shape[-1:]``
        for N-D inputs.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))
    array(32)
    """
    a, b = promote(x1, x2)
    return np.asarray(np.dot(a, b)).astype(a.dtype, copy=False)


def _inner_grad(g, out, x1, x2):
    if tensors.ndim(x1) == 0 or tensors.ndim(x2) == 0:
        return K.multiply(g, x2), K.multiply(g, x1)
    return _td_grad(g, out, x1, x2, ([tensors.ndim(x1) - 1], [tensors.ndim(x2) - 1]))


@op(G, T.Kc(_dot_len), [
    Case("vector", _vec_pair((30,), (30,))),
    Case("matrix", _vec_pair((3, 6), (4, 6))),
    Case("nd", _vec_pair((2, 3, 4), (5, 4))),
    Case("int", _vec_pair((3, 4), (2, 4), dt_int=True), dtypes=("int32",), grad=False),
], grad=_inner_grad)
def inner(x1, x2):
    """Inner product over the last axes of ``x1`` and ``x2`` (a product when one is a scalar).

    Arguments:
        x1: the first tensor.
        x2: the second tensor; its last axis must match ``x1``'s.

    Returns:
        A tensor of shape ``x1.shape[:-1] + x2.shape[:-1]`` in the promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.inner(np.array([1, 2, 3]), np.array([0, 1, 0]))
    array(2)
    """
    a, b = promote(x1, x2)
    return np.asarray(np.inner(a, b)).astype(a.dtype, copy=False)


def _vdot_len(args, kwargs):
    return max(np.size(args[0]), 1)


@op(G, T.Kc(_vdot_len), [
    Case("vector", _vec_pair((40,), (40,))),
    Case("flattened", _vec_pair((3, 4), (12,))),
    Case("int", _vec_pair((6,), (6,), dt_int=True), dtypes=("int32",), grad=False),
], grad=lambda g, out, x1, x2: (K.reshape(K.multiply(g, K.ravel(x2)), tensors.shape(x1)),
                                K.reshape(K.multiply(g, K.ravel(x1)), tensors.shape(x2))))
def vdot(x1, x2):
    """The dot product of the flattened inputs (same size).

    Arguments:
        x1: the first tensor.
        x2: the second tensor, with as many elements as ``x1``.

    Returns:
        A scalar tensor in the promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vdot(np.array([[1, 2], [3, 4]]), np.array([[1, 1], [1, 1]]))
    array(10)
    """
    a, b = promote(x1, x2)
    return np.asarray(np.vdot(a, b)).astype(a.dtype, copy=False)


def _kron_grad(g, out, x1, x2):
    n = max(tensors.ndim(x1), tensors.ndim(x2))
    s1 = (1,) * (n - tensors.ndim(x1)) + tuple(tensors.shape(x1))
    s2 = (1,) * (n - tensors.ndim(x2)) + tuple(tensors.shape(x2))
    inter = [d for pair in zip(s1, s2) for d in pair]
    gi = K.reshape(g, inter)
    letters = "abcdefghijklmnopqrstuvwxyz"
    sub_g = letters[:2 * n]
    sub1, sub2 = sub_g[0::2], sub_g[1::2]
    a = K.reshape(x1, s1)
    b = K.reshape(x2, s2)
    g1 = K.einsum(f"{sub_g},{sub2}->{sub1}", gi, b)
    g2 = K.einsum(f"{sub_g},{sub1}->{sub2}", gi, a)
    return K.reshape(g1, tensors.shape(x1)), K.reshape(g2, tensors.shape(x2))


@op(G, T.E0, [
    Case("matrix", _vec_pair((2, 3), (4, 2))),
    Case("vector", _vec_pair((3,), (5,))),
    Case("mixed_rank", _vec_pair((2, 2, 3), (3, 2))),
    Case("int", _vec_pair((2, 2), (2, 3), dt_int=True), dtypes=("int32",), grad=False),
], grad=_kron_grad)
def kron(x1, x2):
    """Kronecker product: blocks ``x1[i] * x2`` (ranks padded with leading 1s to match).

    Arguments:
        x1: the first tensor (selects the blocks).
        x2: the second tensor (the block pattern).

    Returns:
        A tensor whose size along each axis is the product of the inputs' sizes there.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.kron(np.array([1, 2]), np.array([1, 10]))
    array([ 1, 10,  2, 20])
    """
    a, b = promote(x1, x2)
    return np.kron(a, b).astype(a.dtype, copy=False)


def _cross_axes(axisa, axisb, axisc, axis):
    return (axis, axis, axis) if axis is not None else (axisa, axisb, axisc)


def _cross3(a, b):
    """The cross product of 3-vectors along the last axis (dlx ops)."""
    a0, a1, a2 = (K.take(a, i, axis=-1) for i in range(3))
    b0, b1, b2 = (K.take(b, i, axis=-1) for i in range(3))

    def det2(p, q, r, t):
        return K.subtract(K.multiply(p, q), K.multiply(r, t))

    return K.stack([det2(a1, b2, a2, b1), det2(a2, b0, a0, b2), det2(a0, b1, a1, b0)], axis=-1)


def _cross_vectors(x1, x2, axa, axb):
    """``x1`` / ``x2`` with their vector axes last, their lengths, and both padded to 3-vectors."""
    a, b = K.moveaxis(x1, axa, -1), K.moveaxis(x2, axb, -1)
    na, nb = tensors.shape(a)[-1], tensors.shape(b)[-1]
    for n in (na, nb):
        if n not in (2, 3):
            raise ValueError(f"cross: vectors of length {n}; expected 2 or 3")

    def pad3(v, n):
        return v if n == 3 else K.pad(v, [(0, 0)] * (tensors.ndim(v) - 1) + [(0, 1)])

    return a, b, na, nb, pad3(a, na), pad3(b, nb)


def cross_decomposition(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """:func:`cross` in dlx ops (the kernel of backends without a native 2/3-vector cross)."""
    axa, axb, axc = _cross_axes(axisa, axisb, axisc, axis)
    _, _, na, nb, a3, b3 = _cross_vectors(x1, x2, axa, axb)
    if na == 2 and nb == 2:  # the z component
        return K.take(_cross3(a3, b3), 2, axis=-1)
    return K.moveaxis(_cross3(a3, b3), -1, axc)


def _cross_grad(g, out, x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    axa, axb, axc = _cross_axes(axisa, axisb, axisc, axis)
    _, _, na, nb, a3, b3 = _cross_vectors(x1, x2, axa, axb)
    if na == 2 and nb == 2:  # the output is the z component
        gz = K.expand_dims(g, -1)
        g3 = K.concatenate([K.zeros_like(gz), K.zeros_like(gz), gz], axis=-1)
    else:
        g3 = K.moveaxis(g, axc, -1)
    ga = _cross3(b3, g3)  # d<g, a x b>/da = b x g
    gb = _cross3(g3, a3)
    ga = K.moveaxis(ga[..., :na], -1, axa)
    gb = K.moveaxis(gb[..., :nb], -1, axb)
    return ga, gb


@op(G, T.Kc(lambda args, kwargs: 2), [
    Case("vec3", _vec_pair((5, 3), (5, 3))),
    Case("vec2", _vec_pair((4, 2), (4, 2))),
    Case("mixed_2_3", _vec_pair((4, 2), (4, 3))),
    Case("broadcast", _vec_pair((2, 1, 3), (4, 3))),
    Case("axis", lambda r, dt: ((r.standard_normal((3, 4)).astype(dt), r.standard_normal((3, 4)).astype(dt)), {"axis": 0})),
    Case("axes_abc", lambda r, dt: ((r.standard_normal((3, 4)).astype(dt), r.standard_normal((4, 3)).astype(dt)),
                                    {"axisa": 0, "axisb": -1, "axisc": 0})),
    Case("int", _vec_pair((3, 3), (3, 3), dt_int=True), dtypes=("int32",), grad=False),
], grad=_cross_grad, tensors=("x1", "x2"), decomposition=cross_decomposition)
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along ``axisa`` of ``x1`` and ``axisb`` of ``x2``, placed
    along ``axisc`` of the result (``axis`` sets all three); two 2-vectors give the z component.

    Arguments:
        x1: the first vectors (length 2 or 3 along ``axisa``).
        x2: the second vectors (length 2 or 3 along ``axisb``); the other axes broadcast.
        axisa: the vector axis of ``x1``.
        axisb: the vector axis of ``x2``.
        axisc: the axis of the result that holds the 3-vectors (ignored when both inputs are
            2-vectors: the result has no vector axis then).
        axis: when not ``None``, used for ``axisa``, ``axisb`` and ``axisc``.

    Returns:
        The cross products in the promoted dtype.

    Raises:
        ValueError: when a vector length is not 2 or 3.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    a, b = promote(x1, x2)
    axa, axb, axc = _cross_axes(axisa, axisb, axisc, axis)
    a, b = np.moveaxis(a, axa, -1), np.moveaxis(b, axb, -1)
    for n in (a.shape[-1], b.shape[-1]):
        if n not in (2, 3):
            raise ValueError(f"cross: vectors of length {n}; expected 2 or 3")
    # a 2-vector is a 3-vector with z = 0 (NumPy 2 deprecates 2-vectors in np.cross)
    a3, b3 = (np.concatenate([v, np.zeros_like(v[..., :1])], -1) if v.shape[-1] == 2 else v for v in (a, b))
    out = np.cross(a3, b3)
    out = out[..., 2] if a.shape[-1] == b.shape[-1] == 2 else np.moveaxis(out, -1, axc)
    return np.asarray(out).astype(a.dtype, copy=False)


# ------------------------------------------------------------------------------ diagonals
def _diag_check(x, k=0):
    n = tensors.ndim(x)
    if n not in (1, 2):
        raise ValueError(f"diag: x of rank {n}; expected a 1-D or 2-D array")


def _embed_diagonal(g, n1, n2, offset):
    """A ``(..., n1, n2)`` array holding ``g`` (``(..., L)``) on its ``offset`` diagonal."""
    length = tensors.shape(g)[-1]
    start = max(0, -offset)
    gp = K.pad(g, [(0, 0)] * (tensors.ndim(g) - 1) + [(start, n1 - length - start)])
    return K.multiply(K.expand_dims(gp, -1), K.eye(n1, n2, offset, dtype=tensors.dtype(g)))


def _diag_grad(g, out, x, k=0):
    if tensors.ndim(x) == 1:
        return (K.diag(g, k),)
    n1, n2 = tensors.shape(x)
    return (_embed_diagonal(g, n1, n2, k),)


@op(G, T.E0, [
    Case("vector", lambda r, dt: ((r.standard_normal(4).astype(dt),), {})),
    Case("vector_k", lambda r, dt: ((r.standard_normal(3).astype(dt),), {"k": -2})),
    Case("matrix", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),), {})),
    Case("matrix_k", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),), {"k": 2})),
    Case("matrix_negative_k", lambda r, dt: ((r.standard_normal((5, 3)).astype(dt),), {"k": -1})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (3, 3)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
], grad=_diag_grad, tensors=("x",), validate=_diag_check)
def diag(x, k=0):
    """The ``k``-th diagonal of a 2-D ``x``, or a square 2-D array with the 1-D ``x`` on its
    ``k``-th diagonal.

    Arguments:
        x: a 1-D or 2-D tensor.
        k: the diagonal: 0 the main one, positive above it, negative below.

    Returns:
        For 2-D ``x`` a 1-D tensor; for 1-D ``x`` of length ``n`` an
        ``(n + |k|, n + |k|)`` tensor, zero off that diagonal.

    Raises:
        ValueError: when ``x`` is not 1-D or 2-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diag(np.array([1, 2]))
    array([[1, 0],
           [0, 2]])
    """
    x = np.asarray(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"diag: x of rank {x.ndim}; expected a 1-D or 2-D array")
    return np.diag(x, k).copy()


@op(G, T.E0, [
    Case("matrix", lambda r, dt: ((r.standard_normal((2, 3)).astype(dt),), {})),
    Case("k", lambda r, dt: ((r.standard_normal(3).astype(dt),), {"k": 1})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, 4).astype(np.int32),), {"k": -1}), dtypes=("int32",), grad=False),
], grad=lambda g, out, x, k=0: (K.reshape(K.diag(g, k), tensors.shape(x)),), tensors=("x",))
def diagflat(x, k=0):
    """A square 2-D array with the flattened ``x`` on its ``k``-th diagonal.

    Arguments:
        x: a tensor of any rank (flattened to length ``n``).
        k: the diagonal: 0 the main one, positive above it, negative below.

    Returns:
        An ``(n + |k|, n + |k|)`` tensor of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diagflat(np.array([[1, 2]]), k=1)
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 0, 0]])
    """
    return np.diagflat(np.asarray(x), k)


def _diagonal_grad(g, out, x, offset=0, axis1=0, axis2=1):
    nd_ = tensors.ndim(x)
    a1, a2 = axis1 % nd_, axis2 % nd_
    shp = tensors.shape(x)
    full = _embed_diagonal(g, shp[a1], shp[a2], offset)
    return (K.moveaxis(full, [-2, -1], [a1, a2]),)


@op(G, T.E0, [
    Case("matrix", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),), {})),
    Case("offset", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),), {"offset": 2})),
    Case("negative_offset", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),), {"offset": -1})),
    Case("axes", lambda r, dt: ((r.standard_normal((2, 3, 4)).astype(dt),), {"axis1": 1, "axis2": 2})),
    Case("axes_reversed", lambda r, dt: ((r.standard_normal((3, 2, 4)).astype(dt),), {"axis1": 2, "axis2": 0, "offset": 1})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (3, 3)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
], grad=_diagonal_grad, tensors=("x",))
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the planes ``axis1`` x ``axis2``, as the last axis of the result.

    Arguments:
        x: a tensor of rank >= 2.
        offset: the diagonal: 0 the main one, positive above it, negative below.
        axis1: the axis of the planes' rows.
        axis2: the axis of the planes' columns.

    Returns:
        ``x``'s other axes followed by one axis holding the diagonal.

    Raises:
        ValueError: when ``x`` has fewer than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diagonal(np.array([[1, 2], [3, 4]]))
    array([1, 4])
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"diagonal: x of rank {x.ndim}; expected at least 2 dimensions")
    return np.diagonal(x, offset, axis1, axis2).copy()


_TRACE_DTYPE = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


def _trace_len(args, kwargs):
    x = np.asarray(args[0])
    return max(min(x.shape[kwargs.get("axis1", 0)], x.shape[kwargs.get("axis2", 1)]), 1)


def _trace_grad(g, out, x, offset=0, axis1=0, axis2=1):
    nd_ = tensors.ndim(x)
    shp = tensors.shape(x)
    a1, a2 = axis1 % nd_, axis2 % nd_
    n1, n2 = shp[a1], shp[a2]
    length = max(0, min(n1 - max(0, -offset), n2 - max(0, offset)))
    gl = K.broadcast_to(K.expand_dims(g, -1), (*tensors.shape(g), length))
    return _diagonal_grad(gl, None, x, offset, axis1, axis2)


@op(G, T.Kr(length=_trace_len), [
    Case("matrix", lambda r, dt: ((r.standard_normal((6, 6)).astype(dt),), {})),
    Case("offset", lambda r, dt: ((r.standard_normal((4, 5)).astype(dt),), {"offset": 1})),
    Case("batched_axes", lambda r, dt: ((r.standard_normal((2, 4, 4)).astype(dt),), {"axis1": 1, "axis2": 2})),
    Case("int8", lambda r, dt: ((r.integers(-9, 9, (3, 3)).astype(np.int8),), {}), dtypes=("int8",), grad=False),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (3, 3)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
], grad=_trace_grad, tensors=("x",))
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the ``offset`` diagonal of the planes ``axis1`` x ``axis2``. bool / int8 / int16
    sum in int32, uint8 / uint16 in uint32.

    Arguments:
        x: a tensor of rank >= 2.
        offset: the diagonal: 0 the main one, positive above it, negative below.
        axis1: the axis of the planes' rows.
        axis2: the axis of the planes' columns.

    Returns:
        ``x``'s other axes (a scalar for 2-D ``x``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.trace(np.array([[1, 2], [3, 4]]))
    array(5)
    """
    x = np.asarray(x)
    dt = _TRACE_DTYPE.get(dtypes.standardize(x.dtype), x.dtype)
    return np.asarray(np.trace(x, offset, axis1, axis2)).astype(dt)


@op(G, T.E0, [
    Case("square", lambda r, dt: ((4,), {}), dtypes=("float32",), grad=False),
    Case("rect_k", lambda r, dt: ((3, 5, 1), {}), dtypes=("float32",), grad=False),
    Case("negative_k", lambda r, dt: ((4, 3, -1), {"dtype": "int32"}), dtypes=("int32",), grad=False),
], tensors=())
def tri(N, M=None, k=0, dtype=None):
    """``(N, M)`` array with ones at and below the ``k``-th diagonal, zeros above (default dtype
    ``floatx()``).

    Arguments:
        N: the number of rows.
        M: the number of columns; ``None`` means ``N``.
        k: the diagonal the ones reach: 0 the main one, positive above it, negative below.
        dtype: the output dtype; ``None`` means ``floatx()``.

    Returns:
        An ``(N, M)`` tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tri(3)
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]], dtype=float32)
    """
    return np.tri(N, M, k, dtype=nd(dtype or dtypes.floatx()))


def _vander_cols(x, N):
    return tensors.shape(x)[0] if N is None else N


def _vander_grad(g, out, x, N=None, increasing=False):
    n = _vander_cols(x, N)
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    lower = [K.ones_like(x) if p <= 1 else K.power(x, float(p - 1)) for p in powers]
    d = K.stack([K.multiply(float(p), v) if p else K.zeros_like(x) for p, v in zip(powers, lower)], axis=-1)
    return (K.sum(K.multiply(g, d), axis=-1),)


@op(G, T.Ks(length=lambda args, kwargs: kwargs.get("N") or len(args[0])), [
    Case("default", lambda r, dt: ((r.uniform(-2, 2, 5).astype(dt),), {})),
    Case("N_increasing", lambda r, dt: ((r.uniform(-2, 2, 4).astype(dt),), {"N": 6, "increasing": True})),
    Case("int", lambda r, dt: ((r.integers(-4, 4, 4).astype(np.int32),), {}), dtypes=("int32",), grad=False),
], grad=_vander_grad, tensors=("x",))
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D ``x``: columns ``x**(N-1), ..., x, 1`` (reversed when
    ``increasing``); ``N`` defaults to ``len(x)``.

    Arguments:
        x: a 1-D tensor of length ``n``.
        N: the number of columns; ``None`` means ``n``.
        increasing: ``True`` orders the powers ``1, x, ..., x**(N-1)``.

    Returns:
        An ``(n, N)`` tensor of ``x``'s dtype.

    Raises:
        ValueError: when ``x`` is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vander(np.array([1, 2, 3]), 3)
    array([[1, 1, 1],
           [4, 2, 1],
           [9, 3, 1]])
    """
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x of rank {x.ndim}; expected a 1-D array")
    return np.vander(x, N, increasing).astype(x.dtype, copy=False)


# ------------------------------------------------------------------------------ cdist (math group)
def _cdist_check(x, y):
    sx, sy = tensors.shape(x), tensors.shape(y)
    if len(sx) < 2 or len(sy) < 2:
        raise ValueError(f"cdist: x of shape {sx} and y of shape {sy}; expected rank >= 2 (..., m, d) and (..., n, d)")
    if sx[-1] is not None and sy[-1] is not None and sx[-1] != sy[-1]:
        raise ValueError(f"cdist: x of shape {sx} and y of shape {sy}; expected the same last dimension")


def _cdist_grad(g, out, x, y):
    diff = K.subtract(K.expand_dims(x, -2), K.expand_dims(y, -3))
    safe = K.where(K.equal(out, 0), K.ones_like(out), out)
    w = K.expand_dims(K.divide(g, safe), -1)
    return K.sum(K.multiply(w, diff), axis=-2), K.negative(K.sum(K.multiply(w, diff), axis=-3))


@op("math", T.Kr(scale=_norm_scale, length=lambda args, kwargs: np.shape(args[0])[-1]), [
    Case("basic", _vec_pair((5, 3), (4, 3))),
    Case("batched", _vec_pair((2, 6, 8), (2, 3, 8))),
    Case("same_point", lambda r, dt: ((np.array([[1.0, 2.0], [0.0, 0.0]]).astype(dt), np.array([[1.0, 2.0]]).astype(dt)), {}),
         grad=False),
], grad=_cdist_grad, validate=_cdist_check)
def cdist(x, y):
    """Euclidean distances between the rows of ``x`` (``(..., m, d)``) and of ``y``
    (``(..., n, d)``): ``(..., m, n)``.

    Arguments:
        x: points ``(..., m, d)``.
        y: points ``(..., n, d)``; leading axes broadcast against ``x``'s.

    Returns:
        A float ``(..., m, n)`` tensor with ``out[..., i, j] = |x[..., i, :] - y[..., j, :]|``.

    Raises:
        ValueError: when an input has rank < 2 or the last dimensions differ.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> np.round(ops.cdist(x, np.array([[3.0, 4.0]])), 4)
    array([[5.    ],
           [3.6056]])
    """
    a, b = float_promote(x, y)
    diff = a[..., :, None, :] - b[..., None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=-1)).astype(a.dtype, copy=False)
