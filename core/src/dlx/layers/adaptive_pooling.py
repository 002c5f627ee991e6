"""Adaptive average and max pooling (1D/2D/3D): a fixed ``output_size`` whatever the input size.

Output index ``i`` of an axis of length ``L`` pools the input window
``[floor(i * L / out), ceil((i + 1) * L / out))`` (PyTorch's and Keras 3's rule; windows may
overlap when ``L`` is not a multiple of ``out``)."""

from __future__ import annotations

import numpy as np

from dlx import config, ops
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer


def _windows(length, out):
    starts = (np.arange(out) * length) // out
    ends = -((-(np.arange(1, out + 1) * length)) // out)
    return starts, ends


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
        x = inputs
        shape = ops.shape(x)
        rank = len(shape)
        for axis, out in zip(self._axes(), self.output_size):
            length = shape[axis]
            if length is None:
                raise ValueError(f"{type(self).__name__} '{self.name}': the spatial size must be known; received "
                                 f"input shape {tuple(shape)}")
            starts, ends = _windows(length, out)
            if self._reduce == "average":
                m = np.zeros((out, length), np.float32)
                for i, (a, b) in enumerate(zip(starts, ends)):
                    m[i, a:b] = 1.0 / (b - a)
                letters = "abcde"[:rank]
                dst = letters.replace(letters[axis], "z")
                x = ops.einsum(f"{letters},z{letters[axis]}->{dst}", x,
                               ops.cast(ops.convert_to_tensor(m), ops.dtype(x)))
            else:
                parts = []
                for a, b in zip(starts, ends):
                    key = [slice(None)] * rank
                    key[axis] = slice(int(a), int(b))
                    parts.append(ops.max(ops.get_item(x, tuple(key)), axis=axis, keepdims=True))
                x = ops.concatenate(parts, axis=axis)
            shape = ops.shape(x)
        return x

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for axis, out in zip(self._axes(), self.output_size):
            s[axis] = out
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


def _make(name, rank, reduce, doc):
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

__all__ = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
           "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]
