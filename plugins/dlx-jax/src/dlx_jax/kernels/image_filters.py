"""Kernels of :mod:`dlx.ops.defs.image_filters`."""

from __future__ import annotations

KERNELS: dict = {}
