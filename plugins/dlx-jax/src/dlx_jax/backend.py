"""The JAX backend: XLA kernels, ``jax`` autodiff, ``jax.jit``, ``jax.Array`` variables.

This is the only module of the plugin that imports JAX; dlx imports it when the ``jax`` backend
is selected (``BackendRecord.target``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dlx import dtypes
from dlx.backend.contract import Backend, BackendError, Capabilities
from dlx_jax import kernels
from dlx_jax._common import PY_SCALARS, Array, Compiled, arr, compiler_options, np_dtype, scalar_dtype

_FAST_MATH_FLAGS = ("--xla_cpu_enable_fast_math=true", "--xla_gpu_enable_fast_math=true")


def _as_tuple(v: Any) -> tuple:
    if v is None:
        return ()
    return (v,) if isinstance(v, int) else tuple(v)


def _py_leaf_to_tensor(x: Any) -> Any:
    return jnp.asarray(x, scalar_dtype(x)) if type(x) in PY_SCALARS else x


class JaxBackend(Backend):
    """dlx on JAX.

    * Kernels are ``jax.numpy`` / ``lax`` / ``jax.nn`` calls with dlx's dtype rules applied (x64 is
      on for float64, so every default dtype is passed explicitly).
    * ``value_and_grad`` is ``jax.value_and_grad``; ``compile`` is ``jax.jit`` (see
      :class:`Compiled`); variables are immutable ``jax.Array`` values (assign returns a new one).
    * ``random_bits`` is ``jax.random.bits`` on a Threefry-2x32 key (partitionable layout).
    """

    name = "jax"
    compiled_takes_numpy = True  # jit converts NumPy arguments in C++
    prefetch_in_memory_batches = False  # XLA's CPU step uses every core; a slice is cheaper than a hand-off
    variable_values_immutable = True  # a variable's storage is a jax.Array: assign replaces it
    spec_version = 2
    capabilities = Capabilities(training=True, jit=True, float64=True, complex=True, distribution=True)
    xfail_file = str(Path(__file__).with_name("xfails.txt"))

    def __init__(self) -> None:
        super().__init__()
        import dlx.ops  # noqa: F401  (registers every op)

    # -- identity -------------------------------------------------------------------------------
    def framework_version(self) -> str:
        """The JAX version string."""
        return jax.__version__

    def device(self) -> str:
        """The default device as ``"platform:id"`` (``"cpu:0"``, ``"gpu:0"``)."""
        d = jax.config.jax_default_device
        if d is None or isinstance(d, str):
            d = jax.devices(d)[0] if isinstance(d, str) else jax.devices()[0]
        return f"{d.platform}:{d.id}"

    def devices(self) -> list[str]:
        """Every device of the default platform, as ``"platform:id"``."""
        return [f"{d.platform}:{d.id}" for d in jax.devices()]

    def device_scope(self, device_name: str):
        """``jax.default_device`` of the named device (``"cpu"``, ``"gpu:1"``)."""
        from dlx.backend.contract import parse_device

        kind, index = parse_device(device_name)
        try:
            found = jax.devices(kind)
        except RuntimeError:
            found = []
        if index >= len(found):
            raise ValueError(f"device {device_name!r}: JAX has no such device; available: {self.devices()}")
        return jax.default_device(found[index])

    def configure_numerics(self) -> None:
        """PARITY.md's JAX obligations: no XLA fast-math. Full-precision matmuls and the
        partitionable Threefry layout are requested by the kernels themselves
        (``precision=HIGHEST`` on every contraction, a scoped ``jax.threefry_partitionable``
        around ``random_bits``), so JAX's process-wide settings stay the user's.

        float64 needs JAX's process-wide x64 mode, which also changes JAX's own default dtypes
        for every user of JAX in the process. dlx never switches it on by itself: float64 is
        available when the user enabled x64 (``jax.config.update("jax_enable_x64", True)``) or
        opted in with ``DLX_JAX_ENABLE_X64=1``; otherwise ``capabilities.float64`` is False and
        says how to enable it.

        Raises:
            BackendError: when ``XLA_FLAGS`` enables fast-math (divide becomes 2 ULP).
        """
        flags = os.environ.get("XLA_FLAGS", "").lower()
        bad = [f for f in _FAST_MATH_FLAGS if f in flags]
        if bad:
            raise BackendError(f"XLA_FLAGS enables {', '.join(bad)}: dlx's float32 parity classes need "
                               "IEEE arithmetic (PARITY.md); remove the flag")
        opted_in = os.environ.get("DLX_JAX_ENABLE_X64", "").strip().lower() in ("1", "true", "yes", "on")
        if opted_in and not jax.config.jax_enable_x64:
            jax.config.update("jax_enable_x64", True)
        if not jax.config.jax_enable_x64:
            self.capabilities = dataclasses.replace(type(self).capabilities, float64=False, reasons={
                "float64": "JAX's x64 mode is off: enable it with jax.config.update('jax_enable_x64', True) "
                           "or DLX_JAX_ENABLE_X64=1 before selecting the backend"})

    # -- ops ------------------------------------------------------------------------------------
    def native_kernels(self) -> dict[str, Callable]:
        """Every kernel of :mod:`dlx_jax.kernels` (one module per op group)."""
        return kernels.all_kernels()

    # -- tensors --------------------------------------------------------------------------------
    def convert_to_tensor(self, x: Any, dtype: Any = None, *, layout: Any = None) -> jax.Array:
        """``x`` as a ``jax.Array`` (tracers pass through).

        JAX arrays of the right dtype are returned as they are. NumPy arrays go through
        ``jax.device_put(..., may_alias=True)``: on CPU a suitably aligned array is wrapped without
        a copy (the result then shares memory with it: do not mutate the NumPy array afterwards).
        Python floats become ``floatx()`` and ints int32.

        Args:
            x: an array-like, a Python scalar or nested list, or a JAX array / tracer.
            dtype: the dlx dtype to convert to (``None``: keep / infer).
            layout: an optional ``jax.sharding.Sharding`` (or device) to place the result with.

        Returns:
            The JAX array.
        """
        t = type(x)
        if dtype is not None:
            dt = np_dtype(dtype)
            if t is Array or isinstance(x, jax.Array):
                out = x if x.dtype == dt else x.astype(dt)
            elif isinstance(x, np.ndarray):
                out = jax.device_put(x if x.dtype == dt else x.astype(dt), may_alias=True)
            else:
                out = jnp.asarray(x, dt)
        elif t is Array or isinstance(x, jax.Array):
            out = x
        elif isinstance(x, np.ndarray):
            out = jax.device_put(x, may_alias=True)
        elif isinstance(x, np.generic):
            out = jnp.asarray(x)
        else:
            out = arr(x)
        if layout is not None:
            out = jax.device_put(out, layout)
        return out

    def to_numpy(self, x: Any) -> np.ndarray:
        """A NumPy view of a JAX array (no copy on CPU: the view is read-only)."""
        if type(x) is Array:  # the common case: a concrete array
            return np.asarray(x)
        if isinstance(x, jax.core.Tracer):
            raise TypeError("to_numpy: cannot convert a traced value (inside jit / value_and_grad) to NumPy")
        return np.asarray(x)

    def is_tensor(self, x: Any) -> bool:
        """Whether ``x`` is a ``jax.Array`` (tracers included)."""
        return type(x) is Array or isinstance(x, jax.Array)

    # -- autodiff and compilation -----------------------------------------------------------------
    def value_and_grad(self, fn: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
        """``jax.value_and_grad`` of a pure function of pytrees (tuples / lists / dicts).

        Args:
            fn: returns a scalar (``(scalar, aux)`` with ``has_aux``); calls ``dlx.ops``.
            argnums: an int, or a tuple of ints (then the gradients are a tuple).
            has_aux: whether ``fn`` returns ``(value, aux)``.

        Returns:
            ``f(*args) -> (value, grads)`` (``((value, aux), grads)`` with ``has_aux``).
        """
        vg = jax.value_and_grad(fn, argnums=argnums, has_aux=has_aux)
        nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)

        def value_and_grad_fn(*args, **kwargs):
            # Python-scalar leaves follow dlx's rule (float32 / int32), not x64's defaults
            args = list(args)
            for i in nums:
                args[i] = jax.tree_util.tree_map(_py_leaf_to_tensor, args[i])
            return vg(*args, **kwargs)

        return value_and_grad_fn

    def jvp(self, fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
        """``jax.jvp``: ``(fun(*primals), J @ tangents)`` (and ``aux`` with ``has_aux``); tangents
        take their primal's dtype."""
        primals = tuple(jax.tree_util.tree_map(_py_leaf_to_tensor, p) for p in primals)
        tangents = tuple(jax.tree_util.tree_map(lambda t, p: arr(t).astype(p.dtype), t, p)
                         for t, p in zip(tangents, primals))
        return jax.jvp(fun, primals, tangents, has_aux=has_aux)

    def abstract_eval(self, fn: Callable, specs) -> Any:
        """``jax.eval_shape``: nothing is computed. A function that needs values (Python control
        flow on a tensor) runs once on zeros instead."""
        from dlx import tree_util
        from dlx.ops.symbolic import SymbolicTensor

        try:
            out = jax.eval_shape(fn, *[jax.ShapeDtypeStruct(s, np_dtype(d)) for s, d in specs])
        except jax.errors.JAXTypeError:
            return super().abstract_eval(fn, specs)
        return tree_util.map_structure(
            lambda o: SymbolicTensor(tuple(o.shape), dtypes.standardize(o.dtype))
            if isinstance(o, jax.ShapeDtypeStruct) else o, out)

    def remat(self, fn: Callable) -> Callable:
        """``jax.checkpoint(fn)``: intermediates are recomputed in the backward pass."""
        return jax.checkpoint(fn)

    def compile(self, fn: Callable, *, donate_argnums: Any = (), static_argnums: Any = (),
                jit: bool = True, inference: bool = False) -> Callable:
        """``jax.jit`` with an exposed trace counter (:class:`Compiled`); identity if ``jit=False``.

        Args:
            fn: a pure function.
            donate_argnums: arguments whose buffers XLA may reuse for the outputs.
            static_argnums: arguments that are hashed into the cache key instead of traced.
            jit: ``False`` returns ``fn`` unchanged (eager execution, for debugging).
            inference: ``fn`` is a forward pass (predict / evaluate step): on the CPU it compiles
                without XLA's YNNPACK fusions, with which the forward passes measured ran 23-47%
                longer; other programs keep them except for convolutions
                (:func:`dlx_jax._common.compiler_options`).

        Returns:
            The compiled callable.
        """
        if not jit:
            return fn
        return Compiled(fn, _as_tuple(donate_argnums), _as_tuple(static_argnums),
                        compiler_options(inference))

    # -- variables --------------------------------------------------------------------------------
    def create_variable(self, value: Any, *, dtype: Any, trainable: bool, name: str,
                        layout: Any = None) -> jax.Array:
        """A variable's storage: a ``jax.Array`` it owns (NumPy inputs are copied).

        Args:
            value: the initial value.
            dtype: the variable's dlx dtype.
            trainable: unused by the storage (dlx tracks it).
            name: unused by the storage.
            layout: an optional ``jax.sharding.Sharding`` (or device) for the storage.

        Returns:
            The storage array.
        """
        dt = np_dtype(dtype)
        if isinstance(value, jax.Array):
            out = value if value.dtype == dt else value.astype(dt)
        else:
            out = jnp.array(value, dtype=dt, copy=True)
        if layout is not None:
            out = jax.device_put(out, layout)
        elif not isinstance(out, jax.core.Tracer) and not out.committed and jax.process_count() == 1:
            # committed, as a compiled step's outputs are: fit then hands the storage to its first
            # step as it is (placed_as_outputs); the caller's own array is copied, not aliased (a
            # donating step would delete it). Not in a multi-process job, where a distribution
            # later places the storage across processes, which jax does for uncommitted arrays only
            out = jax.device_put(out, out.sharding, may_alias=out is not value)
        return out

    def placed_as_outputs(self, value) -> bool:
        """Whether ``value`` is a committed array, as a compiled function's outputs are (an
        uncommitted one, made by an eager op on uncommitted inputs, is another input signature:
        the step would be compiled again for its own outputs)."""
        return isinstance(value, jax.core.Tracer) or bool(getattr(value, "committed", True))

    def read_variable(self, storage: jax.Array) -> jax.Array:
        """The storage itself (JAX arrays are immutable)."""
        return storage

    def assign_variable(self, storage: jax.Array, value: Any) -> jax.Array:
        """Returns the new storage: ``value`` in the variable's dtype and sharding.

        Raises:
            ValueError: if the shapes differ.
        """
        value = self.convert_to_tensor(value, dtypes.standardize(storage.dtype))
        if value.shape != storage.shape:
            raise ValueError(f"assign: value of shape {value.shape} does not match the variable's shape "
                             f"{storage.shape}")
        sharding = getattr(storage, "sharding", None)
        if (sharding is not None and not isinstance(value, jax.core.Tracer)
                and getattr(value, "sharding", None) != sharding):
            value = jax.device_put(value, sharding)
        return value
