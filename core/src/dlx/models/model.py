"""``Model``: a layer with model-level utilities; ``Model(inputs, outputs)`` builds a Functional
model, subclassing (``__init__`` + ``call``) gives a subclassed model.

Training (``compile``/``fit``/``evaluate``/``predict``) is added by a trainer mixin that joins
``Model``'s bases; ``Model.__init__`` runs the ``__init__`` of every base that is not a
``Layer`` (with ``self`` only) before setting up the layer, so such a mixin must not take
arguments in ``__init__`` nor call ``super().__init__()`` there.
"""

from __future__ import annotations

import inspect
import json

from dlx.layers.layer import Layer
from dlx.layers.operation import Operation
from dlx.ops.symbolic import SymbolicTensor
from dlx.trainers.trainer import Trainer


def _is_functional_call(args, kwargs) -> bool:
    if "inputs" in kwargs and "outputs" in kwargs:
        return True
    if len(args) >= 2:
        return _symbolic_struct(args[0])
    if len(args) == 1 and "outputs" in kwargs:
        return _symbolic_struct(args[0])
    return False


def _symbolic_struct(x) -> bool:
    if isinstance(x, SymbolicTensor):
        return True
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_symbolic_struct(v) for v in x)
    if isinstance(x, dict):
        return bool(x) and all(_symbolic_struct(v) for v in x.values())
    return False


_INJECTED: dict = {}


def _functional_subclass(cls):
    """``cls`` with ``Functional`` mixed in (for subclasses that call
    ``super().__init__(inputs, outputs)``)."""
    from dlx.models.functional import Functional

    sub = _INJECTED.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__, "_dlx_original_class": cls,
                                                    "__qualname__": cls.__qualname__})
        _INJECTED[cls] = sub
    return sub


class Model(Trainer, Layer):
    """A model: layers grouped with ``summary``, ``get_layer``, weights helpers and config.

    ``Model(inputs, outputs, name=None)`` returns a :class:`~dlx.models.Functional` model.
    Subclass it (define layers in ``__init__`` and the forward pass in ``call``) for a
    subclassed model.

    >>> import dlx
    >>> x = dlx.Input(shape=(3,))
    >>> m = dlx.Model(x, dlx.layers.Dense(2)(x))
    >>> type(m).__name__
    'Functional'
    """

    def __new__(cls, *args, **kwargs):
        if _is_functional_call(args, kwargs):
            from dlx.models.functional import Functional

            if cls is Model:
                cls = Functional
            elif not issubclass(cls, Functional):
                cls = _functional_subclass(cls)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _is_functional_call(args, kwargs):
            from dlx.models.functional import Functional

            if not isinstance(self, Functional):
                self.__class__ = _functional_subclass(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(f"{type(self).__name__}.__init__() takes keyword arguments only (name=, trainable=, "
                            f"dtype=); received {len(args)} positional argument(s). For a Functional model pass "
                            "symbolic inputs and outputs: Model(inputs, outputs)")
        self._model_init(**kwargs)

    def _model_init(self, **kwargs) -> None:
        for base in type(self).__mro__:
            if base is object or issubclass(base, Operation):  # Layer, Function: set up by Layer.__init__
                continue
            init = base.__dict__.get("__init__")
            if init is not None:
                init(self)
        Layer.__init__(self, **kwargs)

    # -- layers -------------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The direct sub-layers, in tracking order."""
        return self._flatten_layers(include_self=False, recursive=False)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A sub-layer by ``name`` or by ``index`` in :attr:`layers`.

        Raises:
            ValueError: naming the layer (and listing the model's layers) when not found.
        """
        if index is not None and name is not None:
            raise ValueError("get_layer(): pass name= or index=, not both")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"get_layer(): index={index} is out of range; model '{self.name}' has "
                                 f"{len(layers)} layers")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name!r} in model '{self.name}'. Existing layers are: "
                             f"{[la.name for la in layers]}")
        raise ValueError("get_layer(): pass name= or index=")

    def summary(self, line_length: int | None = None, positions=None, print_fn=None, expand_nested: bool = False,
                show_trainable: bool = False, layer_range=None) -> None:
        """Prints a table of the layers: name (type), output shape, parameter count and, for
        Functional graphs, the layers each one is connected to; then the parameter totals.

        Arguments:
            line_length: table width (default 98, or 120 with connections).
            positions: column boundaries as fractions or absolute positions.
            print_fn: called with each line (default ``print``).
            expand_nested: also list the layers of nested models.
            show_trainable: add a column saying whether each layer is trainable.
            layer_range: ``(first_name, last_name)`` to print a slice of the layers.
        """
        from dlx.utils.summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    # -- config -------------------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from dlx.models.functional import Functional, functional_from_config

        keys = ("name", "layers", "input_layers", "output_layers")
        is_functional = all(k in config for k in keys)
        params = [p for p in inspect.signature(cls.__init__).parameters.values()][1:]
        names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        varargs = any(p.kind is p.VAR_POSITIONAL for p in params)
        revivable = cls in (Model, Functional) or names[:2] == ["inputs", "outputs"] or varargs
        if is_functional and revivable:
            return functional_from_config(cls, config, custom_objects)
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(f"Unable to revive model {cls.__name__} from its config: {e}. When overriding "
                            "get_config(), return every argument of __init__ (and override from_config() if "
                            "__init__ needs objects that are not plain values)") from e

    def get_state_tree(self, value_format: str = "backend_tensor") -> dict:
        """The model's variables as nested dicts keyed by path, in four groups
        (``trainable_variables``, ``non_trainable_variables``, ``optimizer_variables``,
        ``metrics_variables``); ``value_format``: ``"backend_tensor"``, ``"numpy_array"`` or
        ``"python_list"``."""
        from dlx.models.state_tree import get_state_tree

        return get_state_tree(self, value_format)

    def set_state_tree(self, state_tree: dict) -> None:
        """Assigns the values of a :meth:`get_state_tree` result (all groups or some)."""
        from dlx.models.state_tree import set_state_tree

        set_state_tree(self, state_tree)

    def to_json(self, **kwargs) -> str:
        """The model's serialized config as a JSON string (``json.dumps`` kwargs accepted)."""
        from dlx import saving

        return json.dumps(saving.serialize(self), **kwargs)

    # -- quantization ----------------------------------------------------------------------------
    def get_quantization_layer_structure(self, mode=None):
        """The model's structure for calibrated quantization (``"gptq"``, ``"awq"``):
        ``{"pre_block_layers": [...], "sequential_blocks": [...]}``, or ``None`` (this default).
        Override it (or pass the structure in the config) to quantize with GPTQ / AWQ."""
        del mode
        return None

    def quantize(self, mode=None, config=None, filters=None, **kwargs) -> None:
        """Quantizes the weights of every layer that supports it (Dense, EinsumDense, Embedding,
        and those inside other layers such as MultiHeadAttention's projections).

        Arguments:
            mode: ``"int8"``, ``"int4"``, ``"float8"``, ``"gptq"`` or ``"awq"`` (optional when
                ``config`` is given; gptq / awq need a ``GPTQConfig`` / ``AWQConfig`` and
                calibrate the Dense / EinsumDense layers of the structure's sequential blocks,
                see :mod:`dlx.quantizers.calibration`).
            config: a :class:`dlx.quantizers.QuantizationConfig`.
            filters: only layers matching it are quantized: a regular expression searched in
                the layer's path, a list of them, or a callable ``layer -> bool``.
            type_check: (keyword) skip subclasses of the quantizable layers (default ``True``).
        """
        from dlx.layers.quantized import quantize_model

        type_check = kwargs.pop("type_check", True)
        if kwargs:
            raise ValueError(f"{type(self).__name__}.quantize: unrecognized keyword arguments {sorted(kwargs)}")
        quantize_model(self, mode, config, filters, type_check)
        self._reset_functions()

    # -- saving (dlx.saving) ---------------------------------------------------------------------
    def save(self, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
        """Saves the model (config, weights, optimizer state, compile arguments) as a Keras 3
        ``.keras`` archive (``zipped=False``: a folder). See :func:`dlx.saving.save_model`."""
        from dlx.saving import saving_lib

        saving_lib.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True, max_shard_size: float | None = None) -> None:
        """Saves the weights and optimizer state to ``*.weights.h5`` (sharded with
        ``max_shard_size`` GiB). See :func:`dlx.saving.save_weights`."""
        from dlx.saving import saving_lib

        saving_lib.save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch: bool = False, **kwargs) -> None:
        """Loads weights from ``.weights.h5`` / ``.weights.json`` (sharded) / ``.keras`` / legacy
        ``.h5`` files. See :func:`dlx.saving.load_weights`."""
        from dlx.saving import saving_lib

        if kwargs:
            raise TypeError(f"load_weights: unexpected keyword argument(s) {sorted(kwargs)}")
        saving_lib.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def export(self, filepath, format: str = "tf_saved_model", verbose: bool | None = None, input_signature=None,
               **kwargs) -> None:
        """Exports the model for inference with another runtime through the exporters plugins
        register (``"tf_saved_model"``, ``"onnx"`` (``opset_version=``), ``"openvino"``,
        ``"litert"``); ``verbose=None`` prints a line. See :func:`dlx.saving.export.export_model`."""
        from dlx.saving import export

        export.export_model(self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Model:
    """Rebuilds a model (architecture only, fresh weights) from :meth:`Model.to_json`'s output.

    Arguments:
        json_string: the JSON text of a serialized model.
        custom_objects: name -> class or function for custom layers that are not registered.

    Returns:
        The rebuilt (uncompiled) model.

    Raises:
        dlx.saving.SerializationError: when a class in the config cannot be found.
    """
    from dlx import saving

    return saving.deserialize(json.loads(json_string), custom_objects=custom_objects)


__all__ = ["Model", "model_from_json"]
