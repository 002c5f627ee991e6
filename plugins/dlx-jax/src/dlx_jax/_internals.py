"""Every private JAX API the plugin uses, in one place.

Each one is used only on the JAX versions it was written and tested for (:data:`WRITTEN_FOR`);
on any other version, or when the environment sets ``DLX_JAX_PRIVATE_API=0``, the plugin takes
the public-API fallback next to it, which gives the same results (possibly a little slower).
``tests/test_internals.py`` runs the plugin both ways.
"""

from __future__ import annotations

import os

import jax
import numpy as np

#: (major, minor) JAX versions whose private APIs below were read and tested
WRITTEN_FOR = ((0, 10),)


def _version() -> tuple[int, int]:
    major, minor = jax.__version__.split(".")[:2]
    return int(major), int(minor)


#: whether the private APIs are used (the version is one of :data:`WRITTEN_FOR` and the user did
#: not opt out)
PRIVATE = _version() in WRITTEN_FOR and os.environ.get("DLX_JAX_PRIVATE_API", "1") != "0"


def array_class(private: bool | None = None) -> type:
    """The concrete eager array class (``ArrayImpl``): exact type checks against it are the
    cheapest "already a JAX array" test on the hot path (tracers are not it).

    Private: ``jax._src.array.ArrayImpl``. Public fallback: the type of a transferred NumPy
    scalar (a transfer, not an XLA computation: nothing is compiled at import).
    """
    if PRIVATE if private is None else private:
        try:
            from jax._src.array import ArrayImpl

            return ArrayImpl
        except ImportError:  # pragma: no cover - moved in a version listed in WRITTEN_FOR
            pass
    return type(jax.device_put(np.zeros((), np.float32)))


def tracing(private: bool | None = None) -> bool:
    """Whether a JAX transformation (``jit``, ``grad``, ``vmap``, ``eval_shape``...) is tracing in
    this thread: there, constants built on the host would be baked into the program, so the
    kernels that build arrays from nothing take ``jnp`` instead.

    Private: ``not jax._src.core.trace_state_clean()``. Public fallback: ``True`` (always the
    ``jnp`` path; eager calls then compile a small program per shape, as ``jnp`` does).
    """
    if PRIVATE if private is None else private:
        try:
            from jax._src.core import trace_state_clean

            return not trace_state_clean()
        except ImportError:  # pragma: no cover - moved in a version listed in WRITTEN_FOR
            pass
    return True


__all__ = ["PRIVATE", "WRITTEN_FOR", "array_class", "tracing"]
