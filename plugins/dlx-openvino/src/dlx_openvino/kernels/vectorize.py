"""Kernels of :mod:`dlx.ops.defs.vectorize`: none (the spec's decomposition maps the
flattened loop with ``vectorized_map``)."""

from __future__ import annotations

KERNELS: dict = {}
