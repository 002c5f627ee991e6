"""Stateless, portable random numbers (the same seed gives the same samples on every backend).

``seed`` is an int, a ``(2,)`` uint32 tensor (see :func:`make_seed`), a :class:`SeedGenerator`
(its next seed; the layer's own generator in a layer) or ``None`` (a seed drawn from the global
generator, which ``dlx.utils.set_random_seed`` seeds; not for compiled functions); see
:mod:`dlx.ops.defs.random` for the generator and the transforms.

>>> import dlx
>>> with dlx.backend.use("numpy"):
...     [round(v, 4) for v in dlx.random.uniform((3,), seed=0).tolist()]
[0.9477, 0.9786, 0.3323]
"""

from __future__ import annotations

import numpy as np

from dlx import ops
from dlx.seeds import draw_seed, make_default_seed, make_seed, set_global_seed  # noqa: F401  (re-exported)
from dlx.seeds import register_generator_class as _register_generator_class


def _shape(shape):
    """A tuple of ints; a shape with run-time dims (scalar tensors, as
    ``dlx.ops.tensors.run_time_shape`` gives in a TF graph) is a 1-D int32 tensor, which the
    backend's generator takes."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    shape = tuple(shape)
    if any(d is None for d in shape):
        raise ValueError(f"random: the shape {shape} has an unknown (None) dimension; pass sizes")
    if all(isinstance(d, (int, np.integer)) for d in shape):
        return tuple(int(d) for d in shape)
    return ops.stack([ops.cast(d, "int32") for d in shape])


def bits(shape, seed):
    """Random bits: a ``shape`` tensor of uniformly distributed ``uint32`` words.

    Arguments:
        shape: the output shape (an int or a tuple).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A ``uint32`` tensor of ``shape``.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     b = dlx.random.bits((2,), seed=0)
    ...     b.shape, b.dtype
    ((2,), dtype('uint32'))
    """
    return ops.random_bits(draw_seed(seed), _shape(shape))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly distributed in ``[minval, maxval)``.

    Arguments:
        shape: the output shape (an int or a tuple).
        minval, maxval: the bounds of the range.
        dtype: a float dtype (default ``floatx()``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     x = dlx.random.uniform((1000,), minval=2.0, maxval=3.0, seed=1)
    ...     bool((x >= 2).all() and (x < 3).all())
    True
    """
    return ops.random_uniform(draw_seed(seed), _shape(shape), minval, maxval, dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from the normal distribution ``N(mean, stddev**2)``.

    Arguments:
        shape: the output shape (an int or a tuple).
        mean, stddev: the distribution's mean and standard deviation.
        dtype: a float dtype (default ``floatx()``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     x = dlx.random.normal((1000,), mean=0.0, stddev=1.0, seed=0)
    ...     x.shape, x.dtype, round(float(x.std()), 1)
    ((1000,), dtype('float32'), 1.0)
    """
    return ops.random_normal(draw_seed(seed), _shape(shape), mean, stddev, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from ``N(mean, stddev**2)`` restricted to ``[mean - 2 stddev, mean + 2 stddev]``
    (two standard deviations, as in Keras).

    Arguments:
        shape: the output shape (an int or a tuple).
        mean, stddev: the mean and standard deviation of the untruncated distribution.
        dtype: a float dtype (default ``floatx()``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     x = dlx.random.truncated_normal((1000,), stddev=1.0, seed=0)
    ...     bool((abs(x) <= 2.0).all())  # nothing beyond two standard deviations
    True
    """
    return ops.random_truncated_normal(draw_seed(seed), _shape(shape), mean, stddev, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniformly distributed in ``[minval, maxval)``.

    Arguments:
        shape: the output shape (an int or a tuple).
        minval, maxval: the bounds (``maxval`` excluded).
        dtype: an integer dtype (default ``"int32"``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        An integer tensor of ``shape`` and ``dtype``.

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     sorted(set(dlx.random.randint((200,), 0, 3, seed=0).tolist()))
    [0, 1, 2]
    """
    return ops.random_randint(draw_seed(seed), _shape(shape), minval, maxval, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """``inputs`` with each entry zeroed with probability ``rate`` and the others scaled by ``1 / (1 - rate)``.

    Arguments:
        inputs: the tensor.
        rate: the drop probability, in ``[0, 1)``.
        noise_shape: the shape of the keep mask, broadcast to ``inputs`` (``None``: ``inputs``'s shape).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``inputs``' shape and dtype.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     y = dlx.random.dropout(np.ones(8), 0.5, seed=0)
    ...     sorted(set(y.tolist()))  # dropped entries are 0, kept ones scaled by 1 / (1 - rate)
    [0.0, 2.0]
    """
    return ops.random_dropout(draw_seed(seed), inputs, rate, noise_shape)


def shuffle(x, axis=0, seed=None):
    """``x`` with its slices along ``axis`` randomly permuted.

    Arguments:
        x: the tensor.
        axis: the axis to permute.
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     y = dlx.random.shuffle(np.arange(5), seed=0)
    ...     sorted(y.tolist())  # a permutation of the input
    [0, 1, 2, 3, 4]
    """
    return ops.random_shuffle(draw_seed(seed), x, axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws class indices from categorical distributions given by ``logits``.

    Arguments:
        logits: ``(batch, num_classes)`` unnormalized log-probabilities.
        num_samples: draws per row.
        dtype: the integer dtype of the result (default ``"int32"``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A ``(batch, num_samples)`` tensor of indices in ``[0, num_classes)``.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     logits = np.array([[-1e9, 0.0]])  # class 1 is (all but) certain
    ...     dlx.random.categorical(logits, 5, seed=0)
    array([[1, 1, 1, 1, 1]], dtype=int32)
    """
    return ops.random_categorical(draw_seed(seed), logits, num_samples, dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    """Gamma(``alpha``) samples (scale 1); ``alpha`` is a float or a tensor broadcast to ``shape``.

    Arguments:
        shape: the output shape (an int or a tuple).
        alpha: the shape parameter (concentration), positive; a scalar or a tensor that
            broadcasts to ``shape``.
        dtype: a float dtype (default ``floatx()``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when a Python or NumPy ``alpha`` is not positive.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     g = dlx.random.gamma((2000,), alpha=3.0, seed=0)
    ...     bool((g > 0).all()), round(float(g.mean()), 1)  # the mean is alpha
    (True, 3.0)
    """
    return ops.random_gamma(draw_seed(seed), _shape(shape), alpha, dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Beta(``alpha``, ``beta``) samples in ``[0, 1]``.

    Arguments:
        shape: the output shape (an int or a tuple).
        alpha, beta: the two positive shape parameters; scalars or tensors that broadcast to
            ``shape``.
        dtype: a float dtype (default ``floatx()``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when a Python or NumPy ``alpha`` or ``beta`` is not positive.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     b = dlx.random.beta((2000,), alpha=2.0, beta=2.0, seed=0)
    ...     bool(((b > 0) & (b < 1)).all()), round(float(b.mean()), 1)
    (True, 0.5)
    """
    return ops.random_beta(draw_seed(seed), _shape(shape), alpha, beta, dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Binomial(``counts``, ``probabilities``) samples (success counts, as floats).

    Arguments:
        shape: the output shape (an int or a tuple).
        counts: the number of trials, a non-negative whole number (scalar or tensor that
            broadcasts to ``shape``).
        probabilities: the success probability of each trial, in ``[0, 1]`` (scalar or tensor
            that broadcasts to ``shape``).
        dtype: a float dtype (default ``floatx()``).
        seed: an int, a ``(2,)`` uint32 seed tensor, a :class:`SeedGenerator`, or ``None``.

    Returns:
        A float tensor of ``shape`` and ``dtype`` holding the numbers of successes.

    Raises:
        ValueError: when Python or NumPy ``counts`` are negative or fractional, or
            ``probabilities`` fall outside ``[0, 1]``.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     dlx.random.binomial((3,), counts=10, probabilities=1.0, seed=0)
    array([10., 10., 10.], dtype=float32)
    """
    return ops.random_binomial(draw_seed(seed), _shape(shape), counts, probabilities, dtype)


class SeedGenerator:
    """A stateful source of seeds for the stateless random functions.

    It owns a non-trainable ``(2,)`` uint32 state :class:`~dlx.Variable`. :meth:`next` returns a
    fresh seed and advances the state with ops (``random_bits`` of the state), so it works inside
    a :class:`~dlx.StatelessScope` and in compiled steps, where the new state is recorded and
    returned with the other non-trainable variables.

    Arguments:
        seed: an int, or ``None`` for one drawn from the global generator.
        name: the state variable's name.

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     g = SeedGenerator(1)
    ...     a, b = g.next(), g.next()
    ...     bool((a != b).any())
    True
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        from dlx.variables import Variable, scoped_path

        if seed is None:
            seed = make_default_seed()
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator: seed={seed!r}; expected an int or None")
        self._initial_seed = int(seed)
        self.name = name or "seed_generator"
        start = make_seed(int(seed))
        kwargs.setdefault("path", scoped_path(self.name, f"{self.name}_state"))  # as Keras: "seed_generator/seed_..."
        self.state = Variable(lambda shape, dtype: start, shape=(2,), dtype="uint32", trainable=False,
                              name=f"{self.name}_state", **kwargs)
        self.state.autocast = False

    def next(self, ordered: bool = True):
        """A fresh ``(2,)`` uint32 seed; advances the state."""
        out = ops.random_bits(self.state, (4,))
        self.state.assign(ops.get_item(out, slice(0, 2)))
        return ops.get_item(out, slice(2, 4))

    def get_config(self) -> dict:
        """The seed the generator was created with (not its current state).

        Returns:
            ``{"seed": seed}``.
        """
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        """Creates a generator from :meth:`get_config`'s output: it starts again from the recorded seed.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new generator.
        """
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator seed={self._initial_seed} state={self.state.path!r}>"


_register_generator_class(SeedGenerator)  # draw_seed advances SeedGenerator arguments
