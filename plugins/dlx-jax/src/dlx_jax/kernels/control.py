"""Control-flow kernels: the ops of :mod:`dlx.ops.defs.control` as ``jax.lax`` loops and
``jax.vmap``, so a compiled function holds one loop (not an unrolled Python one) and XLA compiles
its body once. ``scan``, ``fori_loop`` with static bounds, ``map``, ``associative_scan``,
``vectorized_map``, ``cond`` and ``switch`` are reverse-differentiable; ``lax.while_loop`` is not
(JAX differentiates it forward only)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from dlx import tree_util as tree
from dlx.ops import tensors


def _tensor_leaves(t):
    """NumPy arrays and Python scalars among the leaves of ``t`` as JAX arrays of dlx's dtypes
    (a Python float is floatx, not JAX's float64), so loop carries keep one dtype."""
    def conv(v):
        if isinstance(v, (bool, int, float, np.ndarray, np.generic)):
            return tensors.convert_to_tensor(v)
        return v
    return tree.map_structure(conv, t)


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _predicate(value):
    return jnp.asarray(value).astype(bool)


def cond(pred, true_fn, false_fn):
    return lax.cond(_predicate(pred), true_fn, false_fn)


def switch(index, branches, *operands):
    if not branches:
        raise ValueError("switch: branches is empty; expected at least one callable")
    return lax.switch(jnp.asarray(index, jnp.int32), list(branches), *operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = _tensor_leaves(tuple(loop_vars) if is_tuple else (loop_vars,))
    if maximum_iterations is None:
        state = lax.while_loop(lambda s: _predicate(cond(*s)), lambda s: _as_tuple(body(*s)), state)
    else:
        limit = jnp.asarray(maximum_iterations, jnp.int32)

        def keep_going(s):
            return jnp.logical_and(s[0] < limit, _predicate(cond(*s[1])))

        _, state = lax.while_loop(keep_going, lambda s: (s[0] + 1, _as_tuple(body(*s[1]))),
                                  (jnp.asarray(0, jnp.int32), state))
    return state if is_tuple else state[0]


def _bound(v):
    return np.int32(v) if isinstance(v, int) and not isinstance(v, bool) else v


def fori_loop(lower, upper, body_fun, init_val):
    # Python-int bounds stay concrete: lax.fori_loop then lowers to a (differentiable) scan
    return lax.fori_loop(_bound(lower), _bound(upper), body_fun, _tensor_leaves(init_val))


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"scan: unroll={unroll!r}; expected a positive int or a bool")
    if xs is None and length is None:
        raise ValueError("scan: xs is None and length is None; pass xs or length")
    return lax.scan(f, _tensor_leaves(init), _tensor_leaves(xs), length=length, reverse=reverse, unroll=unroll)


def associative_scan(f, elems, reverse=False, axis=0):
    return lax.associative_scan(f, _tensor_leaves(elems), reverse=reverse, axis=axis)


def map(f, xs):  # the op's name (shadows the builtin here)
    return lax.map(f, _tensor_leaves(xs))


def vectorized_map(function, elements):
    return jax.vmap(function)(_tensor_leaves(elements))


#: op name -> kernel
KERNELS: dict = {"cond": cond, "switch": switch, "while_loop": while_loop, "fori_loop": fori_loop, "scan": scan,
                 "associative_scan": associative_scan, "map": map, "vectorized_map": vectorized_map}

__all__ = ["KERNELS"]


def custom_gradient(f):
    if not callable(f):
        raise TypeError(f"custom_gradient: f={f!r} is not callable")
    return jax.custom_gradient(f)


KERNELS["custom_gradient"] = custom_gradient
