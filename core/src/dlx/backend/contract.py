"""The backend contract: what a framework plugin implements.

A backend is a concrete subclass of :class:`Backend`, an abstract base class:

* **required** (abstract, or a class attribute without a default): ``name``, ``spec_version``
  (the op-spec version the backend was written against), :meth:`~Backend.native_kernels`
  (op name -> kernel), :meth:`~Backend.convert_to_tensor`, :meth:`~Backend.to_numpy` and
  :meth:`~Backend.is_tensor`; :meth:`~Backend.value_and_grad` too when ``capabilities.training``;
* **optional**, with documented defaults: ``capabilities``, ``xfail_file``, ``auto_jit_compile``,
  ``compiled_takes_numpy``, ``compiled_reads_storages``, ``variable_values_immutable``, :meth:`~Backend.read_aliases`,
  :meth:`~Backend.placed_as_outputs`,
  :meth:`~Backend.jvp` (one reverse pass per output element), :meth:`~Backend.compile` (identity),
  :meth:`~Backend.in_compiled_context`, the variable-storage methods, devices and
  :meth:`~Backend.configure_numerics`.

**Incremental bring-up.** A backend may provide only some kernels: :func:`build_op_table` fills
every other op with the spec's decomposition into ops, else with a *reference fallback* (the
arguments go through ``to_numpy``, the NumPy reference runs, the results come back through
``convert_to_tensor``). A fallback warns once per op (:class:`ReferenceFallbackWarning`), is
listed by ``python -m dlx info`` and the conformance report (:attr:`Backend.op_sources`), and
refuses to run inside a compiled function, naming the op.

Stateless random needs nothing extra: the ``random_bits`` op (Threefry-2x32, see
``dlx.ops.defs.random``) is a kernel like any other, and every distribution decomposes into ops.
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
import importlib.util
import threading
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from dlx.ops.spec import REGISTRY, SPEC_VERSION, param_names


class BackendError(RuntimeError):
    """A backend could not be found, loaded or validated."""


@dataclasses.dataclass(frozen=True)
class Capabilities:
    """What a backend can do; every flag is read by dlx or the conformance suite, which skips
    with ``reasons[name]`` when a capability is ``False``.

    Arguments:
        training: ``value_and_grad`` works (the trainer, the gradient tier of the suite).
        jit: ``compile`` compiles (what ``jit_compile="auto"`` means unless ``auto_jit_compile``
            says otherwise).
        float64: float64 tensors are supported (the suite's float64 cases).
        complex: the framework has complex dtypes (complex64 / complex128); the suite runs the
            cases whose dtype is complex only where this is ``True``.
        distribution: the plugin ships a ``distribution`` module next to its backend module that
            runs :mod:`dlx.distribution` on the framework's engine (see
            :mod:`dlx.distribution.engine` for what it provides).
        reasons: capability name -> why it is ``False``, shown in skips and ``python -m dlx info``.
    """

    training: bool = True
    jit: bool = False
    float64: bool = True
    complex: bool = False
    distribution: bool = False
    reasons: dict = dataclasses.field(default_factory=dict)

    def reason(self, capability: str) -> str:
        """Why a capability is ``False``: the backend's stated reason, else a generic one.

        Arguments:
            capability: a capability name (``"jit"``, ``"float64"``, ...).

        Returns:
            A sentence.
        """
        return self.reasons.get(capability, f"the backend does not declare '{capability}'")

    def as_dict(self) -> dict:
        """The capability flags by name (without ``reasons``).

        Returns:
            A dict of bools.
        """
        d = dataclasses.asdict(self)
        d.pop("reasons")
        return d


class ReferenceFallbackWarning(UserWarning):
    """An op ran through the NumPy reference because the backend has no kernel for it (once per
    op and backend)."""


class Backend(abc.ABC):
    """Base class of every backend (see the module docstring for what is required)."""

    #: the name users select (``"jax"``); it must match the plugin's ``BackendRecord.name``
    name: ClassVar[str]
    #: the op-spec version the backend was written against (ops newer than it still run, through
    #: decompositions or reference fallbacks); required, never defaulted to core's version
    spec_version: ClassVar[int]
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: path of the strict xfail file the conformance suite applies (``None``: none)
    xfail_file: ClassVar[str | None] = None
    #: what ``jit_compile="auto"`` means here (``None``: ``capabilities.jit``). A backend whose
    #: plain compilation beats its JIT for typical steps (graph-mode TF, eager torch) says False.
    auto_jit_compile: ClassVar[bool | None] = None
    #: whether functions returned by :meth:`compile` take NumPy arrays wherever they take tensors
    #: (and convert them faster than :meth:`convert_to_tensor` would): the trainer then feeds
    #: compiled steps NumPy batches, with no conversion on its input thread
    compiled_takes_numpy: ClassVar[bool] = False
    #: whether ``fit`` slices in-memory arrays on a prefetch thread (as it does other inputs).
    #: False where a compiled step already keeps every core busy (XLA on CPU): a batch is one
    #: gather per array, cheaper than the thread hand-offs, so it is taken on the step's thread
    prefetch_in_memory_batches: ClassVar[bool] = True
    #: whether functions returned by :meth:`compile` take variable storages wherever they take
    #: tensors and read them when they run (a ``tf.Variable`` passed to a ``tf.function`` is a
    #: resource input, read by the graph): the trainer then hands the compiled predict and
    #: evaluate functions the storages (the same lists until a variable changes), read inside
    #: them with :meth:`read_variable`, instead of reading every variable before each call; and
    #: its compiled training step the trainable storages themselves, which the step's ops take
    #: wherever they take tensors (read where used: in a loop body, each iteration) and to which
    #: it writes their new values with :meth:`assign_variable`
    compiled_reads_storages: ClassVar[bool] = False
    #: whether :meth:`read_variable` returns the storage itself and a variable's value changes
    #: only by replacing its storage (an assignment through ``dlx.Variable``): the trainer then
    #: reuses the value lists it hands to compiled predict / evaluate functions until a variable
    #: changes. False where a compiled function can update a variable in place (a
    #: ``tf.Variable``) or a read returns a new object each time (a snapshot, a detached alias)
    variable_values_immutable: ClassVar[bool] = False

    def __init__(self) -> None:
        self._op_table: dict[str, Callable] | None = None
        #: op name -> ``"native"``, ``"decomposition"`` or ``"reference"`` (set with the table)
        self.op_sources: dict[str, str] = {}
        self.record = None  # the BackendRecord it was loaded from, set by the registry

    # -- identity -------------------------------------------------------------------------------
    def framework_version(self) -> str:
        """The framework's version string (``""`` where there is none)."""
        return ""

    def device(self) -> str:
        """The device ops run on by default (``"cpu"``, ``"gpu:0"``...)."""
        return "cpu"

    def devices(self) -> list[str]:
        """Every device ops can run on (default: the default device)."""
        return [self.device()]

    def device_scope(self, device_name: str):
        """A context manager placing the tensors and variables created in it on ``device_name``
        (``"cpu"``, ``"gpu:1"``...; no index means ``0``). Default: only this backend's own
        :meth:`devices` are accepted, and since it has one placement the scope changes nothing.

        Raises:
            ValueError: for a device the backend does not have.
        """
        import contextlib

        kind, index = parse_device(device_name)
        if f"{kind}:{index}" not in [":".join(map(str, parse_device(d))) for d in self.devices()]:
            raise ValueError(f"device {device_name!r}: backend {self.name!r} has no such device; available: "
                             f"{self.devices()}")
        return contextlib.nullcontext()

    def configure_numerics(self) -> None:
        """Applies PARITY.md's obligations for this framework; called once, at selection
        (default: nothing to apply)."""
        return

    # -- ops ------------------------------------------------------------------------------------
    @abc.abstractmethod
    def native_kernels(self) -> dict[str, Callable]:
        """Op name -> kernel taking the op's parameters by the spec's names. Any subset of the
        registry: the rest run through decompositions or reference fallbacks."""

    @property
    def op_table(self) -> dict[str, Callable]:
        """Every registered op's callable on this backend (built and validated on first use)."""
        if self._op_table is None:
            self._op_table = build_op_table(self)
        return self._op_table

    # -- tensors --------------------------------------------------------------------------------
    @abc.abstractmethod
    def convert_to_tensor(self, x, dtype=None):
        """``x`` (a tensor, NumPy array, Python scalar or nested list) as a tensor of this
        backend, cast to ``dtype`` when given."""

    def adopt_array(self, x: np.ndarray):
        """``x`` as a tensor, where ``x`` is a NumPy array that dlx made itself and nothing else
        references or writes (a shuffled batch ``fit`` gathered from in-memory data, see
        ``dlx.backend.buffers.take_rows``): a backend whose :meth:`convert_to_tensor` copies NumPy
        arrays may take ``x``'s buffer instead. Default: :meth:`convert_to_tensor`."""
        return self.convert_to_tensor(x)

    @abc.abstractmethod
    def to_numpy(self, x) -> np.ndarray:
        """``x`` as a NumPy array (no copy where the framework allows)."""

    @abc.abstractmethod
    def is_tensor(self, x) -> bool:
        """Whether ``x`` is a tensor of this backend."""

    # -- autodiff and compilation -----------------------------------------------------------------
    def value_and_grad(self, fn: Callable, argnums=0, has_aux: bool = False) -> Callable:
        """Returns ``f(*args) -> (value, grads)`` (``((value, aux), grads)`` with ``has_aux``),
        ``grads`` mirroring the pytree(s) ``args[argnums]``. ``fn`` must be pure.

        Required when ``capabilities.training`` is true; the default raises.
        """
        raise BackendError(f"backend {self.name!r} cannot differentiate: "
                           f"{self.capabilities.reason('training')}")

    def jvp(self, fun: Callable, primals, tangents, has_aux: bool = False):
        """Forward-mode product of ``fun``'s Jacobian at ``primals`` with ``tangents``: returns
        ``(fun(*primals), J @ tangents)`` (``(out, tangents_out, aux)`` with ``has_aux``, ``fun``
        then returning ``(out, aux)``). ``primals`` and ``tangents`` are matching sequences of
        pytrees; ``tangents_out`` mirrors ``out`` (zeros for non-float leaves).

        Default: one reverse-mode pass (:meth:`value_and_grad`) per element of every float output,
        ``<grad out[k], tangents>``: exact, but as slow as the output is large. Backends with
        forward-mode autodiff override it.
        """
        from dlx import ops
        from dlx import tree_util as tree

        primals, tangents = tuple(primals), tuple(tangents)
        if len(primals) != len(tangents):
            raise ValueError(f"jvp: {len(primals)} primal(s) but {len(tangents)} tangent(s); expected one "
                             "tangent per primal")
        for p, t in zip(primals, tangents):
            if tree.flatten(p)[1] != tree.flatten(t)[1]:
                raise ValueError("jvp: a tangent's structure differs from its primal's; expected matching pytrees")
        out = fun(*primals)
        value, aux = out if has_aux else (out, None)
        leaves, treedef = tree.flatten(value)
        flat_tangents = [self.to_numpy(t).astype(np.float64) for t in tree.leaves(tangents)]
        argnums = tuple(range(len(primals)))
        tangent_leaves = []
        for index, leaf in enumerate(leaves):
            current = self.to_numpy(leaf)
            if current.dtype.kind != "f":
                tangent_leaves.append(self.convert_to_tensor(np.zeros(current.shape, current.dtype)))
                continue
            column = np.zeros(current.size, np.float64)
            for k in range(current.size):
                basis = np.zeros(current.size, current.dtype)
                basis[k] = 1
                basis = self.convert_to_tensor(basis.reshape(current.shape))

                def component(*args, _index=index, _basis=basis):
                    y = fun(*args)
                    y = y[0] if has_aux else y
                    return ops.sum(ops.multiply(tree.leaves(y)[_index], _basis))

                _, grads = self.value_and_grad(component, argnums=argnums)(*primals)
                column[k] = sum(float(np.sum(self.to_numpy(g).astype(np.float64) * t))
                                for g, t in zip(tree.leaves(grads), flat_tangents) if g is not None)
            tangent_leaves.append(self.convert_to_tensor(column.reshape(current.shape).astype(current.dtype)))
        tangents_out = tree.unflatten(treedef, tangent_leaves)
        return (value, tangents_out, aux) if has_aux else (value, tangents_out)

    def compile(self, fn: Callable, *, donate_argnums=(), static_argnums=(), jit: bool = True,
                inference: bool = False) -> Callable:
        """Compiles a pure function (default: the identity, for backends without a compiler).

        ``inference=True`` says ``fn`` runs a model forward only (a predict or evaluate step,
        a generation step): a backend may compile it with settings that serve inference better.
        It is a hint about speed; the compiled function computes the same values either way.
        """
        return fn

    def remat(self, fn: Callable) -> Callable:
        """``fn`` (a function of tensors returning tensors) rematerialized: its intermediate
        values are recomputed in the backward pass instead of kept (gradient checkpointing).
        Default: ``fn`` itself with a warning, as Keras's NumPy backend does -- values and
        gradients are the same, only the memory saving is missing."""
        import warnings

        warnings.warn(f"backend {self.name!r} has no rematerialization: the function runs unchanged (no memory "
                      "saving)", UserWarning, stacklevel=3)
        return fn

    def abstract_eval(self, fn: Callable, specs) -> Any:
        """Output shapes and dtypes of ``fn(*tensors)`` for inputs of the given ``specs`` (a list of
        ``(shape, dtype)`` with int dimensions), as ``fn``'s output structure with
        :class:`~dlx.ops.symbolic.SymbolicTensor` leaves. Symbolic calls use it for a layer whose
        ``call()`` calls the framework directly (``jnp.*``, ``torch.*``, ``tf.*``), which core's
        symbolic shapes cannot run. Default: runs ``fn`` once on zero tensors -- exact, at the cost
        of one evaluation; backends with an abstract interpreter (``jax.eval_shape``, torch's meta
        device, a TF graph) override it."""
        from dlx import ops

        return specs_of(fn(*[ops.zeros(shape, dtype) for shape, dtype in specs]), self)

    def dynamic_shape(self, x, static: tuple) -> tuple:
        """The shape of backend tensor ``x`` whose ``static`` shape has unknown (``None``) dims, as
        in a graph being traced: :func:`dlx.ops.shape` returns it, as Keras's does. A backend
        whose graphs have run-time dims (TF's ``tf.data`` maps, ``tf.function``) gives those as
        scalar tensors. Default: ``static`` (the dims stay ``None``)."""
        return static

    def in_compiled_context(self) -> bool:
        """Whether ops are being traced into a compiled function right now in this thread (reference
        fallbacks refuse to run then). Default: never."""
        return False

    # -- fused layer kernels ----------------------------------------------------------------------
    def fused_rnn(self, kind: str, sequences, initial_states: list, kernel, recurrent_kernel, bias, *,
                  go_backwards: bool, training: bool):
        """A fused kernel for a whole recurrent layer (what Keras calls cuDNN-compatible), or
        ``None`` when the backend has none for this call: the layer then runs its cell over
        :func:`dlx.ops.scan` (the default: always ``None``).

        Arguments:
            kind: ``"lstm"`` (gates ``i, f, c, o``) or ``"gru"`` (gates ``z, r, h``,
                ``reset_after=True``), with ``tanh`` / ``sigmoid`` activations, a bias, no
                recurrent dropout and no mask (the layer checks all of this before asking).
            sequences: ``(batch, timesteps, features)``.
            initial_states: ``[h, c]`` (LSTM) or ``[h]`` (GRU), each ``(batch, units)``.
            kernel, recurrent_kernel, bias: the cell's weights as Keras lays them out (GRU's
                bias is ``(2, 3 * units)``: input and recurrent biases).
            go_backwards: process the sequence from its end.
            training: whether the call is a training one.

        Returns:
            ``(outputs, final_states)``: ``outputs`` is ``(batch, timesteps, units)`` in
            processing order, ``final_states`` a list like ``initial_states``.
        """
        return None

    # -- variables --------------------------------------------------------------------------------
    def create_variable(self, value, *, dtype, trainable: bool, name: str):
        """Returns the framework's native storage for a new variable (default: a tensor)."""
        return self.convert_to_tensor(value, dtype)

    def adopt_variable(self, value, *, dtype, trainable: bool, name: str):
        """Returns the storage for a new variable whose initial ``value`` nothing else references
        (the fresh result of one of dlx's built-in initializers, see ``dlx.Variable``): a backend
        whose :meth:`create_variable` copies its input may take ``value`` itself instead.
        Default: :meth:`create_variable`."""
        return self.create_variable(value, dtype=dtype, trainable=trainable, name=name)

    def read_variable(self, storage):
        """The current value held by ``storage`` (default: the storage itself)."""
        return storage

    def read_aliases(self, storages) -> list | None:
        """Where a :meth:`read_variable` of each of ``storages`` made outside gradient recording
        is an alias of its memory, which an in-place assignment keeps current: one token per
        storage that changes whenever that memory is replaced (by the framework, outside dlx), so
        the trainer may reuse such reads while the tokens and ``VALUES_VERSION`` stay the same.
        ``None`` (the default) where reads are not such aliases."""
        return None

    def placed_as_outputs(self, value) -> bool:
        """Whether a compiled function's outputs carry ``value``'s placement, so that a training
        step handed ``value`` is not compiled a second time for the outputs it gives back (jax:
        a committed array). ``fit`` hands a variable's value to its steps as it is only then,
        and a copy (:func:`dlx.ops.copy`, placed as outputs are) otherwise. Default: ``True``."""
        return True

    def assign_variable(self, storage, value):
        """Stores ``value``; returns the (possibly new) storage (default: a new tensor)."""
        return self.convert_to_tensor(value, dtype=getattr(storage, "dtype", None))

    def info(self) -> dict:
        """What ``python -m dlx info`` shows for this backend."""
        sources = self.op_sources or {}
        return {"name": self.name, "framework_version": self.framework_version(),
                "device": self.device(), "spec_version": self.spec_version,
                "capabilities": self.capabilities.as_dict(),
                "ops": {kind: sum(1 for v in sources.values() if v == kind)
                        for kind in ("native", "decomposition", "reference")},
                "reference_fallbacks": sorted(n for n, v in sources.items() if v == "reference")}


_TAKES_INFERENCE: dict[type, bool] = {}


def compile_function(backend: Backend, fn: Callable, *, donate_argnums=(), jit: bool = True,
                     inference: bool = False) -> Callable:
    """``backend.compile(fn, ...)``, passing ``inference`` only to a backend whose ``compile``
    takes it (one written before the keyword existed compiles as it always did)."""
    cls = type(backend)
    takes = _TAKES_INFERENCE.get(cls)
    if takes is None:
        import inspect

        params = inspect.signature(backend.compile).parameters
        takes = _TAKES_INFERENCE[cls] = "inference" in params or any(
            p.kind is p.VAR_KEYWORD for p in params.values())
    if takes:
        return backend.compile(fn, donate_argnums=donate_argnums, jit=jit, inference=inference)
    return backend.compile(fn, donate_argnums=donate_argnums, jit=jit)


def parse_device(device_name) -> tuple[str, int]:
    """``"GPU:1"`` -> ``("gpu", 1)``, ``"cpu"`` -> ``("cpu", 0)`` (``"cuda"`` is ``"gpu"``)."""
    if not isinstance(device_name, str) or not device_name:
        raise ValueError(f"device {device_name!r}: expected a name such as 'cpu', 'gpu' or 'gpu:1'")
    kind, _, index = device_name.strip().lower().rpartition("/device:")[2].partition(":")
    kind = {"cuda": "gpu"}.get(kind, kind)
    try:
        return kind, int(index or 0)
    except ValueError:
        raise ValueError(f"device {device_name!r}: the index after ':' must be an integer") from None


def check_class(cls: type) -> list[str]:
    """What a backend class lacks, as messages (empty when it is complete)."""
    problems = []
    if not isinstance(getattr(cls, "name", None), str) or not cls.name:
        problems.append("class attribute 'name' (the backend's name) is not set")
    version = getattr(cls, "spec_version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(f"class attribute 'spec_version' (the op-spec version it implements; core's is "
                        f"{SPEC_VERSION}) is not set")
    elif not 1 <= version <= SPEC_VERSION:
        problems.append(f"spec_version={version} is outside the versions this dlx knows (1..{SPEC_VERSION})")
    missing = sorted(getattr(cls, "__abstractmethods__", ()))
    if missing:
        problems.append(f"abstract methods not implemented: {', '.join(missing)}")
    caps = getattr(cls, "capabilities", None)
    if isinstance(caps, Capabilities) and caps.training and cls.value_and_grad is Backend.value_and_grad:
        problems.append("capabilities.training is True but value_and_grad is not implemented")
    return problems


def kernel_modules(package: str) -> tuple:
    """A plugin's kernel modules: ``package.<group>`` for every op group of :mod:`dlx.ops.defs`
    (:data:`dlx.ops.defs.GROUPS`, in that order) that the plugin has a module for. A group with no
    module is skipped (its ops run their decompositions or the reference fallback), so a backend
    comes up one module at a time and a new group needs no edit here or in the plugin's
    ``kernels/__init__.py``. An import error inside a module that exists propagates.

    Arguments:
        package: the dotted name of the plugin's kernel package (e.g. ``"dlx_torch.kernels"``).

    Returns:
        A tuple of the imported kernel modules, in :data:`dlx.ops.defs.GROUPS` order.
    """
    from dlx.ops.defs import GROUPS

    found = []
    for group in GROUPS:
        name = f"{package}.{group}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return tuple(found)


def merge_kernel_tables(groups) -> dict[str, Callable]:
    """The ``KERNELS`` tables of a plugin's kernel modules (one per op group, named after the
    ``dlx.ops.defs`` module whose ops they implement) merged into one; an op in two tables is an
    error naming both modules.

    Arguments:
        groups: the kernel modules (as :func:`kernel_modules` returns), each with a ``KERNELS``
            dict of op name -> kernel.

    Returns:
        One dict of op name -> kernel.

    Raises:
        ValueError: when two modules have a kernel for the same op.
    """
    table: dict[str, Callable] = {}
    owner: dict[str, str] = {}
    for module in groups:
        for name, kernel in module.KERNELS.items():
            if name in table:
                raise ValueError(f"op {name!r} has kernels in {owner[name]} and {module.__name__}")
            table[name], owner[name] = kernel, module.__name__
    return table


_WARNED = set()
_WARNED_LOCK = threading.Lock()


def _to_numpy_tree(backend, spec, v):
    if isinstance(v, (list, tuple)):
        return type(v)(_to_numpy_tree(backend, spec, t) for t in v)
    if isinstance(v, (np.ndarray, np.generic)) or not backend.is_tensor(v):
        return v
    try:
        return backend.to_numpy(v)
    except Exception as e:  # a traced value: no concrete data to hand to NumPy
        raise BackendError(f"op {spec.name!r} has no kernel on backend {backend.name!r} and its NumPy reference "
                           f"fallback cannot run inside a compiled function ({type(e).__name__}: {e}); add a "
                           f"kernel for {spec.name!r} or run the function uncompiled") from e


def _to_backend_tree(backend, v):
    if isinstance(v, (list, tuple)):
        return type(v)(_to_backend_tree(backend, t) for t in v)
    if isinstance(v, (np.ndarray, np.generic)):
        return backend.convert_to_tensor(v)
    return v


def reference_fallback(backend: Backend, spec) -> Callable:
    """A kernel for ``spec`` on ``backend`` that runs the NumPy reference on host copies of the
    arguments (see the module docstring)."""
    reference = spec.reference

    def fallback(*args, **kwargs):
        if backend.in_compiled_context():
            raise BackendError(f"op {spec.name!r} has no kernel on backend {backend.name!r} and its NumPy "
                               f"reference fallback cannot run inside a compiled function; add a kernel for "
                               f"{spec.name!r} or run the function uncompiled")
        key = (backend.name, spec.name)
        if key not in _WARNED:
            with _WARNED_LOCK:
                first = key not in _WARNED
                _WARNED.add(key)
            if first:
                warnings.warn(f"op {spec.name!r} has no kernel on backend {backend.name!r}: it runs through the "
                              f"NumPy reference (host copies, no gradients, not compilable)",
                              ReferenceFallbackWarning, stacklevel=2)
        args = tuple(_to_numpy_tree(backend, spec, a) for a in args)
        kwargs = {k: _to_numpy_tree(backend, spec, v) for k, v in kwargs.items()}
        return _to_backend_tree(backend, reference(*args, **kwargs))

    fallback.__name__ = f"{spec.name}_reference_fallback"
    fallback.__qualname__ = fallback.__name__
    return fallback


class OpTable(dict):
    """A backend's op table. An op registered after the table was built (a third party's, at
    run time) is filled on first lookup, like any op without a native kernel."""

    def __init__(self, backend: Backend, table: dict) -> None:
        super().__init__(table)
        self.backend = backend

    def __missing__(self, name: str) -> Callable:
        spec = REGISTRY.get(name)
        if spec is None:
            raise KeyError(name)
        native = self.backend.native_kernels().get(name)
        if native is not None:
            fn, source = native, "native"
        elif spec.decomposition is not None:
            fn, source = spec.decomposition, "decomposition"
        else:
            fn, source = reference_fallback(self.backend, spec), "reference"
        self[name] = fn
        self.backend.op_sources[name] = source
        return fn


def build_op_table(backend: Backend) -> dict[str, Callable]:
    """Validates ``backend.native_kernels()`` against the registry and fills the gaps: the spec's
    decomposition where there is one, else a :func:`reference_fallback`. Records where each op
    comes from in ``backend.op_sources``. Raises one :class:`BackendError` listing every problem.

    Arguments:
        backend: the :class:`Backend` whose native kernels are checked and completed.

    Returns:
        The complete op table (every registered op name -> the callable that runs it).

    Raises:
        BackendError: when a kernel names no registered op or its parameters differ from the
            op spec's.
    """
    native = backend.native_kernels()
    problems = []
    table: dict[str, Callable] = {}
    sources: dict[str, str] = {}
    for name, fn in native.items():
        spec = REGISTRY.get(name)
        if spec is None:
            problems.append(f"kernel {name!r} names no registered op")
            continue
        try:
            got = param_names(fn)
        except (TypeError, ValueError):
            got = None
        want = spec.params
        if got is not None and got != want:
            problems.append(f"kernel {name!r} takes ({', '.join(got)}); the spec says ({', '.join(want)})")
            continue
        table[name] = fn
        sources[name] = "native"
    for name, spec in REGISTRY.items():
        if name in table:
            continue
        if spec.decomposition is not None:  # also for ops newer than the backend: its other ops run it
            table[name] = spec.decomposition
            sources[name] = "decomposition"
        else:
            table[name] = reference_fallback(backend, spec)
            sources[name] = "reference"
    if problems:
        raise BackendError(f"backend {backend.name!r}: the op table has {len(problems)} problem(s):\n  - "
                           + "\n  - ".join(problems))
    backend.op_sources = sources
    return OpTable(backend, table)


def specs_of(out, backend):
    """``out``'s tensors (of ``backend``) replaced by :class:`SymbolicTensor` s of their shapes and dtypes."""
    from dlx import tree_util
    from dlx.ops import tensors
    from dlx.ops.symbolic import SymbolicTensor

    return tree_util.map_structure(
        lambda t: SymbolicTensor(tuple(None if d is None else int(d) for d in t.shape), tensors.dtype(t))
        if backend.is_tensor(t) else t, out)
