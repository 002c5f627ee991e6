"""``Operation``: the base of everything that can be a node of a symbolic graph (Keras's
``keras.Operation``). Layers are operations with state; a plain operation is stateless.

Calling an operation on symbolic tensors (``dlx.KerasTensor`` / ``dlx.Input``) runs
:meth:`Operation.compute_output_spec` and records a graph node, so a :class:`dlx.Function` or a
Functional model replays it; calling it on values runs :meth:`Operation.call`.
"""

from __future__ import annotations

import inspect
import math

from dlx import tree_util as tree
from dlx.backend import remat as _remat
from dlx.layers.scope import SymbolicScope, _Frame, _frames, in_call_context
from dlx.ops.symbolic import SymbolicTensor

#: ``dlx.KerasTensor`` (reached through this module, so that the layers package, which records raw
#: op calls on symbolic tensors as graph nodes, is loaded whenever one is made)
KerasTensor = SymbolicTensor


def _any_symbolic(args, kwargs) -> bool:
    return any(isinstance(t, SymbolicTensor) for t in tree.leaves((args, kwargs)))


class Operation:
    """A computation on tensors that can be a node of a symbolic graph.

    Subclasses implement :meth:`call` (in ``dlx.ops``) and, where running ``call`` on symbolic
    tensors cannot give the output, :meth:`compute_output_spec`.

    Arguments:
        name: the operation's name (default: from the class name, made unique).

    >>> import dlx, numpy as np
    >>> class Double(dlx.Operation):
    ...     def call(self, x):
    ...         return x * 2
    >>> x = dlx.KerasTensor((None, 3))
    >>> fn = dlx.Function(x, Double()(x))
    >>> np.asarray(fn(np.ones((1, 3), "float32"))).tolist()
    [[2.0, 2.0, 2.0]]
    """

    _remat_mode = None

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # the constructor arguments: the default get_config() of a subclass returns them
        obj.__dict__["_constructor_args"] = (args, kwargs)
        return obj

    def __init__(self, name=None):
        if name is None:
            from dlx.utils import naming

            name = naming.auto_name(type(self))
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"{type(self).__name__}: name={name!r} must be a string without '/'")
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._remat_mode = _remat.get_current_remat_mode()

    def __call__(self, *args, **kwargs):
        if _any_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        fn = self.rematerialized_call(self.call, *args, **kwargs) if self._remat_mode else self.call
        return fn(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """The symbolic outputs for symbolic inputs, recorded as a graph node (inside a layer's
        ``call`` the enclosing layer is the node, so only the outputs are computed)."""
        from dlx.layers.layer import Node  # layer.py subclasses Operation: Node is reached at call time

        outputs = self.compute_output_spec(*args, **kwargs)
        if in_call_context():
            return outputs
        outputs = tree.map_structure(
            lambda t: SymbolicTensor(t.shape, t.dtype) if isinstance(t, SymbolicTensor) else t, outputs)
        Node(self, args, kwargs, outputs)
        return outputs

    def call(self, *args, **kwargs):
        """The operation's computation on concrete tensors; every subclass overrides it.

        Arguments:
            *args: the positional inputs the operation was called with.
            **kwargs: its keyword inputs.

        Returns:
            The output tensor(s).

        Raises:
            TypeError: on the base class, which has no computation of its own.
        """
        raise TypeError(f"{type(self).__name__} ('{self.name}') does not define call(); subclasses of Operation "
                        "must override call(...)")

    def compute_output_spec(self, *args, **kwargs):
        """The symbolic outputs: :meth:`call` run on the symbolic inputs (every ``dlx.ops``
        function infers its output), as a step of the enclosing symbolic call."""
        frames = _frames()
        frames.append(_Frame(self, None, True))
        try:
            with SymbolicScope():
                return self.call(*args, **kwargs)
        except Exception as e:
            raise type(e)(f"Could not infer the output shape / dtype of '{self.name}' ({type(self).__name__}): "
                          f"its call() failed on symbolic inputs; fix call() or implement compute_output_spec(). "
                          f"Error: {e}").with_traceback(e.__traceback__) from None
        finally:
            frames.pop()

    def rematerialized_call(self, fn, *args, **kwargs):
        """``fn`` rematerialized as the :class:`dlx.RematScope` this operation was created in asks
        (``"full"``: always; ``"list_of_layers"``: when its name is listed; ``"larger_than"``: when
        the output has more elements than the threshold; ``"activations"``: its ``activation``
        attribute, for the call), else ``fn``."""
        mode = self._remat_mode
        if not mode:
            return fn
        if mode.mode == "full" or (mode.mode == "list_of_layers" and self.name in mode.layer_names):
            return _remat.remat(_in_this_context(fn))
        if mode.mode == "activations":
            return self._with_remat_activation(fn)
        if mode.mode == "larger_than":
            spec = self.compute_output_spec(*_symbolic_like(args), **_symbolic_like(kwargs))
            size = sum(math.prod(d or 1 for d in t.shape) for t in tree.leaves(spec) if isinstance(t, SymbolicTensor))
            if size and size > mode.output_size_threshold:
                return _remat.remat(_in_this_context(fn))
        return fn

    def _with_remat_activation(self, fn):
        activation = self.__dict__.get("activation")
        if activation is None:
            return fn

        def call_with_remat_activation(*args, **kwargs):
            self.__dict__["activation"] = _remat.remat(activation)
            try:
                return fn(*args, **kwargs)
            finally:
                self.__dict__["activation"] = activation

        return call_with_remat_activation

    def get_config(self) -> dict:
        """``{"name": ...}`` plus the subclass's constructor arguments when they are plain values
        (numbers, strings, booleans, ``None`` and lists / tuples / dicts of them)."""
        config = {"name": self.name}
        args, kwargs = self.__dict__.get("_constructor_args", ((), {}))
        init = type(self).__init__
        if init is Operation.__init__:
            return config
        try:
            bound = inspect.signature(init).bind(None, *args, **kwargs)
        except TypeError:
            return config
        bound.apply_defaults()
        params = inspect.signature(init).parameters
        extra = {}
        for key, value in list(bound.arguments.items())[1:]:
            if params[key].kind is inspect.Parameter.VAR_KEYWORD:
                extra.update(value)
            elif params[key].kind is not inspect.Parameter.VAR_POSITIONAL:
                extra[key] = value
        extra.pop("name", None)
        if not _plain(extra):
            raise NotImplementedError(f"{type(self).__name__}.get_config(): the constructor takes arguments that "
                                      "are not plain values; override get_config() to serialize them")
        config.update(extra)
        return config

    @classmethod
    def from_config(cls, config):
        """Creates the operation from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new operation.

        Raises:
            TypeError: when the constructor rejects the config (the message names the class and config).
        """
        try:
            return cls(**config)
        except Exception as e:
            raise TypeError(f"Could not rebuild {cls.__name__} from config={config}: {e}") from e

    def __repr__(self):
        return f"<Operation name={self.name}>"

    def _first_node(self, what: str):
        if not self._inbound_nodes:
            raise AttributeError(f"Operation '{self.name}' has never been called on symbolic inputs, so it has no "
                                 f"defined {what}")
        return self._inbound_nodes[0]

    @property
    def input(self):
        """The symbolic input(s) of the operation's first symbolic call."""
        ts = self._first_node("input").input_tensors
        return ts[0] if len(ts) == 1 else list(ts)

    @property
    def output(self):
        """The symbolic output(s) of the operation's first symbolic call."""
        ts = self._first_node("output").output_tensors
        return ts[0] if len(ts) == 1 else list(ts)


def _in_this_context(fn):
    """``fn`` run in the layer-call context of now (enclosing calls and their ``training`` flag,
    the autocast dtype) wherever it runs: a backend that recomputes a rematerialized function in
    the backward pass (torch, TF) calls it again outside the model's call."""
    from dlx.variables import AutocastScope, current_autocast_dtype

    frames = list(_frames())
    autocast = current_autocast_dtype()

    def in_context(*args, **kwargs):
        stack = _frames()
        saved = stack[:]
        stack[:] = frames
        try:
            with AutocastScope(autocast):
                return fn(*args, **kwargs)
        finally:
            stack[:] = saved

    return in_context


def _plain(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _symbolic_like(struct):
    """``struct`` with each tensor replaced by a symbolic tensor of its shape and dtype."""
    from dlx import dtypes

    def conv(x):
        if hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, SymbolicTensor):
            return SymbolicTensor(tuple(x.shape), dtypes.standardize(x.dtype), record_history=False)
        return x

    return tree.map_structure(conv, struct)


__all__ = ["KerasTensor", "Operation"]
