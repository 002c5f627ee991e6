"""Core layers: Input/InputLayer, Dense, EinsumDense, Activation, Identity, Lambda, Embedding,
Masking, Wrapper."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from dlx import activations, constraints, initializers, ops, regularizers, tree_util
from dlx import dtypes as _dtypes
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer, Node
from dlx.layers.quantized import DenseQuantization, EinsumDenseQuantization, EmbeddingQuantization
from dlx.ops.symbolic import SymbolicTensor


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


# ------------------------------------------------------------------------------ Input
class InputLayer(Layer):
    """The entry of a Functional graph: holds the symbolic input tensor.

    Arguments:
        shape: the per-sample shape (without the batch dim).
        batch_size: optional fixed batch size.
        dtype: the input dtype (default ``floatx()``).
        sparse: kept for Keras compatibility (dlx has no sparse tensors; must be falsy).
        ragged: kept for Keras compatibility (dlx has no ragged tensors; must be falsy).
        batch_shape: the full shape incl. the batch dim (instead of ``shape``/``batch_size``).
        input_tensor: an existing symbolic tensor to use.
        optional: the input may be ``None``.
        name: the input's name.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.InputLayer(shape=(4,))
    >>> layer.output.shape
    (None, 4)
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if ragged:
            raise ValueError(f"InputLayer {name!r}: ragged=True is not supported (dlx has no ragged tensors)")
        if sparse:
            raise ValueError(f"InputLayer {name!r}: sparse=True is not supported (dlx has no sparse tensors)")
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("ragged", None)
        dtype_name = _dtypes.standardize(dtype or _dtypes.floatx())
        super().__init__(name=name, dtype=dtype_name, **kwargs)
        if input_tensor is not None:
            if not isinstance(input_tensor, SymbolicTensor):
                raise ValueError(f"InputLayer '{self.name}': input_tensor must be a symbolic tensor "
                                 f"(dlx.Input); received {type(input_tensor).__name__}")
            batch_shape = input_tensor.shape
        if batch_shape is None:
            if shape is None:
                raise ValueError(f"InputLayer '{self.name}': pass shape= (per sample) or batch_shape= (with the "
                                 "batch dim)")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size, *shape)
        elif shape is not None or batch_size is not None:
            raise ValueError(f"InputLayer '{self.name}': pass either shape=/batch_size= or batch_shape=, not both")
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._input_dtype = dtype_name
        self.sparse = False
        self.optional = bool(optional)
        if input_tensor is None:
            input_tensor = SymbolicTensor(self._batch_shape, dtype_name, name=self.name)
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)
        self.built = True

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def output(self):
        return self._input_tensor

    def call(self):
        return self._input_tensor

    def get_config(self) -> dict:
        return {"batch_shape": self._batch_shape, "dtype": self._input_dtype, "sparse": False, "name": self.name,
                "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None, tensor=None,
          optional=False) -> SymbolicTensor:
    """A symbolic input tensor (the start of a Functional model).

    Arguments:
        shape: the shape of one sample, without the batch axis (``None`` entries are sizes
            left open); give this or ``batch_shape``.
        batch_size: a fixed batch size (default ``None``: any).
        dtype: the input's dtype (default ``floatx()``).
        sparse, ragged: Keras's flags; dlx has no sparse or ragged tensors, so a true value
            raises ``ValueError``.
        batch_shape: the whole shape, batch axis included (instead of ``shape``/``batch_size``).
        name: the input layer's name (default: a unique ``input_layer`` name).
        tensor: an existing symbolic tensor to use as this input instead of making one.
        optional: whether the model may be called with ``None`` for this input.

    Returns:
        The symbolic tensor (``SymbolicTensor``) the input layer outputs.

    Raises:
        ValueError: with neither ``shape`` nor ``batch_shape``, with both, or with a true
            ``sparse``/``ragged``.

    >>> x = Input(shape=(4,))
    >>> x.shape
    (None, 4)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output


# ------------------------------------------------------------------------------ Dense
class Dense(DenseQuantization, Layer):
    """``activation(inputs @ kernel + bias)`` on the last axis.

    Arguments:
        units: output size.
        activation: activation name or callable (default: none).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        lora_rank: if set, the layer is built with LoRA of this rank (see ``enable_lora``).
        lora_alpha: LoRA's scale numerator (default ``lora_rank``).
        quantization_config: the :mod:`dlx.quantizers` config of a quantized layer.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.Dense(3, activation="relu")
    >>> layer(np.ones((2, 4), "float32")).shape
    (2, 3)
    >>> layer.kernel.shape
    (4, 3)
    >>> layers.Dense(2, kernel_initializer="ones")(np.array([[1.0, 2.0, 3.0]], "float32"))
    array([[6., 6.]], dtype=float32)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense '{self.name}': units={units!r}; expected a positive integer")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        self._init_lora(lora_rank, lora_alpha, quantization_config)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense '{self.name}': the last dimension of the input must be known; received input "
                             f"shape {tuple(input_shape)}")
        self._build_weight((input_dim, self.units), self.kernel_initializer, self.kernel_regularizer,
                           self.kernel_constraint)
        self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True
        self._finish_build()

    def call(self, inputs, training=None):
        if self.quantization_mode is not None:
            return self.activation(self._quantized_output(inputs, training))
        return self.activation(ops.dense(inputs, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint), **self._quant_config_entries()}


# ------------------------------------------------------------------------------ EinsumDense
def _analyze_einsum_string(equation, bias_axes, input_shape, output_shape):
    eq = re.sub(r"\.\.\.", "0", equation)
    m = re.match(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", eq)
    if m:
        return _analyze_split(m, bias_axes, input_shape, output_shape, False)
    m = re.match(r"^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", eq)
    if m:
        return _analyze_split(m, bias_axes, input_shape, output_shape, True)
    m = re.match(r"^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", eq)
    if m:
        return _analyze_split(m, bias_axes, input_shape, output_shape, False)
    raise ValueError(f"EinsumDense: invalid equation {equation!r}; expected 'ab,bc->ac', '...b,bc->...c' or "
                     "'ab...,bc->ac...' (one input, one kernel, ellipsis on at most one side)")


def _analyze_split(m, bias_axes, input_shape, output_shape, left_elided):
    input_spec, weight_spec, output_spec = m.group(1), m.group(2), m.group(3)
    elided = len(input_shape) - len(input_spec)
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0:
        for i in range(len(input_shape) - elided, len(input_shape)):
            output_shape.append(input_shape[i])
    if left_elided:
        input_map = {d: (i + elided) - len(input_shape) for i, d in enumerate(input_spec)}
        output_map = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_map = {d: i for i, d in enumerate(input_spec)}
        output_map = {d: i for i, d in enumerate(output_spec)}
    for d in input_spec:
        if d in output_map:
            want, got = output_shape[output_map[d]], input_shape[input_map[d]]
            if want is not None and got is not None and want != got:
                raise ValueError(f"EinsumDense: output_shape[{output_map[d] - 1}] is {want}, but the input dimension "
                                 f"{d!r} has size {got} (input shape {tuple(input_shape)})")
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ValueError(f"EinsumDense: output dimension {d!r} is in neither the input nor the kernel spec")
    weight_shape = []
    for d in weight_spec:
        if d in input_map:
            weight_shape.append(input_shape[input_map[d]])
        elif d in output_map:
            weight_shape.append(output_shape[output_map[d]])
        else:
            raise ValueError(f"EinsumDense: kernel dimension {d!r} is in neither the input nor the output spec")
    if any(s is None for s in weight_shape):
        raise ValueError(f"EinsumDense: the kernel shape {weight_shape} has unknown dims: give them in output_shape")
    bias_shape = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in output_spec:
                raise ValueError(f"EinsumDense: bias axis {c!r} is not in the output spec {output_spec!r}")
        first = min(output_spec.find(c) for c in bias_axes)
        bias_shape = [output_shape[output_map[c]] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left_elided:
            bias_shape.extend([1] * elided)
    return weight_shape, bias_shape, output_shape


class EinsumDense(EinsumDenseQuantization, Layer):
    """A dense layer given by an einsum ``equation`` between the input and the kernel.

    Arguments:
        equation: e.g. ``"ab,bc->ac"``, ``"abc,cde->abde"``, ``"...b,bc->...c"``.
        output_shape: the output shape without the batch dim (``None`` for dims taken from the
            input).
        activation: activation name or callable.
        bias_axes: output letters that get a bias (e.g. ``"de"``), or ``None``.
        kernel_initializer, bias_initializer: initializers of the kernel and the bias.
        kernel_regularizer, bias_regularizer: regularizers of the kernel and the bias.
        kernel_constraint, bias_constraint: constraints of the kernel and the bias.
        lora_rank, lora_alpha, quantization_config: as :class:`Dense`.
        gptq_unpacked_column_size: the GPTQ kernel's column count (set by GPTQ quantization and
            written to the config, as Keras does; recomputed when the layer is built).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
    >>> layer(np.ones((2, 5, 4), "float32")).shape
    (2, 5, 8)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, gptq_unpacked_column_size=None,
                 quantization_config=None, **kwargs):
        if gptq_unpacked_column_size is not None and (isinstance(gptq_unpacked_column_size, bool) or not isinstance(
                gptq_unpacked_column_size, int) or gptq_unpacked_column_size <= 0):
            raise ValueError(f"EinsumDense: gptq_unpacked_column_size={gptq_unpacked_column_size!r}; expected None or "
                             "a positive int")
        super().__init__(**kwargs)
        self.gptq_unpacked_column_size = gptq_unpacked_column_size
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha, quantization_config)

    def build(self, input_shape):
        kshape, bshape, full = _analyze_einsum_string(self.equation, self.bias_axes, tuple(input_shape),
                                                      self.partial_output_shape)
        self.full_output_shape = tuple(full)
        self._input_ndim = len(input_shape)
        self._build_weight(tuple(kshape), self.kernel_initializer, self.kernel_regularizer, self.kernel_constraint)
        self.bias = self.add_weight(shape=bshape, initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if bshape is not None else None
        self.built = True
        self._finish_build()

    def call(self, inputs, training=None):
        if self.quantization_mode is not None:
            return self.activation(self._quantized_output(inputs, training))
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x)

    def get_config(self) -> dict:
        return {**super().get_config(), "equation": self.equation, "output_shape": self.partial_output_shape,
                "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
                "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint), **self._quant_config_entries(),
                **({"gptq_unpacked_column_size": self.gptq_unpacked_column_size}
                   if self.gptq_unpacked_column_size else {})}


# ------------------------------------------------------------------------------ simple layers
class Activation(Layer):
    """Applies an activation function (a name from :mod:`dlx.activations` or a callable).

    Arguments:
        activation: the activation: a name (``"relu"``), a serialized config or a callable
            (``None``: linear).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Activation("relu")(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Identity(Layer):
    """Returns its input unchanged.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Identity()(np.array([1.0, 2.0]))
    array([1., 2.], dtype=float32)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return super().get_config()


def _shape_structure(x):
    """The shapes of a tensor or of a (nested) list / tuple / dict of tensors, same structure."""
    if isinstance(x, dict):
        return {k: _shape_structure(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_shape_structure(v) for v in x)
    return tuple(x.shape)


class Lambda(Layer):
    """Wraps a function of ``dlx.ops`` as a layer.

    Arguments:
        function: ``function(inputs, **arguments)``; it may also take ``mask`` / ``training``.
        output_shape: optional output shape (or a function of the input shape) used for symbolic
            inputs instead of running ``function``.
        mask: an output mask, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments for ``function``.

    Configs of lambdas hold Python bytecode: loading them needs ``safe_mode=False``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers, ops
    >>> layers.Lambda(lambda x: ops.square(x))(np.array([1.0, 2.0, 3.0]))
    array([1., 4., 9.], dtype=float32)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda '{self.name}': function={function!r} is not callable")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        import inspect

        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_mask = "mask" in params
        self._fn_training = "training" in params

    def call(self, inputs, mask=None, training=None):
        kw = dict(self.arguments)
        if self._fn_mask:
            kw["mask"] = mask
        if self._fn_training:
            kw["training"] = training
        return self.function(inputs, **kw)

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return super().compute_output_spec(*args, **kwargs)
        from dlx.layers.layer import is_shape, shapes_to_symbolic

        x = args[0]
        leaves = [v for v in tree_util.leaves(x) if hasattr(v, "shape")]
        in_shape = _shape_structure(x)
        if callable(self._output_shape):
            out = self._output_shape(in_shape)
        else:  # shapes without the batch dimension (one, or a structure of them), as in Keras
            batch = leaves[0].shape[0] if leaves else None

            def add_batch(shape):
                if is_shape(shape):
                    return (batch, *tuple(shape))
                if isinstance(shape, dict):
                    return {k: add_batch(v) for k, v in shape.items()}
                return type(shape)(add_batch(v) for v in shape)

            out = add_batch(self._output_shape)
        return shapes_to_symbolic(out, leaves[0].dtype if leaves else self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self) -> dict:
        from dlx import saving

        out = self._output_shape
        return {**super().get_config(), "function": saving.serialize(self.function),
                "output_shape": saving.serialize(out) if callable(out) else out,
                "arguments": saving.serialize(self.arguments),
                "mask": saving.serialize(self.mask) if callable(self.mask) else None}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode: bool | None = None):
        """Rebuilds the layer; a lambda ``function`` needs ``safe_mode=False`` (it is bytecode)."""
        from dlx import saving

        config = dict(config)
        kw = {"custom_objects": custom_objects}
        if safe_mode is not None:
            kw["safe_mode"] = safe_mode
        config["function"] = saving.deserialize(config["function"], **kw)
        if isinstance(config.get("output_shape"), dict):
            config["output_shape"] = saving.deserialize(config["output_shape"], **kw)
        if isinstance(config.get("mask"), dict):
            config["mask"] = saving.deserialize(config["mask"], **kw)
        config["arguments"] = saving.deserialize(config.get("arguments"), **kw)
        return super().from_config(config)


class Embedding(EmbeddingQuantization, Layer):
    """Maps integer indices to dense vectors.

    Arguments:
        input_dim: vocabulary size.
        output_dim: embedding size.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint: for the table.
        mask_zero: index 0 is padding: outputs a mask ``inputs != 0``.
        weights: optional initial table (a list holding one ``(input_dim, output_dim)`` array).
        lora_rank, lora_alpha, quantization_config: as :class:`Dense`.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.Embedding(input_dim=10, output_dim=4)
    >>> layer(np.array([[1, 2, 3], [4, 5, 6]])).shape
    (2, 3, 4)
    >>> table = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], "float32")
    >>> layers.Embedding(3, 2, weights=[table])(np.array([2, 1, 2]))
    array([[3., 4.],
           [1., 2.],
           [3., 4.]], dtype=float32)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError(f"Embedding '{self.name}': input_dim={input_dim} and output_dim={output_dim} must be "
                             "positive")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        self._initial_weights = weights
        self._init_lora(lora_rank, lora_alpha, quantization_config)

    def build(self, input_shape=None):
        self._build_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                           self.embeddings_regularizer, self.embeddings_constraint)
        if self._initial_weights is not None:
            w = self._initial_weights
            self._embeddings.assign(w[0] if isinstance(w, (list, tuple)) else w)
            self._initial_weights = None
        self.built = True
        self._finish_build()

    @property
    def embeddings(self):
        """The table (with the LoRA update added when LoRA is on; the int8 variable when quantized)."""
        if self.lora_enabled:
            return self._weight_value()
        return self._embeddings

    def call(self, inputs):
        if ops.dtype(inputs) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        if self.quantization_mode in ("int8", "int4"):
            return self._quantized_call(inputs)
        out = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(out, self.compute_dtype) if ops.dtype(out) != self.compute_dtype else out

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": _ser(initializers, self.embeddings_initializer),
                "embeddings_regularizer": _ser(regularizers, self.embeddings_regularizer),
                "embeddings_constraint": _ser(constraints, self.embeddings_constraint),
                "mask_zero": self.mask_zero, **self._quant_config_entries()}


class ReversibleEmbedding(Embedding):
    """An :class:`Embedding` that also maps vectors back to logits over the vocabulary:
    ``layer(ids)`` embeds, ``layer(x, reverse=True)`` returns ``x @ embeddings^T`` (or
    ``x @ reverse_embeddings`` with ``tie_weights=False``).

    Arguments:
        input_dim, output_dim, mask_zero: as :class:`Embedding`.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint: as :class:`Embedding`.
        tie_weights: the reverse projection reuses the embedding table (else a separate
            ``(output_dim, input_dim)`` ``reverse_embeddings`` weight).
        reverse_dtype: dtype of the reverse matmul (default: the compute dtype).
        logit_soft_cap: if set, reverse logits become ``tanh(logits / cap) * cap``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.ReversibleEmbedding(input_dim=10, output_dim=4)
    >>> vectors = layer(np.array([[1, 2, 3]]))
    >>> vectors.shape
    (1, 3, 4)
    >>> layer(vectors, reverse=True).shape
    (1, 3, 10)
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    @property
    def variable_serialization_spec(self) -> dict:
        spec = {None: ["embeddings"]}  # dlx has no quantized ReversibleEmbedding
        if not self.tie_weights:
            spec[None].append("reverse_embeddings")
        return spec

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(shape=(self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer,
                                                      name="reverse_embeddings")

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        dtype = self.reverse_dtype or self.compute_dtype
        logits = ops.matmul(ops.cast(inputs, dtype), ops.cast(kernel, dtype))
        if self.logit_soft_cap is not None:
            logits = ops.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero or ops.dtype(inputs) not in ("int8", "int16", "int32", "int64", "uint8"):
            return None  # a reverse call (float inputs) gives no mask
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return (*tuple(input_shape), self.output_dim)

    def compute_output_spec(self, inputs, reverse=False):
        from dlx.layers.layer import shapes_to_symbolic

        return shapes_to_symbolic(self.compute_output_shape(inputs.shape, reverse),
                                  (self.reverse_dtype or self.compute_dtype) if reverse else self.compute_dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap}


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value`` (and zeroes them).

    Arguments:
        mask_value: the value that marks padding: a step (a position of every axis but the last)
            is masked when all its features equal it.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[1.0], [0.0], [2.0]]])
    >>> layers.Masking(mask_value=0.0).compute_mask(x)
    array([[ True, False,  True]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * ops.cast(keep, ops.dtype(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}


class Wrapper(Layer):
    """Base of layers that wrap another layer (``TimeDistributed``, ...).

    Arguments:
        layer: the wrapped :class:`Layer` (built with the wrapper when it is not yet built).
        **kwargs: base :class:`Layer` arguments (``name``, ...); an explicit ``dtype`` also
            becomes the dtype policy of an unbuilt wrapped layer.

    Raises:
        ValueError: when ``layer`` is not a :class:`Layer`.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> class Doubled(layers.Wrapper):
    ...     def call(self, x):
    ...         return 2 * self.layer(x)
    >>> layer = Doubled(layers.Dense(2, kernel_initializer="ones", use_bias=False))
    >>> layer(np.array([[1.0, 2.0]], "float32"))
    array([[6., 6.]], dtype=float32)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: layer={layer!r} is not a dlx.layers.Layer")
        super().__init__(**kwargs)
        if kwargs.get("dtype") is not None and not layer.built:  # an explicit policy applies to the wrapped layer
            layer.dtype_policy = self.dtype_policy
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)

    def get_config(self) -> dict:
        from dlx import saving

        return {**super().get_config(), "layer": saving.serialize(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None):
        from dlx import saving

        config = dict(config)
        config["layer"] = saving.deserialize(config["layer"], custom_objects)
        return super().from_config(config)


__all__ = ["Activation", "Dense", "EinsumDense", "Embedding", "Identity", "Input", "InputLayer", "Lambda", "Masking",
           "ReversibleEmbedding", "Wrapper"]
