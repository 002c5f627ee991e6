"""``ops.vectorize`` against ``np.vectorize`` (the independent reference) on every backend, and
the complex / bit-view ops' errors."""

from __future__ import annotations

import numpy as np
import pytest

from dlx import ops

# the template backend runs most ops through the NumPy reference fallback, which warns once per op
pytestmark = pytest.mark.filterwarnings("ignore::dlx.backend.contract.ReferenceFallbackWarning")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_elementwise_broadcasts(backend):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 1)).astype(np.float32), rng.standard_normal((4,)).astype(np.float32)
    got = ops.vectorize(lambda x, y: ops.maximum(x, y) * 2.0)(ops.convert_to_tensor(a), ops.convert_to_tensor(b))
    want = np.vectorize(lambda x, y: max(x, y) * 2.0, otypes=[np.float32])(a, b)
    np.testing.assert_allclose(_np(got), want, rtol=1e-6)
    assert _np(got).shape == (3, 4)


def test_signature_core_dims(backend):
    rng = np.random.default_rng(1)
    m, v = rng.standard_normal((2, 5, 3, 4)).astype(np.float32), rng.standard_normal((5, 4)).astype(np.float32)
    got = ops.vectorize(lambda a, x: ops.matmul(a, x), signature="(m,n),(n)->(m)")(
        ops.convert_to_tensor(m), ops.convert_to_tensor(v))
    want = np.vectorize(lambda a, x: a @ x, signature="(m,n),(n)->(m)")(m, v)
    assert _np(got).shape == want.shape == (2, 5, 3)
    np.testing.assert_allclose(_np(got), want, rtol=1e-5, atol=1e-6)


def test_two_outputs_and_excluded(backend):
    x = np.arange(12, dtype=np.float32).reshape(3, 4)

    def f(row, scale):
        return ops.sum(row) * scale, ops.max(row)

    s, m = ops.vectorize(f, excluded={1}, signature="(n)->(),()")(ops.convert_to_tensor(x), 0.5)
    np.testing.assert_allclose(_np(s), x.sum(1) * 0.5)
    np.testing.assert_allclose(_np(m), x.max(1))


def test_bad_arguments():
    with pytest.raises(TypeError, match="pyfunc"):
        ops.vectorize(3)
    with pytest.raises(ValueError, match="signature"):
        ops.vectorize(lambda x: x, signature="n->m")
    f = ops.vectorize(lambda a, b: a + b, signature="(n),(n)->(n)")
    with pytest.raises(ValueError, match="core dimension 'n'"):
        f(np.ones((2, 3), np.float32), np.ones((2, 4), np.float32))


def test_view_and_complex_errors(backend):
    with pytest.raises(ValueError, match="last axis"):
        ops.view(ops.ones((3,), "uint8"), "int32")
    if backend.capabilities.complex:
        with pytest.raises(ValueError, match="size 2"):
            ops.view_as_complex(ops.ones((3, 3)))
        z = ops.view_as_complex(ops.convert_to_tensor(np.array([[1.0, 2.0], [3.0, -4.0]], np.float32)))
        np.testing.assert_array_equal(_np(z), np.array([1 + 2j, 3 - 4j], np.complex64))
        np.testing.assert_array_equal(_np(ops.view_as_real(z)), [[1.0, 2.0], [3.0, -4.0]])
