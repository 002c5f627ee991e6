"""Kernels of :mod:`dlx.ops.defs.image_warp`."""

from __future__ import annotations

KERNELS: dict = {}
