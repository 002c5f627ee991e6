"""The backend contract: what a framework plugin implements.

A backend is a subclass of :class:`Backend`. The essentials:

* ``name``, ``capabilities`` and ``spec_version`` (class attributes);
* :meth:`native_kernels` -- op name -> kernel. A kernel takes the op's parameters by the spec's
  names (tensor parameters get backend tensors, NumPy arrays or Python scalars). The table is
  validated once at load against the registry; ops without a native kernel use the spec's
  decomposition; every problem is reported in one :class:`BackendError`;
* tensor plumbing (:meth:`convert_to_tensor`, :meth:`to_numpy`, :meth:`is_tensor`);
* autodiff (:meth:`value_and_grad`) and compilation (:meth:`compile`);
* variable storage (:meth:`create_variable`, :meth:`assign_variable`, :meth:`read_variable`).

Stateless random needs nothing extra: the ``random_bits`` op (Threefry-2x32, see
``dlx.ops.defs.random``) is a kernel like any other, and every distribution decomposes into ops.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from dlx.ops.spec import REGISTRY, SPEC_VERSION


class BackendError(RuntimeError):
    """A backend could not be found, loaded or validated."""


@dataclasses.dataclass(frozen=True)
class Capabilities:
    """What a backend can do. The conformance suite skips with ``reasons[name]`` when a
    capability is ``False``."""

    training: bool = True
    jit: bool = False
    float64: bool = True
    complex: bool = False
    sparse: bool = False
    multi_device: bool = False
    distribution: bool = False
    export_formats: tuple[str, ...] = ()
    reasons: dict = dataclasses.field(default_factory=dict)

    def reason(self, capability: str) -> str:
        return self.reasons.get(capability, f"the backend does not declare '{capability}'")

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.pop("reasons")
        return d


def _params(fn) -> list[tuple[str, Any]]:
    return [(p.name, p.kind) for p in inspect.signature(fn).parameters.values()]


class Backend:
    """Base class of every backend. Subclasses set the class attributes and override methods."""

    name: ClassVar[str] = ""
    spec_version: ClassVar[int] = SPEC_VERSION
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: what ``jit_compile="auto"`` means here (``None``: ``capabilities.jit``). A backend whose
    #: plain compilation beats its JIT for typical steps (graph-mode TF, eager torch) says False.
    auto_jit_compile: ClassVar[bool | None] = None
    #: whether functions returned by :meth:`compile` take NumPy arrays wherever they take tensors
    #: (and convert them faster than :meth:`convert_to_tensor` would): the trainer then feeds
    #: compiled steps NumPy batches, with no conversion on its input thread
    compiled_takes_numpy: ClassVar[bool] = False

    def __init__(self) -> None:
        self._op_table: dict[str, Callable] | None = None
        self.record = None  # the BackendRecord it was loaded from, set by the registry

    # -- identity -------------------------------------------------------------------------------
    def framework_version(self) -> str:
        return ""

    def device(self) -> str:
        """The device ops run on by default (``"cpu"``, ``"gpu:0"``...)."""
        return "cpu"

    def devices(self) -> list[str]:
        return [self.device()]

    def configure_numerics(self) -> None:
        """Applies PARITY.md's obligations for this framework; called once, at selection."""

    # -- ops ------------------------------------------------------------------------------------
    def native_kernels(self) -> dict[str, Callable]:
        raise NotImplementedError(f"backend {self.name!r} defines no kernels")

    @property
    def op_table(self) -> dict[str, Callable]:
        if self._op_table is None:
            self._op_table = build_op_table(self)
        return self._op_table

    # -- tensors --------------------------------------------------------------------------------
    def convert_to_tensor(self, x, dtype=None):
        raise NotImplementedError

    def to_numpy(self, x) -> np.ndarray:
        raise NotImplementedError

    def is_tensor(self, x) -> bool:
        raise NotImplementedError

    # -- autodiff and compilation -----------------------------------------------------------------
    def value_and_grad(self, fn: Callable, argnums=0, has_aux: bool = False) -> Callable:
        """Returns ``f(*args) -> (value, grads)`` (``((value, aux), grads)`` with ``has_aux``),
        ``grads`` mirroring the pytree(s) ``args[argnums]``. ``fn`` must be pure."""
        raise NotImplementedError

    def compile(self, fn: Callable, *, donate_argnums=(), static_argnums=(), jit: bool = True) -> Callable:
        """Compiles a pure function (identity where the backend has no compiler)."""
        return fn

    # -- variables --------------------------------------------------------------------------------
    def create_variable(self, value, *, dtype, trainable: bool, name: str):
        """Returns the framework's native storage for a new variable."""
        return self.convert_to_tensor(value, dtype)

    def read_variable(self, storage):
        return storage

    def assign_variable(self, storage, value):
        """Stores ``value``; returns the (possibly new) storage."""
        return self.convert_to_tensor(value, dtype=getattr(storage, "dtype", None))

    def layer_mixin(self) -> type | None:
        """A class every layer created while this backend is active also inherits (after the
        dlx class in the MRO), so models are native objects of the framework (torch:
        ``torch.nn.Module``). It may define ``dlx_initialize(obj)``, called on each new layer.
        Declare ``layer_mixin=True`` in the backend's record too."""
        return None

    def info(self) -> dict:
        return {"name": self.name, "framework_version": self.framework_version(),
                "device": self.device(), "spec_version": self.spec_version,
                "capabilities": self.capabilities.as_dict()}


def _missing_op(backend_name, spec):
    def missing(*args, **kwargs):
        raise BackendError(f"op {spec.name!r} was added in op-spec version {spec.since}; backend "
                           f"{backend_name!r} implements an older version")
    return missing


def build_op_table(backend: Backend) -> dict[str, Callable]:
    """Validates ``backend.native_kernels()`` against the registry and fills the gaps with
    decompositions. Raises one :class:`BackendError` listing every problem."""
    native = backend.native_kernels()
    problems = []
    table: dict[str, Callable] = {}
    for name, fn in native.items():
        spec = REGISTRY.get(name)
        if spec is None:
            problems.append(f"kernel {name!r} names no registered op")
            continue
        try:
            got = _params(fn)
        except (TypeError, ValueError):
            got = None
        want = [(q.name, q.kind) for q in spec.signature.parameters.values()]
        if got is not None and [n for n, _ in got] != [n for n, _ in want]:
            problems.append(f"kernel {name!r} takes ({', '.join(n for n, _ in got)}); "
                            f"the spec says ({', '.join(n for n, _ in want)})")
            continue
        table[name] = fn
    for name, spec in REGISTRY.items():
        if name in table:
            continue
        if spec.decomposition is not None:  # also for ops newer than the backend: its other ops run it
            table[name] = spec.decomposition
        elif spec.since > backend.spec_version:
            table[name] = _missing_op(backend.name, spec)
        else:
            problems.append(f"op {name!r} has no kernel and no decomposition")
    if problems:
        raise BackendError(f"backend {backend.name!r}: the op table has {len(problems)} problem(s):\n  - "
                           + "\n  - ".join(problems))
    return table
