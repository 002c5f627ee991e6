"""Shared helpers of the JAX kernels: dlx's dtype rules on top of ``jax.numpy``.

JAX runs with ``jax_enable_x64`` (so float64 works), which makes its *default* dtypes 64-bit:
``jnp.asarray(1.5)`` is float64 and ``int32 + 1.5`` is float64. dlx's rules differ (Python
floats are ``floatx()``, Python ints int32, integer inputs to float functions give ``floatx()``),
so every place where JAX would pick a default dtype gets an explicit one here.

Every kernel has a fast path for the common case (concrete ``jax.Array`` inputs whose dtypes need
no promotion) that calls the ``jnp`` function directly; the helpers below are the slow path.

:func:`jit_eager_calls` turns a composite kernel (or a spec's decomposition) into one that runs
as a single ``jax.jit`` program when it is called eagerly.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dlx import config, dtypes
from dlx_jax import _internals

#: The concrete eager array class (``jaxlib._jax.ArrayImpl``): exact type checks against it are
#: the cheapest way to recognize "already a JAX array" on the hot path (tracers are not it).
Array = _internals.array_class()
PY_SCALARS = frozenset({bool, int, float})
#: every contraction kernel passes it: full float32 products on GPU/TPU too (PARITY.md), without
#: touching the process-wide ``jax_default_matmul_precision`` the user may have set
HIGHEST = jax.lax.Precision.HIGHEST
FLOAT_DTYPES = frozenset(np.dtype(d) for d in ("float16", "float32", "float64")) | {np.dtype(jnp.bfloat16)}
BOOL = np.dtype(bool)
INT32 = np.dtype(np.int32)
UINT32 = np.dtype(np.uint32)
FLOAT32 = np.dtype(np.float32)


@functools.cache
def np_dtype(dtype: Any) -> np.dtype:
    """The NumPy dtype (as JAX uses it) of a dlx dtype name or any framework dtype."""
    return np.dtype(jnp.bfloat16) if dtypes.standardize(dtype) == "bfloat16" else dtypes.to_numpy_dtype(dtype)


def widest(x: Any) -> jax.Array:
    """``x`` in float64 for a computation the spec does in float64 -- or in float32 when JAX's x64
    mode is off (there is no float64 then: asking for it would only earn JAX's truncation warning)."""
    return x.astype(np.float64 if jax.config.jax_enable_x64 else np.float32)


def floatx() -> np.dtype:
    return np_dtype(dtypes.floatx())


def scalar_dtype(x: bool | int | float) -> np.dtype:
    """dlx's dtype of a Python scalar: bool, int32, or ``floatx()``."""
    t = type(x)
    if t is bool:
        return BOOL
    if t is int:
        return INT32
    return floatx()


def arr(x: Any) -> jax.Array:
    """``x`` as a JAX array (tracers pass through); Python scalars and lists follow dlx's rule."""
    t = type(x)
    if t is Array:
        return x
    if t in PY_SCALARS:
        return jnp.asarray(x, scalar_dtype(x))
    if t is np.ndarray:  # a transfer (jnp.asarray would also compile and run a convert)
        return jax.device_put(x)
    if isinstance(x, jax.Array):
        return x
    if isinstance(x, (list, tuple)):
        a = np.asarray(x)
        if a.dtype == np.float64:
            a = a.astype(floatx())
        elif a.dtype == np.int64:
            a = a.astype(INT32)
        return jnp.asarray(a)
    return jnp.asarray(x)


def fl(x: Any) -> jax.Array:
    """``x`` as a float array: integer and bool inputs become ``floatx()`` (dlx's ``as_float``)."""
    if type(x) is Array and x.dtype in FLOAT_DTYPES:
        return x
    x = arr(x)
    return x if x.dtype in FLOAT_DTYPES else x.astype(floatx())


def _to(x: Any, target: np.dtype) -> Any:
    x = arr(x)
    return x if x.dtype == target else x.astype(target)


def promote(*xs: Any) -> tuple:
    """``xs`` in dlx's promoted dtype (:func:`dlx.dtypes.result_type`).

    Python scalars next to a tensor stay Python scalars: JAX treats them as weak, exactly like
    dlx, once the tensors have the promoted dtype. Only all-scalar inputs become arrays.
    """
    target = np_dtype(dtypes.result_type(*xs))
    if all(type(x) in PY_SCALARS for x in xs):
        return tuple(jnp.asarray(x, target) for x in xs)
    return tuple(x if type(x) in PY_SCALARS else _to(x, target) for x in xs)


def promote2(x1: Any, x2: Any) -> tuple:
    """:func:`promote` for two operands, with the no-op case short-circuited."""
    if type(x1) is Array and type(x2) is Array and x1.dtype == x2.dtype:
        return x1, x2
    return promote(x1, x2)


def float_promote(*xs: Any) -> tuple:
    """:func:`promote`, then integer / bool results become ``floatx()``."""
    xs = promote(*xs)
    first = next((x for x in xs if type(x) not in PY_SCALARS), None)
    if first is not None and first.dtype not in FLOAT_DTYPES:
        f = floatx()
        xs = tuple(x if type(x) in PY_SCALARS else x.astype(f) for x in xs)
    return xs


def axis_arg(axis: Any) -> Any:
    """Lists of axes become tuples (``jnp`` wants hashable axes)."""
    return tuple(axis) if isinstance(axis, list) else axis


def axis_tuple(axis: Any, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim if ndim else a for a in axis)


def binary(fn, names=("x1", "x2")):
    """A two-operand kernel: ``fn`` on operands promoted by dlx's rule (fast path: same dtype)."""
    a, b = names
    if (a, b) == ("x1", "x2"):
        def kernel(x1, x2):
            if type(x1) is Array and type(x2) is Array and x1.dtype == x2.dtype:
                return fn(x1, x2)
            return fn(*promote(x1, x2))
    else:
        def kernel(x, y):
            if type(x) is Array and type(y) is Array and x.dtype == y.dtype:
                return fn(x, y)
            return fn(*promote(x, y))
    kernel.__name__ = kernel.__qualname__ = getattr(fn, "__name__", "binary")
    return kernel


def float_binary(fn):
    """A two-operand float kernel (integer inputs give ``floatx()``)."""
    def kernel(x1, x2):
        if type(x1) is Array and type(x2) is Array and x1.dtype == x2.dtype and x1.dtype in FLOAT_DTYPES:
            return fn(x1, x2)
        return fn(*float_promote(x1, x2))
    kernel.__name__ = kernel.__qualname__ = getattr(fn, "__name__", "float_binary")
    return kernel


def float_unary(fn):
    """A one-operand float kernel (``x`` through :func:`fl`)."""
    def kernel(x):
        if type(x) is Array and x.dtype in FLOAT_DTYPES:
            return fn(x)
        return fn(fl(x))
    kernel.__name__ = kernel.__qualname__ = getattr(fn, "__name__", "float_unary")
    return kernel


def unary(fn):
    """A one-operand kernel for any dtype."""
    def kernel(x):
        if type(x) is Array:
            return fn(x)
        return fn(arr(x))
    kernel.__name__ = kernel.__qualname__ = getattr(fn, "__name__", "unary")
    return kernel


# -------------------------------------------------------------------------- eager calls, compiled
#: numpy arrays in non-tensor parameters up to this many elements are hashed into the program's
#: key (their values stay NumPy inside the program, so the function's host-side checks of them
#: still run); a larger one makes the call run op by op
STATIC_ARRAY_MAX = 1 << 12
#: NumPy dtype kinds a program can take as an argument (bool, integers, floats, complex; and
#: bfloat16, an ``ml_dtypes`` kind "V")
_TRACEABLE_KINDS = frozenset("biufc")


class _Unkeyable(Exception):
    """A value that cannot be part of a compiled program's key."""


def static_key(v: Any) -> Any:
    """A hashable key of a non-tensor argument, equal only for values a function cannot tell
    apart: the type is part of it (``1``, ``1.0`` and ``True`` differ) and floats compare by
    bits (``-0.0`` differs from ``0.0``; NaN equals itself).

    Raises:
        _Unkeyable: for values with no such key (tensors, dicts, objects, object arrays, NumPy
            arrays over :data:`STATIC_ARRAY_MAX` elements).
    """
    t = type(v)
    if v is None or t is bool or t is int or t is str:
        return t, v
    if t is float:
        return t, v.hex()
    if t is complex:
        return t, v.real.hex(), v.imag.hex()
    if t is tuple or t is list:
        return t, tuple(static_key(e) for e in v)
    if t is np.ndarray:
        if v.dtype.hasobject or v.size > STATIC_ARRAY_MAX:
            raise _Unkeyable
        return t, v.dtype.str, v.shape, v.tobytes()
    if isinstance(v, np.generic) and not v.dtype.hasobject:
        return t, v.dtype.str, v.tobytes()
    raise _Unkeyable


class _Statics:
    """The non-tensor arguments of one call: hashed (for ``jax.jit``'s cache) by their
    :func:`static_key` s and the dlx settings a function may read (``floatx``, ``epsilon``,
    ``image_data_format``)."""

    __slots__ = ("_hash", "key", "values")

    def __init__(self, values: dict) -> None:
        self.values = values
        self.key = (tuple((k, static_key(v)) for k, v in values.items()),
                    config.floatx(), config.epsilon(), config.image_data_format())
        self._hash = hash(self.key)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return type(other) is _Statics and self.key == other.key


#: The XLA option :func:`compiler_options` sets: which work XLA:CPU hands to YNNPACK. Its
#: default here (jax 0.10.2) is individual dots, reductions and individual convolutions
#: (``LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT,..._REDUCE`` compile MLP and transformer training steps
#: to the same program as the default, checked on their HLO). Measured on this CPU
#: (bench/README.md): forward passes ran 23-47% longer with any YNNPACK fusion, so inference
#: programs get none; training steps ran faster with the dot fusions (W1 1.27 against 1.38 ms,
#: W3 768 against 853 ms) but slower with the convolutions (W2 45 against 39 ms), so they keep
#: the default without the convolutions.
YNN_FUSION_OPTION = "xla_cpu_experimental_ynn_fusion_type"
INFERENCE_CPU_OPTIONS = {YNN_FUSION_OPTION: ""}
TRAINING_CPU_OPTIONS = {YNN_FUSION_OPTION: "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT,LIBRARY_FUSION_TYPE_REDUCE"}


def compiler_options(inference: bool) -> dict | None:
    """The ``compiler_options`` of a compiled program: :data:`INFERENCE_CPU_OPTIONS` for an
    inference program (a predict or evaluate step), :data:`TRAINING_CPU_OPTIONS` for any other,
    when programs compile for the CPU; none on an accelerator or when the user's ``XLA_FLAGS``
    choose the YNNPACK fusions themselves (their choice stands)."""
    if jax.default_backend() != "cpu" or YNN_FUSION_OPTION in os.environ.get("XLA_FLAGS", ""):
        return None
    return dict(INFERENCE_CPU_OPTIONS if inference else TRAINING_CPU_OPTIONS)


class Compiled:
    """A ``jax.jit``-compiled function plus a trace counter.

    ``jax.jit`` caches one executable per input signature (shapes, dtypes, static values); the
    Python body runs only when a new signature is traced, which is what :attr:`trace_count`
    counts. ``compiler_options`` go to XLA with every compilation (``jax.jit``'s).
    """

    __slots__ = ("__wrapped__", "_jitted", "compiler_options", "trace_count")

    def __init__(self, fn: Callable, donate_argnums: tuple, static_argnums: tuple,
                 compiler_options: dict | None = None) -> None:
        self.__wrapped__ = fn
        self.compiler_options = compiler_options
        self.trace_count = 0

        def traced(*args, **kwargs):
            self.trace_count += 1
            return fn(*args, **kwargs)

        traced.__name__ = getattr(fn, "__name__", "compiled")
        traced.__qualname__ = getattr(fn, "__qualname__", traced.__name__)
        self._jitted = jax.jit(traced, donate_argnums=donate_argnums, static_argnums=static_argnums,
                               compiler_options=compiler_options)

    def __call__(self, *args, **kwargs):
        return self._jitted(*args, **kwargs)

    def lower(self, *args, **kwargs):
        """``jax.jit(...).lower``: the lowered computation for these arguments."""
        return self._jitted.lower(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<dlx-jax Compiled {getattr(self.__wrapped__, '__name__', '?')} traces={self.trace_count}>"


def _traceable_array(v: Any) -> bool:
    """Whether ``v`` can be a program argument as it is: a concrete ``jax.Array`` or a numeric
    NumPy array."""
    if type(v) is np.ndarray:
        return v.dtype.kind in _TRACEABLE_KINDS or v.dtype in FLOAT_DTYPES
    return isinstance(v, jax.Array) and not isinstance(v, jax.core.Tracer)


def jit_eager_calls(fn, tensors: tuple[str, ...], traced: tuple[str, ...] = (),
                    tensor_lists: tuple[str, ...] = ()):
    """``fn`` (a kernel, or a spec's decomposition into ops) as a kernel that runs as ONE
    ``jax.jit`` program per call signature when it is called with concrete arguments.

    Run op by op, a composite function compiles an XLA program per primitive for every new
    shape and dtype; compiled whole it compiles one. Every argument is classified per call:

    * ``tensors`` parameters holding a ``jax.Array`` or a NumPy array are traced (their shape
      and dtype are the program's key);
    * ``tensor_lists`` parameters holding a list / tuple of such arrays (or one array) are traced;
    * ``traced`` parameters (numeric parameters the function handles alike as a tensor or a
      constant) are traced when they hold a ``jax.Array``; a NumPy array there is static;
    * everything else is static: hashed with :func:`static_key` and passed to ``fn`` as it is,
      so ``fn``'s checks of it raise their errors on the first call.

    The call runs ``fn`` directly, as before, when an argument is a tracer (inside the user's
    ``jit`` / ``grad``: the surrounding program fuses it anyway), when a ``jax.Array`` sits in a
    parameter that is neither in ``tensors`` nor in ``traced``, or when a static value has no
    key (:func:`static_key`). Only functions that read no global state other than dlx's
    ``floatx`` / ``epsilon`` / ``image_data_format`` (part of the key) may be wrapped.

    The returned kernel has ``fn``'s signature; its ``compiled`` attribute is the
    :class:`Compiled` program, whose ``trace_count`` says how many call signatures it has traced.
    """
    import inspect

    sig = inspect.signature(fn)
    names = tuple(sig.parameters)
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values()):
        raise TypeError(f"jit_eager_calls: {fn.__name__} takes *args / **kwargs; name every parameter")
    unknown = sorted((set(tensors) | set(traced) | set(tensor_lists)) - set(names))
    if unknown:
        raise TypeError(f"jit_eager_calls: {fn.__name__} has no parameter(s) {unknown}")
    defaults = {k: p.default for k, p in sig.parameters.items() if p.default is not p.empty}
    array_params = frozenset(tensors) | frozenset(tensor_lists)
    tracer_params = array_params | frozenset(traced)
    list_params = frozenset(tensor_lists)
    tracer = jax.core.Tracer

    def program(arrays: dict, statics: _Statics):
        return fn(**arrays, **statics.values)

    program.__name__ = program.__qualname__ = getattr(fn, "__name__", "kernel")
    jitted = Compiled(program, donate_argnums=(), static_argnums=(1,))

    def kernel(*args, **kwargs):
        if len(args) > len(names):
            return fn(*args, **kwargs)  # fn raises its TypeError
        values = dict(defaults)
        values.update(zip(names, args))
        values.update(kwargs)
        arrays, statics = {}, {}
        for k, v in values.items():
            if isinstance(v, jax.Array):  # tracers included
                if isinstance(v, tracer) or k not in tracer_params:
                    return fn(*args, **kwargs)
                arrays[k] = v
            elif k in array_params and (_traceable_array(v) if type(v) is np.ndarray else (
                    k in list_params and type(v) in (list, tuple) and v and all(map(_traceable_array, v)))):
                arrays[k] = v
            else:
                statics[k] = v
        try:
            key = _Statics(statics)
        except _Unkeyable:
            return fn(*args, **kwargs)
        return jitted(arrays, key)

    kernel.compiled = jitted
    kernel.__signature__ = sig
    kernel.__wrapped__ = fn
    kernel.__name__ = kernel.__qualname__ = getattr(fn, "__name__", "kernel")
    kernel.__doc__ = fn.__doc__
    return kernel


def compiled_kernel(name: str, fn=None, traced: tuple[str, ...] = ()):
    """``fn`` (default: op ``name``'s spec decomposition) through :func:`jit_eager_calls`, with
    the spec's ``tensors`` and ``tensor_lists`` as its tensor parameters: the kernel of a
    composite op."""
    import dlx.ops.defs  # noqa: F401  (registers every op)
    from dlx.ops.spec import REGISTRY

    spec = REGISTRY[name]
    return jit_eager_calls(spec.decomposition if fn is None else fn, spec.tensors, traced, spec.tensor_lists)
