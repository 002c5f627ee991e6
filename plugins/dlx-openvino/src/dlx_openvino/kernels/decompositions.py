"""Graph builders of the linear-algebra ops (:mod:`dlx.ops.defs.decompositions`).

OpenVINO's opset has ``Inverse`` (opset 14) and nothing for factorizations, solves or
determinants: those ops run through their reference (the values tier)."""

from __future__ import annotations

import openvino.opset16 as O

from dlx_openvino._graph import as_float, out


def inv(x):
    return out(O.inverse(as_float(x), False))


#: op name -> graph builder
KERNELS: dict = {"inv": inv}


__all__ = ["KERNELS"]
