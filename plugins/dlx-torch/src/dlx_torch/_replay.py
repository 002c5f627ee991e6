"""Trace-and-replay execution for ``TorchBackend.compile(fn, jit=False)``.

A dlx step function spends most of its time in Python (``Layer.__call__``, tree walks, op
dispatch) around a handful of torch kernels. :class:`Replayed` runs ``fn`` for real once per
**input signature** under a :class:`torch.overrides.TorchFunctionMode` that logs every torch call
producing (or mutating) tensors, and turns the log into a generated straight-line Python function
(one line per torch call). Later calls with the same signature run only that function.

* **Signature**: the tree structure of ``(args, kwargs)`` (``dlx.tree`` rules: tuples, lists,
  dicts, namedtuples, ``None``) plus, per leaf, ``(type, shape, dtype, device, requires_grad)``
  for tensors and NumPy arrays (converted with ``dlx_torch._tensors.to_t`` first, so ``fn``
  always sees tensors) and ``(type, value)`` for anything else hashable (Python scalars, strings,
  dtypes); plus which tensor leaves are the same object, torch's grad and inference modes, the
  active torch function modes (``torch.set_default_device``, ``with torch.device(...)``) and
  dlx's ``floatx``/autocast state. A leaf that is not hashable, an active ``StatelessScope`` or a
  ``torch.func`` transform runs ``fn`` eagerly, uncached (so does a miss while ``torch.compile``
  traces). At most :data:`MAX_SIGNATURES` signatures are kept per function; later new ones run
  eagerly, uncached.
* **Recording** maps every tensor argument of a logged call to an input leaf, the output of an
  earlier call, or else a *constant* captured by reference (a variable's ``Parameter``, a detached
  alias of one): in-place updates of those between calls are seen by the replay. Calls that only
  read metadata (``shape``, ``dtype``, ``dim()``...) are fixed by the signature and dropped.
* **Unsafe** recordings are never replayed; the signature runs eagerly from then on: calls that
  turn tensor *data* into Python values (``bool()``, ``item()``, ``tolist()``, ``float()``,
  ``numpy()``, ``repr``...), autograd the mode cannot see (``backward``, ``torch.func``
  transforms: ``TorchBackend.value_and_grad``'s nested path calls :func:`mark_unsafe` and makes
  the whole function eager; its outermost path calls ``torch.autograd.grad`` through
  :func:`record_call`, which logs it as one replayed step), shape queries on data-dependent
  shapes (``nonzero``, boolean masks...), layout or identity queries (``stride()``,
  ``data_ptr()``...), a torch call that raised, and results the log cannot map (nested
  containers). Kernels that would read a value into Python while recording (the Threefry key
  schedule) keep it in tensors instead (:func:`recording`).
* **Verification**: the first replay of a program also runs ``fn`` eagerly on the same inputs and
  compares every output leaf bitwise; a mismatch (a dependency the mode could not see: torch's
  own RNG, tensors made by calls torch does not route through the mode, Python state) makes the
  signature eager. Programs that update an input or a constant in place (an assignment into a
  variable, an optimizer update on donated state) are verified too, on saved state: ``fn`` runs,
  its final state is kept, the saved state is restored, the replay runs, and outputs and final
  states must agree bitwise (the update is applied once).

What a replay cannot see: Python side effects of ``fn`` (appends, counters, prints) happen only
while recording and verifying, and Python state ``fn`` reads besides its arguments (a global
flag, a rebound attribute) is frozen at its recorded value -- the usual contract of traced
functions (``jax.jit``, ``torch.compile``).

Environment: ``DLX_TORCH_REPLAY=0`` (or ``false``/``off``/``no``) disables replay:
``compile(fn, jit=False)`` then returns ``fn`` itself. The variable is read at each ``compile``.
"""

from __future__ import annotations

import functools
import linecache
import os
import re
import threading
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._device import DeviceContext

from dlx import dtypes
from dlx import tree_util as tree
from dlx import variables as _variables
from dlx_torch import _internals
from dlx_torch._tensors import to_t

Tensor = torch.Tensor

#: signatures cached per function (programs and eager markers); later new signatures run eagerly
MAX_SIGNATURES = 64


def enabled() -> bool:
    """Whether ``compile(fn, jit=False)`` replays (``DLX_TORCH_REPLAY`` is not ``0``)."""
    return os.environ.get("DLX_TORCH_REPLAY", "1").strip().lower() not in ("0", "false", "off", "no")


def replayed(fn: Callable) -> Callable:
    """``Replayed(fn)``, or ``fn`` itself when replay is disabled."""
    return Replayed(fn) if enabled() else fn


# ------------------------------------------------------------------------------------ thread state
class _Local(threading.local):
    recorder: _Recorder | None = None


_LOCAL = _Local()


def recording() -> bool:
    """Whether a recording runs in this thread (kernels then keep values in tensors rather than
    reading them into Python, so that the replay recomputes them)."""
    return _LOCAL.recorder is not None


def mark_unsafe(reason: str, whole: bool = False) -> None:
    """Marks the recording running in this thread (if any) as not replayable: its signature runs
    eagerly from now on (with ``whole``: every signature of the function). A no-op when nothing
    records."""
    rec = _LOCAL.recorder
    if rec is not None:
        rec.unsafe(reason, whole)


def record_call(func: Callable, *args, **kwargs):
    """``func(*args, **kwargs)``, logged as one step of the recording running in this thread (if
    any) -- for calls the mode cannot see, such as ``torch.autograd.grad``, or many torch calls
    best replayed as one (a fused optimizer kernel's loop over blocks): the replay calls ``func``
    again on the replayed tensors. Torch calls made inside ``func`` (a custom
    ``autograd.Function``'s backward) are part of that one step, not logged. An output that is one
    of the tensor arguments counts as updated in place."""
    rec = _LOCAL.recorder
    if rec is None or rec.reason is not None:
        return func(*args, **kwargs)
    rec.suspended += 1
    try:
        out = func(*args, **kwargs)
    finally:
        rec.suspended -= 1
    try:
        name = f"record_call:{getattr(func, '__qualname__', func)}"
        outs = out if isinstance(out, Tensor) or out is None else list(out)
        given: list = []
        _tensors_in((args, kwargs), given)
        rec.mutated.extend(t for t in ([outs] if isinstance(outs, Tensor) else outs or ())
                           if any(t is a for a in given))
        rec._step(func, args, kwargs, outs, name)
    except _Unsupported as e:
        rec.unsafe(str(e))
    except Exception as e:  # pragma: no cover - a recording bug must not break fn
        rec.unsafe(f"recording {name} failed: {type(e).__name__}: {e}")
    return out


# ------------------------------------------------------------------------------------ signatures
class _Unhashable(Exception):
    pass


def _walk(t: Any, leaves: list, key: list, numpy_seen: list) -> None:
    """Appends ``t``'s tensor leaves (NumPy arrays converted) to ``leaves`` and its structure and
    leaf signatures to ``key``, in ``dlx.tree_util.flatten`` order.

    The key is flat: every node or leaf contributes a type token followed by a fixed number of
    tokens for that type, so the sequence parses one way only.
    """
    tp = type(t)
    if tp is tuple or tp is list:
        key += (tp, len(t))
        for c in t:  # tensors inline: most leaves are tensors in lists
            if type(c) is Tensor:
                leaves.append(c)
                key += (Tensor, c.shape, c.dtype, c.device, c.requires_grad)
            else:
                _walk(c, leaves, key, numpy_seen)
    elif tp is Tensor or isinstance(t, Tensor):
        leaves.append(t)
        key += (tp, t.shape, t.dtype, t.device, t.requires_grad)
    elif t is None:
        key.append(None)
    elif tp is np.ndarray:
        v = to_t(t)
        numpy_seen.append(v)
        leaves.append(v)
        key += (tp, v.shape, v.dtype, v.device)
    elif tp is dict:
        try:
            keys = tuple(sorted(t))
        except TypeError:  # keys without an order: no tree signature
            raise _Unhashable from None
        key += (dict, keys)
        for k in keys:
            _walk(t[k], leaves, key, numpy_seen)
    elif isinstance(t, tuple) and hasattr(t, "_fields"):  # namedtuple
        key += (tp, len(t))
        for c in t:
            _walk(c, leaves, key, numpy_seen)
    elif tp is float:
        key += (float, t.hex())  # NaN equals itself, -0.0 differs from 0.0
    else:
        try:
            hash(t)
        except TypeError:
            raise _Unhashable from None
        key += (tp, t)


def _signature(args: tuple, kwargs: dict) -> tuple[tuple, list, list]:
    """(key, tensor leaves, converted NumPy leaves) of one call."""
    leaves: list = []
    key: list = [torch.is_grad_enabled(), torch.is_inference_mode_enabled(), dtypes.floatx(),
                 getattr(_variables._AUTOCAST, "dtype", None), len(kwargs)]
    numpy_seen: list = []
    _walk(args, leaves, key, numpy_seen)
    if kwargs:
        _walk(kwargs, leaves, key, numpy_seen)
    if len(leaves) > 1 and len(set(map(id, leaves))) != len(leaves):
        first: dict = {}  # which leaves are one object (a recording would alias them)
        key += ("alias", tuple(first.setdefault(id(v), i) for i, v in enumerate(leaves)))
    n = _mode_stack_len()
    if n:  # torch function modes (torch.set_default_device, `with torch.device(...)`) see every call
        key += ("modes", tuple(_mode_key(_mode_at(i)) for i in range(n)))
    return tuple(key), leaves, numpy_seen


_mode_stack_len = _internals.function_mode_count
_mode_at = _internals.function_mode_at


def _mode_key(mode: Any) -> Any:
    if type(mode) is DeviceContext:  # a new object per `with torch.device(...)`: key by its device
        return (DeviceContext, mode.device)
    return mode


def _with_converted(args: tuple, kwargs: dict, numpy_seen: list) -> tuple[tuple, dict]:
    """``(args, kwargs)`` with their NumPy leaves replaced by the converted tensors (same order)."""
    if not numpy_seen:
        return args, kwargs
    it = iter(numpy_seen)
    leaves, td = tree.flatten((args, kwargs))
    a, k = tree.unflatten(td, [next(it) if type(v) is np.ndarray else v for v in leaves])
    return a, k


def _eager_only() -> bool:
    """Contexts where ``fn`` runs eagerly, uncached: an outer recording in this thread, a dlx
    ``StatelessScope`` (values from outside), a ``torch.func`` transform."""
    return (_LOCAL.recorder is not None or _variables.current_stateless_scope() is not None
            or _internals.in_functorch_transform())


# ------------------------------------------------------------------------------------ call classes
# tensor data -> Python values: the trace cannot follow the data into Python control flow
_UNSAFE = frozenset({
    "__bool__", "item", "tolist", "numpy", "__int__", "__float__", "__index__", "__complex__", "__array__",
    "__array_wrap__", "__repr__", "__format__", "__str__", "__contains__", "equal", "allclose", "is_nonzero",
    "backward", "grad", "storage", "untyped_storage", "_typed_storage", "data_ptr", "is_contiguous", "stride",
    "storage_offset", "__dlpack__", "is_set_to", "__reduce_ex__", "__getstate__", "__setstate__", "register_hook",
    "register_post_accumulate_grad_hook", "_nnz", "attr:_version", "attr:grad", "attr:_cdata",
})
# metadata fixed by the signature (unless the shape is data-dependent)
_STATIC = frozenset({
    "size", "dim", "ndimension", "numel", "nelement", "__len__", "is_floating_point", "is_complex", "is_signed",
    "get_device", "element_size", "is_inference", "is_conj", "is_neg", "has_names", "_is_view", "is_pinned",
    "is_shared", "result_type", "can_cast", "promote_types", "__hash__", "type", "is_same_size", "dim_order",
    "__dir__",
})
# calls whose output shape depends on tensor data
_DYNAMIC_SHAPE = frozenset({"nonzero", "argwhere", "masked_select", "unique", "unique_consecutive", "_unique",
                            "_unique2", "bincount", "repeat_interleave"})
_INPLACE_DUNDER = frozenset({"__setitem__", "__delitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
                             "__ifloordiv__", "__imod__", "__ipow__", "__iand__", "__ior__", "__ixor__",
                             "__ilshift__", "__irshift__", "__imatmul__"})


def _name(func: Any) -> str:
    n = getattr(func, "__name__", None)
    if n == "__get__":  # a property getter: Tensor.shape.__get__ -> "attr:shape"
        return "attr:" + str(getattr(getattr(func, "__self__", None), "__name__", "?"))
    return n if isinstance(n, str) else repr(func)


def _tensors_in(obj: Any, out: list) -> None:
    tp = type(obj)
    if tp is Tensor or isinstance(obj, Tensor):
        out.append(obj)
    elif tp is tuple or tp is list or isinstance(obj, tuple):
        for c in obj:
            _tensors_in(c, out)
    elif tp is dict:
        for c in obj.values():
            _tensors_in(c, out)
    elif tp is slice:
        _tensors_in((obj.start, obj.stop, obj.step), out)


def _has_bool_index(idx: Any) -> bool:
    found: list = []
    _tensors_in(idx, found)
    return any(t.dtype in (torch.bool, torch.uint8) for t in found)


class _Unsupported(Exception):
    pass


# ------------------------------------------------------------------------------------ recording
class _Recorder(TorchFunctionMode):
    """Logs the torch calls of one run of ``fn`` (see the module docstring)."""

    def __init__(self, inputs: list):
        super().__init__()
        self.refs: dict[int, str] = {}
        # the inputs and constants stay alive (their ids map to names); a logged call's result is
        # held weakly: its id's mapping goes when the tensor does (before the id can be reused),
        # so recording a deep forward holds only its live activations, as the eager run does
        self.keep: list = list(inputs)
        self.watch: list = []
        self.closure: dict[str, Any] = {}
        self.closure_ids: dict[int, str] = {}
        self.lines: list[str] = []
        self.tainted: set[str] = set()
        self.mutated: list = []  # tensors written in place (checked against inputs and constants)
        self.constants: list = []
        self.inputs = list(inputs)
        self.grad_mode_steps = False
        self.reason: str | None = None
        self.whole = False
        self.suspended = 0  # > 0 inside record_call: torch calls there are not logged
        self.n_out = 0
        for i, t in enumerate(inputs):
            self.refs.setdefault(id(t), f"s{i}")

    def unsafe(self, reason: str, whole: bool = False) -> None:
        if self.reason is None:
            self.reason = reason
        self.whole = self.whole or whole

    # -- the mode ------------------------------------------------------------------------------
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.reason is not None or self.suspended:  # given up, or inside a recorded call: just run
            return func(*args, **kwargs)
        try:
            out = func(*args, **kwargs)
        except Exception:
            self.unsafe(f"{_name(func)} raised (control flow may depend on it)")
            raise
        try:
            self._log(func, args, kwargs, out)
        except _Unsupported as e:
            self.unsafe(str(e))
        except Exception as e:  # pragma: no cover - a recording bug must not break fn
            self.unsafe(f"recording {_name(func)} failed: {type(e).__name__}: {e}")
        return out

    # -- templates -----------------------------------------------------------------------------
    def _const(self, obj: Any, prefix: str) -> str:
        name = self.closure_ids.get(id(obj))
        if name is None:
            name = f"{prefix}{len(self.closure)}"
            self.closure[name] = obj
            self.closure_ids[id(obj)] = name
            self.keep.append(obj)
        return name

    def _ref(self, t: Tensor) -> str:
        name = self.refs.get(id(t))
        if name is None:  # not an input, not made by a logged call: a constant, by reference
            name = self._const(t, "k")
            self.refs[id(t)] = name
            self.constants.append(t)
        return name

    def _expr(self, obj: Any) -> str:
        """Source of an expression rebuilding ``obj`` with its tensors as references."""
        tp = type(obj)
        if tp is Tensor or isinstance(obj, Tensor):
            return self._ref(obj)
        if tp is tuple or tp is list or tp is dict or tp is slice or isinstance(obj, tuple):
            found: list = []
            _tensors_in(obj, found)
            if not found:  # no tensors: a frozen copy of the value
                return self._const(_frozen(obj), "c")
            if tp is tuple:
                return "(" + "".join(self._expr(c) + ", " for c in obj) + ")"
            if tp is list:
                return "[" + ", ".join(self._expr(c) for c in obj) + "]"
            if tp is dict:
                return "{" + ", ".join(f"{self._const(k, 'c')}: {self._expr(v)}" for k, v in obj.items()) + "}"
            raise _Unsupported(f"tensors inside a {tp.__name__} argument")
        if obj is None or tp in (int, float, bool, str):
            return repr(obj) if tp is not float else self._const(obj, "c")
        return self._const(obj, "c")

    def _tainted_args(self, args, kwargs) -> bool:
        if not self.tainted:
            return False
        found: list = []
        _tensors_in((args, kwargs), found)
        return any(self.refs.get(id(t)) in self.tainted for t in found)

    # -- one call ------------------------------------------------------------------------------
    def _log(self, func, args, kwargs, out) -> None:
        name = _name(func)
        if name in _UNSAFE:
            if name == "attr:grad" and isinstance(out, Tensor):
                pass  # reading .grad as a tensor: replayed like any call
            else:
                raise _Unsupported(f"{name} reads tensor data or state into Python")
        if isinstance(out, Tensor):
            self._step(func, args, kwargs, out, name)
            return
        produced: list = []
        _tensors_in(out, produced)
        if not produced:
            if out is None and not name.startswith("attr:"):
                self._step(func, args, kwargs, None, name)  # a side effect (__setitem__, grad mode)
                return
            found: list = []
            _tensors_in((args, kwargs), found)
            if not found:
                return  # a function of dtypes/shapes only, or a getter answering None
            if name in _STATIC or name.startswith("attr:"):
                if self._tainted_args(args, kwargs):
                    raise _Unsupported(f"{name} of a tensor whose shape depends on data")
                return  # metadata: fixed by the signature
            if (type(out) is not tuple and type(out) is not list) or out:
                raise _Unsupported(f"{name} returns a {type(out).__name__} computed from tensors")
        if type(out) is not list and not isinstance(out, tuple):
            raise _Unsupported(f"{name} returns tensors inside a {type(out).__name__}")
        self._step(func, args, kwargs, list(out), name)

    def _step(self, func, args, kwargs, out, name: str) -> None:
        call_args = ", ".join(self._expr(a) for a in args)
        if kwargs:
            kw = ", ".join(f"{k}={self._expr(v)}" for k, v in kwargs.items())
            call_args = f"{call_args}, {kw}" if call_args else kw
        fname = self._const(func, "f")
        call = f"{fname}({call_args})"
        if name in ("_set_grad_enabled", "set_grad_enabled"):
            self.grad_mode_steps = True
        # in place: a trailing-underscore method, an augmented-assignment dunder, or out=
        inplace = (name.endswith("_") and not name.endswith("__")) or name in _INPLACE_DUNDER
        if inplace and args and isinstance(args[0], Tensor):
            self.mutated.append(args[0])
        if "out" in kwargs:
            found: list = []
            _tensors_in(kwargs["out"], found)
            self.mutated.extend(found)
        dynamic = self._tainted_args(args, kwargs) or self._dynamic_shape(name, args, kwargs)
        call += f"  # {name}"  # the recorded torch call, for tracebacks and inspect
        if out is None:
            self.lines.append(call)
            return
        if isinstance(out, Tensor):
            ref = f"t{self.n_out}"
            self.n_out += 1
            self.lines.append(f"{ref} = {call}")
            self._bind(out, ref, dynamic)
            return
        res = f"r{self.n_out}"
        self.n_out += 1
        self.lines.append(f"{res} = {call}")
        for i, v in enumerate(out):
            if isinstance(v, Tensor):
                ref = f"t{self.n_out}"
                self.n_out += 1
                self.lines.append(f"{ref} = {res}[{i}]")
                self._bind(v, ref, dynamic)
            elif isinstance(v, (list, tuple, dict)):
                found: list = []
                _tensors_in(v, found)
                if found:
                    raise _Unsupported(f"{name} returns nested containers of tensors")

    def _bind(self, t: Tensor, ref: str, dynamic: bool) -> None:
        key, refs = id(t), self.refs
        refs[key] = ref

        def forget(_, key=key, ref=ref, refs=refs):
            if refs.get(key) == ref:
                del refs[key]

        self.watch.append(weakref.ref(t, forget))
        if dynamic:
            self.tainted.add(ref)

    @staticmethod
    def _dynamic_shape(name: str, args, kwargs) -> bool:
        if name in _DYNAMIC_SHAPE:
            return True
        if name in ("__getitem__", "index", "index_put", "index_put_"):
            return len(args) > 1 and _has_bool_index(args[1])
        if name == "where":
            return len(args) + len(kwargs) == 1
        if name == "tensor_split":
            return any(isinstance(a, Tensor) for a in args[1:2]) or isinstance(kwargs.get("indices"), Tensor) \
                or isinstance(kwargs.get("tensor_indices_or_sections"), Tensor)
        return False

    # -- the program ---------------------------------------------------------------------------
    def _structure(self, td: Any, refs) -> str:
        """Source rebuilding ``fn``'s output tree (``dlx.tree`` kinds) from leaf references."""
        kind = td.kind
        if kind == "leaf":
            return next(refs)
        if kind == "none":
            return "None"
        kids = [self._structure(c, refs) for c in td.children]
        if kind == "tuple":
            return "(" + "".join(c + ", " for c in kids) + ")"
        if kind == "list":
            return "[" + ", ".join(kids) + "]"
        if kind == "dict":
            return "{" + ", ".join(f"{self._const(m, 'c')}: {v}" for m, v in zip(td.meta, kids)) + "}"
        return f"{self._const(td.meta, 'c')}({', '.join(kids)})"  # a namedtuple

    def finish(self, out: Any, label: str = "fn") -> _Program:
        """The recorded program; its source is registered with :mod:`linecache` under
        ``<dlx_torch replay LABEL>`` so that tracebacks and ``inspect`` show the recorded lines."""
        leaves, td = tree.flatten(out)
        refs = [self._ref(v) if isinstance(v, Tensor) else self._const(v, "c") for v in leaves]
        ret = self._structure(td, iter(refs))
        n_in = len(self.inputs)
        body = []
        if n_in:
            body.append("".join(f"s{i}, " for i in range(n_in)) + "= L")
        body += _with_releases(self.lines, ret)
        body.append(f"return {ret}")
        if self.grad_mode_steps:  # restore torch's grad mode if a replayed step raises
            body = ["_g = _is_grad_enabled()", "try:", *("    " + b for b in body),
                    "finally:", "    _set_grad(_g)"]
            self.closure["_is_grad_enabled"] = torch.is_grad_enabled
            self.closure["_set_grad"] = _internals.set_grad_enabled
        names = list(self.closure)
        src = "\n".join([f"def _make({', '.join(names)}):",
                         "    def _program(L):",
                         *("        " + b for b in body),
                         "    return _program"])
        filename = f"<dlx_torch replay {label}>"
        ns: dict = {}
        exec(compile(src, filename, "exec"), ns)
        program = ns["_make"](**self.closure)
        linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
        weakref.finalize(program, linecache.cache.pop, filename, None)
        externals = {_storage_ptr(t) for t in (*self.inputs, *self.constants)}
        externals.discard(0)
        mutates = any(_storage_ptr(t) in externals for t in self.mutated)
        constants = tuple(t for t in self.constants if isinstance(t, Tensor))
        return _Program(program, src, len(self.lines), mutates, constants)


_LOCAL_NAME = re.compile(r"\b[str]\d+\b")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")  # literals (reprs of str arguments) hold no names


def _with_releases(lines: list[str], ret: str) -> list[str]:
    """``lines`` with ``del`` statements after each local's last use (outputs are kept): a long
    program -- a multi-step train function -- then frees each step's intermediates as eager code
    would, instead of holding every buffer until it returns."""
    last: dict[str, int] = {}
    for i, line in enumerate(lines):
        for name in _LOCAL_NAME.findall(_STRING.sub("", line)):
            last[name] = i
    keep = set(_LOCAL_NAME.findall(ret))
    dead: dict[int, list[str]] = {}
    for name, i in last.items():
        if name not in keep:
            dead.setdefault(i, []).append(name)
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i in dead:
            out.append("del " + ", ".join(sorted(dead[i])))
    return out


def _frozen(obj: Any) -> Any:
    """A copy of a tensor-free argument container (so later mutation by ``fn`` is not seen)."""
    tp = type(obj)
    if tp is list:
        return [_frozen(c) for c in obj]
    if tp is dict:
        return {k: _frozen(v) for k, v in obj.items()}
    if tp is tuple:
        return tuple(_frozen(c) for c in obj)
    return obj


def _storage_ptr(t: Tensor) -> int:
    try:
        return t.untyped_storage().data_ptr()
    except Exception:  # pragma: no cover - tensors without storage
        return 0


# ------------------------------------------------------------------------------------ programs
class _Program:
    __slots__ = ("constants", "mutates", "n_steps", "run", "source", "verified")

    def __init__(self, run: Callable, source: str, n_steps: int, mutates: bool, constants: tuple = ()):
        self.run = run
        self.source = source
        self.n_steps = n_steps
        self.mutates = mutates  # writes into an input or a constant: verified against saved state
        self.constants = constants  # the tensors the program captured (restored when verifying)
        self.verified = False


def _state_tensors(leaves, constants) -> list:
    """The distinct tensors a mutating program may write: this call's tensor leaves and the
    tensors it captured."""
    seen, out = set(), []
    for t in (*leaves, *constants):
        if isinstance(t, Tensor) and id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def _restore(tensors, values) -> None:
    with torch.no_grad():
        for t, v in zip(tensors, values):
            t.copy_(v)


class _Eager:
    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def _bytes(t: Tensor) -> Tensor:
    return t.detach().contiguous().reshape(-1).view(torch.uint8)


def same_result(a: Any, b: Any) -> bool:
    """Whether two results of ``fn`` are bitwise equal (structure, dtypes, shapes, values)."""
    la, ta = tree.flatten(a)
    lb, tb = tree.flatten(b)
    if ta != tb or len(la) != len(lb):
        return False
    for x, y in zip(la, lb):
        if isinstance(x, Tensor) or isinstance(y, Tensor):
            if not (isinstance(x, Tensor) and isinstance(y, Tensor)):
                return False
            if (x.dtype != y.dtype or x.shape != y.shape or x.device != y.device
                    or x.requires_grad != y.requires_grad):
                return False
            if x is not y and x.numel() and not torch.equal(_bytes(x), _bytes(y)):
                return False
        elif isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not (type(x) is type(y) and x.dtype == y.dtype and x.shape == y.shape
                    and np.ascontiguousarray(x).tobytes() == np.ascontiguousarray(y).tobytes()):
                return False
        elif type(x) is not type(y):
            return False
        elif type(x) is float:
            if x.hex() != y.hex():
                return False
        else:
            try:
                if not bool(x == y):
                    return False
            except Exception:
                return False
    return True


class Replayed:
    """``fn`` recorded once per input signature and replayed (see the module docstring).

    ``cache_info()`` says what each signature does (for tests and debugging).
    """

    def __init__(self, fn: Callable):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._cache: dict[tuple, _Program | _Eager] = {}
        self._eager_reason: str | None = None  # set: every call runs fn eagerly
        self._recordings = 0  # numbers the recorded programs' source files

    def __get__(self, obj, objtype=None):  # as a method: bind like a function
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        fn = self._fn
        if self._eager_reason is not None or _eager_only():
            return fn(*args, **kwargs)
        try:
            key, leaves, numpy_seen = _signature(args, kwargs)
            entry = self._cache.get(key)
        except Exception:  # an unhashable leaf, or one whose == raises
            return fn(*args, **kwargs)
        if type(entry) is _Program and entry.verified:
            return entry.run(leaves)
        if torch.compiler.is_compiling():
            return fn(*args, **kwargs)
        if numpy_seen:
            args, kwargs = _with_converted(args, kwargs, numpy_seen)
        if entry is None:
            if len(self._cache) >= MAX_SIGNATURES:
                return fn(*args, **kwargs)
            return self._record(key, leaves, args, kwargs)
        if type(entry) is _Eager:
            return fn(*args, **kwargs)
        return self._verify(key, entry, leaves, args, kwargs)

    # -- misses --------------------------------------------------------------------------------
    def _record(self, key, leaves, args, kwargs):
        rec = _Recorder(leaves)
        _LOCAL.recorder = rec
        try:
            with rec:
                out = self._fn(*args, **kwargs)
        finally:
            _LOCAL.recorder = None
            if rec.whole:
                self._eager_reason = rec.reason
                self._cache.clear()
        if rec.whole:
            return out
        if rec.reason is None:
            try:
                self._recordings += 1
                label = f"{getattr(self._fn, '__qualname__', 'fn')}, signature {self._recordings}"
                self._cache[key] = rec.finish(out, label)
            except _Unsupported as e:
                rec.reason = str(e)
        if rec.reason is not None:
            self._cache[key] = _Eager(rec.reason)
        return out

    def _verify(self, key, program: _Program, leaves, args, kwargs):
        """The first replay of a signature runs beside ``fn``, and both are compared bitwise.
        A program that writes into its inputs or captured tensors (an optimizer update on
        donated state) is verified too: the state is saved, ``fn`` runs and its final state is
        kept aside, the saved state is restored, the replay runs, and outputs *and* final states
        must agree; on a mismatch ``fn``'s state is put back and the signature runs eagerly."""
        state = _state_tensors(leaves, program.constants) if program.mutates else []
        saved = [t.detach().clone() for t in state]
        if program.mutates:
            want = self._fn(*args, **kwargs)
            want_state = [t.detach().clone() for t in state]
            _restore(state, saved)
        try:
            got = program.run(leaves)
        except Exception as e:
            _restore(state, saved)
            out = self._fn(*args, **kwargs)  # fn's own error raises here
            self._cache[key] = _Eager(f"replay raised {type(e).__name__}: {e}")
            return out
        if not program.mutates:
            want = self._fn(*args, **kwargs)
        try:
            same = same_result(got, want) and all(
                torch.equal(_bytes(a.detach()), _bytes(b)) for a, b in zip(state, want_state if state else ()))
        except Exception:  # e.g. a layout torch cannot view as bytes
            same = False
        if same:
            program.verified = True
            return got
        if program.mutates:
            _restore(state, want_state)  # the state fn left: as if only fn had run
        self._cache[key] = _Eager("replay differs from eager (state the trace cannot see)")
        return want

    # -- introspection -------------------------------------------------------------------------
    def cache_info(self) -> dict:
        """``{"eager": reason or None, "signatures": [("replay", steps) | ("unverified", steps) |
        ("eager", reason), ...]}``."""
        sigs = []
        for entry in list(self._cache.values()):
            if type(entry) is _Program:
                sigs.append(("replay" if entry.verified else "unverified", entry.n_steps))
            else:
                sigs.append(("eager", entry.reason))
        return {"eager": self._eager_reason, "signatures": sigs}

    def clear(self) -> None:
        """Forgets every recording (the next calls record again)."""
        self._cache.clear()
        self._eager_reason = None


__all__ = ["MAX_SIGNATURES", "Replayed", "enabled", "mark_unsafe", "record_call", "recording", "replayed",
           "same_result"]
