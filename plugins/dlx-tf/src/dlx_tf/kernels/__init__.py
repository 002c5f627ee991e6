"""The TensorFlow kernels, one module per op group of :mod:`dlx.ops.defs` (same module names).

Each module exports one table, ``KERNELS: dict[str, Callable]`` (op name -> kernel), holding the
kernels of the ops its namesake ``dlx.ops.defs`` module registers. To add a group, add the module
here and to :data:`GROUPS`; an op without a kernel runs its spec's decomposition.
"""

from __future__ import annotations

from collections.abc import Callable

from dlx.backend import merge_kernel_tables
from dlx_tf.kernels import (
    activations,
    arithmetic,
    control,
    ctc,
    decompositions,
    einops,
    elementwise,
    image,
    image_filters,
    image_warp,
    indexing,
    linalg,
    manipulation,
    nn,
    optim,
    random,
    reduction,
    search,
    shape,
    signal,
    spatial,
    statistics,
)

#: every kernel module, in the order of ``dlx.ops.defs``
GROUPS = (
    elementwise, image, image_filters, image_warp, reduction, shape, linalg, nn, random, optim, activations,
    ctc, decompositions, search, signal, spatial, statistics, control, arithmetic, einops, indexing,
    manipulation,
)


def all_kernels() -> dict[str, Callable]:
    """Every group's ``KERNELS`` merged (an op in two tables is an error)."""
    return merge_kernel_tables(GROUPS)


__all__ = ["GROUPS", "all_kernels"]
