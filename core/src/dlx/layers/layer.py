"""``Layer``: the unit of state and computation every dlx model is built from.

A layer creates its weights in :meth:`Layer.build` (with :meth:`Layer.add_weight`), lazily on the
first call or from a known input shape, and computes in :meth:`Layer.call` with ``dlx.ops`` only,
so the same layer runs on every backend and on :class:`~dlx.ops.SymbolicTensor` s (Functional
graphs are built with no backend).

Tracking: sub-layers and variables set as attributes (also inside lists, tuples and dicts) are
found by walking the layer's attributes in assignment order, which gives the stable variable
order ``variables`` / ``trainable_variables`` / ``non_trainable_variables`` that
:meth:`Layer.stateless_call` and the training step rely on. Variable paths are structural: the
names of the layers being built, then the variable's name (``"sequential/dense_1/kernel"``).
"""

from __future__ import annotations

import functools
import inspect
import weakref

import numpy as np

from dlx import dtype_policies
from dlx import dtypes as _dtypes
from dlx import tree_util as tree
from dlx.backend.remat import get_current_remat_mode
from dlx.layers.backend_mixin import _backend_layer_mixin, _mixed_class
from dlx.layers.backend_trace import symbolic_call
from dlx.layers.input_spec import InputSpec, assert_input_compatibility
from dlx.layers.operation import Operation
from dlx.layers.scope import (
    SymbolicScope,
    _Frame,
    _frames,
    current_path,
    in_call_context,
    name_scope,
)
from dlx.layers.tracking import _SCALARS, _STRUCTURE, LayerTracking, _structure_changed  # noqa: F401
from dlx.ops.symbolic import SymbolicTensor
from dlx.utils import naming
from dlx.variables import AutocastScope, StatelessScope, Variable, current_stateless_scope

# masks of symbolic tensors (Functional graphs propagate masks through this table)
_SYMBOLIC_MASKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# layers holding losses from their last call (so a top-level call clears without walking the tree
# when there are none)
_PENDING_LOSSES: weakref.WeakSet = weakref.WeakSet()


# ------------------------------------------------------------------------------ helpers
def _is_symbolic(x) -> bool:
    return isinstance(x, SymbolicTensor)


def _any_symbolic(*structs) -> bool:
    return any(_is_symbolic(t) for t in tree.leaves(structs))


def _shape_of(x):
    s = x.shape
    return tuple(None if d is None else int(d) for d in s)


def _shapes(struct):
    return tree.map_structure(lambda t: _shape_of(t) if hasattr(t, "shape") else t, struct)


def is_shape(s) -> bool:
    """A tuple/list of ints or ``None`` (a single shape, not a structure of shapes)."""
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in s)


def shapes_to_symbolic(shapes, dtype):
    if is_shape(shapes):
        return SymbolicTensor(tuple(shapes), dtype)
    if isinstance(shapes, dict):
        return {k: shapes_to_symbolic(v, dtype) for k, v in shapes.items()}
    return type(shapes)(shapes_to_symbolic(s, dtype) for s in shapes)


def _standardize_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, dict):
        return {k: _standardize_shape(v) for k, v in shape.items()}
    if is_shape(shape):
        return tuple(None if d is None else int(d) for d in shape)
    return type(shape)(_standardize_shape(s) for s in shape) if isinstance(shape, (list, tuple)) else shape


_PARAMS_CACHE: dict = {}
_DTYPE_CACHE: dict = {}
_INIT_SIGS: dict = {}


def _params(fn) -> tuple:
    """Parameters of ``fn`` (a function or bound method) without ``self``; cached per function
    (a plain dict, so compilers such as torch.compile trace through it)."""
    key = getattr(fn, "__func__", fn)
    out = _PARAMS_CACHE.get(key)
    if out is None:
        try:
            ps = list(inspect.signature(key).parameters.values())
        except (TypeError, ValueError):
            ps = []
        out = _PARAMS_CACHE[key] = tuple(p for p in ps if p.name != "self")
    return out


def _std_dtype(dt):
    """``dtypes.standardize`` cached per framework dtype object (``None`` if it is not a dtype)."""
    out = _DTYPE_CACHE.get(dt)
    if out is None:
        try:
            out = _dtypes.standardize(dt)
        except ValueError:
            out = ""
        _DTYPE_CACHE[dt] = out
    return out or None


def _param_names(fn) -> tuple:
    return tuple(p.name for p in _params(fn) if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _accepts(fn, name: str) -> bool:
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in _params(fn))


def _default_of(fn, name: str):
    for p in _params(fn):
        if p.name == name and p.default is not p.empty:
            return p.default
    return None


class _History:
    """Where a symbolic tensor comes from: ``(layer, node_index, tensor_index)`` and the node."""

    __slots__ = ("layer", "node", "node_index", "tensor_index")

    def __init__(self, layer, node_index, tensor_index, node):
        self.layer, self.node_index, self.tensor_index, self.node = layer, node_index, tensor_index, node

    @property
    def operation(self):
        return self.layer

    def __iter__(self):
        return iter((self.layer, self.node_index, self.tensor_index))


class Node:
    """One call of a layer on symbolic tensors: the edge list of a Functional graph."""

    def __init__(self, layer, call_args: tuple, call_kwargs: dict, outputs):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs
        self.arguments_leaves, self.arguments_treedef = tree.flatten((call_args, call_kwargs))
        self.input_tensors = [t for t in self.arguments_leaves if _is_symbolic(t)]
        self.output_tensors = [t for t in tree.leaves(outputs) if _is_symbolic(t)]
        self.parent_nodes = [t._history.node for t in self.input_tensors if t._history is not None]
        index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._history = _History(layer, index, i, self)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    def map_arguments(self, values: dict) -> tuple[tuple, dict]:
        """The call's ``(args, kwargs)`` with symbolic tensors replaced by ``values[id(t)]``."""
        leaves = [values[id(t)] if _is_symbolic(t) else t for t in self.arguments_leaves]
        args, kwargs = tree.unflatten(self.arguments_treedef, leaves)
        return tuple(args), dict(kwargs)

    def __repr__(self):
        return f"<Node {self.layer.name} inputs={len(self.input_tensors)} outputs={len(self.output_tensors)}>"


# bumped by every structural change of any layer (attribute set/deleted, variable tracked): it


# ------------------------------------------------------------------------------ Layer
_BASE_KWARGS = ("name", "dtype", "trainable", "autocast", "activity_regularizer", "input_shape", "input_dim",
                "batch_input_shape", "batch_size", "input_dtype", "dynamic")


class Layer(LayerTracking, Operation):
    """Base class of all layers (and models).

    Arguments:
        activity_regularizer: optional penalty on the layer's outputs, added to ``losses``.
        trainable: whether the layer's variables are updated by training.
        dtype: the dtype policy (a name such as ``"float32"`` / ``"mixed_float16"`` or a
            :class:`~dlx.dtype_policies.DTypePolicy`; default: the global policy).
        autocast: cast floating inputs to the compute dtype (and variables, under mixed
            precision) in :meth:`__call__`.
        name: a unique name (default: the snake_case class name, made unique).
        input_shape: for the first layer of a ``Sequential`` model: the per-sample shape.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> class Scale(layers.Layer):
    ...     def build(self, input_shape):
    ...         self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
    ...     def call(self, x):
    ...         return x * self.scale
    >>> layer = Scale()
    >>> layer(np.array([[1.0, 2.0]], "float32"))
    array([[1., 2.]], dtype=float32)
    >>> [w.shape for w in layer.trainable_weights]
    [(2,)]
    """

    _untracked_attrs = frozenset({"_inbound_nodes", "_functional", "_build_shapes_dict", "_auto_config",
                                  "_losses", "input_spec", "_input_spec", "_dtype_policy", "_call_fn_cache",
                                  "_output_layers", "_input_layers", "_nodes_by_depth", "_graph_nodes",
                                  "_inputs_struct", "_outputs_struct", "_inputs", "_outputs", "_struct_cache",
                                  "_remat_mode"})

    def __new__(cls, *args, **kwargs):
        mixin = _backend_layer_mixin()
        obj = super().__new__(_mixed_class(cls, mixin) if mixin is not None else cls)
        d = obj.__dict__
        d["_initialized"] = False
        d["_trainable_variables"] = []
        d["_non_trainable_variables"] = []
        d["_losses"] = []
        d["_inbound_nodes"] = []
        d["_remat_mode"] = get_current_remat_mode()  # a RematScope applies to layers created in it
        d["built"] = False
        d["_build_shapes_dict"] = None
        d["_auto_config"] = None
        # Record the constructor arguments: the default get_config() of custom layers uses them
        try:
            sig = _INIT_SIGS.get(cls)
            if sig is None:
                sig = _INIT_SIGS[cls] = inspect.signature(cls.__init__)
            bound = sig.bind(None, *args, **kwargs)
            bound.apply_defaults()
            cfg = {}
            for k, v in list(bound.arguments.items())[1:]:
                p = sig.parameters[k]
                if p.kind is p.VAR_KEYWORD:
                    cfg.update({kk: vv for kk, vv in v.items() if kk not in _BASE_KWARGS})
                elif p.kind is p.VAR_POSITIONAL:
                    if v:
                        cfg = None
                        break
                else:
                    cfg[k] = v
            if cfg is not None and _plain(cfg):
                d["_auto_config"] = cfg
        except (TypeError, ValueError):
            pass
        if mixin is not None:
            init = getattr(mixin, "dlx_initialize", None)
            if init is not None:
                init(obj)
        return obj

    def __init__(self, *, activity_regularizer=None, trainable: bool = True, dtype=None, autocast: bool = True,
                 name: str | None = None, **kwargs):
        unknown = [k for k in kwargs if k not in _BASE_KWARGS]
        if unknown:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected keyword argument(s) {unknown}; "
                            f"accepted base arguments: {sorted(_BASE_KWARGS)}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"{type(self).__name__}: name={name!r} must be a string without '/'")
        self.name = name or naming.auto_name(type(self))
        self._dtype_policy = dtype_policies.get(dtype)
        self._trainable = bool(trainable)
        self.autocast = bool(autocast)
        from dlx import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.supports_masking = getattr(self, "supports_masking", False)
        self.input_spec = getattr(self, "input_spec", None)
        input_shape = kwargs.get("input_shape")
        if input_shape is None and kwargs.get("input_dim") is not None:
            input_shape = (kwargs["input_dim"],)
        batch_input_shape = kwargs.get("batch_input_shape")
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (kwargs.get("batch_size"), *tuple(input_shape))
        self._batch_input_shape = None if batch_input_shape is None else tuple(batch_input_shape)
        self._initialized = True

    # -- attribute tracking -----------------------------------------------------------------------












    # -- variables ---------------------------------------------------------------------------------














    add_variable = LayerTracking.add_weight

    # -- trainable / dtype ---------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def dtype_policy(self) -> dtype_policies.DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        self._dtype_policy = dtype_policies.get(value)

    @property
    def dtype(self) -> str:
        """The variable dtype (as in Keras 3)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    # -- losses --------------------------------------------------------------------------------------
    def _add_activity_losses(self, outputs):
        """The activity regularizer's penalty of each output, divided by its batch size (as Keras 3:
        the strength does not change with the batch; a scalar output is not divided)."""
        from dlx import ops

        for out in tree.leaves(outputs):
            if hasattr(out, "shape"):
                loss = self.activity_regularizer(out)
                if len(out.shape) > 0:
                    loss = ops.divide_no_nan(loss, ops.cast(ops.tensors.shape(out)[0], ops.dtype(loss)))
                self.add_loss(loss)

    def add_loss(self, loss) -> None:
        """Adds a scalar loss tensor (e.g. an activity penalty) computed in this call."""
        scope = current_stateless_scope()
        for x in tree.leaves(loss):
            if not _is_symbolic(x):
                self._losses.append(x)
                _PENDING_LOSSES.add(self)
                if scope is not None and scope.collect_losses:  # StatelessScope(collect_losses=True)
                    scope.add_loss(x)

    @property
    def losses(self) -> list:
        """Losses added in the last call (activity regularization, ``add_loss``) plus the
        regularization penalties of the trainable weights (computed now)."""
        out = []
        for layer in self._flatten_layers(include_self=True):
            out.extend(layer._losses)
        for v in self.trainable_weights:
            if v.regularizer is not None:
                out.append(v.regularizer(v))
        return out

    def _clear_losses(self) -> None:
        if not _PENDING_LOSSES:  # the common case: nothing to clear, no walk
            return
        for layer in self._flatten_layers(include_self=True):
            if layer._losses:
                layer._losses.clear()
                _PENDING_LOSSES.discard(layer)

    # -- build ---------------------------------------------------------------------------------------
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__ and not getattr(cls.__dict__["build"], "_dlx_wrapped", False):
            cls.build = _wrap_build(cls.__dict__["build"])

    def build(self, input_shape=None) -> None:
        """Creates the weights for inputs of ``input_shape``. The default builds sub-layers by
        running :meth:`call` on symbolic inputs of that shape (when a shape is given)."""
        if input_shape is not None and not self.built and self._layers and _is_default(self, "build"):
            self._build_by_run(input_shape)
        self.built = True

    def _build_by_run(self, input_shape) -> None:
        shape = _standardize_shape(input_shape)
        x = shapes_to_symbolic(shape, self.input_dtype) if shape is not None else None
        frames = _frames()
        frames.append(_Frame(self, None, True))
        try:
            with name_scope(self.name, caller=self), SymbolicScope():
                call = self.call
                self.built = True  # the run must not build again
                call(x)
        finally:
            frames.pop()

    def build_from_config(self, config: dict) -> None:
        """Builds from :meth:`get_build_config`'s output."""
        if not config:
            return
        if "input_shape" in config:
            self.build(_standardize_shape(config["input_shape"]))
        elif "shapes_dict" in config:
            self.build(**{k: _standardize_shape(v) for k, v in config["shapes_dict"].items()})

    def get_build_config(self) -> dict | None:
        """The input shapes the layer was built with, for :meth:`build_from_config` (saving records it).

        Returns:
            ``{"input_shape": shape}`` when :meth:`build` took one shape argument, ``{"shapes_dict":
            {argument name: shape}}`` when it took several, or None for a layer not built yet.
        """
        if not self.built or self._build_shapes_dict is None:
            return None
        d = self._build_shapes_dict
        if len(d) == 1 and "input_shape" in d:
            return {"input_shape": d["input_shape"]}
        return {"shapes_dict": d}

    def _build_shapes(self, args: tuple, kwargs: dict) -> dict:
        names = _param_names(type(self).build)
        if len(names) <= 1 or names[0] == "input_shape":
            return {names[0] if names else "input_shape": _shapes(args[0])}
        try:
            bound = inspect.signature(self.call).bind_partial(*args, **kwargs)
        except TypeError:
            return {names[0]: _shapes(args[0])}
        out = {}
        for n in names:
            if n.endswith("_shape") and n[:-6] in bound.arguments:
                val = bound.arguments[n[:-6]]
                out[n] = None if val is None else _shapes(val)
        if not out:
            out[names[0]] = _shapes(args[0])
        return out

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        if self.built:
            return
        self.__dict__.setdefault("_path", current_path())  # called inside the layer's name scope
        shapes = self._build_shapes(args, kwargs)
        if _is_default(self, "build"):
            self._build_shapes_dict = shapes
            self.built = True
            return
        keys = list(shapes)
        if len(keys) == 1:
            self.build(shapes[keys[0]])
        else:
            self.build(**shapes)
        self._build_shapes_dict = shapes

    # -- call ------------------------------------------------------------------------------------------
    def call(self, *args, **kwargs):
        """The layer's computation, written in ``dlx.ops``. Override in subclasses."""
        raise TypeError(f"Layer {type(self).__name__} ('{self.name}') does not define call(); subclasses must "
                        "override call(inputs, ...)")

    def __call__(self, *args, **kwargs):
        if not self.__dict__.get("_initialized"):
            raise RuntimeError(f"{type(self).__name__}.__init__() did not call super().__init__(): the layer is "
                               "not set up. Call super().__init__(**kwargs) first in __init__.")
        call_fn = self.call
        if not args:
            first = next(iter(_param_names(type(self).call)), None)
            if first is not None and first in kwargs:
                args = (kwargs.pop(first),)
            else:
                raise TypeError(f"Layer '{self.name}' was called without inputs; pass the input as the first "
                                "positional argument")
        user_kwargs = dict(kwargs)
        frames = _frames()
        parent = frames[-1] if frames else None
        # training: explicit > the enclosing call's > call()'s default
        if "training" in kwargs:
            training = kwargs["training"]
            if training is None and parent is not None:
                training = parent.training
        else:
            training = parent.training if parent is not None else None
        if training is None:
            training = _default_of(type(self).call, "training")
        if _accepts(call_fn, "training"):
            kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        symbolic = _any_symbolic(args, kwargs)
        if _accepts(call_fn, "mask") and kwargs.get("mask") is None and symbolic:
            m = self._input_masks(args[0])
            if m is not None:
                kwargs["mask"] = m
        node_args, node_kwargs = args, user_kwargs
        if not symbolic:
            args, kwargs = self._convert_inputs(args, kwargs)
        elif self.autocast:
            args, kwargs = self._cast_symbolic(args, kwargs)
        if parent is None and not symbolic:
            self._clear_losses()
        frames.append(_Frame(self, training, symbolic))
        try:
            with name_scope(self.name, caller=self):
                self._maybe_build(args, kwargs)
                if self.input_spec is not None:
                    assert_input_compatibility(self.input_spec, args[0], self.name)
                policy = self._dtype_policy
                cast = policy.compute_dtype if policy.compute_dtype != policy.variable_dtype else None
                with AutocastScope(cast):
                    if symbolic:
                        if parent is not None and parent.symbolic:
                            outputs = self.compute_output_spec(*args, **kwargs)
                        else:
                            outputs = self._symbolic_call(node_args, node_kwargs, args, kwargs)
                    else:
                        if self._remat_mode is not None:
                            call_fn = self.rematerialized_call(call_fn, *args, **kwargs)
                        outputs = call_fn(*args, **kwargs)
                if self.activity_regularizer is not None and not symbolic:
                    self._add_activity_losses(outputs)
                if symbolic:
                    self._record_output_masks(node_args, kwargs, outputs)
                if "_summary_shape" not in self.__dict__:
                    try:
                        self.__dict__["_summary_shape"] = _shapes(outputs)
                    except (TypeError, ValueError, AttributeError):
                        self.__dict__["_summary_shape"] = None
        finally:
            frames.pop()
        return outputs

    def _convert_inputs(self, args, kwargs):
        from dlx import ops

        cd = self.input_dtype
        autocast = self.autocast

        def conv(x):
            if isinstance(x, (np.ndarray, np.generic)):
                dt = _dtypes.standardize(x.dtype)
                if autocast and dt in _dtypes.FLOATS and dt != cd:
                    return ops.convert_to_tensor(x, cd)
                return ops.convert_to_tensor(x)
            if autocast and hasattr(x, "dtype") and hasattr(x, "shape") and not isinstance(x, Variable):
                dt = _std_dtype(x.dtype)
                if dt in _dtypes.FLOATS and dt != cd:
                    return ops.cast(x, cd)
            return x

        if len(args) == 1 and not kwargs.keys() - {"training", "mask"}:
            a = args[0]
            if (not isinstance(a, np.ndarray) and getattr(a, "dtype", None) is not None
                    and _std_dtype(a.dtype) == cd):
                return args, kwargs
        args = tuple(tree.map_structure(conv, list(args)))
        kwargs = {k: (tree.map_structure(conv, v) if k not in ("training",) else v) for k, v in kwargs.items()}
        return args, kwargs

    def _cast_symbolic(self, args, kwargs):
        from dlx import ops

        cd = self.input_dtype

        def conv(x):
            if _is_symbolic(x) and x.dtype in _dtypes.FLOATS and x.dtype != cd:
                return ops.cast(x, cd)
            return x

        leaves = tree.leaves((args, kwargs))
        if not any(_is_symbolic(t) and t.dtype in _dtypes.FLOATS and t.dtype != cd for t in leaves):
            return args, kwargs
        return tuple(tree.map_structure(conv, list(args))), {k: tree.map_structure(conv, v) for k, v in kwargs.items()}

    def _symbolic_call(self, node_args, node_kwargs, args, kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        outputs = tree.map_structure(
            lambda t: SymbolicTensor(t.shape, t.dtype) if _is_symbolic(t) else t, outputs)
        # the node records the original (uncast) inputs: the cast is re-applied when it runs
        Node(self, node_args, node_kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        """Symbolic outputs for symbolic inputs: from :meth:`compute_output_shape` when the layer
        overrides it, else by running :meth:`call` in a :class:`SymbolicScope`."""
        if not _is_default(self, "compute_output_shape"):
            shapes = self._build_shapes(args, kwargs)
            vals = list(shapes.values())
            out = self.compute_output_shape(*vals) if len(vals) > 1 else self.compute_output_shape(vals[0])
            return shapes_to_symbolic(out, self.compute_dtype)
        return symbolic_call(self, args, kwargs)

    def compute_output_shape(self, *args, **kwargs):
        """Output shape(s) for input shape(s); the default runs :meth:`call` symbolically."""
        ins = [shapes_to_symbolic(_standardize_shape(a), self.input_dtype) for a in args]
        frames = _frames()
        frames.append(_Frame(self, None, True))
        try:
            with name_scope(self.name, caller=self):
                if not self.built:
                    self._maybe_build(tuple(ins), {})
                with SymbolicScope():
                    out = self.call(*ins, **kwargs)
        finally:
            frames.pop()
        return _shapes(out)

    # -- masking ---------------------------------------------------------------------------------------
    def compute_mask(self, inputs, previous_mask=None):
        """The output mask: ``previous_mask`` for layers that support masking, else ``None``."""
        if not self.supports_masking:
            return None
        return previous_mask

    @staticmethod
    def _input_masks(first):
        masks = [(_SYMBOLIC_MASKS.get(t) if _is_symbolic(t) else None) for t in tree.leaves(first)]
        if all(m is None for m in masks):
            return None
        if _is_symbolic(first):
            return masks[0]
        return tree.unflatten(tree.flatten(first)[1], masks)

    def _record_output_masks(self, args, kwargs, outputs):
        if _is_default(self, "compute_mask") and not self.supports_masking:
            return
        prev = kwargs.get("mask")
        if prev is None:
            prev = self._input_masks(args[0])
        if prev is None and _is_default(self, "compute_mask"):
            return
        with SymbolicScope():
            m = self.compute_mask(args[0], prev)
        if m is None:
            return
        outs = tree.leaves(outputs)
        ms = tree.leaves(m) if isinstance(m, (list, tuple)) else [m] * len(outs)
        for o, mm in zip(outs, ms):
            if _is_symbolic(o) and _is_symbolic(mm):
                _SYMBOLIC_MASKS[o] = mm

    # -- stateless ----------------------------------------------------------------------------------
    def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses: bool = False,
                       **kwargs):
        """Calls the layer as a pure function of its state.

        Arguments:
            trainable_variables: values for :attr:`trainable_variables`, in that order.
            non_trainable_variables: values for :attr:`non_trainable_variables`, in that order.
            *args: the call's inputs.
            return_losses: also return the losses of the call.
            **kwargs: the call's keyword arguments (``training=...``).

        Returns:
            ``(outputs, non_trainable_variables)`` with the updated non-trainable values (e.g.
            batch-norm statistics, seed states), plus ``losses`` with ``return_losses``. The
            layer's own variables are not modified.
        """
        if not self.built:
            raise ValueError(f"stateless_call() of layer '{self.name}': the layer is not built, so its variables do "
                             "not exist yet. Build it first by calling it on an input or with build(input_shape).")
        tv, ntv = self.trainable_variables, self.non_trainable_variables
        trainable_variables = list(trainable_variables)
        non_trainable_variables = list(non_trainable_variables)
        if len(trainable_variables) != len(tv):
            raise ValueError(f"stateless_call() of layer '{self.name}': expected {len(tv)} trainable variable values "
                             f"(layer.trainable_variables); received {len(trainable_variables)}")
        if len(non_trainable_variables) != len(ntv):
            raise ValueError(f"stateless_call() of layer '{self.name}': expected {len(ntv)} non-trainable variable "
                             f"values (layer.non_trainable_variables); received {len(non_trainable_variables)}")
        mapping = list(zip(tv, trainable_variables)) + list(zip(ntv, non_trainable_variables))
        with StatelessScope(mapping) as scope:
            outputs = self(*args, **kwargs)
            losses = self.losses if return_losses else None
        new_ntv = [scope.updated(v) for v in ntv]
        self._clear_losses()
        if return_losses:
            return outputs, new_ntv, losses
        return outputs, new_ntv

    # -- graph helpers -------------------------------------------------------------------------------
    @property
    def input(self):
        """The symbolic input of the layer's first call in a graph."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on symbolic inputs, so it has no "
                                 "defined input")
        node = self._inbound_nodes[0]
        args = node.call_args
        return args[0] if len(args) == 1 else list(args)

    @property
    def output(self):
        """The symbolic output of the layer's first call in a graph."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on symbolic inputs, so it has no "
                                 "defined output")
        return self._inbound_nodes[0].outputs

    # -- config -------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments, JSON-compatible (``from_config(get_config())`` rebuilds it).

        Raises:
            TypeError: for a custom layer whose ``__init__`` takes arguments that cannot be
                captured automatically and that does not override ``get_config()``.
        """
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policies.serialize(self._dtype_policy)}
        if self.activity_regularizer is not None:
            from dlx import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is not Layer.get_config:
            return config
        own = [n for n in _param_names(type(self).__init__) if n not in _BASE_KWARGS]
        if not own:
            return config
        if self._auto_config is None:
            raise TypeError(
                f"Layer {type(self).__name__} ('{self.name}') takes arguments {own} in __init__() and was created "
                "with values that cannot be serialized automatically, so it must override get_config() (returning "
                "its constructor arguments) to be serializable.")
        extra = {k: v for k, v in self._auto_config.items() if k not in ("name", "trainable", "dtype")}
        return {**config, **extra}

    @classmethod
    def from_config(cls, config: dict):
        """Creates a layer from :meth:`get_config`'s output."""
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policies.get(config["dtype"])
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(f"{cls.__name__}.from_config(): could not create the layer from config {config}: {e}. "
                            "Custom layers must override get_config()/from_config() consistently.") from e

    # -- repr ----------------------------------------------------------------------------------------
    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def __str__(self):
        return self.__repr__()


def _is_default(obj, method: str) -> bool:
    fn = getattr(type(obj), method, None)
    base = getattr(Layer, method)
    fn = getattr(fn, "__wrapped__", fn)
    return fn is base


def _wrap_build(build):
    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        with name_scope(self.name, caller=self):
            build(self, *args, **kwargs)
        if self._build_shapes_dict is None:
            names = _param_names(build)
            shapes = dict(zip(names, args))
            shapes.update(kwargs)
            if len(shapes) == 1:
                shapes = {"input_shape": next(iter(shapes.values()))}
            self._build_shapes_dict = {k: _standardize_shape(v) for k, v in shapes.items()}
        self.built = True

    wrapper._dlx_wrapped = True
    return wrapper


def _plain(v) -> bool:
    """Whether ``v`` is made of JSON-like values (and serializable dlx objects)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _plain(x) for k, x in v.items())
    if isinstance(v, (np.generic,)):
        return True
    return hasattr(v, "get_config") and not isinstance(v, Layer)


__all__ = ["InputSpec", "Layer", "Node", "SymbolicScope", "current_path", "in_call_context", "name_scope"]
