"""Kernels of :mod:`dlx.ops.defs.spatial`: none. The framework has no adaptive pooling, and
``separable_conv`` is its depthwise convolution then a 1x1 convolution: the spec's
decompositions run the native convolution / einsum / max kernels."""

from __future__ import annotations

KERNELS: dict = {}
