"""NumPy backend autodiff checked against central finite differences in float64."""

import numpy as np
import pytest

from dlx import ops


def fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def mlp_loss(params, x, y):
    h = ops.tanh(ops.matmul(x, params["w1"]) + params["b1"])
    logits = ops.matmul(h, params["w2"])
    return ops.mean(ops.sparse_categorical_crossentropy(y, logits, from_logits=True))


def test_mlp_gradients_match_finite_differences(numpy_backend):
    rng = np.random.default_rng(0)
    params = {"w1": rng.standard_normal((4, 5)), "b1": rng.standard_normal(5), "w2": rng.standard_normal((5, 3))}
    x, y = rng.standard_normal((6, 4)), np.array([0, 1, 2, 1, 0, 2])
    value, grads = numpy_backend.value_and_grad(mlp_loss)(params, x, y)
    assert np.isclose(value, mlp_loss(params, x, y))
    for k in params:
        def f(p, k=k):
            return float(mlp_loss({**params, k: p}, x, y))
        np.testing.assert_allclose(grads[k], fd_grad(f, params[k]), rtol=1e-6, atol=1e-8)


def test_conv_pool_bn_gradients_match_finite_differences(numpy_backend):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 6, 2))
    k = rng.standard_normal((3, 3, 2, 3))

    def loss(x, k):
        y = ops.conv(x, k, strides=1, padding="same")
        y = ops.max_pool(ops.relu(y), 2)
        m, v = ops.moments(y, axes=[0, 1, 2])
        y = ops.batch_normalization(y, m, v, axis=-1)
        return ops.sum(ops.square(y) * ops.arange(1.0, 4.0, dtype="float64"))

    _, (gx, gk) = numpy_backend.value_and_grad(loss, argnums=(0, 1))(x, k)
    np.testing.assert_allclose(gk, fd_grad(lambda kk: float(loss(x, kk)), k), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gx, fd_grad(lambda xx: float(loss(xx, k)), x), rtol=1e-5, atol=1e-7)


def test_has_aux_and_constants(numpy_backend):
    def f(w):
        return ops.sum(w * 3.0), {"n": 2}

    (v, aux), g = numpy_backend.value_and_grad(f, has_aux=True)(np.ones(3))
    assert v == 9.0 and aux == {"n": 2}
    np.testing.assert_array_equal(g, [3, 3, 3])
    _, g = numpy_backend.value_and_grad(lambda w: ops.sum(ops.stop_gradient(w) * w))(np.full(2, 2.0))
    np.testing.assert_array_equal(g, [2, 2])


def test_non_scalar_and_nested_errors(numpy_backend):
    with pytest.raises(ValueError, match="must return a scalar"):
        numpy_backend.value_and_grad(lambda w: w * 2)(np.ones(3))
    inner = numpy_backend.value_and_grad(lambda w: ops.sum(w * w))
    with pytest.raises(NotImplementedError, match="higher-order"):
        numpy_backend.value_and_grad(lambda w: ops.sum(inner(w)[1]))(np.ones(2))


def test_tracer_cannot_silently_leave_the_tape(numpy_backend):
    with pytest.raises(TypeError, match="cannot be converted to a NumPy array"):
        numpy_backend.value_and_grad(lambda w: np.asarray(w).sum())(np.ones(2))
