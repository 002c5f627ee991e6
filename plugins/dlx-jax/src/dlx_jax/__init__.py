"""dlx-jax: the JAX backend plugin for dlx.

Importing this package (or :mod:`dlx_jax.plugin`) imports no framework: dlx finds the backend
through the ``dlx`` entry point and imports :mod:`dlx_jax.backend` (which imports JAX) only when
the backend is selected.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
