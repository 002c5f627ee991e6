"""Kernels of :mod:`dlx.ops.defs.representation`: none. The opset has no ``nextafter`` and no
bit reinterpretation, and no complex element types (``polar``, ``view_as_complex`` and
``view_as_real`` of complex tensors are behind the ``complex`` capability); ``nextafter``,
``view`` and ``view_as_real`` of real tensors run the reference fallback eagerly."""

from __future__ import annotations

KERNELS: dict = {}
