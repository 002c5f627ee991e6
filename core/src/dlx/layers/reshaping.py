"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D,
UpSampling1D/2D/3D, Cropping1D/2D/3D."""

from __future__ import annotations

import numpy as np

from dlx import config as _config
from dlx import ops
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer


def _fmt(data_format):
    data_format = data_format or _config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
    return data_format


def _pairs(value, n, what, layer):
    """``value`` as ``n`` (before, after) int pairs."""
    if isinstance(value, int):
        return ((value, value),) * n
    value = tuple(value)
    if len(value) != n:
        raise ValueError(f"{layer}: {what}={value!r}; expected an int, {n} ints or {n} pairs of ints")
    out = []
    for v in value:
        if isinstance(v, int):
            out.append((v, v))
        else:
            v = tuple(int(i) for i in v)
            if len(v) != 2:
                raise ValueError(f"{layer}: {what}={value!r}; every entry must be an int or a pair of ints")
            out.append(v)
    return tuple(out)


class Flatten(Layer):
    """Flattens every dim but the batch dim (``channels_first`` inputs are moved to channels-last
    order first, as in Keras).

    Arguments:
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``config.image_data_format()``); it only sets the order of the flattened values.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: on an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Flatten()(np.ones((2, 3, 4), "float32")).shape
    (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        shape = ops.tensors.shape(inputs)
        x = inputs
        if self.data_format == "channels_first" and len(shape) > 2:
            x = ops.transpose(x, (0, *range(2, len(shape)), 1))
        rest = shape[1:]
        if all(d is not None for d in rest):
            n = int(np.prod(rest)) if rest else 1
            return ops.reshape(x, (-1 if shape[0] is None else shape[0], n))
        return ops.reshape(x, (shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = tuple(input_shape)[1:]
        n = None if any(d is None for d in rest) else int(np.prod(rest)) if rest else 1
        return (input_shape[0], n)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes the per-sample dims to ``target_shape`` (one entry may be ``-1``).

    Arguments:
        target_shape: the new shape of each sample, the batch dim excluded; one entry may be
            ``-1`` (inferred from the total size).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``target_shape`` has more than one ``-1``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Reshape((3, 4))(np.ones((2, 12), "float32")).shape
    (2, 3, 4)
    >>> layers.Reshape((-1, 2))(np.ones((2, 12), "float32")).shape
    (2, 6, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(f"Reshape '{self.name}': target_shape={self.target_shape} has more than one -1")

    def _resolve(self, input_shape):
        rest = tuple(input_shape)[1:]
        tgt = list(self.target_shape)
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in tgt)
        total = int(np.prod(rest)) if rest else 1
        known = int(np.prod([d for d in tgt if d != -1])) if tgt else 1
        if -1 in tgt:
            if known == 0 or total % known:
                raise ValueError(f"Reshape '{self.name}': cannot reshape an input of shape {tuple(input_shape)} to "
                                 f"target_shape={self.target_shape}: the total size {total} is not divisible by "
                                 f"{known}")
            tgt[tgt.index(-1)] = total // known
        elif known != total:
            raise ValueError(f"Reshape '{self.name}': the total size of the target shape {self.target_shape} "
                             f"({known}) must equal that of the input shape {tuple(input_shape)} ({total})")
        return tuple(tgt)

    def call(self, inputs):
        shape = ops.tensors.shape(inputs)
        tgt = self._resolve(shape)
        return ops.reshape(inputs, (-1 if shape[0] is None else shape[0], *tgt))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolve(input_shape))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the per-sample dims by ``dims`` (1-based, e.g. ``(2, 1)``).

    Arguments:
        dims: a permutation of ``1 .. rank - 1``: output dim ``i + 1`` is input dim ``dims[i]``
            (the batch dim 0 stays in place).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``dims`` is not such a permutation.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Permute((2, 1))(np.ones((2, 3, 5), "float32")).shape
    (2, 5, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute '{self.name}': dims={self.dims} must be a permutation of "
                             f"{tuple(range(1, len(self.dims) + 1))} (1-based, the batch dim excluded)")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``.

    Arguments:
        n: the number of repetitions (a positive int).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``n`` is not a positive integer.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.RepeatVector(3)(np.array([[1.0, 2.0]], "float32"))
    array([[[1., 2.],
            [1., 2.],
            [1., 2.]]], dtype=float32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"RepeatVector '{self.name}': n={n!r}; expected a positive integer")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}


class _Spatial(Layer):
    rank = 2

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return tuple(range(start, start + self.rank))


class ZeroPadding1D(_Spatial):
    """Pads the steps axis of ``(batch, steps, features)`` with zeros.

    Arguments:
        padding: the zeros added at both ends (an int) or at the start and the end (a pair).
        data_format: ``"channels_last"`` (steps on axis 1) or ``"channels_first"`` (steps on
            axis 2); ``None``: ``"channels_last"``.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.ZeroPadding1D(padding=1)(np.ones((1, 2, 1), "float32"))[0, :, 0]
    array([0., 1., 1., 0.], dtype=float32)
    """

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format) if data_format else "channels_last"
        self.padding = _pairs((padding,) if isinstance(padding, int) else (tuple(padding),), 1, "padding",
                              f"ZeroPadding1D '{self.name}'")
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        pads = [(0, 0)] * 3
        pads[self._axes()[0]] = self.padding[0]
        return ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        a = self._axes()[0]
        s[a] = None if s[a] is None else s[a] + sum(self.padding[0])
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding[0], "data_format": self.data_format}


class ZeroPadding2D(_Spatial):
    """Pads rows and columns of images with zeros.

    Arguments:
        padding: an int, ``(rows, cols)`` or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.ZeroPadding2D(padding=1)(np.ones((1, 2, 2, 1), "float32"))[0, :, :, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format)
        self.padding = _pairs(padding, 2, "padding", f"ZeroPadding2D '{self.name}'")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        pads = [(0, 0)] * (self.rank + 2)
        for a, p in zip(self._axes(), self.padding):
            pads[a] = p
        return ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for a, p in zip(self._axes(), self.padding):
            s[a] = None if s[a] is None else s[a] + sum(p)
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


def _linear_resize_axis(x, axis, scale):
    """Bilinear (half-pixel centres) upsampling of ``x`` by an integer ``scale`` along ``axis``."""
    n = ops.tensors.shape(x)[axis]
    out = np.arange(n * scale, dtype=np.float64)
    src = np.clip((out + 0.5) / scale - 0.5, 0, n - 1)
    lo = np.floor(src).astype(np.int32)
    hi = np.minimum(lo + 1, n - 1).astype(np.int32)
    w = (src - lo).astype(np.float32)
    wshape = [1] * len(ops.tensors.shape(x))
    wshape[axis] = n * scale
    wt = ops.reshape(ops.cast(ops.convert_to_tensor(w), ops.dtype(x)), tuple(wshape))
    a = ops.take(x, ops.convert_to_tensor(lo), axis=axis)
    b = ops.take(x, ops.convert_to_tensor(hi), axis=axis)
    return a + (b - a) * wt


def _cubic(x):  # Keys' cubic convolution kernel, a = -0.5
    return np.where(x < 1, ((1.5 * x - 2.5) * x) * x + 1, np.where(x < 2, ((-0.5 * x + 2.5) * x - 4) * x + 2, 0.0))


def _lanczos(radius):
    def kernel(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi**2 * x**2)
        return np.where(x > radius, 0.0, np.where(x > 1e-3, y, 1.0))

    return kernel


_KERNELS = {"bicubic": _cubic, "lanczos3": _lanczos(3), "lanczos5": _lanczos(5)}


def _resize_matrix(n, scale, kernel):
    """``(n * scale, n)`` float64 weights of upsampling by ``scale`` with ``kernel`` at half-pixel
    centres; the weights of each output sample are renormalized over the in-range inputs (as
    ``jax.image.resize``, the reference of Keras's JAX backend)."""
    sample = (np.arange(n * scale) + 0.5) / scale - 0.5
    w = kernel(np.abs(sample[:, None] - np.arange(n)[None, :]))
    total = w.sum(1, keepdims=True)
    return np.where(np.abs(total) > 1000 * np.finfo(np.float32).eps, w / np.where(total != 0, total, 1), 0.0)


def _kernel_resize_axis(x, axis, scale, kernel):
    rank = len(ops.tensors.shape(x))
    axis %= rank
    m = _resize_matrix(ops.tensors.shape(x)[axis], scale, kernel)
    letters = "abcdefgh"[:rank]
    out = letters.replace(letters[axis], "z")
    return ops.einsum(f"{letters},z{letters[axis]}->{out}", x,
                      ops.cast(ops.convert_to_tensor(m.astype(np.float32)), ops.dtype(x)))


class UpSampling1D(Layer):
    """Repeats each step ``size`` times along the steps axis (axis 1 of 3-D inputs).

    Arguments:
        size: the upsampling factor (an int).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.UpSampling1D(size=2)(np.array([[[1.0], [2.0]]], "float32"))[0, :, 0]
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        s[1] = None if s[1] is None else s[1] * self.size
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size}


class UpSampling2D(_Spatial):
    """Upsamples rows and columns by integer factors.

    Arguments:
        size: an int or ``(rows, cols)``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        interpolation: ``"nearest"``, ``"bilinear"``, ``"bicubic"``, ``"lanczos3"`` or
            ``"lanczos5"`` (half-pixel centres; at the borders the kernel weights are renormalized
            over the pixels inside the image, as ``jax.image.resize``).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32").reshape(1, 2, 2, 1)
    >>> layers.UpSampling2D(size=2)(x)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]], dtype=float32)
    >>> layers.UpSampling2D(size=2, interpolation="bilinear")(x).shape
    (1, 4, 4, 1)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format)
        self.size = (int(size), int(size)) if isinstance(size, int) else tuple(int(s) for s in size)
        if len(self.size) != 2 or min(self.size) < 1:
            raise ValueError(f"UpSampling2D '{self.name}': size={size!r}; expected a positive int or 2 of them")
        interpolation = str(interpolation).lower()
        if interpolation not in ("nearest", "bilinear", *_KERNELS):
            raise ValueError(f"UpSampling2D '{self.name}': interpolation={interpolation!r}; supported: 'nearest', "
                             "'bilinear', 'bicubic', 'lanczos3', 'lanczos5'")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        x = inputs
        for a, s in zip(self._axes(), self.size):
            if s == 1:
                continue
            if self.interpolation == "nearest":
                x = ops.repeat(x, s, axis=a)
            elif self.interpolation == "bilinear":
                x = _linear_resize_axis(x, a, s)
            else:
                x = _kernel_resize_axis(x, a, s, _KERNELS[self.interpolation])
        return x

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for a, k in zip(self._axes(), self.size):
            s[a] = None if s[a] is None else s[a] * k
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class Cropping1D(Layer):
    """Crops ``(start, end)`` steps of ``(batch, steps, features)`` inputs.

    Arguments:
        cropping: the steps removed at both ends (an int) or at the start and the end (a pair).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Cropping1D(cropping=(1, 2))(np.arange(6, dtype="float32").reshape(1, 6, 1))[0, :, 0]
    array([1., 2., 3.], dtype=float32)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs((cropping,) if isinstance(cropping, int) else (tuple(cropping),), 1, "cropping",
                               f"Cropping1D '{self.name}'")[0]
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        n = ops.tensors.shape(inputs)[1]
        a, b = self.cropping
        if n is not None and a + b >= n:
            raise ValueError(f"Cropping1D '{self.name}': cropping {self.cropping} removes all {n} steps")
        return ops.get_item(inputs, (slice(None), slice(a, -b if b else None)))

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        s[1] = None if s[1] is None else s[1] - sum(self.cropping)
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping}


class Cropping2D(_Spatial):
    """Crops rows and columns of images.

    Arguments:
        cropping: an int, ``(rows, cols)`` or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Cropping2D(cropping=((1, 1), (2, 0)))(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 3, 3, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format)
        self.cropping = _pairs(cropping, 2, "cropping", f"Cropping2D '{self.name}'")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        shape = ops.tensors.shape(inputs)
        key = [slice(None)] * (self.rank + 2)
        for a, (lo, hi) in zip(self._axes(), self.cropping):
            if shape[a] is not None and lo + hi >= shape[a]:
                raise ValueError(f"{type(self).__name__} '{self.name}': cropping {self.cropping} removes all of "
                                 f"dimension {a} "
                                 f"of the input shape {shape}")
            key[a] = slice(lo, -hi if hi else None)
        return ops.get_item(inputs, tuple(key))

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for a, c in zip(self._axes(), self.cropping):
            if s[a] is not None:
                if sum(c) >= s[a]:
                    raise ValueError(f"{type(self).__name__} '{self.name}': cropping {self.cropping} removes all "
                                     f"of dimension {a} of the input shape {tuple(input_shape)}")
                s[a] = s[a] - sum(c)
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class ZeroPadding3D(ZeroPadding2D):
    """Pads the three spatial dims of 5-D inputs with zeros.

    Arguments:
        padding: an int, 3 ints or 3 ``(before, after)`` pairs.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.ZeroPadding3D(padding=(1, 2, 0))(np.ones((1, 2, 2, 2, 3), "float32")).shape
    (1, 4, 6, 2, 3)
    """

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.data_format = _fmt(data_format)
        self.padding = _pairs(padding, 3, "padding", f"ZeroPadding3D '{self.name}'")
        self.input_spec = InputSpec(ndim=5)


class Cropping3D(Cropping2D):
    """Crops the three spatial dims of 5-D inputs.

    Arguments:
        cropping: an int, 3 ints or 3 ``(before, after)`` pairs.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.Cropping3D(cropping=1)(np.ones((1, 4, 4, 4, 2), "float32")).shape
    (1, 2, 2, 2, 2)
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.data_format = _fmt(data_format)
        self.cropping = _pairs(cropping, 3, "cropping", f"Cropping3D '{self.name}'")
        self.input_spec = InputSpec(ndim=5)


class UpSampling3D(_Spatial):
    """Repeats each voxel ``size`` times along the three spatial dims.

    Arguments:
        size: an int or 3 ints.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.UpSampling3D(size=2)(np.ones((1, 2, 2, 2, 3), "float32")).shape
    (1, 4, 4, 4, 3)
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format)
        self.size = (int(size),) * 3 if isinstance(size, int) else tuple(int(s) for s in size)
        if len(self.size) != 3 or min(self.size) < 1:
            raise ValueError(f"UpSampling3D '{self.name}': size={size!r}; expected a positive int or 3 of them")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        x = inputs
        for a, s in zip(self._axes(), self.size):
            if s > 1:
                x = ops.repeat(x, s, axis=a)
        return x

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for a, k in zip(self._axes(), self.size):
            s[a] = None if s[a] is None else s[a] * k
        return tuple(s)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


__all__ = ["Cropping1D", "Cropping2D", "Cropping3D", "Flatten", "Permute", "RepeatVector", "Reshape",
           "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]
