"""The OpenVINO graph builders, one module per op group of :mod:`dlx.ops.defs` (same module names).

Each module exports one table, ``KERNELS: dict[str, Callable]`` (op name -> graph builder), for
the ops its namesake ``dlx.ops.defs`` module registers. A builder takes the op's parameters (tensor
ones as ``openvino.Output`` edges or weak Python scalars) and returns graph edges;
:mod:`dlx_openvino.backend` turns each builder into the op's kernel (an eager call compiles and
caches a one-op model; under ``compile`` the builder adds nodes to the traced graph). A new
module named after a group is found by itself (:func:`dlx.backend.kernel_modules`); an op
without a builder runs its spec's decomposition.
"""

from __future__ import annotations

from collections.abc import Callable

from dlx.backend import kernel_modules, merge_kernel_tables

#: every builder module, one per op group of ``dlx.ops.defs`` (in ``dlx.ops.defs.GROUPS`` order)
GROUPS = kernel_modules(__name__)


def all_kernels() -> dict[str, Callable]:
    """Every group's ``KERNELS`` merged (an op in two tables is an error)."""
    return merge_kernel_tables(GROUPS)


__all__ = ["GROUPS", "all_kernels"]
