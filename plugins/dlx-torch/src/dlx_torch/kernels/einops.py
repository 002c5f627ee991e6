"""Kernels of :mod:`dlx.ops.defs.einops`: none. ``rearrange`` runs its spec's decomposition
(reshape, transpose, reshape: this backend's own kernels)."""

from __future__ import annotations

#: op name -> kernel
KERNELS: dict = {}
