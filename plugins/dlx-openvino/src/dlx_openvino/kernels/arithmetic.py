"""Elementwise math graph builders: the ops of :mod:`dlx.ops.defs.arithmetic` that OpenVINO's
opset expresses directly. The others (fmod: its Mod is not exact) run their spec's decomposition (Keras's aliases,
``divide_no_nan``, ``isclose``, ``saturate_cast``) or the NumPy reference."""

from __future__ import annotations

import openvino.opset16 as O

from dlx_openvino import _graph as G
from dlx_openvino._graph import as_output as _o
from dlx_openvino._graph import dt, fpromote, out


def bitwise_not(x):
    x = _o(x)
    return out(O.logical_not(x)) if dt(x) == "bool" else out(O.bitwise_not(x))


def deg2rad(x):
    _, a = fpromote(x)
    return out(O.multiply(a, G.const(3.141592653589793 / 180, dt(a))))


def rad2deg(x):
    _, a = fpromote(x)
    return out(O.multiply(a, G.const(180 / 3.141592653589793, dt(a))))


#: op name -> graph builder
KERNELS: dict = {"bitwise_not": bitwise_not, "deg2rad": deg2rad, "rad2deg": rad2deg}
