"""Graph builders of the search and segment ops (:mod:`dlx.ops.defs.search`).

Native: ``searchsorted`` (``SearchSorted``, opset 15) and ``in_top_k``. The rest have
data-dependent output lengths (``unique``, ``nonzero``), need sorted-only segment ops
(``SegmentMax`` requires ascending ids and has no sum/prod/min) or integer index arithmetic the
spec checks eagerly: they run through their NumPy reference (values tier; refused inside compile())."""

from __future__ import annotations

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx_openvino import _graph as G
from dlx_openvino._graph import as_output as _o
from dlx_openvino._graph import cast, const, dt, out, promote, select, shape


def searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side={side!r} is invalid; expected 'left' or 'right'")
    _, s, v = promote(_o(sorted_sequence), _o(values))
    if len(shape(s)) != 1:
        raise ValueError(f"searchsorted: sorted_sequence has shape {shape(s)}; expected a 1-D tensor")
    if dt(s) == "bool":
        s, v = cast(s, "int32"), cast(v, "int32")
    return cast(out(O.search_sorted(s, v, side == "right")), "int32")


def in_top_k(targets, predictions, k):
    t, p = _o(targets), _o(predictions)
    if len(shape(p)) != 2 or tuple(shape(t)) != tuple(shape(p)[:1]):
        raise ValueError(f"in_top_k: targets {shape(t)} and predictions {shape(p)}; expected (batch,) and "
                         f"(batch, classes)")
    idx = out(O.unsqueeze(cast(t, "int32"), const(np.array([1]), "int64")))
    at = out(O.gather_elements(p, idx, 1))
    if dt(p) in dtypes.FLOATS:
        at = select(G.isnan(at), const(-np.inf, dt(p)), at)
    greater = out(O.greater(p, at))
    if dt(p) in dtypes.FLOATS:  # NaN compares false, as in NumPy
        greater = out(O.logical_and(greater, out(O.logical_not(G.isnan(p)))))
    greater = cast(greater, "int32")
    count = out(O.reduce_sum(greater, const(np.array([1]), "int64"), False))
    return out(O.less(count, const(int(k), "int32")))


#: op name -> graph builder
KERNELS: dict = {"searchsorted": searchsorted, "in_top_k": in_top_k}


__all__ = ["KERNELS"]
