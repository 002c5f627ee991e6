"""Graph builders of :mod:`dlx.ops.defs.einops`: none. ``rearrange`` runs its spec's
decomposition (reshape, transpose, reshape: this backend's own builders)."""

from __future__ import annotations

#: op name -> graph builder
KERNELS: dict = {}
