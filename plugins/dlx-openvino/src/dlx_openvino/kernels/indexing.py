"""Scatter graph builders: the ops of :mod:`dlx.ops.defs.indexing` (``scatter`` runs its
decomposition into ``scatter_add``)."""

from __future__ import annotations

import openvino.opset16 as O

from dlx.ops.defs.indexing import _check_reduction
from dlx_openvino._graph import as_output as _o
from dlx_openvino._graph import cast, dt, out

_MODES = {None: "none", "add": "sum", "max": "max", "min": "min", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction=None):
    _check_reduction(reduction)
    x = _o(inputs)
    return out(O.scatter_nd_update(x, cast(_o(indices), "int64"), cast(_o(updates), dt(x)), _MODES[reduction]))


#: op name -> graph builder
KERNELS: dict = {"scatter_update": scatter_update}
