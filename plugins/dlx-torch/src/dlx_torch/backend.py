"""The PyTorch backend: ``TorchBackend``.

Kernels are native torch calls (:mod:`dlx_torch.kernels`, one module per op group); autodiff is
``torch.func.grad_and_value``; ``compile(jit=True)`` is ``torch.compile`` with an eager fallback;
variables are ``torch.nn.Parameter`` storage updated in place.
"""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from dlx import dtypes
from dlx import tree_util as tree
from dlx.backend.contract import Backend, BackendError, Capabilities
from dlx_torch import _internals, _replay, kernels
from dlx_torch._tensors import DEVICE, NAMES, UNSIGNED_WIDE, Tensor, donating, is_dtensor, set_device, tdtype, to_t


def _is_conv2d_kernel(t: Any) -> bool:
    """A rank-4 floating tensor: a 2-D convolution kernel, ``(h, w, in, out)``."""
    return isinstance(t, Tensor) and t.ndim == 4 and t.is_floating_point()


def _filter_major(t: Tensor) -> Tensor:
    """A copy of the ``(h, w, in, out)`` kernel ``t`` on the device, its memory ordered
    ``(out, h, w, in)``: the ``(out, in, h, w)`` view the convolution kernel takes is then
    channels-last contiguous, the layout oneDNN convolves channels-last images with, instead of
    reordering the weights at every call (ResNet50 ``predict`` of one image: 209 -> 129 ms,
    identical outputs). Values, shape and indexing are unchanged; only the strides differ."""
    # clone, not contiguous(): a tensor already in this layout (another variable's value) would
    # come back as itself, and the new variable would share its storage
    return t.to(DEVICE.torch).permute(3, 0, 1, 2).clone(memory_format=torch.contiguous_format).permute(1, 2, 3, 0)


class TorchBackend(Backend):
    """dlx on PyTorch (eager kernels, ``torch.func`` autodiff, ``torch.compile``)."""

    name = "torch"
    auto_jit_compile = False  # torch.compile's warm-up rarely pays off for a fit on CPU
    spec_version = 2
    capabilities = Capabilities(training=True, jit=True, float64=True, complex=True, distribution=True)
    xfail_file = os.path.join(os.path.dirname(__file__), "xfails.txt")

    def __init__(self) -> None:
        super().__init__()
        import dlx.ops  # noqa: F401  (registers every op)

        set_device("cuda:0" if torch.cuda.is_available() else "cpu")
        #: keyword arguments for ``torch.compile`` (``compile(..., jit=True)``)
        self.compile_options: dict[str, Any] = {}

    # -- identity -------------------------------------------------------------------------------
    def framework_version(self) -> str:
        return torch.__version__

    def device(self) -> str:
        return "cuda:0" if DEVICE.type == "cuda" else "cpu"

    def devices(self) -> list[str]:
        n = torch.cuda.device_count() if torch.cuda.is_available() else 0
        return [f"cuda:{i}" for i in range(n)] + ["cpu"] if n else ["cpu"]

    def device_scope(self, device_name: str):
        """Tensors and variables created in the block go to the named device (``"cpu"``,
        ``"gpu:1"`` / ``"cuda:1"``); the previous default is restored at the end."""
        import contextlib

        from dlx.backend.contract import parse_device

        kind, index = parse_device(device_name)
        name = "cpu" if kind == "cpu" else f"cuda:{index}"
        if name not in [("cpu" if d == "cpu" else d) for d in self.devices()] or (kind == "cpu" and index):
            raise ValueError(f"device {device_name!r}: torch has no such device; available: {self.devices()}")

        @contextlib.contextmanager
        def scope():
            saved = DEVICE.torch
            set_device(name)
            try:
                yield
            finally:
                set_device(str(saved))

        return scope()

    def configure_numerics(self) -> None:
        """PARITY.md's PyTorch obligations: full float32 matmuls (no bf16 on AMX CPUs), no TF32."""
        torch.set_float32_matmul_precision("highest")
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        # torch's thread count is the process's, the user's to choose: dlx changes it only when
        # asked. DLX_TORCH_THREADS=N sets N; "auto" takes half the cores, which suits shared
        # machines: small ops are OpenMP regions whose barrier waits on every thread, and with all
        # cores busy torch's default of one thread per core degrades 6-16x.
        threads = os.environ.get("DLX_TORCH_THREADS", "").strip().lower()
        if threads == "auto":
            torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))
        elif threads:
            try:
                torch.set_num_threads(int(threads))
            except ValueError:
                raise BackendError(f"DLX_TORCH_THREADS={threads!r}: expected a positive integer or 'auto'") from None

    # -- ops ------------------------------------------------------------------------------------
    def native_kernels(self) -> dict[str, Callable]:
        """Every kernel of :mod:`dlx_torch.kernels` (one module per op group)."""
        return kernels.all_kernels()

    # -- tensors --------------------------------------------------------------------------------
    def convert_to_tensor(self, x: Any, dtype: Any = None) -> Tensor:
        """``x`` as a torch tensor: tensors pass through, NumPy arrays share memory
        (``torch.from_numpy``), Python floats become ``floatx()`` and ints int32."""
        if dtype is None:
            return x if type(x) is Tensor else to_t(x)
        td = tdtype(dtype)
        if type(x) in (bool, int, float):  # straight into the requested dtype (no float32 detour)
            return torch.tensor(x, dtype=td, device=DEVICE.torch) if td not in UNSIGNED_WIDE else to_t(x).to(td)
        t = x if type(x) is Tensor else to_t(x)
        return t if t.dtype is td else t.to(td)

    def to_numpy(self, x: Any) -> np.ndarray:
        """``x`` as a NumPy array (no copy for CPU tensors; a DTensor is gathered whole)."""
        if isinstance(x, Tensor):
            x = x.detach()
            if is_dtensor(x):
                x = x.full_tensor()
            if x.device.type != "cpu":
                x = x.cpu()
            if x.dtype is torch.bfloat16:
                try:
                    import ml_dtypes
                except ImportError:
                    return x.to(torch.float32).numpy()
                return x.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
            return x.resolve_conj().resolve_neg().numpy()
        return np.asarray(x)

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, Tensor)

    # -- autodiff and compilation -----------------------------------------------------------------
    def value_and_grad(self, fn: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
        """``torch.func.grad_and_value`` of ``fn`` (pytrees of tensors at ``argnums``).

        Returns ``f(*args) -> (value, grads)`` (``((value, aux), grads)`` with ``has_aux``), every
        result detached.
        """
        single = isinstance(argnums, int)
        nums = (argnums,) if single else tuple(argnums)
        convert = self.convert_to_tensor

        def autograd_path(args):
            # the outermost differentiation: plain torch autograd on detached leaves (the same
            # backward formulas as torch.func, without its per-op transform dispatch); nested
            # calls inside fn take the torch.func path below and keep this level's graph
            a = list(args)
            parts = []
            diff = []
            for n in nums:
                leaves, td = tree.flatten(args[n])
                leaves = [convert(v) for v in leaves]
                mask = [v.is_floating_point() for v in leaves]
                leaves = [v.detach().requires_grad_(True) if m else v for v, m in zip(leaves, mask)]
                diff += [v for v, m in zip(leaves, mask) if m]
                parts.append((td, leaves, mask))
                a[n] = tree.unflatten(td, leaves)
            _DEPTH.n = 1
            try:
                with torch.enable_grad():
                    out = fn(*a)
                    value = out[0] if has_aux else out
                    if not isinstance(value, Tensor) or value.numel() != 1:
                        raise RuntimeError("value_and_grad: fn must return a scalar tensor (with has_aux: as the "
                                           f"first element); got {type(value).__name__} of shape "
                                           f"{tuple(getattr(value, 'shape', ()))}")
                    dg = _replay.record_call(torch.autograd.grad, value, diff, allow_unused=True) \
                        if diff and value.requires_grad else (None,) * len(diff)
            finally:
                _DEPTH.n = 0
            it = iter(dg)
            grads = []
            for td, leaves, mask in parts:
                gl = []
                for v, m in zip(leaves, mask):
                    g = next(it) if m else None
                    gl.append(torch.zeros_like(v) if g is None else g)
                grads.append(tree.unflatten(td, gl))
            grads = grads[0] if single else tuple(grads)
            detach = functools.partial(tree.map_structure, lambda v: v.detach() if isinstance(v, Tensor) else v)
            return detach(out), detach(grads)

        @functools.wraps(fn)
        def wrapped(*args):
            if not getattr(_DEPTH, "n", 0) and not _inside_transform():
                return autograd_path(args)
            _replay.mark_unsafe("value_and_grad inside a transform: torch.func is not replayed", whole=True)
            # differentiate the floating leaves of args[argnums]; other leaves (ints, bools) are
            # closed over and get zero "gradients", as on the NumPy reference backend
            parts = []
            for n in nums:
                leaves, td = tree.flatten(args[n])
                leaves = [convert(v) for v in leaves]
                parts.append((td, leaves, [v.is_floating_point() for v in leaves]))

            def inner(*diff):
                a = list(args)
                for n, (td, leaves, mask), d in zip(nums, parts, diff):
                    it = iter(d)
                    a[n] = tree.unflatten(td, [next(it) if m else v for v, m in zip(leaves, mask)])
                return fn(*a)

            diff = [[v for v, m in zip(leaves, mask) if m] for _, leaves, mask in parts]
            gv = torch.func.grad_and_value(inner, argnums=tuple(range(len(nums))), has_aux=has_aux)
            dgrads, out = gv(*diff)
            grads = []
            for (td, leaves, mask), dg in zip(parts, dgrads):
                it = iter(dg)
                grads.append(tree.unflatten(td, [next(it) if m else torch.zeros_like(v) for v, m in zip(leaves, mask)]))
            grads = grads[0] if single else tuple(grads)
            if _inside_transform() or getattr(_DEPTH, "n", 0):  # nested: keep the outer level's graph
                return out, grads
            detach = functools.partial(tree.map_structure, lambda v: v.detach() if isinstance(v, Tensor) else v)
            return detach(out), detach(grads)

        return wrapped

    def jvp(self, fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
        """``torch.func.jvp``: ``(fun(*primals), J @ tangents)`` (and ``aux`` with ``has_aux``);
        tangents take their primal's dtype."""
        convert = self.convert_to_tensor
        primals = tuple(tree.map_structure(convert, p) for p in primals)
        tangents = tuple(tree.map_structure(lambda t, p: convert(t).to(p.dtype), t, p)
                         for t, p in zip(tangents, primals))
        return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)

    def abstract_eval(self, fn: Callable, specs) -> Any:
        """``fn`` on tensors of torch's meta device (shapes only, nothing computed); a function that
        needs values (``.item()``, NumPy) runs once on zeros instead."""
        from dlx.backend.contract import specs_of

        try:
            return specs_of(fn(*[torch.empty(s, dtype=tdtype(d), device="meta") for s, d in specs]), self)
        except (RuntimeError, NotImplementedError, TypeError, ValueError):
            return super().abstract_eval(fn, specs)

    def remat(self, fn: Callable) -> Callable:
        """``torch.utils.checkpoint.checkpoint`` (non-reentrant) around ``fn``: intermediates are
        recomputed in the backward pass."""
        import torch.utils.checkpoint

        def checkpointed(*args):
            # the backward pass re-runs fn inside torch.autograd.grad, which a replayed step
            # cannot see: a step that rematerializes runs eagerly
            _replay.mark_unsafe("remat: torch.utils.checkpoint recomputes in the backward pass", whole=True)
            return torch.utils.checkpoint.checkpoint(fn, *args, use_reentrant=False)

        return checkpointed

    def compile(self, fn: Callable, *, donate_argnums=(), static_argnums=(), jit: bool = True) -> Callable:
        """``jit=False``: ``fn`` recorded once per input signature and replayed as straight-line torch
        calls (:class:`dlx_torch._replay.Replayed`; ``fn`` itself with ``DLX_TORCH_REPLAY=0``); the
        tensors in ``donate_argnums`` are marked donated while it runs, so fused kernels such as
        ``adam_update`` may overwrite them in place (the caller gives them up, as with XLA).
        Else ``torch.compile(fn)``, falling back to eager (with a warning that says why) if torch
        cannot compile it."""
        if not jit:
            out = _replay.replayed(fn)
            nums = (donate_argnums,) if isinstance(donate_argnums, int) else tuple(donate_argnums or ())
            return _Donating(out, nums) if nums else out
        try:
            compiled = torch.compile(fn, **self.compile_options)
        except Exception as e:  # e.g. an unsupported Python version or platform
            warnings.warn(f"dlx torch backend: torch.compile is unavailable ({type(e).__name__}: {e}); "
                          f"{getattr(fn, '__name__', 'the function')} runs eagerly", RuntimeWarning, stacklevel=2)
            return fn
        state = {"eager": False}
        name = getattr(fn, "__name__", "the function")

        @functools.wraps(fn)
        def call(*args, **kwargs):
            if state["eager"]:
                return fn(*args, **kwargs)
            try:
                return compiled(*args, **kwargs)
            except Exception as e:
                result = fn(*args, **kwargs)  # a genuine error of fn raises here, without a warning
                state["eager"] = True
                first = str(e).strip().splitlines()[0] if str(e).strip() else ""
                warnings.warn(f"dlx torch backend: torch.compile could not compile {name} "
                              f"({type(e).__name__}: {first}); running it eagerly from now on",
                              RuntimeWarning, stacklevel=2)
                return result

        call.compiled = compiled
        return call

    def fused_rnn(self, kind, sequences, initial_states, kernel, recurrent_kernel, bias, *, go_backwards, training):
        """``torch.lstm`` / ``torch.gru`` (the kernels behind ``nn.LSTM`` / ``nn.GRU``; see
        :func:`dlx_torch.kernels.control.fused_rnn`)."""
        from dlx_torch.kernels.control import fused_rnn

        return fused_rnn(kind, sequences, initial_states, kernel, recurrent_kernel, bias, go_backwards=go_backwards,
                         training=training)

    # -- variables --------------------------------------------------------------------------------
    def create_variable(self, value: Any, *, dtype: Any, trainable: bool, name: str) -> Tensor:
        """A ``torch.nn.Parameter`` (its own storage, on the backend's device)."""
        t = self.convert_to_tensor(value, dtype).detach()
        t = _filter_major(t) if _is_conv2d_kernel(t) else t.to(DEVICE.torch, copy=True)
        return torch.nn.Parameter(t, requires_grad=bool(trainable) and t.is_floating_point())

    def adopt_variable(self, value: Any, *, dtype: Any, trainable: bool, name: str) -> Tensor:
        """A ``torch.nn.Parameter`` on ``value``'s own storage when ``value`` is a tensor that
        nothing else references (a built-in initializer's fresh result), of the right dtype, on
        the backend's device, and not made while a replay is recorded or ``torch.compile``
        traces (their tensors may be kept by the recording); otherwise :meth:`create_variable`."""
        if (isinstance(value, Tensor) and value.dtype == tdtype(dtype) and value.device == DEVICE.torch
                and not _replay.recording() and not torch.compiler.is_compiling() and not _is_conv2d_kernel(value)):
            t = value.detach()
            return torch.nn.Parameter(t, requires_grad=bool(trainable) and t.is_floating_point())
        return self.create_variable(value, dtype=dtype, trainable=trainable, name=name)

    def read_variable(self, storage: Tensor) -> Tensor:
        """The Parameter itself while torch records gradients (so a dlx model trains under a plain
        ``loss.backward(); optimizer.step()`` loop, like any ``nn.Module``); a detached alias
        otherwise (``torch.no_grad()``, non-trainable storage), which keeps inference graph-free.
        dlx's own training differentiates functionally and never reads through here.

        A variable split by ``dlx.distribution.ModelParallel`` (a DTensor of this process's shard)
        reads as its whole value, gathered from every process (differentiably, into the shards,
        while torch records gradients)."""
        if is_dtensor(storage):
            return storage.full_tensor() if storage.requires_grad and torch.is_grad_enabled() else \
                storage.detach().full_tensor()
        if storage.requires_grad and torch.is_grad_enabled():
            return storage
        return storage.detach()

    def read_aliases(self, storages) -> list | None:
        """Each storage's data pointer: a detached read shares the Parameter's memory, which
        ``assign`` and torch optimizers update in place; ``param.data = ...`` (``module.to``,
        ``module.double()``) gives it new memory, and a new pointer while the old reads hold the old
        memory. ``None`` where a storage is split (a DTensor: a read gathers it) or has no memory
        (empty, on the meta device)."""
        try:
            ptrs = [s.data_ptr() if type(s) is torch.nn.Parameter or type(s) is Tensor else 0 for s in storages]
        except RuntimeError:  # no storage to point to
            return None
        return ptrs if all(ptrs) else None

    def assign_variable(self, storage: Tensor, value: Any) -> Tensor:
        """Copies ``value`` into ``storage`` in place; returns the same storage (a split
        variable keeps its shard of ``value``)."""
        if is_dtensor(storage):
            from dlx_torch.distribution import assign_sharded

            return assign_sharded(storage, value)
        v = value if isinstance(value, Tensor) else to_t(value)
        if tuple(v.shape) != tuple(storage.shape):
            raise ValueError(f"assign: value of shape {tuple(v.shape)} does not match the variable's shape "
                             f"{tuple(storage.shape)}")
        with torch.no_grad():
            storage.copy_(v)
        return storage

    def info(self) -> dict:
        d = super().info()
        d["float32_matmul_precision"] = torch.get_float32_matmul_precision()
        d["threads"] = torch.get_num_threads()
        return d


class _Donating:
    """Runs ``fn`` with the tensors of its ``argnums`` arguments marked donated."""

    def __init__(self, fn: Callable, argnums: tuple[int, ...]):
        functools.update_wrapper(self, fn, updated=())
        self._fn, self._argnums = fn, argnums

    def __call__(self, *args, **kwargs):
        with donating([leaf for i in self._argnums if i < len(args) for leaf in tree.leaves(args[i])]):
            return self._fn(*args, **kwargs)

    def __getattr__(self, name):  # cache_info(), clear() of the replayed function
        return getattr(self._fn, name)


_DEPTH = threading.local()  # n = 1 while an outermost autograd-path value_and_grad runs its function


def _inside_transform() -> bool:
    """Whether an outer ``torch.func`` transform is active (its results must stay attached)."""
    return _internals.in_functorch_transform()


def dtype_name(t: Tensor) -> str:
    """dlx's name of a tensor's dtype."""
    return NAMES.get(t.dtype) or dtypes.standardize(t.dtype)


__all__ = ["TorchBackend", "dtype_name"]
