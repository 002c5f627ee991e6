"""The native kernels, one module per op group (the groups of ``dlx/ops/defs/``), each with one
``KERNELS`` table (op name -> kernel). Ops missing here run through decompositions or the
NumPy reference fallback."""

from __future__ import annotations

from collections.abc import Callable

from dlx.backend import kernel_modules, merge_kernel_tables

#: every kernel module, one per op group of ``dlx.ops.defs`` (in ``dlx.ops.defs.GROUPS`` order)
GROUPS = kernel_modules(__name__)


def all_kernels() -> dict[str, Callable]:
    """Every group's ``KERNELS`` merged (an op in two tables is an error)."""
    return merge_kernel_tables(GROUPS)


__all__ = ["GROUPS", "all_kernels"]
