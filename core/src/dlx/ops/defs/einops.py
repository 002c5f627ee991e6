"""``rearrange`` (Keras's einops group): einops's axis-rearrangement patterns, such as
``"b (h w) c -> b h w c"``, parsed here and carried out as reshape, transpose, reshape."""

from __future__ import annotations

import math
import re

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.spec import Case, op

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")
_ELLIPSIS = "..."


def _parse_side(text, pattern):
    """A side of the pattern as a list of groups; a group is a list of axis names (a bare name is
    a group of one; ``1`` or ``()`` is an axis of length 1, an empty group)."""
    groups, current = [], None
    for tok in _TOKEN.findall(text):
        if tok == "(":
            if current is not None:
                raise ValueError(f"rearrange: nested parentheses in pattern {pattern!r}")
            current = []
        elif tok == ")":
            if current is None:
                raise ValueError(f"rearrange: unbalanced ')' in pattern {pattern!r}")
            groups.append(current)
            current = None
        elif tok == _ELLIPSIS or tok.isidentifier() or tok.isdigit():
            if tok.isdigit() and tok != "1":
                raise ValueError(f"rearrange: axis length {tok} in pattern {pattern!r}; only 1 is allowed as a literal")
            if tok == "1":
                item = []  # a unit axis: an empty group on its own, nothing inside a group
                if current is None:
                    groups.append(item)
                continue
            (current if current is not None else groups).append(tok if current is not None else [tok])
        else:
            raise ValueError(f"rearrange: unexpected {tok!r} in pattern {pattern!r}")
    if current is not None:
        raise ValueError(f"rearrange: unbalanced '(' in pattern {pattern!r}")
    return groups


def plan(shape, pattern, axes_lengths):
    """``(elementary sizes, left order, permutation, output shape)`` for a rearrangement of a
    tensor of ``shape`` (raises with the reason for a pattern that does not fit)."""
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange: pattern {pattern!r} needs exactly one '->'")
    left_text, right_text = pattern.split("->")
    left, right = _parse_side(left_text, pattern), _parse_side(right_text, pattern)
    names_l = [n for g in left for n in g]
    names_r = [n for g in right for n in g]
    for side, names in (("left", names_l), ("right", names_r)):
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"rearrange: axes {dup} appear twice on the {side} of {pattern!r}")
    if set(names_l) != set(names_r):
        raise ValueError(f"rearrange: {pattern!r} has axes on one side only: {sorted(set(names_l) ^ set(names_r))}")
    unknown = sorted(set(axes_lengths) - set(names_l))
    if unknown:
        raise ValueError(f"rearrange: axes_lengths names {unknown} are not in {pattern!r}")
    for k, v in axes_lengths.items():
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"rearrange: {k}={v!r} must be a positive int")
    # expand the ellipsis to the dims it stands for
    n_ell = 0
    if _ELLIPSIS in names_l:
        if any(_ELLIPSIS in g and len(g) > 1 for g in left):
            raise ValueError(f"rearrange: '...' cannot be inside parentheses on the left of {pattern!r}")
        n_ell = len(shape) - (len(left) - 1)
        if n_ell < 0:
            raise ValueError(f"rearrange: {pattern!r} needs at least {len(left) - 1} dims, got shape {tuple(shape)}")
    elif len(left) != len(shape):
        raise ValueError(f"rearrange: the left of {pattern!r} has {len(left)} axes, the input has shape {tuple(shape)}")
    ell = [f"...{i}" for i in range(n_ell)]

    def expand(groups):
        out = []
        for g in groups:
            if g == [_ELLIPSIS]:
                out += [[e] for e in ell]
            else:
                out.append([e for n in g for e in (ell if n == _ELLIPSIS else [n])])
        return out

    left_x = expand(left)
    right_x = [[e for n in g for e in (ell if n == _ELLIPSIS else [n])] for g in right]
    sizes = {k: int(v) for k, v in axes_lengths.items()}
    for g, d in zip(left_x, shape):
        missing = [n for n in g if n not in sizes]
        known = math.prod(sizes[n] for n in g if n in sizes)
        if len(missing) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {missing} in {pattern!r}: pass them as keyword arguments")
        if missing:
            if d % known:
                raise ValueError(f"rearrange: axis of length {d} is not divisible by {known} in {pattern!r}")
            sizes[missing[0]] = d // known
        elif known != d:
            raise ValueError(f"rearrange: axis group {g} of {pattern!r} has length {known}, the input has {d}")
    order_l = [n for g in left_x for n in g]
    order_r = [n for g in right_x for n in g]
    perm = [order_l.index(n) for n in order_r]
    out_shape = tuple(math.prod(sizes[n] for n in g) for g in right_x)
    return tuple(sizes[n] for n in order_l), perm, out_shape


def _rearrange_decomposition(tensor, pattern, **axes_lengths):
    elems, perm, out_shape = plan(tensors.shape(tensor), pattern, axes_lengths)
    y = K.reshape(tensor, elems)
    if perm != sorted(perm):
        y = K.transpose(y, tuple(perm))
    return K.reshape(y, out_shape)


def _rearrange_grad(g, out, tensor, pattern, **axes_lengths):
    elems, perm, _ = plan(tensors.shape(tensor), pattern, axes_lengths)
    y = K.reshape(g, tuple(elems[p] for p in perm))
    if perm != sorted(perm):
        y = K.transpose(y, tuple(int(i) for i in np.argsort(perm)))
    return (K.reshape(y, tensors.shape(tensor)),)


def _c(name, shape, pattern, grad=True, **kw):
    return Case(name, lambda r, dt: ((r.standard_normal(shape).astype(dt), pattern), dict(kw)), grad=grad)


@op("einops", T.E0, [
    _c("transpose", (2, 3, 4), "b h w -> b w h"),
    _c("merge", (2, 3, 4), "b h w -> b (h w)"),
    _c("split", (2, 12, 5), "b (h w) c -> b h w c", h=3),
    _c("space_to_depth", (2, 4, 6, 3), "b (h p1) (w p2) c -> b h w (p1 p2 c)", p1=2, p2=2),
    _c("ellipsis", (2, 3, 4, 5), "b ... c -> c b ..."),
    _c("ellipsis_merge", (2, 3, 4, 5), "b ... c -> b (...) c"),
    _c("unit_axes", (3, 1, 4), "a 1 b -> b () a 1"),
    Case("int", lambda r, dt: ((np.arange(24, dtype=np.int32).reshape(2, 3, 4), "a b c -> (c a) b"), {}),
         dtypes=("int32",), grad=False),
], grad=_rearrange_grad, tensors=("tensor",), decomposition=_rearrange_decomposition)
def rearrange(tensor, pattern, **axes_lengths):
    """Rearranges axes with an einops pattern: ``"b (h w) c -> b h w c"`` splits, ``(...)``
    merges, reordering names transposes, ``...`` stands for the remaining axes, ``1``/``()`` add or
    drop unit axes; sizes that cannot be inferred are keyword arguments (``h=3``).

    Arguments:
        tensor: the input tensor.
        pattern: ``"left -> right"``: each side names the axes (one name per axis, parenthesized
            groups for merged axes); both sides hold the same names.
        **axes_lengths: the lengths of axes the pattern splits that cannot be inferred from the
            input's shape, as positive ints (``h=3``).

    Returns:
        A tensor of ``tensor``'s elements and dtype in the pattern's right-hand layout.

    Raises:
        ValueError: when the pattern is malformed, its two sides name different axes, it does
            not fit ``tensor``'s shape, or an axis length is missing or not a positive int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rearrange(np.arange(6).reshape(2, 3), "h w -> w h")
    array([[0, 3],
           [1, 4],
           [2, 5]])
    >>> ops.rearrange(np.zeros((2, 3, 4)), "b h w -> b (h w)").shape
    (2, 12)
    """
    x = np.asarray(tensor)
    elems, perm, out_shape = plan(x.shape, pattern, axes_lengths)
    return np.transpose(x.reshape(elems), perm).reshape(out_shape)
