"""Kernels of :mod:`dlx.ops.defs.vectorize`: ``jnp.vectorize``."""

from __future__ import annotations

import jax.numpy as jnp

from dlx.ops.defs import vectorize as _spec


def vectorize(pyfunc, *, excluded=None, signature=None):
    if not callable(pyfunc):
        raise TypeError(f"vectorize: pyfunc={pyfunc!r} is not callable")
    if signature is not None:
        _spec.parse_signature(signature)
    return jnp.vectorize(pyfunc, excluded=frozenset(excluded or ()), signature=signature)


KERNELS = {"vectorize": vectorize}
