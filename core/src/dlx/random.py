"""Stateless, portable random numbers (the same seed gives the same samples on every backend).

``seed`` is an int, a ``(2,)`` uint32 tensor (see :func:`make_seed`), a :class:`SeedGenerator`
(its next seed; the layer's own generator in a layer) or ``None`` (a seed drawn from the global
generator, which ``dlx.utils.set_random_seed`` seeds; not for compiled functions); see
:mod:`dlx.ops.defs.random` for the generator and the transforms.

>>> import dlx
>>> with dlx.backend.use("numpy"):
...     dlx.random.uniform((3,), seed=0).round(4).tolist()
[0.4172, 0.6233, 0.4542]
"""

from __future__ import annotations

import numpy as np

from dlx import ops


def make_seed(seed) -> np.ndarray:
    """A ``(2,)`` uint32 seed from an int (``[seed >> 32, seed & 0xFFFFFFFF]``) or a pair."""
    if isinstance(seed, (int, np.integer)):
        s = int(seed)
        if s < 0:
            raise ValueError(f"seed={seed}: expected a non-negative integer")
        return np.array([(s >> 32) & 0xFFFFFFFF, s & 0xFFFFFFFF], np.uint32)
    if seed is None:
        raise ValueError("seed=None: stateless random needs an explicit seed (an int or a (2,) uint32 tensor)")
    return seed


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)


def bits(shape, seed):
    return ops.random_bits(draw_seed(seed), _shape(shape))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return ops.random_uniform(draw_seed(seed), _shape(shape), minval, maxval, dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return ops.random_normal(draw_seed(seed), _shape(shape), mean, stddev, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return ops.random_truncated_normal(draw_seed(seed), _shape(shape), mean, stddev, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return ops.random_randint(draw_seed(seed), _shape(shape), minval, maxval, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    return ops.random_dropout(draw_seed(seed), inputs, rate, noise_shape)


def shuffle(x, axis=0, seed=None):
    return ops.random_shuffle(draw_seed(seed), x, axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    return ops.random_categorical(draw_seed(seed), logits, num_samples, dtype)


# ------------------------------------------------------------------------------ seed management
import random as _pyrandom  # noqa: E402

_GLOBAL_RNG = _pyrandom.Random()


def set_global_seed(seed: int) -> None:
    """Seeds the generator behind unseeded initializers and :class:`SeedGenerator` s.

    After ``set_global_seed(s)``, building the same model in the same order gives the same
    initial weights on every backend. ``dlx.utils.set_random_seed`` calls this.
    """
    _GLOBAL_RNG.seed(int(seed))


def make_default_seed() -> int:
    """A fresh integer seed from the global generator (see :func:`set_global_seed`)."""
    return _GLOBAL_RNG.randint(1, 10**9)


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
        from dlx.variables import Variable

        if seed is None:
            seed = make_default_seed()
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator: seed={seed!r}; expected an int or None")
        self._initial_seed = int(seed)
        self.name = name or "seed_generator"
        start = make_seed(int(seed))
        self.state = Variable(lambda shape, dtype: start, shape=(2,), dtype="uint32", trainable=False,
                              name=f"{self.name}_state", **kwargs)
        self.state.autocast = False

    def next(self, ordered: bool = True):
        """A fresh ``(2,)`` uint32 seed; advances the state."""
        out = ops.random_bits(self.state, (4,))
        self.state.assign(ops.get_item(out, slice(0, 2)))
        return ops.get_item(out, slice(2, 4))

    def get_config(self) -> dict:
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator seed={self._initial_seed} state={self.state.path!r}>"


def draw_seed(seed):
    """A ``(2,)`` seed from an int, a seed tensor, a :class:`SeedGenerator` (advanced) or ``None``
    (a fresh seed from the global generator, as Keras's unseeded calls)."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return make_seed(make_default_seed())
    return make_seed(seed)
