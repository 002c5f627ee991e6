"""Graph builders of :mod:`dlx.ops.defs.manipulation`: none needed. Every op there has a
decomposition into ops this backend builds natively (concatenate, reshape, slice, flip...)."""

from __future__ import annotations

#: op name -> graph builder
KERNELS: dict = {}
