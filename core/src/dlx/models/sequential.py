"""``Sequential``: a plain stack of layers, each with one input and one output."""

from __future__ import annotations

from dlx.layers.core import InputLayer
from dlx.layers.layer import Layer, _accepts, _structure_changed
from dlx.models.model import Model
from dlx.ops.symbolic import SymbolicTensor


class Sequential(Model):
    """A stack of layers.

    With a known input shape (an ``Input``/``InputLayer`` first, ``input_shape=`` on the first
    layer, or :meth:`build`) the model is built at once as a Functional graph; otherwise it is
    built on its first call.

    Arguments:
        layers: optional list of layers (an ``dlx.Input(...)`` tensor is accepted first).
        trainable: whether its variables are trainable.
        name: the model's name.

    >>> import dlx
    >>> m = Sequential([dlx.Input(shape=(4,)), dlx.layers.Dense(3)])
    >>> m.output_shape
    (None, 3)
    """

    def __init__(self, layers=None, trainable: bool = True, name: str | None = None):
        self._model_init(trainable=trainable, name=name)
        self._seq_layers: list[Layer] = []
        self._functional = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild: bool = True) -> None:
        """Appends ``layer`` (or an ``Input`` tensor, which becomes the input layer).

        Raises:
            ValueError: for non-layers, a second input layer, or a duplicate layer name.
        """
        if isinstance(layer, SymbolicTensor) and layer._history is not None and isinstance(
                layer._history.layer, InputLayer):
            layer = layer._history.layer
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of dlx.layers.Layer can be added to Sequential model '{self.name}'; "
                             f"received {layer!r} (of type {type(layer).__name__})")
        if isinstance(layer, InputLayer):
            if self._seq_layers:
                if isinstance(self._seq_layers[0], InputLayer):
                    raise ValueError(f"Sequential model '{self.name}' already has an input layer (batch shape "
                                     f"{self._seq_layers[0].batch_shape}); it cannot take another one")
                raise ValueError(f"Sequential model '{self.name}': an input layer must come first; it already has "
                                 f"layers {[la.name for la in self._seq_layers]}")
        elif not self._seq_layers and getattr(layer, "_batch_input_shape", None) is not None:
            self._seq_layers.append(InputLayer(batch_shape=layer._batch_input_shape))
        if any(la.name == layer.name for la in self._seq_layers):
            raise ValueError(f"All layers added to Sequential model '{self.name}' must have unique names; "
                             f"'{layer.name}' is already in {[la.name for la in self._seq_layers]}")
        self._seq_layers.append(layer)
        _structure_changed()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None

    def pop(self, rebuild: bool = True) -> Layer:
        """Removes and returns the last layer."""
        if not self.layers:
            raise TypeError(f"pop(): Sequential model '{self.name}' has no layers")
        layer = self._seq_layers.pop()
        _structure_changed()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self._functional = None
        if self._seq_layers and isinstance(self._seq_layers[0], InputLayer) and len(self._seq_layers) > 1:
            self.build(self._seq_layers[0].batch_shape)

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError(f"Sequential model '{self.name}': build() needs an input_shape")
        input_shape = tuple(input_shape)
        if not self._seq_layers:
            raise ValueError(f"Sequential model '{self.name}' has no layers to build")
        if isinstance(self._seq_layers[0], InputLayer):
            if self._seq_layers[0].batch_shape[1:] != input_shape[1:]:
                raise ValueError(f"Sequential model '{self.name}' has input shape {self._seq_layers[0].batch_shape}; "
                                 f"build() received the incompatible input_shape {input_shape}")
        else:
            self._seq_layers.insert(0, InputLayer(batch_shape=input_shape))
        inputs = self._seq_layers[0].output
        x = inputs
        # the graph is built at top level even when the model is first called inside another
        # layer's call (a Sequential MLP inside a custom block): its layers must record nodes
        from dlx.layers.scope import _frames

        frames = _frames()
        outer, frames[:] = frames[:], []
        try:
            for layer in self._seq_layers[1:]:
                x = layer(x)
        except NotImplementedError:
            self.built = True
            return
        finally:
            frames[:] = outer
        from dlx.models.functional import Functional

        self._functional = Functional(inputs=inputs, outputs=x, name=f"{self.name}_graph")
        self.built = True

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        x = args[0]
        if isinstance(x, (list, tuple, dict)):
            self.built = True
            return
        shape = tuple(x.shape)
        self.build((None, *shape[1:]))
        self._build_shapes_dict = {"input_shape": (None, *shape[1:])}

    @property
    def layers(self) -> list[Layer]:
        """The layers, without the input layer."""
        return [la for la in self._seq_layers if not isinstance(la, InputLayer)]

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self.layers:
            kwargs = {}
            if mask is not None and _accepts(layer.call, "mask"):
                kwargs["mask"] = mask
            if _accepts(layer.call, "training"):
                kwargs["training"] = training
            out = layer(x, **kwargs)
            mask = layer.compute_mask(x, mask)
            x = out
        return x

    @property
    def inputs(self) -> list:
        return self._functional.inputs if self._functional is not None else []

    @property
    def outputs(self) -> list:
        return self._functional.outputs if self._functional is not None else []

    @property
    def output_names(self) -> list[str] | None:
        return self._functional.output_names if self._functional is not None else None

    @property
    def input_shape(self):
        if self._seq_layers and isinstance(self._seq_layers[0], InputLayer):
            return self._seq_layers[0].batch_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet (it is not built)")

    @property
    def output_shape(self):
        if self._functional is not None:
            return self._functional.output_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet (it is not built)")

    @property
    def input(self):
        if self._functional is not None:
            return self._functional.input
        raise AttributeError(f"Sequential model '{self.name}' has no defined input yet (it is not built)")

    @property
    def output(self):
        if self._functional is not None:
            return self._functional.output
        raise AttributeError(f"Sequential model '{self.name}' has no defined output yet (it is not built)")

    def _graph_outputs(self):
        if self._functional is None or type(self).call is not Sequential.call:
            return None
        return self._functional._graph_outputs()

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def compute_output_spec(self, *args, **kwargs):
        from dlx.layers.layer import SymbolicScope

        with SymbolicScope():
            return self.call(*args, **kwargs)

    def get_config(self) -> dict:
        from dlx import saving

        cfg = {"name": self.name, "trainable": self.trainable,
               "layers": [saving.serialize(la) for la in self._seq_layers]}
        if self._functional is not None:
            cfg["build_input_shape"] = self._seq_layers[0].batch_shape
        return cfg

    def get_build_config(self):
        return None

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from dlx import saving

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            model.add(saving.deserialize(layer_config, custom_objects=custom_objects), rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and isinstance(shape, (list, tuple)):
            model.build(tuple(shape))
        return model


__all__ = ["Sequential"]
