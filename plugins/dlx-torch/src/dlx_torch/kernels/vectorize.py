"""Kernels of :mod:`dlx.ops.defs.vectorize`: none. torch has no ``vectorize``; the spec's
decomposition maps the flattened loop with ``vectorized_map`` (``torch.vmap``)."""

from __future__ import annotations

KERNELS: dict = {}
