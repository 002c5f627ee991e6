"""Pooling layers: Max/AveragePooling1D/2D/3D and GlobalMax/GlobalAveragePooling1D/2D/3D."""

from __future__ import annotations

from dlx import config as _config
from dlx import ops
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer


def _tuple(value, n, what, layer):
    if value is None:
        return None
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"{layer}: {what}={value!r}; expected an int or {n} ints")
    return value


class BasePooling(Layer):
    """Windowed max / average pooling over ``rank`` spatial dims."""

    def __init__(self, rank, pool_size, strides=None, padding="valid", data_format=None, mode="max", **kwargs):
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self.rank = rank
        self.pool_size = _tuple(pool_size, rank, "pool_size", who)
        self.strides = _tuple(strides, rank, "strides", who) or self.pool_size
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"{who}: padding={padding!r}; expected 'valid' or 'same'")
        self.data_format = data_format or _config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"{who}: data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
        self.mode = mode
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def call(self, inputs):
        fn = ops.max_pool if self.mode == "max" else ops.average_pool
        return fn(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        axes = range(1, 1 + self.rank) if self.data_format == "channels_last" else range(2, 2 + self.rank)
        for a, k, st in zip(axes, self.pool_size, self.strides):
            if s[a] is None:
                continue
            if self.padding == "same":
                s[a] = -(-s[a] // st)
            else:
                if s[a] < k:
                    raise ValueError(f"{type(self).__name__} '{self.name}': the pool size {self.pool_size} does not "
                                     f"fit the input shape {tuple(input_shape)} with padding='valid'")
                s[a] = (s[a] - k) // st + 1
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


def _pool_class(name, rank, mode, default_pool):
    if default_pool is None:  # Keras's average pooling layers have no default pool size
        def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
            BasePooling.__init__(self, rank, pool_size, strides, padding, data_format, mode, name=name, **kwargs)
    else:
        def __init__(self, pool_size=default_pool, strides=None, padding="valid", data_format=None, name=None,
                     **kwargs):
            BasePooling.__init__(self, rank, pool_size, strides, padding, data_format, mode, name=name, **kwargs)

    n = "an int" if rank == 1 else f"an int or a tuple of {rank} ints"
    doc = (f"{rank}-D {'max' if mode == 'max' else 'average'} pooling (``pool_size``, ``strides`` default to the "
           "pool size, ``padding`` 'valid'/'same', ``data_format``)." +
           (" With ``padding='same'`` padded positions are not averaged." if mode == "avg" else "") + f"""

    Arguments:
        pool_size: the window size, {n}{"" if default_pool is None else f" (default ``{default_pool}``)"}.
        strides: the step of the window, {n} (``None``: ``pool_size``).
        padding: ``"valid"`` (windows inside the input only) or ``"same"`` (outputs of
            ``ceil(input / strides)``).
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``config.image_data_format()``).
        name: the layer name (``None``: made from the class name).
        **kwargs: base :class:`Layer` arguments (``dtype``, ``trainable``, ...).

    Raises:
        ValueError: on an invalid ``pool_size``, ``strides``, ``padding`` or ``data_format``.
    """)
    return type(name, (BasePooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


MaxPooling1D = _pool_class("MaxPooling1D", 1, "max", 2)
MaxPooling2D = _pool_class("MaxPooling2D", 2, "max", (2, 2))
MaxPooling3D = _pool_class("MaxPooling3D", 3, "max", (2, 2, 2))
AveragePooling1D = _pool_class("AveragePooling1D", 1, "avg", None)
AveragePooling2D = _pool_class("AveragePooling2D", 2, "avg", None)
AveragePooling3D = _pool_class("AveragePooling3D", 3, "avg", None)


class BaseGlobalPooling(Layer):
    """Max / average over every spatial dim (the steps axis for 1-D), with ``keepdims``."""

    def __init__(self, rank, data_format=None, keepdims=False, mode="max", **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = data_format or _config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"{type(self).__name__} '{self.name}': data_format={data_format!r}; expected "
                             "'channels_last' or 'channels_first'")
        self.keepdims = keepdims
        self.mode = mode
        self.input_spec = InputSpec(ndim=rank + 2)
        self.supports_masking = rank == 1
        self.built = True

    def _axes(self):
        return tuple(range(1, 1 + self.rank)) if self.data_format == "channels_last" else tuple(
            range(2, 2 + self.rank))

    def call(self, inputs, mask=None):
        axes = self._axes()
        if mask is not None and self.rank == 1:
            steps_axis = axes[0]
            m = ops.cast(mask, ops.dtype(inputs))
            m = ops.expand_dims(m, 2 if steps_axis == 1 else 1)
            if self.mode == "avg":
                return ops.sum(inputs * m, axis=steps_axis, keepdims=self.keepdims) / ops.sum(
                    m, axis=steps_axis, keepdims=self.keepdims)
            low = ops.full_like(inputs, -3.0e38 if ops.dtype(inputs) != "float16" else -6.0e4)
            return ops.max(ops.where(ops.cast(m, "bool"), inputs, low), axis=steps_axis, keepdims=self.keepdims)
        if self.mode == "avg":
            return ops.mean(inputs, axis=axes, keepdims=self.keepdims)
        return ops.max(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        axes = self._axes()
        if self.keepdims:
            for a in axes:
                s[a] = 1
            return tuple(s)
        return tuple(d for i, d in enumerate(s) if i not in axes)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


def _gpool_class(name, rank, mode):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        BaseGlobalPooling.__init__(self, rank, data_format, keepdims, mode, **kwargs)

    doc = (f"Global {'max' if mode == 'max' else 'average'} pooling over the {rank}-D spatial dims"
           + (" (masked steps are ignored)." if rank == 1 else ".") + """

    Arguments:
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``config.image_data_format()``).
        keepdims: keep the pooled axes with size 1 (else they are dropped: ``(batch, channels)``).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: on an invalid ``data_format``.
    """)
    return type(name, (BaseGlobalPooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


GlobalMaxPooling1D = _gpool_class("GlobalMaxPooling1D", 1, "max")
GlobalMaxPooling2D = _gpool_class("GlobalMaxPooling2D", 2, "max")
GlobalMaxPooling3D = _gpool_class("GlobalMaxPooling3D", 3, "max")
GlobalAveragePooling1D = _gpool_class("GlobalAveragePooling1D", 1, "avg")
GlobalAveragePooling2D = _gpool_class("GlobalAveragePooling2D", 2, "avg")
GlobalAveragePooling3D = _gpool_class("GlobalAveragePooling3D", 3, "avg")

# The Example section of each class above (appended to its docstring; the doctests run it).
_EXAMPLES = {
    "MaxPooling1D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[1.0], [3.0], [2.0], [5.0], [4.0]]], "float32")
    >>> layers.MaxPooling1D(pool_size=2)(x)[0, :, 0]
    array([3., 5.], dtype=float32)
""",
    "MaxPooling2D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> layers.MaxPooling2D(pool_size=2)(x)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    >>> layers.MaxPooling2D(pool_size=3, strides=1, padding="same")(x).shape
    (1, 4, 4, 1)
""",
    "MaxPooling3D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.MaxPooling3D(pool_size=2)(np.ones((1, 4, 4, 4, 3), "float32")).shape
    (1, 2, 2, 2, 3)
""",
    "AveragePooling1D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[1.0], [3.0], [2.0], [6.0]]], "float32")
    >>> layers.AveragePooling1D(pool_size=2)(x)[0, :, 0]
    array([2., 4.], dtype=float32)
""",
    "AveragePooling2D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> layers.AveragePooling2D(pool_size=2)(x)[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
""",
    "AveragePooling3D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.AveragePooling3D(pool_size=2)(np.ones((1, 4, 4, 4, 3), "float32")).shape
    (1, 2, 2, 2, 3)
""",
    "GlobalAveragePooling1D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[1.0, 2.0], [3.0, 6.0]]], "float32")
    >>> layers.GlobalAveragePooling1D()(x)
    array([[2., 4.]], dtype=float32)
""",
    "GlobalAveragePooling2D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(8, dtype="float32").reshape(1, 2, 2, 2)
    >>> layers.GlobalAveragePooling2D()(x)
    array([[3., 4.]], dtype=float32)
    >>> layers.GlobalAveragePooling2D(keepdims=True)(x).shape
    (1, 1, 1, 2)
""",
    "GlobalAveragePooling3D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.GlobalAveragePooling3D()(np.ones((2, 3, 3, 3, 4), "float32")).shape
    (2, 4)
""",
    "GlobalMaxPooling1D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[1.0, 2.0], [3.0, 6.0]]], "float32")
    >>> layers.GlobalMaxPooling1D()(x)
    array([[3., 6.]], dtype=float32)
""",
    "GlobalMaxPooling2D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(8, dtype="float32").reshape(1, 2, 2, 2)
    >>> layers.GlobalMaxPooling2D()(x)
    array([[6., 7.]], dtype=float32)
""",
    "GlobalMaxPooling3D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.GlobalMaxPooling3D()(np.ones((2, 3, 3, 3, 4), "float32")).shape
    (2, 4)
""",
}
for _name, _example in _EXAMPLES.items():
    globals()[_name].__doc__ = globals()[_name].__doc__.rstrip() + "\n\n    Example:\n\n" + _example + "    "
del _name, _example

MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D

__all__ = ["AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D",
           "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D",
           "MaxPooling1D", "MaxPooling2D", "MaxPooling3D"]
