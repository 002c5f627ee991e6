"""Seed plumbing below every op (imports no dlx module): integer seeds to ``(2,)`` uint32 keys,
the global generator behind unseeded calls, and :func:`draw_seed`, which every function taking
Keras's ``seed`` argument (an int, a key, a ``SeedGenerator`` or ``None``) resolves it with.

:class:`dlx.random.SeedGenerator` holds a variable, so it lives above the ops; it registers itself
here (:func:`register_generator_class`), which is how an op definition such as
``elastic_transform`` resolves a generator without importing upward. (A generator instance exists
only once its module is imported, so the registration is always in place when it matters.)
"""

from __future__ import annotations

import random as _pyrandom

import numpy as np

#: classes whose instances :func:`draw_seed` advances with ``.next()`` (a tuple: isinstance-ready)
_GENERATOR_CLASSES: tuple[type, ...] = ()


def register_generator_class(cls: type) -> None:
    """Makes :func:`draw_seed` advance instances of ``cls`` (with ``.next()``)."""
    global _GENERATOR_CLASSES
    if cls not in _GENERATOR_CLASSES:
        _GENERATOR_CLASSES = (*_GENERATOR_CLASSES, cls)


def make_seed(seed) -> np.ndarray:
    """A ``(2,)`` uint32 seed from an int (``[seed >> 32, seed & 0xFFFFFFFF]``) or a pair.

    Example:

    >>> from dlx import random
    >>> random.make_seed(3)
    array([0, 3], dtype=uint32)
    >>> random.make_seed(2**32 + 5)
    array([1, 5], dtype=uint32)
    """
    if isinstance(seed, (int, np.integer)):
        s = int(seed)
        if s < 0:
            raise ValueError(f"seed={seed}: expected a non-negative integer")
        return np.array([(s >> 32) & 0xFFFFFFFF, s & 0xFFFFFFFF], np.uint32)
    if seed is None:
        raise ValueError("seed=None: stateless random needs an explicit seed (an int or a (2,) uint32 tensor)")
    return seed


_GLOBAL_RNG = _pyrandom.Random()


def set_global_seed(seed: int) -> None:
    """Seeds the generator behind unseeded initializers and :class:`SeedGenerator` s.

    After ``set_global_seed(s)``, building the same model in the same order gives the same
    initial weights on every backend. ``dlx.utils.set_random_seed`` calls this.

    Example:

    >>> from dlx import random
    >>> random.set_global_seed(42)
    >>> first = random.make_default_seed()
    >>> random.set_global_seed(42)
    >>> random.make_default_seed() == first
    True
    """
    _GLOBAL_RNG.seed(int(seed))


def make_default_seed() -> int:
    """A fresh integer seed from the global generator (see :func:`set_global_seed`).

    Example:

    >>> from dlx import random
    >>> random.set_global_seed(0)
    >>> isinstance(random.make_default_seed(), int)
    True
    """
    return _GLOBAL_RNG.randint(1, 10**9)


def draw_seed(seed):
    """A ``(2,)`` seed from an int, a seed tensor, a :class:`SeedGenerator` (advanced) or ``None``
    (a fresh seed from the global generator, as Keras's unseeded calls).

    Example:

    >>> from dlx import random
    >>> random.draw_seed(7)
    array([0, 7], dtype=uint32)
    >>> random.draw_seed(None).shape  # a fresh seed from the global generator
    (2,)
    """
    if isinstance(seed, _GENERATOR_CLASSES):
        return seed.next()
    if seed is None:
        return make_seed(make_default_seed())
    return make_seed(seed)

