"""Convolution layers: Conv1D/2D/3D, Conv1D/2D/3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D."""

from __future__ import annotations

from dlx import activations, constraints, initializers, ops, regularizers
from dlx import config as _config
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer


def _tuple(value, n, what, layer):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"{layer}: {what}={value!r}; expected an int or {n} ints")
    return value


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


class BaseConv(Layer):
    """Shared logic of the convolution layers (``rank`` spatial dims)."""

    rank = 2

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        who = f"{type(self).__name__} '{self.name}'"
        self.filters = filters
        if filters is not None and (not isinstance(filters, int) or filters <= 0):
            raise ValueError(f"{who}: filters={filters!r}; expected a positive integer")
        self.groups = int(groups)
        if filters is not None and filters % self.groups:
            raise ValueError(f"{who}: filters={filters} must be divisible by groups={groups}")
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", who)
        self.strides = _tuple(strides, rank, "strides", who)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", who)
        self.padding = str(padding).lower()
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        if self.padding not in allowed:
            raise ValueError(f"{who}: padding={padding!r}; expected one of {allowed}")
        self.data_format = data_format or _config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"{who}: data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _in_channels(self, input_shape):
        c = input_shape[self._channel_axis]
        if c is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the channel dimension of the input must be known; "
                             f"received input shape {tuple(input_shape)}")
        return c

    def _kernel_shape(self, in_ch):
        return (*self.kernel_size, in_ch // self.groups, self.filters)

    def build(self, input_shape):
        in_ch = self._in_channels(input_shape)
        if in_ch % self.groups:
            raise ValueError(f"{type(self).__name__} '{self.name}': the input channels ({in_ch}) must be divisible "
                             f"by groups={self.groups}; received input shape {tuple(input_shape)}")
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: in_ch})
        self.kernel = self.add_weight(shape=self._kernel_shape(in_ch), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def convolution_op(self, inputs, kernel):
        """The convolution of ``inputs`` with ``kernel`` under the layer's strides, padding,
        dilation and data format (no bias or activation). ``call`` uses it with ``self.kernel``,
        so a subclass may override it (a standardized kernel, say) or call it, as in Keras."""
        padding = self.padding
        if padding == "causal":
            left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            pads = [(0, 0), (left, 0), (0, 0)] if self.data_format == "channels_last" else [(0, 0), (0, 0), (left, 0)]
            inputs = ops.pad(inputs, pads)
            padding = "valid"
        return ops.conv(inputs, kernel, self.strides, padding, self.data_format, self.dilation_rate)

    def _conv(self, inputs):
        return self.convolution_op(inputs, self.kernel)

    def _add_bias(self, x):
        if self.bias is None:
            return x
        if self.data_format == "channels_last":
            return ops.add(x, self.bias)
        return ops.add(x, ops.reshape(self.bias, (1, self.filters) + (1,) * self.rank))

    def call(self, inputs):
        if self.bias is not None and self.padding != "causal" and self._plain_convolution():
            # one op: backends with a fused kernel (torch) add the bias inside the convolution
            return self.activation(ops.conv_bias(inputs, self.kernel, self.bias, self.strides, self.padding,
                                                 self.data_format, self.dilation_rate))
        return self.activation(self._add_bias(self._conv(inputs)))

    @classmethod
    def _plain_convolution(cls) -> bool:
        """Whether the class convolves as BaseConv does (no ``_conv`` / ``convolution_op`` of its own)."""
        return cls._conv is BaseConv._conv and cls.convolution_op is BaseConv.convolution_op

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint)}


def _conv_class(name, rank, doc):
    one = 1 if rank == 1 else (1,) * rank

    def __init__(self, filters, kernel_size, strides=one, padding="valid", data_format=None, dilation_rate=one,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        BaseConv.__init__(self, rank, filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                          activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                          bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    return type(name, (BaseConv,), {"__init__": __init__, "__doc__": doc, "__module__": __name__, "rank": rank})


# the Arguments entries the convolution layers share (their docstrings are assembled below)
_WEIGHTS_ARGS = """\
    activation: the activation applied to the output (a name or a callable; ``None``: linear).
    use_bias: whether to add a bias vector of ``filters`` entries.
    *_initializer: the initializers of the kernel(s) and the bias (a name, a config or an
        initializer).
    *_regularizer: penalties on the kernel(s), the bias and (``activity_regularizer``) the
        layer's output (``None``: none).
    *_constraint: constraints applied to the kernel(s) and the bias after each update
        (``None``: none).
    **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ``trainable``, ...).
"""


def _geometry_args(rank, causal=False, transposed=False):
    n = "an int" if rank == 1 else f"an int or a tuple of {rank} ints"
    pad = '``"valid"`` (no padding), ``"same"`` (outputs of ``ceil(input / strides)``) or ``"causal"``\n' \
          '        (left padding only, for sequences)' if causal else \
        '``"valid"`` or ``"same"`` (outputs of ``input * strides`` when ``output_padding`` is ``None``)' \
        if transposed else '``"valid"`` (no padding) or ``"same"`` (outputs of ``ceil(input / strides)``)'
    return f"""\
    kernel_size: the window size, {n}.
    strides: the step of the window, {n}.
    padding: {pad}.
    data_format: ``"channels_last"`` (channels on the last axis) or ``"channels_first"``
        (``None``: ``config.image_data_format()``).
    dilation_rate: the spacing between kernel taps, {n}.
"""


def _conv_doc(summary, rank):
    return f"""{summary}

Arguments:
    filters: the number of output channels (a positive int, divisible by ``groups``).
{_geometry_args(rank, causal=rank == 1)}\
    groups: split the channels into this many groups convolved separately (the input channels
        must be divisible by it too).
{_WEIGHTS_ARGS}
Raises:
    ValueError: on an invalid ``filters``, ``kernel_size``, ``strides``, ``dilation_rate``,
        ``padding`` or ``data_format``.
"""


Conv1D = _conv_class("Conv1D", 1, _conv_doc("""1-D convolution over ``(batch, steps, channels)`` (``padding`` may be
``"causal"``). Kernel shape ``(kernel_size, in_channels / groups, filters)``.""", 1))
Conv2D = _conv_class("Conv2D", 2, _conv_doc("""2-D convolution over images. Kernel shape
``(kh, kw, in_channels / groups, filters)``.""", 2))
Conv3D = _conv_class("Conv3D", 3, _conv_doc("3-D convolution over volumes.", 3))


class BaseConvTranspose(BaseConv):
    """Shared logic of the transposed convolutions. Kernel shape ``(*k, filters, in_channels)``."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{type(self).__name__} '{self.name}': padding='causal' is not supported")
        self.output_padding = None if output_padding is None else _tuple(output_padding, rank, "output_padding",
                                                                         f"{type(self).__name__} '{self.name}'")
        if self.output_padding is not None:
            for op_, s in zip(self.output_padding, self.strides):
                if op_ >= s:
                    raise ValueError(f"{type(self).__name__} '{self.name}': output_padding={self.output_padding} must "
                                     f"be smaller than strides={self.strides}")

    def _kernel_shape(self, in_ch):
        return (*self.kernel_size, self.filters, in_ch)

    def _conv(self, inputs):
        return ops.conv_transpose(inputs, self.kernel, self.strides, self.padding, self.output_padding,
                                  self.data_format, self.dilation_rate)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("groups")
        return {**cfg, "output_padding": self.output_padding}


def _convt_class(name, rank, doc):
    one = 1 if rank == 1 else (1,) * rank

    def __init__(self, filters, kernel_size, strides=one, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=one, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        BaseConvTranspose.__init__(self, rank, filters, kernel_size, strides, padding, output_padding, data_format,
                                   dilation_rate, activation, use_bias, kernel_initializer, bias_initializer,
                                   kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                                   bias_constraint, **kwargs)

    def __init_3d__(self, filters, kernel_size, strides=one, padding="valid", data_format=None, output_padding=None,
                    dilation_rate=one, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                    bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                    activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        # Keras orders data_format before output_padding for the 3-D transposed convolution only
        BaseConvTranspose.__init__(self, rank, filters, kernel_size, strides, padding, output_padding, data_format,
                                   dilation_rate, activation, use_bias, kernel_initializer, bias_initializer,
                                   kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                                   bias_constraint, **kwargs)

    if rank == 3:
        __init_3d__.__name__ = __init_3d__.__qualname__ = "__init__"
        __init__ = __init_3d__

    return type(name, (BaseConvTranspose,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                             "rank": rank})


def _convt_doc(summary, rank):
    n = "an int" if rank == 1 else f"an int or a tuple of {rank} ints"
    return f"""{summary}

Arguments:
    filters: the number of output channels (a positive int).
{_geometry_args(rank, transposed=True)}\
    output_padding: extra size added to one side of each output dimension, {n}, each smaller
        than its stride (``None``: inferred from the input size, strides and padding).
{_WEIGHTS_ARGS}
Raises:
    ValueError: on an invalid ``filters``, ``kernel_size``, ``strides``, ``dilation_rate``,
        ``padding``, ``data_format`` or ``output_padding``.
"""


Conv1DTranspose = _convt_class("Conv1DTranspose", 1, _convt_doc("1-D transposed convolution.", 1))
Conv2DTranspose = _convt_class("Conv2DTranspose", 2, _convt_doc("""2-D transposed convolution ("deconvolution").
Kernel shape ``(kh, kw, filters, in_channels)``; output lengths follow Keras's formula (and
``output_padding``).""", 2))
Conv3DTranspose = _convt_class("Conv3DTranspose", 3, _convt_doc("3-D transposed convolution.", 3))


class BaseDepthwiseConv(BaseConv):
    """Depthwise convolution: kernel ``(*k, in_channels, depth_multiplier)``."""

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, None, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{type(self).__name__} '{self.name}': padding='causal' is not supported")
        self.depth_multiplier = int(depth_multiplier)

    def build(self, input_shape):
        in_ch = self._in_channels(input_shape)
        self.filters = in_ch * self.depth_multiplier
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: in_ch})
        self.kernel = self.add_weight(shape=(*self.kernel_size, in_ch, self.depth_multiplier),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def _conv(self, inputs):
        return ops.depthwise_conv(inputs, self.kernel, self.strides, self.padding, self.data_format,
                                  self.dilation_rate)

    def get_config(self) -> dict:
        cfg = super().get_config()
        for k in ("filters", "groups"):
            cfg.pop(k)
        for a, b in (("kernel_initializer", "depthwise_initializer"), ("kernel_regularizer", "depthwise_regularizer"),
                     ("kernel_constraint", "depthwise_constraint")):
            cfg[b] = cfg.pop(a)
        return {**cfg, "depth_multiplier": self.depth_multiplier}


def _dw_class(name, rank, doc):
    one = 1 if rank == 1 else (1,) * rank

    def __init__(self, kernel_size, strides=one, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=one, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        BaseDepthwiseConv.__init__(self, rank, kernel_size, strides, padding, depth_multiplier, data_format,
                                   dilation_rate, activation, use_bias, depthwise_initializer, bias_initializer,
                                   depthwise_regularizer, bias_regularizer, activity_regularizer,
                                   depthwise_constraint, bias_constraint, **kwargs)

    return type(name, (BaseDepthwiseConv,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                             "rank": rank})


def _depthwise_doc(summary, rank):
    return f"""{summary}

Arguments:
{_geometry_args(rank)}\
    depth_multiplier: how many output channels each input channel gets (the output has
        ``in_channels * depth_multiplier`` channels).
{_WEIGHTS_ARGS.replace("``filters`` entries", "``in_channels * depth_multiplier`` entries")}
Raises:
    ValueError: on an invalid ``kernel_size``, ``strides``, ``dilation_rate``, ``padding`` or
        ``data_format``.
"""


DepthwiseConv1D = _dw_class("DepthwiseConv1D", 1, _depthwise_doc("1-D depthwise convolution.", 1))
DepthwiseConv2D = _dw_class("DepthwiseConv2D", 2, _depthwise_doc("""2-D depthwise convolution: each input channel is
convolved with ``depth_multiplier`` filters of its own. Kernel ``(kh, kw, in_channels,
depth_multiplier)``.""", 2))


class BaseSeparableConv(BaseConv):
    """Depthwise convolution followed by a pointwise (1x1) convolution."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{type(self).__name__} '{self.name}': padding='causal' is not supported")
        self.depth_multiplier = int(depth_multiplier)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        in_ch = self._in_channels(input_shape)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: in_ch})
        self.depthwise_kernel = self.add_weight(
            shape=(*self.kernel_size, in_ch, self.depth_multiplier), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=((1,) * self.rank) + (in_ch * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def _conv(self, inputs):
        x = ops.depthwise_conv(inputs, self.depthwise_kernel, self.strides, self.padding, self.data_format,
                               self.dilation_rate)
        return ops.conv(x, self.pointwise_kernel, 1, "valid", self.data_format, 1)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("groups")
        for a, b in (("kernel_initializer", "depthwise_initializer"), ("kernel_regularizer", "depthwise_regularizer"),
                     ("kernel_constraint", "depthwise_constraint")):
            cfg[b] = cfg.pop(a)
        return {**cfg, "depth_multiplier": self.depth_multiplier,
                "pointwise_initializer": _ser(initializers, self.pointwise_initializer),
                "pointwise_regularizer": _ser(regularizers, self.pointwise_regularizer),
                "pointwise_constraint": _ser(constraints, self.pointwise_constraint)}


def _sep_class(name, rank, doc):
    one = 1 if rank == 1 else (1,) * rank

    def __init__(self, filters, kernel_size, strides=one, padding="valid", data_format=None, dilation_rate=one,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        BaseSeparableConv.__init__(self, rank, filters, kernel_size, strides, padding, data_format, dilation_rate,
                                   depth_multiplier, activation, use_bias, depthwise_initializer,
                                   pointwise_initializer, bias_initializer, depthwise_regularizer,
                                   pointwise_regularizer, bias_regularizer, activity_regularizer,
                                   depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)

    return type(name, (BaseSeparableConv,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                             "rank": rank})


def _separable_doc(summary, rank):
    return f"""{summary}

Arguments:
    filters: the number of output channels of the pointwise convolution (a positive int).
{_geometry_args(rank)}\
    depth_multiplier: how many channels the depthwise step makes of each input channel.
{_WEIGHTS_ARGS}
Raises:
    ValueError: on an invalid ``filters``, ``kernel_size``, ``strides``, ``dilation_rate``,
        ``padding`` or ``data_format``.
"""


SeparableConv1D = _sep_class("SeparableConv1D", 1, _separable_doc("""1-D separable convolution: a depthwise
convolution (``depthwise_kernel``) then a 1x1 convolution (``pointwise_kernel``).""", 1))
SeparableConv2D = _sep_class("SeparableConv2D", 2, _separable_doc("""2-D separable convolution: a depthwise
convolution (``depthwise_kernel``) then a 1x1 convolution (``pointwise_kernel``).""", 2))

# The Example section of each class above (appended to its docstring; the doctests run it).
_EXAMPLES = {
    "Conv1D": """\
>>> import numpy as np
>>> from dlx import layers
>>> x = np.ones((2, 10, 3), "float32")
>>> layers.Conv1D(8, kernel_size=3)(x).shape
(2, 8, 8)
>>> layers.Conv1D(8, kernel_size=3, padding="causal", dilation_rate=2)(x).shape
(2, 10, 8)
""",
    "Conv2D": """\
>>> import numpy as np
>>> from dlx import layers
>>> x = np.ones((2, 28, 28, 3), "float32")
>>> layer = layers.Conv2D(16, kernel_size=3, strides=2, padding="same", activation="relu")
>>> layer(x).shape
(2, 14, 14, 16)
>>> layer.kernel.shape
(3, 3, 3, 16)
>>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
>>> layers.Conv2D(1, kernel_size=2, kernel_initializer="ones")(x)[0, :, :, 0]
array([[ 8., 12.],
       [20., 24.]], dtype=float32)
""",
    "Conv3D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.Conv3D(4, kernel_size=3)(np.ones((1, 8, 8, 8, 2), "float32")).shape
(1, 6, 6, 6, 4)
""",
    "Conv1DTranspose": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.Conv1DTranspose(4, kernel_size=3, strides=2, padding="same")(np.ones((2, 5, 3), "float32")).shape
(2, 10, 4)
""",
    "Conv2DTranspose": """\
>>> import numpy as np
>>> from dlx import layers
>>> layer = layers.Conv2DTranspose(8, kernel_size=3, strides=2, padding="same")
>>> layer(np.ones((2, 7, 7, 16), "float32")).shape
(2, 14, 14, 8)
""",
    "Conv3DTranspose": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.Conv3DTranspose(2, kernel_size=2, strides=2)(np.ones((1, 4, 4, 4, 3), "float32")).shape
(1, 8, 8, 8, 2)
""",
    "DepthwiseConv1D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.DepthwiseConv1D(kernel_size=3, depth_multiplier=2)(np.ones((2, 10, 4), "float32")).shape
(2, 8, 8)
""",
    "DepthwiseConv2D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layer = layers.DepthwiseConv2D(kernel_size=3, depth_multiplier=2, padding="same")
>>> layer(np.ones((2, 8, 8, 4), "float32")).shape
(2, 8, 8, 8)
""",
    "SeparableConv1D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.SeparableConv1D(8, kernel_size=3)(np.ones((2, 10, 4), "float32")).shape
(2, 8, 8)
""",
    "SeparableConv2D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.SeparableConv2D(16, kernel_size=3, padding="same")(np.ones((2, 8, 8, 4), "float32")).shape
(2, 8, 8, 16)
""",
}
for _name, _example in _EXAMPLES.items():
    globals()[_name].__doc__ = globals()[_name].__doc__.rstrip() + "\n\nExample:\n\n" + _example + ""
del _name, _example

Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose = Conv2DTranspose
Convolution1DTranspose, Convolution3DTranspose = Conv1DTranspose, Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D

__all__ = ["Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Convolution1D",
           "Convolution2D", "Convolution2DTranspose", "Convolution3D", "DepthwiseConv1D", "DepthwiseConv2D",
           "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D"]
