"""Kernels of :mod:`dlx.ops.defs.signal`."""

from __future__ import annotations

KERNELS: dict = {}
