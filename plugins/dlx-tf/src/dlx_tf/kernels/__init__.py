"""The TensorFlow kernels, one module per op group of :mod:`dlx.ops.defs` (same module names).

Each module exports one table, ``KERNELS: dict[str, Callable]`` (op name -> kernel), holding the
kernels of the ops its namesake ``dlx.ops.defs`` module registers. A new module named after a
group is found by itself (:func:`dlx.backend.kernel_modules`); an op without a kernel runs its
spec's decomposition.
"""

from __future__ import annotations

from collections.abc import Callable

from dlx.backend import kernel_modules, merge_kernel_tables

#: every kernel module, one per op group of ``dlx.ops.defs`` (in ``dlx.ops.defs.GROUPS`` order)
GROUPS = kernel_modules(__name__)


def all_kernels() -> dict[str, Callable]:
    """Every group's ``KERNELS`` merged (an op in two tables is an error)."""
    return merge_kernel_tables(GROUPS)


__all__ = ["GROUPS", "all_kernels"]
