"""Weight initializers (Keras 3 names and semantics), drawing from :mod:`dlx.random`.

Random initializers are portable: the same seed gives the same initial weights on every backend
(the samples come from the Threefry bits every backend reproduces). ``seed=None`` draws a seed
from the global generator when the initializer is constructed (``dlx.utils.set_random_seed``
makes that reproducible); calling one initializer twice returns the same values.

>>> import dlx
>>> with dlx.backend.use("numpy"):
...     GlorotUniform(seed=1)((2, 3)).shape
(2, 3)
"""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes as _dtypes
from dlx import ops
from dlx import random as _random
from dlx import serialization as _serialization


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape (dense ``(in, out)``, conv ``(*window, in, out)``);
    with ``input_axes`` and ``output_axes`` (e.g. an einsum kernel), the products of those dims.

    A scalar shape gives ``(1, 1)`` and a 1-D shape ``(n, n)``; for more than two dimensions the
    leading (window) dimensions multiply both fans.

    Arguments:
        shape: the weight's shape, a sequence of ints.
        input_axes: the axes whose sizes multiply into ``fan_in`` (used only together with
            ``output_axes``; ``None``: the layout rule above).
        output_axes: the axes whose sizes multiply into ``fan_out``.

    Returns:
        A tuple ``(fan_in, fan_out)`` of Python ints.

    Raises:
        ValueError: when an axis in ``input_axes`` or ``output_axes`` is out of range for ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> initializers.compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        try:
            return int(np.prod([shape[a] for a in input_axes])), int(np.prod([shape[a] for a in output_axes]))
        except IndexError:
            raise ValueError(f"compute_fans: input_axes={input_axes!r} / output_axes={output_axes!r} do not fit a "
                             f"weight of shape {shape}") from None
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def _dtype(dtype) -> str:
    return _dtypes.standardize(dtype or _dtypes.floatx())


class Initializer:
    """Base class: ``initializer(shape, dtype=None) -> tensor`` of the active backend.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers, ops
    >>> class Halves(initializers.Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return ops.full(shape, 0.5, dtype=dtype or "float32")
    >>> Halves()(shape=(2,))
    array([0.5, 0.5], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        raise TypeError(f"{type(self).__name__} does not implement __call__(shape, dtype)")

    def get_config(self) -> dict:
        """The constructor arguments, JSON-compatible (``from_config(get_config())`` gives an equal
        initializer); the base class has none.

        Returns:
            A dict.
        """
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        """Creates an initializer from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new initializer.
        """
        return cls(**config)

    def clone(self) -> Initializer:
        """A new initializer of the same class and config, built by :meth:`from_config` (a random
        initializer keeps its ``seed`` argument: an int seed is shared, ``None`` draws a new one).

        Returns:
            The copy.
        """
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> initializers.Zeros()(shape=(2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(tuple(shape), _dtype(dtype))


class Ones(Initializer):
    """All ones.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> initializers.Ones()(shape=(2, 2), dtype="int32")
    array([[1, 1],
           [1, 1]], dtype=int32)
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(tuple(shape), _dtype(dtype))


class Constant(Initializer):
    """A constant (a scalar, or an array broadcast to the shape).

    Arguments:
        value: the value.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> initializers.Constant(0.5)(shape=(3,))
    array([0.5, 0.5, 0.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        if np.ndim(self.value) == 0:
            return ops.full(tuple(shape), self.value, dt)
        return ops.broadcast_to(ops.convert_to_tensor(np.asarray(self.value), dt), tuple(shape))

    def get_config(self) -> dict:
        v = self.value
        return {"value": np.asarray(v).tolist() if np.ndim(v) else (v.item() if hasattr(v, "item") else v)}


class RandomInitializer(Initializer):
    """Base of seeded initializers.

    Arguments:
        seed: an int, or ``None`` for a seed drawn from the global generator now.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> a = initializers.RandomNormal(seed=7)(shape=(3,))
    >>> b = initializers.RandomNormal(seed=7)(shape=(3,))
    >>> bool((a == b).all())
    True
    """

    def __init__(self, seed: int | None = None):
        self._init_seed = seed
        if seed is None:
            seed = _random.make_default_seed()
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(f"{type(self).__name__}: seed={seed!r}; expected an int or None")
        self.seed = int(seed)

    def get_config(self) -> dict:
        return {"seed": self._init_seed}


class RandomNormal(RandomInitializer):
    """Normal samples.

    Arguments:
        mean: the mean.
        stddev: the standard deviation.
        seed: see :class:`RandomInitializer`.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> w = initializers.RandomNormal(mean=0.0, stddev=0.05, seed=1)(shape=(256, 64))
    >>> w.shape, w.dtype
    ((256, 64), dtype('float32'))
    >>> bool(abs(float(np.std(w)) - 0.05) < 0.005)
    True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        return _random.normal(shape, self.mean, self.stddev, _dtype(dtype), seed=self.seed)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    """Uniform samples in ``[minval, maxval)`` (integer dtypes draw integers in that range).

    Arguments:
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        seed: see :class:`RandomInitializer`.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> w = initializers.RandomUniform(minval=-0.1, maxval=0.1, seed=1)(shape=(100, 10))
    >>> w.shape, bool(np.abs(w).max() <= 0.1)
    ((100, 10), True)
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        if _dtypes.is_int(dt):
            return _random.randint(shape, self.minval, self.maxval, dt, seed=self.seed)
        return _random.uniform(shape, self.minval, self.maxval, dt, seed=self.seed)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    """Normal samples restricted to two standard deviations around the mean.

    Arguments:
        mean: the mean.
        stddev: the standard deviation of the normal before truncation.
        seed: see :class:`RandomInitializer`.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> w = initializers.TruncatedNormal(stddev=1.0, seed=1)(shape=(1000,))
    >>> bool(np.abs(w).max() <= 2.0)
    True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        return _random.truncated_normal(shape, self.mean, self.stddev, _dtype(dtype), seed=self.seed)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class VarianceScaling(RandomInitializer):
    """Samples scaled to the weight's fan: ``scale / fan`` variance.

    Arguments:
        scale: positive scale.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"``, ``"untruncated_normal"`` or ``"uniform"``.
        seed: see :class:`RandomInitializer`.
        input_axes, output_axes: the weight's axes that count as its inputs / outputs for the fans
            (both or neither; default: dense / conv layout).

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> init = initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="untruncated_normal", seed=1)
    >>> w = init(shape=(512, 256))
    >>> round(float(np.var(w)) * 512, 1)
    2.0
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None, input_axes=None, output_axes=None):
        if (input_axes is None) != (output_axes is None):
            raise ValueError(f"VarianceScaling: pass both input_axes and output_axes or neither; got "
                             f"input_axes={input_axes!r}, output_axes={output_axes!r}")
        self.input_axes = None if input_axes is None else list(input_axes)
        self.output_axes = None if output_axes is None else list(output_axes)
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: scale={scale!r}; expected a positive number")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode={mode!r}; expected 'fan_in', 'fan_out' or 'fan_avg'")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"VarianceScaling: distribution={distribution!r}; expected 'uniform', "
                             "'truncated_normal' or 'untruncated_normal'")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / 0.87962566103423978
            return _random.truncated_normal(shape, 0.0, stddev, dt, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return _random.normal(shape, 0.0, math.sqrt(scale), dt, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return _random.uniform(shape, -limit, limit, dt, seed=self.seed)

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config(), "input_axes": self.input_axes, "output_axes": self.output_axes}


def _vs(name, scale, mode, distribution, doc):
    def __init__(self, seed: int | None = None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self) -> dict:
        return {"seed": self._init_seed, "input_axes": self.input_axes, "output_axes": self.output_axes}

    doc += """

    Arguments:
        seed: an int, or ``None`` for a seed drawn from the global generator now.
        input_axes, output_axes: the weight's axes that count as its inputs / outputs for the fans
            (both or neither; default: dense / conv layout, see :func:`compute_fans`).

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> w = initializers.{name}(seed=0)(shape=(64, 32))
    >>> w.shape, w.dtype
    ((64, 32), dtype('float32'))
    >>> bool(abs(np.var(w) / ({scale} / {fan}) - 1.0) < 0.1)  # variance scale / fan
    True
    """.format(name=name, scale=scale, fan=64 if mode == "fan_in" else 48)
    cls = type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                          "__doc__": doc, "__module__": __name__})
    return cls


GlorotUniform = _vs("GlorotUniform", 1.0, "fan_avg", "uniform",
                    "Glorot (Xavier) uniform: limit sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _vs("GlorotNormal", 1.0, "fan_avg", "truncated_normal", "Glorot (Xavier) truncated normal.")
HeUniform = _vs("HeUniform", 2.0, "fan_in", "uniform", "He uniform: limit sqrt(6 / fan_in).")
HeNormal = _vs("HeNormal", 2.0, "fan_in", "truncated_normal", "He truncated normal: stddev sqrt(2 / fan_in).")
LecunUniform = _vs("LecunUniform", 1.0, "fan_in", "uniform", "LeCun uniform: limit sqrt(3 / fan_in).")
LecunNormal = _vs("LecunNormal", 1.0, "fan_in", "truncated_normal", "LeCun truncated normal.")


# these compute a new tensor on each call and keep no reference to it: a variable may take it as
# its storage without a copy (dlx.variables._returns_new_tensor; a subclass overriding __call__
# does not qualify)
for _cls in (Zeros, Ones, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling):
    _cls._new_tensor_call = _cls.__call__


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (of the last axis against the flattened others), times ``gain``.

    The normal samples come from :mod:`dlx.random` (portable); the QR factorization runs in float64
    NumPy at initialization (there is no ``qr`` op yet), so every backend gets the same matrix.
    Shapes of rank below 2 raise ``ValueError`` when the initializer is called.

    Arguments:
        gain: the factor the orthogonal matrix is multiplied by.
        seed: see :class:`RandomInitializer`.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> w = initializers.Orthogonal(seed=1)(shape=(4, 4))
    >>> np.allclose(w @ w.T, np.eye(4), atol=1e-5)
    True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        shape = tuple(int(d) for d in shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: shape={shape} has rank {len(shape)}; expected at least 2")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = np.asarray(ops.convert_to_numpy(_random.normal(flat, 0.0, 1.0, "float32", seed=self.seed)), np.float64)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return ops.convert_to_tensor((self.gain * q).reshape(shape).astype(np.float32), dt)

    def get_config(self) -> dict:
        return {"gain": self.gain, **super().get_config()}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; a non-square shape gets ones on the
    main diagonal). Other ranks raise ``ValueError`` when the initializer is called.

    Arguments:
        gain: the value on the diagonal.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> initializers.Identity(gain=2.0)(shape=(2, 3))
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(int(d) for d in shape)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer: shape={shape}; expected a 2-D shape")
        return ops.eye(shape[0], shape[1], 0, _dtype(dtype)) * self.gain

    def get_config(self) -> dict:
        return {"gain": self.gain}


class STFT(Initializer):
    """The kernel of a short-time Fourier transform as a convolution: ``shape`` is
    ``(frame_length, input_channels, fft_length // 2 + 1)`` and the kernel holds the real
    (``side="real"``, cosines) or imaginary (``"imag"``, sines) part of the DFT's first half of
    frequencies, times the window, divided by the window's scale.

    Arguments:
        side: ``"real"`` or ``"imag"``.
        window: a window name for ``scipy.signal.get_window`` (``"hann"``, ``"hamming"``...), an
            array of ``frame_length`` values, or ``None`` (rectangular, unscaled).
        scaling: ``"density"`` (divide by the window's L2 norm), ``"spectrum"`` (by its sum) or
            ``None``.
        periodic: a periodic window (for spectral analysis) rather than a symmetric one.

    Computed in float64, then cast to ``dtype``.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> kernel = initializers.STFT(side="real", window=None, scaling=None)(shape=(4, 1, 3))
    >>> kernel.shape
    (4, 1, 3)
    >>> np.round(kernel[:, 0, 0], 4), np.round(kernel[:, 0, 2], 4)
    (array([1., 1., 1., 1.], dtype=float32), array([ 1., -1.,  1., -1.], dtype=float32))
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT initializer: side={side!r}; expected 'real' or 'imag'")
        if isinstance(window, str):
            import scipy.signal

            scipy.signal.get_window(window, 1)  # an unknown window name raises here
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(f"STFT initializer: scaling={scaling!r}; expected None, 'density' or 'spectrum'")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        frame_length, _, n_freq = (int(d) for d in shape)
        t = np.arange(frame_length, dtype=np.float64).reshape(frame_length, 1, 1)
        f = np.arange(n_freq, dtype=np.float64).reshape(1, 1, n_freq) / ((n_freq - 1) * 2)
        phase = -2.0 * np.pi * t * f
        kernel = np.cos(phase) if self.side == "real" else np.sin(phase)
        if self.window is not None:
            win = self.window
            if isinstance(win, str):
                import scipy.signal

                win = scipy.signal.get_window(win, frame_length, self.periodic)
            win = np.asarray(win, np.float64)
            if win.shape != (frame_length,):
                raise ValueError(f"STFT initializer: the window has shape {win.shape}; expected ({frame_length},) "
                                 "(the frame length)")
            scale = 1.0
            if self.scaling == "density":
                scale = np.sqrt(np.sum(win**2))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
            kernel = kernel * win.reshape(frame_length, 1, 1) / scale
        return ops.convert_to_tensor(kernel.astype(_dtypes.to_numpy_dtype(_dtype(dtype))))

    def get_config(self) -> dict:
        return {"side": self.side, "window": self.window, "periodic": self.periodic, "scaling": self.scaling}


OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity
STFTInitializer = STFT

ALL_OBJECTS = {c.__name__: c for c in (
    Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
    GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity, STFT)}
_SNAKE = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal, "identity": Identity,
    "OrthogonalInitializer": Orthogonal, "IdentityInitializer": Identity, "uniform": RandomUniform,
    "normal": RandomNormal, "stft": STFT, "STFTInitializer": STFT,
}
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal, identity, stft = VarianceScaling, Orthogonal, Identity, STFT
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal


def get(identifier):
    """An initializer from a name (``"glorot_uniform"``, ``"GlorotUniform"``), a config dict, an
    instance or a callable; ``None`` gives ``None``. Names give a fresh instance.

    Arguments:
        identifier: a class or snake-case name (or a name registered with
            ``dlx.saving.register_keras_serializable``), a serialized config dict, an
            :class:`Initializer` (returned as is), a class (instantiated with no arguments), any
            other callable (returned as is) or ``None``.

    Returns:
        The initializer, or ``None``.

    Raises:
        ValueError: for an unknown name or an identifier of another type.

    Example:

    >>> import numpy as np
    >>> from dlx import initializers
    >>> initializers.get("zeros")
    Zeros()
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        cls = ALL_OBJECTS.get(identifier) or _SNAKE.get(identifier)
        if cls is None:
            cls = _serialization.get_registered_object(identifier)
        if cls is None:
            raise ValueError(f"unknown initializer {identifier!r}; expected one of {sorted(_SNAKE)} "
                             f"or {sorted(ALL_OBJECTS)}")
        return cls() if isinstance(cls, type) else cls
    if isinstance(identifier, dict):
        return _serialization.deserialize(identifier, module_objects={**ALL_OBJECTS, **_SNAKE})
    if callable(identifier):
        if isinstance(identifier, type):
            return identifier()
        return identifier
    raise ValueError(f"initializer={identifier!r} of type {type(identifier).__name__} is not a name, a config "
                     "or a callable")


def serialize(initializer) -> dict:
    """The Keras config dict of an initializer (``{"module", "class_name", "config", "registered_name"}``).

    Arguments:
        initializer: an :class:`Initializer` (or a registered custom one).

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` and ``"registered_name"``.

    >>> from dlx import initializers
    >>> initializers.serialize(initializers.Constant(2.0))["config"]
    {'value': 2.0}
    """
    return _serialization.serialize(initializer)


def deserialize(config, custom_objects=None):
    """The initializer a config describes (what :func:`serialize` or Keras wrote).

    Arguments:
        config: a serialized initializer dict; built-in class names and snake-case aliases
            (``"glorot_uniform"``) resolve to dlx's classes.
        custom_objects: ``{name: class}`` for custom initializers that are not registered.

    Returns:
        A new initializer.

    Raises:
        dlx.serialization.SerializationError: for a class name nothing resolves.

    Example:

    >>> from dlx import initializers
    >>> initializers.deserialize({"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.1, "seed": 3}})
    RandomNormal(mean=0.0, stddev=0.1, seed=3)
    """
    return _serialization.deserialize(config, custom_objects, module_objects={**ALL_OBJECTS, **_SNAKE})


# "normal" and "uniform" are names get() accepts, not attributes (as in Keras)
__all__ = sorted(n for n in {*ALL_OBJECTS, *_SNAKE, "Initializer", "RandomInitializer", "compute_fans", "deserialize",
                             "get", "serialize"} if n in globals())
