"""Graph builders of :mod:`dlx.ops.defs.spatial`: none. OpenVINO's AdaptiveAvgPool /
AdaptiveMaxPool are channels-first only; the spec's decompositions (einsum / max over slices, the
native convolutions) run instead."""

from __future__ import annotations

KERNELS: dict = {}

__all__ = ["KERNELS"]
