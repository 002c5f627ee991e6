"""Kernels of :mod:`dlx.ops.defs.vectorize`: none. TF has no ``vectorize``; the spec's
decomposition maps the flattened loop with ``vectorized_map`` (``tf.vectorized_map``)."""

from __future__ import annotations

KERNELS: dict = {}
