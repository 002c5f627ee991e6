"""Contractions: matmul, einsum, tensordot, and friends."""

from __future__ import annotations

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import promote
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
    """Matrix product with NumPy's broadcasting and 1-D promotion rules."""
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
    speed, not the result); any other raises."""
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
    """Tensor contraction over ``axes`` (an int, or a pair of axis lists)."""
    a, b = promote(x1, x2)
    return np.tensordot(a, b, axes)


@op(G, T.E0, [Case("basic", lambda r, dt: ((r.standard_normal(4).astype(dt), r.standard_normal(3).astype(dt)), {}))],
    grad=lambda g, out, x1, x2: (K.reshape(K.matmul(g, K.ravel(x2)), tensors.shape(x1)),
                                 K.reshape(K.matmul(K.ravel(x1), g), tensors.shape(x2))))
def outer(x1, x2):
    """Outer product of the flattened inputs."""
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
    """Euclidean (2-) norm over ``axis`` (all axes if None). Only ``ord=None`` / ``2`` for vectors."""
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
    bs = None if bias is None else _static_shape(bias)
    if bs is not None and (len(bs) != 1 or (bs[0] is not None and ks[1] is not None and bs[0] != ks[1])):
        raise ValueError(f"dense: bias of shape {bs}; expected shape ({ks[1]},) (the kernel's units)")


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
    bias in its accumulator) on backends that have one, ``matmul`` then ``add`` elsewhere."""
    if bias is None:
        a, b = promote(x, kernel)
        return np.matmul(a, b).astype(a.dtype, copy=False)
    a, b, c = promote(x, kernel, bias)
    return (np.matmul(a, b) + c).astype(a.dtype, copy=False)
