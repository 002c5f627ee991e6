"""Elementwise math graph builders: the ops of :mod:`dlx.ops.defs.arithmetic` that OpenVINO's
opset expresses directly. The others (fmod: its Mod is not exact) run their spec's decomposition (Keras's aliases,
``divide_no_nan``, ``isclose``, ``saturate_cast``) or the NumPy reference."""

from __future__ import annotations

import openvino.opset16 as O

from dlx.ops.defs._arithmetic_decompositions import ERFC_COEF
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


def erfc(x):
    # no Erfc in the opset: the Chebyshev fit of Press et al. (1.2e-7 relative error: float32's,
    # which is what this backend computes in), see dlx.ops.defs._arithmetic_decompositions
    _, x = fpromote(x)
    d = dt(x)
    z = out(O.abs(x))
    t = out(O.divide(G.const(1.0, d), out(O.add(G.const(1.0, d), out(O.multiply(z, G.const(0.5, d)))))))
    coef = ERFC_COEF
    p = out(O.multiply(G.const(coef[-1], d), t))
    for c in reversed(coef[1:-1]):
        p = out(O.multiply(out(O.add(p, G.const(c, d))), t))
    e = out(O.add(out(O.add(out(O.negative(out(O.multiply(z, z)))), G.const(coef[0], d))), p))
    r = out(O.multiply(t, out(O.exp(e))))
    r = G.select(out(O.is_inf(z)), G.const(0.0, d), r)
    return G.select(out(O.less(x, G.const(0.0, d))), out(O.subtract(G.const(2.0, d), r)), r)


#: op name -> graph builder
KERNELS: dict = {"erfc": erfc, "bitwise_not": bitwise_not, "deg2rad": deg2rad, "rad2deg": rad2deg}
