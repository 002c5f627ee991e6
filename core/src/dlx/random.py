"""Stateless, portable random numbers (the same seed gives the same samples on every backend).

``seed`` is an int or a ``(2,)`` uint32 tensor (see :func:`make_seed`); see
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
    return ops.random_bits(make_seed(seed), _shape(shape))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return ops.random_uniform(make_seed(seed), _shape(shape), minval, maxval, dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return ops.random_normal(make_seed(seed), _shape(shape), mean, stddev, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return ops.random_truncated_normal(make_seed(seed), _shape(shape), mean, stddev, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return ops.random_randint(make_seed(seed), _shape(shape), minval, maxval, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    return ops.random_dropout(make_seed(seed), inputs, rate, noise_shape)


def shuffle(x, axis=0, seed=None):
    return ops.random_shuffle(make_seed(seed), x, axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    return ops.random_categorical(make_seed(seed), logits, num_samples, dtype)
