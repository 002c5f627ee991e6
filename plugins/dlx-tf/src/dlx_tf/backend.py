"""The TensorFlow backend: every dlx op as a native TF kernel, autodiff through
``tf.GradientTape``, compilation through ``tf.function`` and storage in ``tf.Variable``.

Importing this module imports TensorFlow (``TF_CPP_MIN_LOG_LEVEL`` defaults to 2 first); the
plugin module (:mod:`dlx_tf.plugin`) only points here lazily.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dlx import dtypes
from dlx import tree_util as tree
from dlx.backend.contract import Backend, Capabilities
from dlx.variables import Variable
from dlx_tf import kernels
from dlx_tf._core import FLOAT_TF, NAME, Tensor, adopt_host, tensor, tf

_BAD_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")


def _convert_dlx_variable(value, dtype=None, name=None, as_ref=False):
    """Lets TF's own operators take a dlx.Variable (``tf_tensor + layer.bias``): its current value,
    or the value mapped by a stateless scope inside a traced ``tf.function``."""
    return tf.convert_to_tensor(value.value, dtype=dtype, name=name)


tf.register_tensor_conversion_function(Variable, _convert_dlx_variable)


def _sanitize(name: str | None) -> str:
    """A name TF accepts for a variable: ``[A-Za-z0-9.][A-Za-z0-9_.-]*``."""
    name = _BAD_NAME_CHARS.sub("_", str(name or "variable"))
    return name if re.match(r"[A-Za-z0-9.]", name) else f"v{name}"


def _dense(g, like):
    """A dense gradient (``IndexedSlices`` from gathers become tensors; ``None`` becomes zeros)."""
    if g is None:
        return tf.zeros_like(like)
    if isinstance(g, tf.IndexedSlices):
        return tf.convert_to_tensor(g)
    return g


class TensorFlowBackend(Backend):
    """dlx on TensorFlow 2.21: eager ``tf.Tensor`` values that also work inside ``tf.function``."""

    name = "tf"
    auto_jit_compile = False  # graph-mode tf.function beats XLA for typical CPU steps (convs)
    compiled_takes_numpy = True  # see dlx_tf._fastcall
    compiled_reads_storages = True  # a tf.Variable argument is a resource input (one eager read costs ~40 us)
    spec_version = 2
    capabilities = Capabilities(training=True, jit=True, float64=True, complex=True, distribution=True)
    xfail_file = str(Path(__file__).with_name("xfails.txt"))

    # -- identity ---------------------------------------------------------------------------------
    def framework_version(self) -> str:
        """TensorFlow's version string."""
        return tf.__version__

    def device(self) -> str:
        """``"gpu:0"`` when TF sees a GPU, else ``"cpu:0"``."""
        return "gpu:0" if tf.config.list_logical_devices("GPU") else "cpu:0"

    def devices(self) -> list[str]:
        """Every logical device TF sees, as ``"cpu:0"``, ``"gpu:0"``..."""
        out = []
        for d in tf.config.list_logical_devices():
            kind, _, index = d.name.rpartition("/device:")[2].partition(":")
            out.append(f"{kind.lower()}:{index}")
        return out

    def device_scope(self, device_name: str):
        """``tf.device`` of the named device (``"cpu"``, ``"gpu:1"``)."""
        from dlx.backend.contract import parse_device

        kind, index = parse_device(device_name)
        if f"{kind}:{index}" not in self.devices():
            raise ValueError(f"device {device_name!r}: TensorFlow has no such device; available: {self.devices()}")
        return tf.device(f"{kind.upper()}:{index}")

    def configure_numerics(self) -> None:
        """PARITY.md: no TF32 matmuls/convs (never touch oneDNN's BF16 fpmath mode)."""
        tf.config.experimental.enable_tensor_float_32_execution(False)

    # -- ops --------------------------------------------------------------------------------------
    def native_kernels(self) -> dict[str, Callable]:
        """Every kernel of :mod:`dlx_tf.kernels` (one module per op group)."""
        return kernels.all_kernels()

    # -- tensors ----------------------------------------------------------------------------------
    def convert_to_tensor(self, x: Any, dtype: Any = None) -> tf.Tensor:
        """A ``tf.Tensor`` (no copy for tensors of the requested dtype; NumPy arrays are copied
        once by TF, which never aliases NumPy buffers safely)."""
        if dtype is None:
            if isinstance(x, Tensor):
                return x
            return tensor(x)
        return tensor(x, dtypes.standardize(dtype))

    def adopt_array(self, x: np.ndarray) -> tf.Tensor:
        """A tensor on ``x``'s own buffer where TF can take it (large, 64-byte aligned numbers:
        :func:`dlx_tf._core.adopt_host`), else a copy."""
        if x.dtype.kind in "iuf":  # numbers DLPack carries
            return adopt_host(x)
        return tensor(x)

    def to_numpy(self, x: Any) -> np.ndarray:
        """A NumPy view of an eager tensor (no copy on CPU; read-only)."""
        if isinstance(x, tf.Variable):
            x = x.value()
        return np.asarray(x)

    def is_tensor(self, x: Any) -> bool:
        """True for ``tf.Tensor`` (eager or symbolic) and ``tf.Variable``."""
        return isinstance(x, Tensor | tf.Variable)

    def dynamic_shape(self, x: Any, static: tuple) -> tuple:
        """Unknown dims of a graph tensor as scalar tensors (``tf.shape(x)[i]``), as Keras's TF ops."""
        dynamic = tf.shape(x)
        return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))

    # -- autodiff and compilation -----------------------------------------------------------------
    def value_and_grad(self, fn: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
        """``f(*args) -> (value, grads)`` by ``tf.GradientTape``, watching the float leaves of the
        pytrees at ``argnums`` (non-float leaves get ``None``)."""
        single = isinstance(argnums, int)
        nums = (argnums,) if single else tuple(argnums)

        def wrapped(*args):
            args = list(args)
            groups = []
            watched = []
            for i in nums:
                leaves, td = tree.flatten(args[i])
                leaves = [leaf if isinstance(leaf, Tensor | tf.Variable) else tensor(leaf) for leaf in leaves]
                args[i] = tree.unflatten(td, leaves)
                groups.append((leaves, td))
                watched += [leaf for leaf in leaves if leaf.dtype in FLOAT_TF]
            with tf.GradientTape(watch_accessed_variables=False) as tape:
                tape.watch(watched)
                out = fn(*args)
                value = out[0] if has_aux else out
            grads = iter(tape.gradient(value, watched))
            results = []
            for leaves, td in groups:
                gl = [_dense(next(grads), leaf) if leaf.dtype in FLOAT_TF else None for leaf in leaves]
                results.append(tree.unflatten(td, gl))
            g = results[0] if single else tuple(results)
            return (out if has_aux else value), g

        return wrapped

    def jvp(self, fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
        """Forward mode by ``tf.autodiff.ForwardAccumulator``: ``(fun(*primals), J @ tangents)``
        (and ``aux`` with ``has_aux``); tangents take their primal's dtype, outputs that do not
        depend on the primals get zero tangents."""
        primals = tuple(tree.map_structure(lambda v: v if isinstance(v, Tensor) else tensor(v), p) for p in primals)
        tangents = tuple(tree.map_structure(lambda t, p: tf.cast(tensor(t), p.dtype), t, p)
                         for t, p in zip(tangents, primals))
        watched = [(p, t) for p, t in zip(tree.leaves(primals), tree.leaves(tangents)) if p.dtype in FLOAT_TF]
        with tf.autodiff.ForwardAccumulator([p for p, _ in watched], [t for _, t in watched]) as acc:
            out = fun(*primals)
        value, aux = out if has_aux else (out, None)

        def tangent(y):
            y = tensor(y)
            if y.dtype not in FLOAT_TF:
                return tf.zeros_like(y)
            return acc.jvp(y, unconnected_gradients=tf.UnconnectedGradients.ZERO)

        tangents_out = tree.map_structure(tangent, value)
        return (value, tangents_out, aux) if has_aux else (value, tangents_out)

    def abstract_eval(self, fn: Callable, specs) -> Any:
        """``fn`` traced into a TF graph (``tf.function.get_concrete_function``): nothing is
        computed. A function that cannot be traced (it needs values) runs once on zeros instead."""
        from dlx.backend.contract import specs_of

        try:
            graph_fn = tf.function(fn, autograph=False)
            out = graph_fn.get_concrete_function(*[tf.TensorSpec(s, tf.as_dtype(d)) for s, d in specs])
            return specs_of(out.structured_outputs, self)
        except (TypeError, ValueError, NotImplementedError, tf.errors.OpError):
            return super().abstract_eval(fn, specs)

    def remat(self, fn: Callable) -> Callable:
        """``tf.recompute_grad(fn)``: intermediates are recomputed in the backward pass."""
        return tf.recompute_grad(fn)

    def compile(self, fn: Callable, *, donate_argnums=(), static_argnums=(), jit: bool = True) -> Callable:
        """``tf.function(fn, jit_compile=jit, reduce_retracing=True)``: one trace per input
        signature (Python values are static; ``donate_argnums`` has no TF equivalent).

        Calls skip ``tf.function``'s per-argument signature matching (see
        :mod:`dlx_tf._fastcall`). AutoGraph is off: dlx functions are portable (no
        tensor-dependent Python control flow, as under ``jax.jit``), and ``dlx.ops`` functions are
        generated code AutoGraph cannot read."""
        from dlx_tf._fastcall import FastFunction

        return FastFunction(tf.function(fn, jit_compile=bool(jit), reduce_retracing=True, autograph=False))

    # -- variables --------------------------------------------------------------------------------
    def create_variable(self, value: Any, *, dtype: Any, trainable: bool, name: str) -> tf.Variable:
        """A ``tf.Variable`` (its name sanitized to TF's charset)."""
        return tf.Variable(tensor(value, dtypes.standardize(dtype)), trainable=bool(trainable), name=_sanitize(name))

    def read_variable(self, storage: tf.Variable) -> tf.Tensor:
        """The variable's current value as a tensor."""
        return storage.value()

    def assign_variable(self, storage: tf.Variable, value: Any) -> tf.Variable:
        """``storage.assign(value)``; returns the same ``tf.Variable``."""
        storage.assign(tensor(value, NAME[storage.dtype]))
        return storage
