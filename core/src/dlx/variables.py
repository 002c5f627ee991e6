"""``dlx.Variable``: a named, backend-native mutable value, and the stateless scope.

A variable lives on the backend that was active when it was created (its storage is that
framework's native variable: a ``jax.Array``, a ``torch.nn.Parameter``, a ``tf.Variable``, a NumPy
array). Passing a variable to any ``dlx.ops`` function reads its current value.

Inside ``with StatelessScope(mapping):`` reads of a mapped variable return the mapped value and
``assign`` records the new value in the scope instead of mutating the variable -- this is how
``stateless_call`` and compiled training steps treat model state as pure data.
"""

from __future__ import annotations

import threading

import numpy as np

from dlx import dtypes as _dtypes
from dlx.ops.symbolic import Special


class _ThreadScopes(threading.local):
    """This thread's open name scopes (``names``) and stateless scopes (``stack``), ``None``
    until first use: class defaults, so reading an unset one costs no AttributeError (every
    variable read asks)."""

    names = None
    stack = None


_SCOPES = _ThreadScopes()


def _thread_list(attr: str) -> list:
    """This thread's list ``attr`` on ``_SCOPES`` (created empty on first use): the open name
    scopes (``"names"``) and stateless scopes (``"stack"``)."""
    st = getattr(_SCOPES, attr, None)
    if st is None:
        st = []
        setattr(_SCOPES, attr, st)
    return st


def _name_stack() -> list:
    return _thread_list("names")


class name_scope:
    """Pushes ``name`` on the structural path used for new variables (``parent/child/var``):
    layer weights and bare ``dlx.Variable`` s created inside it have their ``path`` prefixed
    (their ``name`` stays the last component).

    Arguments:
        name: the path component.
        caller: the object opening the scope; with ``deduplicate``, re-entering the scope of the
            caller already on top does not repeat its name.
        deduplicate: see ``caller``.
        override_parent: a path that replaces everything above this scope (``"/"``: start at
            the root).

    Example:

    >>> import dlx
    >>> with dlx.name_scope("block"):
    ...     dense = dlx.layers.Dense(1, name="proj")
    ...     dense.build((None, 2))
    >>> [w.path for w in dense.weights]
    ['block/proj/kernel', 'block/proj/bias']
    >>> with dlx.name_scope("block"):
    ...     v = dlx.Variable([1.0, 2.0], name="w")
    >>> v.path, v.name
    ('block/w', 'w')
    """

    def __init__(self, name: str, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"name_scope: name={name!r}; expected a string without '/'")
        self.name, self.caller, self._pushed = name, caller, False
        self.deduplicate, self.override_parent = deduplicate, override_parent

    def __enter__(self):
        st = _name_stack()
        if not (self.deduplicate and st and self.caller is not None and st[-1][1] is self.caller):
            st.append((self.name, self.caller, self.override_parent))
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _name_stack().pop()


def current_path() -> str:
    parts: list = []
    for name, _, override_parent in _name_stack():
        if override_parent is not None:
            parts = [p for p in override_parent.split("/") if p]
        parts.append(name)
    return "/".join(parts)


def scoped_path(*names: str) -> str:
    """``names`` joined under the open name scopes (``scoped_path("w")`` is ``"block/w"`` inside
    ``name_scope("block")``, ``"w"`` outside any)."""
    return "/".join([p for p in (current_path(), *names) if p])


def _scope_stack():
    return _thread_list("stack")


class StatelessScope:
    """Maps variables to values for reads, and collects assignments instead of applying them.

    Inside the block a mapped variable reads as its mapped value and ``variable.assign(v)``
    records ``v`` in the scope (read back by later reads and by :meth:`get_current_value`); no
    variable is mutated.

    Arguments:
        state_mapping: a sequence of ``(variable, value)`` pairs. Each value is
            converted to the variable's dtype and must have its shape.
        collect_losses: collect the losses layers add in the block (``add_loss``) in
            :attr:`losses`.
        initialize_variables: whether variables created in the block are initialized when it
            ends (as dlx creates them: their value exists at once). ``False``: a variable
            created with a callable initializer in the block is initialized on its first use.

    >>> import dlx, numpy as np
    >>> v = dlx.Variable(np.zeros(2, "float32"))
    >>> with dlx.StatelessScope([(v, np.ones(2))]) as scope:
    ...     _ = v.assign(v + 1.0)
    ...     print(np.asarray(scope.get_current_value(v)))
    [2. 2.]
    >>> print(v.numpy())
    [0. 0.]
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        if isinstance(state_mapping, dict):
            raise TypeError("StatelessScope: state_mapping must be a sequence of (variable, value) pairs; received a "
                            "dict (pass list(mapping.items()))")
        self._values = {}
        for var, val in state_mapping or ():
            if not isinstance(var, Variable):
                raise ValueError(f"StatelessScope: state_mapping keys must be Variable instances; received {var!r}")
            self._values[id(var)] = (var, self._convert(var, val))
        self._assigned: dict[int, tuple] = {}
        self.collect_losses = bool(collect_losses)
        self.initialize_variables = bool(initialize_variables)
        self.losses: list = []

    @staticmethod
    def _convert(var, val):
        if isinstance(val, Variable):
            val = val.value
        if isinstance(val, Special):  # a symbolic value (SymbolicScope, shape inference)
            return val
        if not hasattr(val, "shape") or isinstance(val, (np.ndarray, np.generic)):
            from dlx import ops

            val = ops.convert_to_tensor(val, var.dtype)
        shape = tuple(val.shape)
        if shape != var.shape:
            raise ValueError(f"StatelessScope: the value for variable {var.path!r} has shape {shape}; "
                             f"expected the variable's shape {var.shape}")
        return val

    # -- Keras's scope API --------------------------------------------------------------------------
    def add_loss(self, loss):
        """Collects ``loss`` (layers call it from ``add_loss`` when ``collect_losses``)."""
        self.losses.append(loss)

    def add_update(self, update):
        """Records ``(variable, value)`` as the variable's new value in this scope."""
        var, value = update
        self.record(var, value)

    def get_current_value(self, variable):
        """The value ``variable`` has in this scope (assigned, else mapped), or ``None``."""
        return self.get(variable)

    # -- dlx's internal API -------------------------------------------------------------------------
    def get(self, var):
        """The value recorded for ``var`` in this scope: the one assigned in it, else the one it was
        mapped to on entry.

        Arguments:
            var: a variable.

        Returns:
            The value, or None when the scope has none for ``var``.
        """
        hit = self._assigned.get(id(var)) or self._values.get(id(var))
        return None if hit is None else hit[1]

    def record(self, var, value):
        """Records ``value`` as assigned to ``var`` in this scope (the variable itself is not changed).

        Arguments:
            var: a variable.
            value: its new value.
        """
        self._assigned[id(var)] = (var, value)

    def updated(self, var):
        """The value assigned to ``var`` in this scope, else its mapped/current value."""
        hit = self._assigned.get(id(var))
        if hit is not None:
            return hit[1]
        hit = self._values.get(id(var))
        return hit[1] if hit is not None else var.value

    def __enter__(self):
        _scope_stack().append(self)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()


def _defers_initialization() -> bool:
    """Whether a variable created now is initialized lazily: inside a scope opened with
    ``initialize_variables=False``."""
    st = getattr(_SCOPES, "stack", None)
    return bool(st) and any(not s.initialize_variables for s in st)


class _ThreadAutocast(threading.local):
    dtype = None  # this thread's innermost AutocastScope dtype (None: no casting)


_AUTOCAST = _ThreadAutocast()


class AutocastScope:
    """Inside the block, reads of float variables with ``autocast=True`` are cast to ``dtype``
    (``None``: no casting). Layers enter it with their compute dtype under mixed precision.
    """

    def __init__(self, dtype):
        self.dtype = None if dtype is None else _dtypes.standardize(dtype)
        self._saved = None

    def __enter__(self):
        self._saved = getattr(_AUTOCAST, "dtype", None)
        _AUTOCAST.dtype = self.dtype
        return self

    def __exit__(self, *exc):
        _AUTOCAST.dtype = self._saved


def current_autocast_dtype():
    """The dtype of the innermost :class:`AutocastScope` (``None``: no casting)."""
    return getattr(_AUTOCAST, "dtype", None)


def _returns_new_tensor(initializer) -> bool:
    """Whether calling ``initializer`` returns a new tensor that nothing else references, so that
    the backend may adopt it as the storage (:meth:`Backend.adopt_variable`) instead of copying it.
    True only for dlx's built-in initializers that compute their result (``dlx.initializers``
    records their ``__call__`` as ``_new_tensor_call``): not for a subclass that overrides
    ``__call__``, ``Constant`` (an array value is broadcast, a view), nor any other callable,
    which may return an array its caller keeps."""
    marked = getattr(type(initializer), "_new_tensor_call", None)
    return marked is not None and marked is type(initializer).__call__


def current_stateless_scope():
    st = getattr(_SCOPES, "stack", None)
    return st[-1] if st else None


#: bumped whenever any variable's storage is replaced (``assign``, creation of a deferred
#: variable, placement by a distribution) or its ``trainable`` flag changes: a list of variable
#: values read while it had one value is still what a read would give while it keeps it (on a
#: backend whose reads return the storage itself), so callers may cache such lists against it
VALUES_VERSION = [0]


def bump_values_version() -> None:
    """Marks every held list of variable values stale: for a writer that changed variables other
    than through :class:`Variable` (a compiled training step assigning their storages)."""
    VALUES_VERSION[0] += 1


def plain_values_version() -> int | None:
    """:data:`VALUES_VERSION` where a variable read returns its stored value unchanged (no
    stateless scope maps variables to other values, no autocast scope casts them), else ``None``."""
    return VALUES_VERSION[0] if _AUTOCAST.dtype is None and not _SCOPES.stack else None


class Variable(Special):
    """A mutable tensor owned by a backend.

    Arguments:
        initializer: an array-like initial value, or a callable ``(shape, dtype) -> value``.
        shape: required when ``initializer`` is callable.
        dtype: dlx dtype name (default: the initial value's dtype, floats as ``floatx()``).
        trainable: whether optimizers update it.
        name: the last path component (no ``/``).
        path: the structural path (``"dense_1/kernel"``); defaults to ``name`` under the open
            :class:`name_scope` s (``"block/w"`` inside ``name_scope("block")``).
        backend: a backend name or instance (default: the active one). When no backend is
            selected yet and ``initializer`` is callable, creation is deferred to the first use
            (on the backend active then); ``shape``/``dtype``/``path`` are available before.
        regularizer: optional penalty callable, read by ``Layer.losses``.
        constraint: optional projection applied by optimizers after each update.
        autocast: whether reads inside an :class:`AutocastScope` are cast to its dtype.
        aggregation: how replicas' values combine (``"none"``, ``"mean"``, ``"sum"``,
            ``"only_first_replica"``); recorded for distribution strategies, as in Keras.
        synchronization: when replicas synchronize (``"auto"``, ``"none"``, ``"on_read"``,
            ``"on_write"``); recorded, as in Keras.
        layout: a distribution layout; dlx places variables on one device (``None`` only).

    ``path``, ``backend``, ``regularizer`` and ``constraint`` are keyword-only extras of dlx.

    Example:

    >>> import dlx
    >>> v = dlx.Variable([1.0, 2.0], name="w")
    >>> v
    <Variable path='w' shape=(2,) dtype=float32 trainable=True>
    >>> _ = v.assign_add([1.0, 1.0])
    >>> v.numpy()
    array([2., 3.], dtype=float32)
    """

    _AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")
    _SYNCHRONIZATIONS = ("none", "on_write", "on_read", "auto")

    __array_ufunc__ = None

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none",
                 synchronization="auto", name=None, layout=None, **kwargs):
        from dlx.backend import registry
        from dlx.ops.dispatch import STATE

        path, backend = kwargs.pop("path", None), kwargs.pop("backend", None)
        regularizer, constraint = kwargs.pop("regularizer", None), kwargs.pop("constraint", None)
        if kwargs:
            raise TypeError(f"Variable: unexpected keyword argument(s) {sorted(kwargs)}")
        if aggregation is None:
            aggregation = "none"
        if aggregation not in self._AGGREGATIONS:
            raise ValueError(f"Variable: aggregation={aggregation!r}; expected one of {self._AGGREGATIONS}")
        if synchronization is None:
            synchronization = "auto"
        if synchronization not in self._SYNCHRONIZATIONS:
            raise ValueError(f"Variable: synchronization={synchronization!r}; expected one of "
                             f"{self._SYNCHRONIZATIONS}")
        if layout is not None:
            raise ValueError(f"Variable: layout={layout!r}: dlx places each variable on one device; "
                             "pass layout=None")
        self.aggregation = aggregation
        self.synchronization = synchronization

        if name is not None and "/" in str(name):
            raise ValueError(f"Variable name={name!r} must not contain '/' (paths are built from names)")
        self.name = name or "variable"
        # as Keras: the open name scopes prefix the name ("block/w")
        self.path = scoped_path(self.name) if path is None else path
        self._trainable = bool(trainable)
        self.regularizer = regularizer
        self.constraint = constraint
        self.autocast = bool(autocast)
        self._deferred = None
        create = "create_variable"
        if callable(initializer):
            if shape is None:
                raise ValueError(f"Variable {name!r}: a callable initializer needs shape=")
            dt = _dtypes.standardize(dtype or _dtypes.floatx())
            if backend is None and (STATE.backend is None or _defers_initialization()):
                # No backend is selected yet (e.g. a Functional graph built before any op ran):
                # keep the initializer and create the storage on first use, on the backend
                # active then. Shape and dtype are known now.
                self._backend = None
                self._dtype = dt
                self._shape = tuple(int(d) for d in shape)
                self._deferred = initializer
                self.__storage = None
                return
            self._backend = registry.current() if backend is None else (
                backend if not isinstance(backend, str) else registry.get(backend))
            from dlx.backend import use

            with use(self._backend):
                value = initializer(tuple(shape), dt)
            if _returns_new_tensor(initializer):
                create = "adopt_variable"
        else:
            self._backend = registry.current() if backend is None else (
                backend if not isinstance(backend, str) else registry.get(backend))
            value = initializer
            if isinstance(value, Variable):
                value = value.numpy()
            if dtype is None:
                arr = value if hasattr(value, "dtype") else np.asarray(value)
                dt = _dtypes.standardize(arr.dtype)
                if isinstance(value, (float, list)) and dt == "float64":
                    dt = _dtypes.floatx()
            else:
                dt = _dtypes.standardize(dtype)
        self._dtype = dt
        self.__storage = getattr(self._backend, create)(self._backend.convert_to_tensor(value, dt), dtype=dt,
                                                        trainable=self._trainable, name=self.name)
        self._shape = tuple(int(d) for d in self.__storage.shape)

    # -- deferred creation --------------------------------------------------------------------------
    @property
    def deferred(self) -> bool:
        """True while the storage is not created yet (created before any backend was selected)."""
        return self._deferred is not None

    def materialize(self, backend=None) -> None:
        """Creates the storage of a deferred variable now (on ``backend`` or the active one)."""
        if self._deferred is None:
            return
        from dlx.backend import registry, use

        b = registry.current() if backend is None else (
            backend if not isinstance(backend, str) else registry.get(backend))
        with use(b):
            value = self._deferred(self._shape, self._dtype)
        create = b.adopt_variable if _returns_new_tensor(self._deferred) else b.create_variable
        self.__storage = create(b.convert_to_tensor(value, self._dtype), dtype=self._dtype,
                                trainable=self._trainable, name=self.name)
        self._backend = b
        self._deferred = None
        VALUES_VERSION[0] += 1

    @property
    def _storage(self):
        if self._deferred is not None:
            self.materialize()
        return self.__storage

    @_storage.setter
    def _storage(self, value):
        self.__storage = value
        VALUES_VERSION[0] += 1

    # -- value ------------------------------------------------------------------------------------
    @property
    def value(self):
        scope = current_stateless_scope()
        if scope is not None:
            v = scope.get(self)
            if v is not None:
                return self._maybe_autocast(v)
        if self._deferred is not None:
            self.materialize()
        return self._maybe_autocast(self._backend.read_variable(self.__storage))

    def _maybe_autocast(self, v):
        cast_to = getattr(_AUTOCAST, "dtype", None)
        if cast_to is not None and self.autocast and cast_to != self._dtype and self._dtype in _dtypes.FLOATS:
            from dlx import ops

            return ops.cast(v, cast_to)
        return v

    def assign(self, value):
        """Sets the variable's value. Inside a stateless scope the value is recorded in the scope and the
        variable is left unchanged; a deferred variable is materialized first.

        Arguments:
            value: a tensor or array of the variable's shape (converted to its dtype).

        Returns:
            The value assigned.

        Raises:
            ValueError: when ``value``'s shape differs from the variable's.
        """
        scope = current_stateless_scope()
        if scope is not None:  # inside a stateless scope nothing mutates: the update is recorded
            scope.record(self, value)
            return value
        if self._deferred is not None:
            self.materialize()
        value = self._backend.convert_to_tensor(value, self._dtype) if not self._backend.is_tensor(value) else value
        shape = tuple(int(d) for d in value.shape)
        if shape != self._shape:
            raise ValueError(f"Variable {self.path!r}: cannot assign a value of shape {shape} to a "
                             f"variable of shape {self._shape}")
        self._storage = self._backend.assign_variable(self._storage, value)
        return value

    def assign_add(self, delta):
        """Adds ``delta`` to the value (:meth:`assign` of ``value + delta``).

        Arguments:
            delta: a tensor broadcastable to the variable's shape.

        Returns:
            The new value.
        """
        from dlx import ops

        return self.assign(ops.add(self.value, delta))

    def assign_sub(self, delta):
        """Subtracts ``delta`` from the value (:meth:`assign` of ``value - delta``).

        Arguments:
            delta: a tensor broadcastable to the variable's shape.

        Returns:
            The new value.
        """
        from dlx import ops

        return self.assign(ops.subtract(self.value, delta))

    def numpy(self) -> np.ndarray:
        """The current value as a NumPy array (a copy).

        Returns:
            A ``numpy.ndarray``.
        """
        return np.array(self.backend.to_numpy(self.value))

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    # -- metadata ---------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        self._trainable = bool(value)
        VALUES_VERSION[0] += 1

    @property
    def backend(self):
        if self._deferred is not None:
            self.materialize()
        return self._backend

    @property
    def storage(self):
        """The framework-native storage (a torch Parameter, a tf.Variable, an array)."""
        return self._storage

    def __jax_array__(self):
        """The current value: JAX takes a variable wherever it takes an array (a state of
        ``model.trainable_variables`` passed to a ``jax.jit`` step, as Keras's JAX guides do)."""
        return self.value

    @property
    def handle(self):
        """The storage's resource handle, where the framework has one (a ``tf.Variable``'s): TF's
        own tools (``tf.GradientTape.gradient(loss, model.trainable_weights)``) then take the
        variable as they take a ``tf.Variable``."""
        storage = self._storage
        if not hasattr(storage, "handle"):
            raise AttributeError(f"{self!r}: its storage ({type(storage).__name__}) has no resource handle")
        return storage.handle

    @property
    def _should_act_as_resource_variable(self):
        # TF's duck-typing marker of a resource variable (``is_resource_variable``): present only
        # while the storage has a resource handle (a tf.Variable)
        if not hasattr(self._storage, "handle"):
            raise AttributeError("_should_act_as_resource_variable")
        return True

    def __repr__(self):
        return f"<Variable path={self.path!r} shape={self._shape} dtype={self._dtype} trainable={self._trainable}>"

    def __len__(self):
        return self._shape[0]

    def __bool__(self):
        return bool(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __hash__(self):
        return id(self)


def _install_operators():
    """Python operators on variables run on their current value (``==`` elementwise, as Keras)."""
    from dlx.ops import operators

    operators.install(Variable, lambda v: v.value, elementwise_eq=True)


_install_operators()
