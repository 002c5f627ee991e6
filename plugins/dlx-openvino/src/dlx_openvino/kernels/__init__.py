"""The OpenVINO graph builders, one module per op group of :mod:`dlx.ops.defs` (same module names).

Each module exports one table, ``KERNELS: dict[str, Callable]`` (op name -> graph builder), for
the ops its namesake ``dlx.ops.defs`` module registers. A builder takes the op's parameters (tensor
ones as ``openvino.Output`` edges or weak Python scalars) and returns graph edges;
:mod:`dlx_openvino.backend` turns each builder into the op's kernel (an eager call compiles and
caches a one-op model; under ``compile`` the builder adds nodes to the traced graph). To add a
group, add the module here and to :data:`GROUPS`; an op without a builder runs its spec's
decomposition.
"""

from __future__ import annotations

from collections.abc import Callable

from dlx.backend import merge_kernel_tables
from dlx_openvino.kernels import (
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

#: every builder module, in the order of ``dlx.ops.defs``
GROUPS = (
    elementwise, image, image_filters, image_warp, reduction, shape, linalg, nn, random, optim, activations,
    ctc, decompositions, search, signal, spatial, statistics, control, arithmetic, einops, indexing,
    manipulation,
)


def all_kernels() -> dict[str, Callable]:
    """Every group's ``KERNELS`` (graph builders) merged (an op in two tables is an error)."""
    return merge_kernel_tables(GROUPS)


def reference_ops() -> frozenset[str]:
    """The ops the modules declare as running through their reference (``REFERENCE``)."""
    return frozenset(n for g in GROUPS for n in getattr(g, "REFERENCE", ()))


__all__ = ["GROUPS", "all_kernels", "reference_ops"]
