"""Adaptive average and max pooling (1D/2D/3D): a fixed ``output_size`` whatever the input size.
The layers call :func:`dlx.ops.adaptive_average_pool` / :func:`dlx.ops.adaptive_max_pool`, which
define the windows (PyTorch's and Keras 3's rule)."""

from __future__ import annotations

from dlx import config, ops
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer


class _AdaptivePooling(Layer):
    rank = 1
    _reduce = "average"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            output_size = (output_size,) * self.rank
        if (not isinstance(output_size, (list, tuple)) or len(output_size) != self.rank
                or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in output_size)):
            raise TypeError(f"{who}: output_size={output_size!r}; expected a positive int or {self.rank} of them")
        self.output_size = tuple(int(s) for s in output_size)
        self.data_format = data_format or config.image_data_format()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(f"{who}: data_format={self.data_format!r}; expected 'channels_first' or "
                             "'channels_last'")
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return range(start, start + self.rank)

    def call(self, inputs):
        pool = ops.adaptive_average_pool if self._reduce == "average" else ops.adaptive_max_pool
        return pool(inputs, self.output_size, self.data_format)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for axis, out in zip(self._axes(), self.output_size):
            s[axis] = out
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


def _make(name, rank, reduce, doc):
    doc += f"""

    Arguments:
        output_size: the output's spatial size: {"a positive int" if rank == 1 else
                                                 f"a positive int (every dim) or {rank} of them"}; the
            windows are chosen so that they cover the input whatever its size.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``config.image_data_format()``).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        TypeError: when ``output_size`` is not a positive int or a sequence of {rank}.
        ValueError: on an invalid ``data_format``.
    """
    cls = type(name, (_AdaptivePooling,), {"rank": rank, "_reduce": reduce, "__doc__": doc,
                                           "__module__": __name__})
    return cls


AdaptiveAveragePooling1D = _make("AdaptiveAveragePooling1D", 1, "average",
                                 "Adaptive average pooling of ``(batch, steps, channels)`` inputs to ``output_size`` "
                                 "steps.")
AdaptiveAveragePooling2D = _make("AdaptiveAveragePooling2D", 2, "average",
                                 "Adaptive average pooling of images to ``output_size`` (an int or ``(h, w)``).")
AdaptiveAveragePooling3D = _make("AdaptiveAveragePooling3D", 3, "average",
                                 "Adaptive average pooling of volumes to ``output_size`` (an int or 3 ints).")
AdaptiveMaxPooling1D = _make("AdaptiveMaxPooling1D", 1, "max",
                             "Adaptive max pooling of ``(batch, steps, channels)`` inputs to ``output_size`` steps.")
AdaptiveMaxPooling2D = _make("AdaptiveMaxPooling2D", 2, "max",
                             "Adaptive max pooling of images to ``output_size`` (an int or ``(h, w)``).")
AdaptiveMaxPooling3D = _make("AdaptiveMaxPooling3D", 3, "max",
                             "Adaptive max pooling of volumes to ``output_size`` (an int or 3 ints).")

# The Example section of each class above (appended to its docstring; the doctests run it).
_EXAMPLES = {
    "AdaptiveAveragePooling1D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(6, dtype="float32").reshape(1, 6, 1)
    >>> layers.AdaptiveAveragePooling1D(3)(x)[0, :, 0]
    array([0.5, 2.5, 4.5], dtype=float32)
""",
    "AdaptiveAveragePooling2D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.AdaptiveAveragePooling2D((2, 3))(np.ones((2, 7, 9, 4), "float32")).shape
    (2, 2, 3, 4)
""",
    "AdaptiveAveragePooling3D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.AdaptiveAveragePooling3D(2)(np.ones((1, 5, 6, 7, 3), "float32")).shape
    (1, 2, 2, 2, 3)
""",
    "AdaptiveMaxPooling1D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[[1.0], [5.0], [2.0], [4.0], [3.0], [0.0]]], "float32")
    >>> layers.AdaptiveMaxPooling1D(2)(x)[0, :, 0]
    array([5., 4.], dtype=float32)
""",
    "AdaptiveMaxPooling2D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.AdaptiveMaxPooling2D(1)(np.arange(16, dtype="float32").reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[15.]], dtype=float32)
""",
    "AdaptiveMaxPooling3D": """\
    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.AdaptiveMaxPooling3D((1, 2, 2))(np.ones((1, 4, 4, 4, 2), "float32")).shape
    (1, 1, 2, 2, 2)
""",
}
for _name, _example in _EXAMPLES.items():
    globals()[_name].__doc__ = globals()[_name].__doc__.rstrip() + "\n\n    Example:\n\n" + _example + "    "
del _name, _example

__all__ = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
           "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]
