"""``dlx.ops.jvp`` on every backend, against central finite differences computed in float64 with
NumPy alone (an independent oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from dlx import ops


def _np_f(x, y):
    return {"a": np.sin(x) * y, "b": np.sum(np.matmul(x, y))}


def _dlx_f(x, y):
    return {"a": ops.multiply(ops.sin(x), y), "b": ops.sum(ops.matmul(x, y))}


def _fd(fn, primals, tangents, h=1e-6):
    plus = fn(*[p + h * t for p, t in zip(primals, tangents)])
    minus = fn(*[p - h * t for p, t in zip(primals, tangents)])
    return {k: (plus[k] - minus[k]) / (2 * h) for k in plus}


def _setup(backend):
    if not backend.capabilities.training:
        pytest.skip(backend.capabilities.reason("training"))
    dt = "float64" if backend.capabilities.float64 else "float32"
    rtol = 1e-7 if dt == "float64" else 2e-5
    return dt, rtol


def test_jvp_matches_finite_differences(backend):
    dt, rtol = _setup(backend)
    r = np.random.default_rng(0)
    x, y, tx, ty = (r.standard_normal((3, 3)) for _ in range(4))
    conv = [backend.convert_to_tensor(v, dt) for v in (x, y, tx, ty)]
    out, tangent = ops.jvp(_dlx_f, (conv[0], conv[1]), (conv[2], conv[3]))
    want_out = _np_f(x, y)
    want_tan = _fd(_np_f, (x, y), (tx, ty))
    for k in ("a", "b"):
        np.testing.assert_allclose(backend.to_numpy(out[k]), want_out[k], rtol=rtol, atol=rtol)
        np.testing.assert_allclose(backend.to_numpy(tangent[k]), want_tan[k], rtol=1e-5 if dt == "float64" else 1e-4,
                                   atol=1e-6 if dt == "float64" else 1e-4)


def test_jvp_has_aux(backend):
    dt, rtol = _setup(backend)
    x = backend.convert_to_tensor(np.array([0.5, -1.0, 2.0]), dt)
    t = backend.convert_to_tensor(np.array([1.0, 2.0, -1.0]), dt)

    def f(v):
        return ops.multiply(v, v), ops.sum(v)

    out, tangent, aux = ops.jvp(f, (x,), (t,), has_aux=True)
    np.testing.assert_allclose(backend.to_numpy(out), [0.25, 1.0, 4.0], rtol=rtol)
    np.testing.assert_allclose(backend.to_numpy(tangent), [1.0, -4.0, -4.0], rtol=rtol)
    np.testing.assert_allclose(float(backend.to_numpy(aux)), 1.5, rtol=rtol)


def test_jvp_through_linalg(backend):
    """jvp of det and inv vs finite differences of NumPy's."""
    dt, _ = _setup(backend)
    r = np.random.default_rng(1)
    a = r.standard_normal((3, 3)) + 2 * np.eye(3)
    t = r.standard_normal((3, 3))
    conv = backend.convert_to_tensor
    (d, dd) = ops.jvp(ops.det, (conv(a, dt),), (conv(t, dt),))
    (v, dv) = ops.jvp(ops.inv, (conv(a, dt),), (conv(t, dt),))
    h = 1e-6
    want_dd = (np.linalg.det(a + h * t) - np.linalg.det(a - h * t)) / (2 * h)
    want_dv = (np.linalg.inv(a + h * t) - np.linalg.inv(a - h * t)) / (2 * h)
    tol = 1e-6 if dt == "float64" else 2e-4
    np.testing.assert_allclose(float(backend.to_numpy(d)), np.linalg.det(a), rtol=tol)
    np.testing.assert_allclose(backend.to_numpy(v), np.linalg.inv(a), rtol=tol, atol=tol)
    np.testing.assert_allclose(float(backend.to_numpy(dd)), want_dd, rtol=tol)
    np.testing.assert_allclose(backend.to_numpy(dv), want_dv, rtol=tol, atol=tol)


def test_jvp_rejects_mismatched_tangents(numpy_backend):
    x = np.ones(3)
    with pytest.raises(ValueError, match="tangent"):
        ops.jvp(ops.sin, (x,), (x, x))
    with pytest.raises(ValueError, match="tuples or lists"):
        ops.jvp(ops.sin, x, x)
