"""The native kernels, one module per op group (the groups of ``dlx/ops/defs/``), each with one
``KERNELS`` table (op name -> kernel). Ops missing here run through decompositions or the
NumPy reference fallback."""

from __future__ import annotations

from dlx_template.kernels import elementwise, linalg, reduction

MODULES = (elementwise, linalg, reduction)


def all_kernels() -> dict:
    """Every module's ``KERNELS`` merged (an op appears in exactly one)."""
    table: dict = {}
    for module in MODULES:
        table.update(module.KERNELS)
    return table
