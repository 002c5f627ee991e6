"""Regularization layers: Dropout (and spatial variants), GaussianNoise, GaussianDropout,
ActivityRegularization."""

from __future__ import annotations

from dlx import ops, regularizers
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer
from dlx.random import SeedGenerator


class Dropout(Layer):
    """Zeroes inputs with probability ``rate`` during training and scales the rest by
    ``1 / (1 - rate)``; the identity at inference.

    Arguments:
        rate: drop probability in ``[0, 1]``.
        noise_shape: shape of the keep mask (``None`` entries take the input's size), e.g.
            ``(batch, 1, features)`` to drop the same features at every timestep.
        seed: an int for reproducible masks.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.Dropout(0.5, seed=0)
    >>> layer(np.ones((2, 3)), training=False)
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    >>> sorted(set(np.asarray(layer(np.ones((10,)), training=True)).tolist()))
    [0.0, 2.0]
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"Dropout '{self.name}': rate={rate!r}; expected a number in [0, 1]")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            return ops.zeros_like(inputs)
        noise_shape = self._noise_shape(inputs)
        return ops.random_dropout(self.seed_generator.next(), inputs, self.rate, noise_shape)

    def _noise_shape(self, inputs):
        return self.noise_shape

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: the keep mask is shared over the spatial axes."""

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None, data_format=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        if self.rank > 1:
            from dlx import config

            self.data_format = data_format or config.image_data_format()
            if self.data_format not in ("channels_last", "channels_first"):
                raise ValueError(f"{type(self).__name__} '{self.name}': data_format={data_format!r}; expected "
                                 "'channels_last' or 'channels_first'")
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _noise_shape(self, inputs):
        s = ops.tensors.shape(inputs)
        ones = (1,) * self.rank
        if self.rank > 1 and self.data_format == "channels_first":
            return (s[0], s[1], *ones)
        return (s[0], *ones, s[-1])

    def get_config(self) -> dict:
        # Keras's spatial dropouts take exactly these constructor arguments
        base = super().get_config()
        cfg = {"rate": self.rate, "seed": self.seed, "name": base["name"], "dtype": base.get("dtype")}
        if self.rank > 1:
            cfg["data_format"] = self.data_format
        return cfg


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature maps (channels) of ``(batch, steps, channels)`` inputs: the mask is
    shared over the steps.

    Arguments:
        rate: drop probability in ``[0, 1]``.
        seed: an int for reproducible masks.
        name: the layer's name (unique names are made from the class name when ``None``).
        dtype: the layer's dtype policy, or a dtype name for its computations and variables.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> y = layers.SpatialDropout1D(0.5, seed=0)(np.ones((1, 4, 3), "float32"), training=True)
    >>> bool((y == y[:, :1]).all())
    True
    """

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole channels of 4-D inputs (the mask is shared over rows and columns).

    Arguments:
        rate: drop probability in ``[0, 1]``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
        seed: an int for reproducible masks.
        name: the layer's name (unique names are made from the class name when ``None``).
        dtype: the layer's dtype policy, or a dtype name for its computations and variables.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> y = layers.SpatialDropout2D(0.5, seed=0)(np.ones((1, 4, 4, 3), "float32"), training=True)
    >>> y.shape, sorted(set(np.asarray(y).ravel().tolist()))
    ((1, 4, 4, 3), [0.0, 2.0])
    """

    rank = 2

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, data_format=data_format)


class SpatialDropout3D(_SpatialDropout):
    """Drops whole channels of 5-D inputs (the mask is shared over the three spatial axes).

    Arguments:
        rate: drop probability in ``[0, 1]``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
        seed: an int for reproducible masks.
        name: the layer's name (unique names are made from the class name when ``None``).
        dtype: the layer's dtype policy, or a dtype name for its computations and variables.

    Raises:
        ValueError: when ``rate`` is outside ``[0, 1]`` or ``data_format`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.SpatialDropout3D(0.5, seed=0)(np.ones((1, 2, 2, 2, 3), "float32"), training=True).shape
    (1, 2, 2, 2, 3)
    """

    rank = 3

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, data_format=data_format)


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of SELU activations: dropped units take SELU's
    negative saturation value, then an affine map restores the moments (Klambauer et al., 2017).

    Arguments:
        rate: drop probability in ``[0, 1]``.
        noise_shape: shape of the keep mask (``None`` entries take the input's size).
        seed: an int for reproducible masks.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.AlphaDropout(0.2, seed=0)(np.ones((2, 3), "float32"), training=False)
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    >>> layers.AlphaDropout(0.2, seed=0)(np.ones((2, 3), "float32"), training=True).shape
    (2, 3)
    """

    _ALPHA = 1.6732632423543772
    _SCALE = 1.0507009873554805

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"AlphaDropout '{self.name}': rate={rate!r}; expected a number in [0, 1]")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        shape = ops.tensors.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        dtype = ops.dtype(inputs)
        keep = ops.cast(ops.greater_equal(ops.random_uniform(self.seed_generator.next(), tuple(shape),
                                                             dtype="float32"), self.rate), dtype)
        alpha_p = -self._ALPHA * self._SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * keep + alpha_p * (1 - keep)) + b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of ``stddev`` during training (the identity at inference).

    Arguments:
        stddev: the standard deviation of the noise (non-negative; 0: no noise).
        seed: an int for reproducible noise.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``stddev`` is negative.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.GaussianNoise(0.1, seed=0)(np.ones((2, 3)), training=False)
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if stddev < 0:
            raise ValueError(f"GaussianNoise '{self.name}': stddev={stddev!r} must be non-negative")
        self.stddev = float(stddev)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = ops.random_normal(self.seed_generator.next(), ops.tensors.shape(inputs), 0.0, self.stddev,
                                  ops.dtype(inputs))
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by ``1``-centred Gaussian noise of variance ``rate / (1 - rate)`` in training.

    Arguments:
        rate: the drop probability it imitates, in ``[0, 1)`` (0: no noise).
        seed: an int for reproducible noise.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``rate`` is outside ``[0, 1)``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.GaussianDropout(0.3, seed=0)(np.ones((2, 3), "float32"), training=False)
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    >>> layers.GaussianDropout(0.3, seed=0)(np.ones((2, 3), "float32"), training=True).shape
    (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"GaussianDropout '{self.name}': rate={rate!r}; expected 0 <= rate < 1")
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        std = (self.rate / (1.0 - self.rate)) ** 0.5
        noise = ops.random_normal(self.seed_generator.next(), ops.tensors.shape(inputs), 1.0, std, ops.dtype(inputs))
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class ActivityRegularization(Layer):
    """Identity that adds ``(l1 * sum|x| + l2 * sum x^2) / batch_size`` of its input to ``losses``.

    Arguments:
        l1: the weight of the L1 term.
        l2: the weight of the L2 term.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.ActivityRegularization(l1=0.1)
    >>> layer(np.array([[1.0, -2.0]]))
    array([[ 1., -2.]], dtype=float32)
    >>> layer.losses
    [array(0.3, dtype=float32)]
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("activity_regularizer", None)
        return {**cfg, "l1": self.l1, "l2": self.l2}


__all__ = ["ActivityRegularization", "AlphaDropout", "Dropout", "GaussianDropout", "GaussianNoise",
           "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]
