"""Control-flow kernels: the ops of :mod:`dlx.ops.defs.control` inside ``tf.function`` as graph
control flow (``tf.cond``, ``tf.switch_case``, ``tf.while_loop`` with ``TensorArray`` outputs,
``tf.vectorized_map``), so a traced step holds one loop whose trip count may be unknown
(unknown timesteps, unknown batch). Eagerly they run the ops' Python semantics (what
``tf.while_loop`` itself does eagerly), which ``tf.GradientTape`` differentiates step by step;
the graph loops are differentiable too (``tf.while_loop`` supports reverse mode).
"""

from __future__ import annotations

import functools

from dlx import tree_util as tree
from dlx.ops import tensors
from dlx.ops.defs import control as ref
from dlx_tf._core import tf


def _tensor_leaves(t):
    """NumPy arrays and Python scalars among the leaves of ``t`` as tensors of dlx's dtypes."""
    return tree.map_structure(lambda v: v if isinstance(v, (tf.Tensor, tf.Variable)) else
                              tensors.convert_to_tensor(v), t)


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _predicate(value):
    value = tf.convert_to_tensor(value)
    return value if value.dtype == tf.bool else tf.cast(value, tf.bool)


def cond(pred, true_fn, false_fn):
    if tf.executing_eagerly():
        return ref.cond(pred, true_fn, false_fn)
    return tf.cond(_predicate(pred), true_fn, false_fn)


def switch(index, branches, *operands):
    if tf.executing_eagerly():
        return ref.switch(index, branches, *operands)
    if not branches:
        raise ValueError("switch: branches is empty; expected at least one callable")
    i = tf.clip_by_value(tf.cast(index, tf.int32), 0, len(branches) - 1)
    return tf.switch_case(i, [functools.partial(b, *operands) for b in branches])


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    if tf.executing_eagerly():
        return ref.while_loop(cond, body, loop_vars, maximum_iterations)
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = _tensor_leaves(tuple(loop_vars) if is_tuple else (loop_vars,))
    out = tf.while_loop(lambda *s: _predicate(cond(*s)), lambda *s: _as_tuple(body(*s)), state,
                        maximum_iterations=maximum_iterations)
    out = _as_tuple(out)
    return out if is_tuple else out[0]


def fori_loop(lower, upper, body_fun, init_val):
    if tf.executing_eagerly():
        return ref.fori_loop(lower, upper, body_fun, init_val)
    lo = tf.cast(lower, tf.int32)
    hi = tf.cast(upper, tf.int32)
    _, val = tf.while_loop(lambda i, v: i < hi, lambda i, v: (i + 1, body_fun(i, v)),
                           (lo, _tensor_leaves(init_val)))
    return val


def _step_signature(f, carry, x):
    """The structure and ``TensorSpec`` s of ``f(carry, x)``'s ``y``, from a scratch trace."""
    spec = functools.partial(tree.map_structure, lambda v: tf.TensorSpec(v.shape, v.dtype))
    fn = tf.function(lambda c, x: f(c, x)[1], autograph=False)
    return fn.get_concrete_function(spec(carry), spec(x)).structured_outputs


#: steps of a traced scan per ``tf.while_loop`` iteration, where the known length allows it
_STEPS_PER_ITERATION = 4


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if tf.executing_eagerly():
        return ref.scan(f, init, xs, length, reverse, unroll)
    ref._check_unroll(unroll)
    if xs is None and length is None:
        raise ValueError("scan: xs is None and length is None; pass xs or length")
    xs = _tensor_leaves(xs)
    carry = _tensor_leaves(init)
    xs_leaves, xs_def = tree.flatten(xs)
    if length is not None:
        n = length
    elif not xs_leaves:
        raise ValueError("scan: xs has no arrays and length is None; pass length")
    else:
        n = xs_leaves[0].shape[0]
        n = tf.shape(xs_leaves[0])[0] if n is None else n
    inputs = [tf.TensorArray(v.dtype, size=n, element_shape=v.shape[1:]).unstack(v) for v in xs_leaves]

    def x_at(i, arrays):
        return None if xs is None else tree.unflatten(xs_def, [a.read(i) for a in arrays])

    x0 = None if xs is None else tree.unflatten(xs_def, [tf.TensorSpec(v.shape[1:], v.dtype) for v in xs_leaves])
    y_sig = _step_signature(f, carry, x0) if xs is not None else _step_signature(f, carry, None)
    y_leaves, y_def = tree.flatten(y_sig)
    outputs = [tf.TensorArray(s.dtype, size=n, element_shape=s.shape) for s in y_leaves]
    c_leaves, c_def = tree.flatten(carry)

    def body(i, c_flat, outs):
        c, y = f(tree.unflatten(c_def, list(c_flat)), x_at(i, inputs))
        outs = [a.write(i, v) for a, v in zip(outs, tree.flatten(y)[0])]
        return i + (-1 if reverse else 1), tuple(tree.flatten(c)[0]), outs

    start = n - 1 if reverse else 0
    # TF's window of (at least) 10 iterations in flight, never 1: a step's work that does not wait
    # for the carry (reading x_t, its input projection, writing y) then overlaps the recurrence,
    # forward and in the gradient loop (with 1, every op of every step ran in sequence)
    parallel = 10 if isinstance(unroll, bool) else max(10, int(unroll))
    # a known length that _STEPS_PER_ITERATION divides runs that many steps per loop iteration,
    # the same ops in the same order: TF's per-iteration cost (the loop's frames, the gradient's
    # accumulator pushes and pops) is paid a quarter as often (an LSTM(64) over 100 steps trains
    # about 7% faster; two steps per iteration gained nothing measurable)
    k = _STEPS_PER_ITERATION if isinstance(n, int) and n >= 2 * _STEPS_PER_ITERATION and \
        n % _STEPS_PER_ITERATION == 0 else 1

    def body_k(i, c_flat, outs):
        for _ in range(k):
            i, c_flat, outs = body(i, c_flat, outs)
        return i, c_flat, outs

    # exactly n steps: the bound (maximum_iterations, which XLA needs for the TensorArrays) is the
    # loop's only test (a constant True condition folds away), so each step compares one counter,
    # as a hand-written loop does, not also its own index (two comparisons and a LogicalAnd)
    _, c_flat, outs = tf.while_loop(lambda i, c, o: True, body_k,
                                    (tf.constant(start, tf.int32) if isinstance(start, int) else start,
                                     tuple(c_leaves), outputs), parallel_iterations=parallel,
                                    maximum_iterations=n // k)
    ys = [a.stack() for a in outs]
    static_n = n if isinstance(n, int) else None
    for y, s in zip(ys, y_leaves):
        y.set_shape(tf.TensorShape([static_n]).concatenate(s.shape))
    return tree.unflatten(c_def, list(c_flat)), tree.unflatten(y_def, ys)


def map(f, xs):  # the op's name (shadows the builtin here)
    if tf.executing_eagerly():
        return ref.map_(f, xs)
    return scan(lambda _, x: ((), f(x)), (), xs)[1]


def vectorized_map(function, elements):
    return tf.vectorized_map(function, _tensor_leaves(elements))


#: op name -> kernel
KERNELS: dict = {"cond": cond, "switch": switch, "while_loop": while_loop, "fori_loop": fori_loop, "scan": scan,
                 "map": map, "vectorized_map": vectorized_map}

__all__ = ["KERNELS"]


def custom_gradient(f):
    if not callable(f):
        raise TypeError(f"custom_gradient: f={f!r} is not callable")
    return tf.custom_gradient(f)


KERNELS["custom_gradient"] = custom_gradient
