"""Reverse-mode autodiff for the NumPy backend, driven by the op specs' gradient rules.

Inside :func:`value_and_grad`, the differentiated inputs become :class:`Tracer` values and the
thread's kernel table is swapped for a *taping* table: every op that receives a tracer runs the
plain NumPy kernel on the unwrapped values and records a node. The backward pass walks the tape
in reverse and calls each spec's gradient rule (written in ``dlx.ops``, run on plain NumPy).
Higher-order differentiation is not supported on this backend (a nested call raises).
"""

from __future__ import annotations

import numpy as np

from dlx import tree_util as tree
from dlx.ops.dispatch import STATE


class Tracer:
    """A NumPy value being differentiated. Supports Python operators and NumPy-like attributes."""

    __slots__ = ("tape", "value")
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, value, tape):
        self.value = value
        self.tape = tape

    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)

    def __len__(self):
        return len(self.value)

    def __repr__(self):
        return f"Tracer({self.value!r})"

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a value being differentiated cannot be converted to a NumPy array inside "
                        "value_and_grad; use dlx.ops (or ops.stop_gradient) instead")

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __bool__(self):
        return bool(self.value)

    def item(self):
        return self.value.item()

    def astype(self, dtype):
        from dlx import ops

        return ops.cast(self, dtype)

    def reshape(self, *shape):
        from dlx import ops

        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)


def _install_tracer_operators():
    from dlx.ops import operators

    operators.install(Tracer, elementwise_eq=True)


class Node:
    __slots__ = ("args", "inputs", "kwargs", "out_value", "outputs", "spec")

    def __init__(self, spec, args, kwargs, inputs, outputs, out_value):
        self.spec, self.args, self.kwargs = spec, args, kwargs
        self.inputs, self.outputs, self.out_value = inputs, outputs, out_value


class Tape:
    def __init__(self):
        self.nodes: list[Node] = []


def _unwrap(obj, inputs, path):
    if type(obj) is Tracer:
        inputs.append((path, obj))
        return obj.value
    if type(obj) in (list, tuple) and any(type(o) is Tracer for o in obj):
        return type(obj)(_unwrap(o, inputs, (*path, i)) for i, o in enumerate(obj))
    return obj


def make_taped_kernel(spec, kernel, plain: dict):
    """``kernel`` recording a tape node whenever a :class:`Tracer` is among its arguments;
    ``plain`` is the backend's untaped op table, which the kernel's own op calls use."""
    if getattr(kernel, "runs_callables", False):
        # a control-flow op (dlx.ops.defs.control): the ops its callables run are taped instead
        return kernel
    param_index = {n: i for i, n in enumerate(spec.params)}
    differentiable = spec.grad is not None

    def taped(*args, **kwargs):
        inputs: list = []
        raw = tuple(_unwrap(a, inputs, (i,)) for i, a in enumerate(args))
        raw_kw = {k: _unwrap(v, inputs, (k,)) for k, v in kwargs.items()}
        if not inputs:
            return kernel(*args, **kwargs)
        saved = STATE.kernels
        STATE.kernels = plain
        try:
            out = kernel(*raw, **raw_kw)
        finally:
            STATE.kernels = saved
        if not differentiable:
            return out
        tape = inputs[0][1].tape
        outs = tree.map_structure(lambda v: Tracer(v, tape), out)
        tape.nodes.append(Node(spec, raw, raw_kw, inputs, tree.leaves(outs), out))
        return outs

    taped.__wrapped__ = kernel
    taped.param_index = param_index
    return taped


def taped_table(plain: dict) -> dict:
    """The taping twin of a backend's op table (for backends whose tensors are NumPy arrays:
    the reference backend, and third-party ones such as ``plugins/dlx-template``)."""
    from dlx.ops.spec import REGISTRY

    _install_tracer_operators()
    return {n: make_taped_kernel(REGISTRY[n], k, plain) for n, k in plain.items()}


def _cotangent_for(spec, grads, path):
    """Picks the cotangent for the input at ``path`` from the rule's per-tensor-param result."""
    params = spec.signature.parameters.values()
    names = tuple(p.name for p in params if p.kind is not p.VAR_KEYWORD)
    star = next((i for i, p in enumerate(params) if p.kind is p.VAR_POSITIONAL), None)
    key = path[0]
    if isinstance(key, int) and star is not None and key >= star:  # an argument of *varargs
        name = names[star]
    else:
        name = names[key] if isinstance(key, int) and key < len(names) else key
    ordered = (*spec.tensors, *spec.tensor_lists)
    if name not in ordered or ordered.index(name) >= len(grads):
        return None
    g = grads[ordered.index(name)]
    if g is None:
        return None
    if name in spec.tensor_lists:
        sig = spec.signature.parameters[name]
        if sig.kind is sig.VAR_POSITIONAL:
            return g[key - star]
        return g[path[1]]
    return g


def _sum_to_shape(g, shape):
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape) if d == 1 and g.shape[i + lead] != 1)
    g = np.sum(g, axis=axes, keepdims=True) if axes else g
    return g.reshape(shape)


def _differentiable(dtype) -> bool:
    """Float dtypes, ml_dtypes' bfloat16 included (NumPy files it under kind ``"V"``)."""
    return dtype.kind == "f" or dtype.name == "bfloat16"


def backward(tape: Tape, value: Tracer, targets: list[Tracer]):
    cot: dict[int, np.ndarray] = {id(value): np.ones_like(value.value)}
    for node in reversed(tape.nodes):
        gs = [cot.get(id(o)) for o in node.outputs]
        if all(g is None for g in gs):
            continue
        leaves_out = [o.value for o in node.outputs]
        gs = [np.zeros_like(v) if g is None else g for g, v in zip(gs, leaves_out)]
        _, td = tree.flatten(node.out_value)
        g_struct = tree.unflatten(td, gs)
        grads = node.spec.grad(g_struct, node.out_value, *node.args, **node.kwargs)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        for path, tracer in node.inputs:
            g = _cotangent_for(node.spec, grads, path)
            if g is None:
                continue
            g = np.asarray(g)
            if _differentiable(tracer.value.dtype):
                g = _sum_to_shape(g.astype(tracer.value.dtype, copy=False), tracer.value.shape)
            else:
                continue
            prev = cot.get(id(tracer))
            cot[id(tracer)] = g if prev is None else prev + g
    return [cot.get(id(t)) for t in targets]


def value_and_grad(backend, fn, argnums=0, has_aux=False, *, taped: dict | None = None):
    """Reverse-mode ``value_and_grad`` for a backend whose tensors are NumPy arrays: ops run on
    ``taped`` (default ``backend._taped_table``), the tape is walked with the specs' gradient
    rules on the backend's own kernels."""
    taped = backend._taped_table if taped is None else taped
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)

    def wrapped(*args):
        if STATE.kernels is taped:
            raise NotImplementedError("nested value_and_grad (higher-order derivatives) is not "
                                      "supported by the NumPy backend; use the jax or torch backend")
        tape = Tape()
        args = list(args)
        targets, defs = [], []
        for n in nums:
            leaves, td = tree.flatten(args[n])
            tr = [Tracer(np.asarray(backend.convert_to_tensor(x)), tape) for x in leaves]
            targets.append(tr)
            defs.append(td)
            args[n] = tree.unflatten(td, tr)
        saved = STATE.kernels, STATE.scoped
        STATE.kernels, STATE.scoped = taped, backend
        try:
            out = fn(*args)
        finally:
            STATE.kernels, STATE.scoped = saved
        value, aux = out if has_aux else (out, None)
        flat_targets = [t for ts in targets for t in ts]
        if type(value) is Tracer:
            if value.value.size != 1:
                raise ValueError(f"value_and_grad: fn must return a scalar, got shape {value.shape}")
            # gradients may overflow (float16 under loss scaling): inf/nan propagate silently, as
            # in every framework, for the caller (LossScaleOptimizer) to detect
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                grads = backward(tape, value, flat_targets)
            value = value.value
        else:
            grads = [None] * len(flat_targets)
        grads = [np.zeros_like(t.value) if g is None else g for g, t in zip(grads, flat_targets)]
        out_grads, i = [], 0
        for ts, td in zip(targets, defs):
            out_grads.append(tree.unflatten(td, grads[i:i + len(ts)]))
            i += len(ts)
        aux = tree.map_structure(lambda v: v.value if type(v) is Tracer else v, aux)
        result_grads = out_grads[0] if single else tuple(out_grads)
        return ((value, aux) if has_aux else value), result_grads

    return wrapped


def reference_vjp(spec, g, out, args, kwargs):
    """The spec's gradient rule evaluated on the NumPy backend, one cotangent per tensor
    parameter name (lists for ``tensor_lists``), summed back to each input's shape.

    Used by the conformance suite's gradient tier (in float64 it is the oracle)."""
    from dlx.backend import registry

    with registry.use("numpy"):
        grads = spec.grad(g, out, *args, **kwargs)
    if not isinstance(grads, (tuple, list)):
        grads = (grads,)
    bound = spec.signature.bind(*args, **kwargs)
    result = {}
    for i, name in enumerate((*spec.tensors, *spec.tensor_lists)):
        if i >= len(grads) or grads[i] is None or name not in bound.arguments:
            continue
        value = bound.arguments[name]
        if name in spec.tensor_lists:
            result[name] = [None if gi is None else _sum_to_shape(np.asarray(gi), np.shape(v))
                            for gi, v in zip(grads[i], value)]
        elif value is not None:
            result[name] = _sum_to_shape(np.asarray(grads[i]), np.shape(value))
    return result
