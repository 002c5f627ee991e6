"""The native kernels, one module per op group (the groups of ``dlx/ops/defs/``), each with one
``KERNELS`` table (op name -> kernel). Ops missing here run through decompositions or the
NumPy reference fallback."""

from __future__ import annotations

from dlx.backend import merge_kernel_tables
from dlx_template.kernels import elementwise, linalg, reduction

#: every kernel module (the groups of ``dlx.ops.defs`` the template has kernels for)
GROUPS = (elementwise, linalg, reduction)


def all_kernels() -> dict:
    """Every group's ``KERNELS`` merged (an op in two tables is an error)."""
    return merge_kernel_tables(GROUPS)
