"""Symbolic tensors: a shape (``None`` for unknown dims) and a dtype, with no backend.

Every op accepts symbolic tensors. The output spec comes from the op's NumPy reference run on
probe arrays: unknown dims are filled with two different probe sizes; an output dim that differs
between the two runs is unknown. The dtype is the reference's output dtype, so shape and dtype
rules have one source of truth and never need a framework.
"""

from __future__ import annotations

import numpy as np

from dlx import dtypes as _dtypes
from dlx import tree_util as tree
from dlx.ops import window_shapes

PROBES = (12, 36)
#: probe sizes for the batch dimension of the ops in BATCH_PRESERVING (see ``infer``)
BATCH_PROBES = (2, 3)
#: ops whose output keeps the inputs' leading (batch) dimension and whose other output dims never
#: depend on it: elementwise maps, broadcasting arithmetic, convolutions, pooling, normalization.
#: When only that dimension is unknown they are probed with a batch of 2 and 3 instead of 12 and
#: 36 -- building a model of 224x224 images runs each conv's reference on 5 images, not 48.
BATCH_PRESERVING = frozenset({
    "conv", "conv_bias", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
    "batch_normalization", "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
    "power", "where", "clip", "cast", "negative", "abs", "square", "sqrt", "rsqrt", "exp", "log", "erf",
    "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "gelu", "silu", "hard_silu", "elu", "selu",
    "leaky_relu", "softplus", "softsign", "mish", "softmax", "log_softmax",
})


class Special:
    """Base of the values public ops route through their slow path: symbolic tensors (shape
    inference) and variables (read their value). One ``isinstance`` check covers both."""

    __slots__ = ()


class SymbolicTensor(Special):
    """A placeholder with a shape (ints or ``None``) and a dtype name: Keras's ``KerasTensor``.

    Calling an op, a layer or a model on one gives another (a "symbolic call"); a graph of such
    calls from ``dlx.Input`` tensors defines a Functional model or a :class:`dlx.Function`.

    Arguments:
        shape: the dims, ints or ``None`` (unknown).
        dtype: a dtype name.
        sparse: must be falsy (dlx has no sparse tensors).
        ragged: must be falsy (dlx has no ragged tensors).
        record_history: whether op calls on the tensor outside a layer's ``call`` are recorded
            as graph nodes (``False``: plain shape inference).
        name: an optional name.
        **kwargs: ``ragged_rank`` / ``row_splits_dtype`` (ragged tensors only, so ``None``).

    >>> import dlx
    >>> x = dlx.KerasTensor((None, 3), "float32")
    >>> (x * 2).shape
    (None, 3)
    """

    __array_ufunc__ = None  # make NumPy defer to our operators
    __slots__ = ("__weakref__", "_history", "dtype", "name", "record_history", "shape")

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, record_history=True, name=None,
                 **kwargs):
        for key in ("ragged_rank", "row_splits_dtype"):
            if kwargs.pop(key, None) is not None:
                raise ValueError(f"KerasTensor: {key}= describes a ragged tensor; dlx has no ragged tensors")
        if kwargs:
            raise TypeError(f"KerasTensor: unexpected keyword argument(s) {sorted(kwargs)}")
        if sparse:
            raise ValueError("KerasTensor: sparse=True is not supported (dlx has no sparse tensors)")
        if ragged:
            raise ValueError("KerasTensor: ragged=True is not supported (dlx has no ragged tensors)")
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = _dtypes.standardize(dtype)
        self.name = name
        self.record_history = bool(record_history)
        self._history = None

    @property
    def sparse(self) -> bool:
        return False

    @property
    def ragged(self) -> bool:
        return False

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self):
        nm = f", name={self.name!r}" if self.name else ""
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}{nm}>"

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of {self!r}: the first dimension is unknown")
        return self.shape[0]

    def __bool__(self):
        raise TypeError(f"{self!r} has no value: a symbolic tensor cannot be used in Python "
                        "control flow (use dlx.ops.where / cond)")


def _probe_value(s: SymbolicTensor, size: int):
    shape = tuple(size if d is None else d for d in s.shape)
    return np.zeros(shape, _dtypes.to_numpy_dtype(s.dtype))


def _substitute(obj, size):
    if isinstance(obj, SymbolicTensor):
        return _probe_value(obj, size)
    if isinstance(obj, (list, tuple)) and any(isinstance(o, SymbolicTensor) for o in obj):
        return type(obj)(_substitute(o, size) for o in obj)
    return obj


def _reshape_rule(x, newshape=None, **kwargs):
    """``reshape`` of a tensor with unknown dims: a ``-1`` is unknown too (as in Keras). Probing
    cannot do this: the probe size need not divide into the new shape (windows of 8x8 patches,
    reshaped back per image)."""
    if kwargs or not isinstance(x, SymbolicTensor) or None not in x.shape:
        return None
    target = (newshape,) if isinstance(newshape, (int, np.integer)) else newshape
    if not isinstance(target, (list, tuple)) or not all(isinstance(d, (int, np.integer)) for d in target):
        return None
    target = tuple(int(d) for d in target)
    if target.count(-1) > 1 or any(d < -1 for d in target):
        raise ValueError(f"reshape: invalid newshape={newshape!r}: at most one -1 and no other negative sizes")
    known = int(np.prod([d for d in x.shape if d is not None]))
    out = int(np.prod([d for d in target if d != -1]))
    if -1 not in target or known == 0 or out == 0:
        return None  # nothing unknown to carry over: the probes give the answer (or the error)
    return SymbolicTensor(tuple(None if d == -1 else d for d in target), x.dtype)


def _broadcast_to_rule(x, shape=None, **kwargs):
    """``broadcast_to`` a shape with unknown (``None``) dims, as a symbolic tensor's shape is
    (``broadcast_to(sample_weight, ops.shape(values))`` in a metric updated inside a layer)."""
    if kwargs or not isinstance(shape, (list, tuple)) or None not in shape:
        return None
    target = tuple(None if d is None else int(d) for d in shape)
    x_shape = tuple(getattr(x, "shape", np.shape(x)))
    if len(x_shape) > len(target):
        raise ValueError(f"broadcast_to: cannot broadcast a tensor of shape {x_shape} to {target}")
    for a, b in zip(reversed(x_shape), reversed(target)):
        if a not in (1, None) and b is not None and a != b:
            raise ValueError(f"broadcast_to: cannot broadcast a tensor of shape {x_shape} to {target}")
    dtype = x.dtype if isinstance(x, SymbolicTensor) else _dtypes.standardize(np.asarray(x).dtype)
    return SymbolicTensor(target, dtype)


def _window_rule(rule):
    """A :mod:`dlx.ops.window_shapes` rule, answering with a symbolic tensor."""
    def symbolic(*args, **kwargs):
        spec = rule(*args, **kwargs)
        return None if spec is None else SymbolicTensor(spec.shape, spec.dtype)
    return symbolic


def _same_float_binary_rule(x1, x2, **kwargs):
    """A broadcasting binary op whose result keeps its operands' common float dtype (``add``,
    ``multiply``, ...) on two tensors of that dtype: the broadcast shape by arithmetic. A conv's
    bias add at 224x224 otherwise runs the reference on two probe batches of activations. Mixed
    dtypes, non-tensors, and an unknown dim against a known one other than 1 (where probing
    raises) are left to probing."""
    if kwargs or not all(hasattr(x, "shape") and hasattr(x, "dtype") for x in (x1, x2)):
        return None
    names = {_dtypes.standardize(x1.dtype), _dtypes.standardize(x2.dtype)}
    if len(names) != 1 or not _dtypes.is_float(next(iter(names))):
        return None
    a, b = tuple(x1.shape), tuple(x2.shape)
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for p, q in zip(a, b, strict=True):
        p, q = (None if p is None else int(p)), (None if q is None else int(q))
        if p == q or q == 1:
            out.append(p)
        elif p == 1:
            out.append(q)
        else:
            return None  # incompatible, or unknown against a size other than 1: probing decides
    return SymbolicTensor(tuple(out), next(iter(names)))


#: shape rules tried before probing, by op name; a rule returns ``None`` to let probing decide
RULES = {"reshape": _reshape_rule, "broadcast_to": _broadcast_to_rule,
         **dict.fromkeys(("add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum"),
                         _same_float_binary_rule),
         **{name: _window_rule(rule) for name, rule in window_shapes.RULES.items()}}


def _only_batch_unknown(args, kwargs) -> bool:
    """Whether every symbolic argument's unknown dims are at most its first one."""
    def ok(v):
        if isinstance(v, SymbolicTensor):
            return None not in v.shape[1:]
        if isinstance(v, (list, tuple)):
            return all(ok(o) for o in v)
        return True

    return ok(args) and ok(tuple(kwargs.values()))


def infer(spec, args: tuple, kwargs: dict):
    """The symbolic output(s) of ``spec`` applied to ``args``/``kwargs``."""
    rule = RULES.get(spec.name)
    if rule is not None:
        out = rule(*args, **kwargs)
        if out is not None:
            return out
    probes = PROBES
    if spec.name in BATCH_PRESERVING and _only_batch_unknown(args, kwargs):
        probes = BATCH_PROBES
    results = []
    for size in probes:
        a = tuple(_substitute(x, size) for x in args)
        k = {n: _substitute(v, size) for n, v in kwargs.items()}
        with np.errstate(all="ignore"):
            try:
                results.append(spec.reference(*a, **k))
            except Exception as e:
                shapes = [x.shape for x in args if isinstance(x, SymbolicTensor)]
                raise ValueError(f"{spec.name}: invalid arguments for symbolic inputs of shapes "
                                 f"{shapes}: {e}") from e

    def combine(x, y):
        x, y = np.asarray(x), np.asarray(y)
        shape = tuple(a if a == b else None for a, b in zip(x.shape, y.shape))
        if x.ndim != y.ndim:
            raise ValueError(f"{spec.name}: output rank depends on an unknown dimension")
        return SymbolicTensor(shape, x.dtype)

    return tree.map_structure(combine, results[0], results[1])


def _install_operators():
    """Python operators on symbolic tensors dispatch to dlx.ops (``==`` stays identity)."""
    from dlx.ops import operators

    operators.install(SymbolicTensor, elementwise_eq=False)
