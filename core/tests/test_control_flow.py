"""Control-flow ops on every backend, eagerly and compiled: values against float64 NumPy loops
written here, gradients w.r.t. values the callables close over against central finite
differences (the conformance suite covers the ops' own tensor arguments, eagerly)."""

from __future__ import annotations

import numpy as np
import pytest

from dlx import ops

RNG = np.random.default_rng(7)
W = (RNG.standard_normal((3, 3)) * 0.5).astype(np.float32)
XS = RNG.standard_normal((6, 2, 3)).astype(np.float32)
H0 = RNG.standard_normal((2, 3)).astype(np.float32)


def _np(backend, x):
    return np.asarray(backend.to_numpy(x), np.float64)


def _rnn_reference(w, xs, h0, reverse=False):
    h, ys = h0.astype(np.float64), [None] * len(xs)
    for t in (range(len(xs) - 1, -1, -1) if reverse else range(len(xs))):
        h = np.tanh(h @ w + xs[t])
        ys[t] = h
    return h, np.stack(ys)


def _rnn_scan(w, xs, h0, reverse=False):
    def step(carry, x):
        h = ops.tanh(ops.add(ops.matmul(carry["h"], w), x))
        return {"h": h, "n": carry["n"] + 1}, (h, ops.sum(h))
    carry, (ys, sums) = ops.scan(step, {"h": h0, "n": ops.convert_to_tensor(np.int32(0))}, xs, reverse=reverse)
    return carry["h"], ys, sums, carry["n"]


def _maybe_compiled(backend, fn, compiled):
    if not compiled:
        return fn
    compiled_fn = backend.compile(fn)

    def call(*args):
        try:
            return compiled_fn(*args)
        except TypeError as e:  # a backend that runs data-dependent control flow in Python only
            if "has no native kernel" in str(e):
                pytest.skip(str(e))
            raise
    return call


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_scan_pytree_carry(backend, compiled, reverse):
    fn = _maybe_compiled(backend, lambda w, xs, h0: _rnn_scan(w, xs, h0, reverse), compiled)
    h, ys, sums, n = fn(*(backend.convert_to_tensor(a) for a in (W, XS, H0)))
    want_h, want_ys = _rnn_reference(W, XS, H0, reverse)
    np.testing.assert_allclose(_np(backend, h), want_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(backend, ys), want_ys, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(backend, sums), want_ys.sum(axis=(1, 2)), rtol=1e-4, atol=1e-4)
    assert int(backend.to_numpy(n)) == len(XS)


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def _trainable(backend):
    if not backend.capabilities.training:
        pytest.skip(backend.capabilities.reason("training"))
    if not backend.capabilities.float64:
        pytest.skip(backend.capabilities.reason("float64"))


def test_scan_gradient_reaches_closed_over_weights(backend):
    _trainable(backend)
    w64, xs64, h64 = (a.astype(np.float64) for a in (W, XS, H0))

    def loss(w):
        def step(h, x):
            h = ops.tanh(ops.add(ops.matmul(h, w), x))
            return h, h
        h, ys = ops.scan(step, backend.convert_to_tensor(h64), backend.convert_to_tensor(xs64))
        return ops.add(ops.sum(ops.square(h)), ops.sum(ys))

    _, g = backend.value_and_grad(loss)(backend.convert_to_tensor(w64))

    def ref(w):
        h, ys = _rnn_reference(w, xs64, h64)
        return float(np.sum(h ** 2) + np.sum(ys))

    np.testing.assert_allclose(_np(backend, g), _fd_grad(ref, w64), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_while_loop_data_dependent_trip_count(backend, compiled):
    def fn(x):
        def cond(i, v):
            return ops.less(ops.sum(v), 100.0)

        def body(i, v):
            return i + 1, ops.multiply(v, 2.0)
        return ops.while_loop(cond, body, (ops.convert_to_tensor(np.int32(0)), x))

    i, v = _maybe_compiled(backend, fn, compiled)(backend.convert_to_tensor(np.ones(3, np.float32)))
    assert int(backend.to_numpy(i)) == 6  # 3 * 2**6 = 192 >= 100
    np.testing.assert_array_equal(backend.to_numpy(v), np.full(3, 64.0, np.float32))

    limited = _maybe_compiled(backend, lambda x: ops.while_loop(lambda v: ops.less(ops.sum(v), 100.0),
                                                                lambda v: ops.multiply(v, 2.0), x,
                                                                maximum_iterations=2), compiled)
    np.testing.assert_array_equal(backend.to_numpy(limited(backend.convert_to_tensor(np.ones(3, np.float32)))),
                                  np.full(3, 4.0, np.float32))


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_cond_on_a_tensor_predicate(backend, compiled):
    def fn(x):
        return ops.cond(ops.greater(ops.sum(x), 0.0), lambda: ops.multiply(x, 2.0), lambda: ops.negative(x))

    fn = _maybe_compiled(backend, fn, compiled)
    x = np.arange(3, dtype=np.float32)
    np.testing.assert_array_equal(backend.to_numpy(fn(backend.convert_to_tensor(x))), x * 2)
    np.testing.assert_array_equal(backend.to_numpy(fn(backend.convert_to_tensor(-x))), x)


def test_cond_and_fori_loop_gradients(backend):
    _trainable(backend)
    x64 = RNG.standard_normal(4)

    def loss(x):
        y = ops.fori_loop(0, 3, lambda i, v: ops.sin(ops.add(v, x)), ops.zeros_like(x))
        z = ops.cond(ops.greater(ops.sum(y), -100.0), lambda: ops.square(y), lambda: y)
        return ops.sum(z)

    _, g = backend.value_and_grad(loss)(backend.convert_to_tensor(x64))

    def ref(x):
        v = np.zeros_like(x)
        for _ in range(3):
            v = np.sin(v + x)
        return float(np.sum(v ** 2))

    np.testing.assert_allclose(_np(backend, g), _fd_grad(ref, x64), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_switch_map_vectorized_map_fori_loop(backend, compiled):
    x = RNG.standard_normal((4, 3)).astype(np.float32)

    def fn(x, index):
        a = ops.switch(index, [lambda v: ops.add(v, 1.0), lambda v: ops.multiply(v, 3.0)], x)
        b = ops.map(lambda row: ops.sum(ops.square(row)), x)
        c = ops.vectorized_map(lambda row: ops.multiply(row, ops.max(row)), x)
        d = ops.fori_loop(0, 4, lambda i, v: ops.add(v, ops.cast(i, "float32")), ops.zeros((), "float32"))
        return a, b, c, d

    fn = _maybe_compiled(backend, fn, compiled)
    a, b, c, d = fn(backend.convert_to_tensor(x), backend.convert_to_tensor(np.int32(1)))
    np.testing.assert_allclose(_np(backend, a), x * 3.0, rtol=1e-6)
    np.testing.assert_allclose(_np(backend, b), (x.astype(np.float64) ** 2).sum(1), rtol=1e-5)
    np.testing.assert_allclose(_np(backend, c), x * x.max(1, keepdims=True), rtol=1e-6)
    assert float(backend.to_numpy(d)) == 6.0


def test_associative_scan_matches_a_sequential_recurrence(backend):
    a = RNG.uniform(0.5, 1.0, (9, 2))
    b = RNG.standard_normal((9, 2))

    def f(p, q):
        return ops.multiply(q[0], p[0]), ops.add(ops.multiply(q[0], p[1]), q[1])

    _, h = ops.associative_scan(f, (backend.convert_to_tensor(a.astype(np.float32)),
                                    backend.convert_to_tensor(b.astype(np.float32))))
    want, s = np.zeros_like(b), np.zeros(2)
    for t in range(len(b)):
        s = a[t] * s + b[t]
        want[t] = s
    np.testing.assert_allclose(_np(backend, h), want, rtol=1e-5, atol=1e-6)


def test_scan_over_an_unknown_length_compiles_once_per_rank(backend):
    """The same compiled scan runs on sequences of two lengths (tf retraces with the length
    relaxed to unknown: the graph loop then runs a dynamic trip count)."""
    fn = backend.compile(lambda xs: ops.scan(lambda c, x: (ops.add(c, x), ops.multiply(c, x)),
                                             ops.zeros((3,), "float32"), xs))
    for n in (4, 7, 5):
        xs = RNG.standard_normal((n, 3)).astype(np.float32)
        c, ys = fn(backend.convert_to_tensor(xs))
        want_ys = np.concatenate([np.zeros((1, 3)), np.cumsum(xs[:-1], 0)]) * xs
        np.testing.assert_allclose(_np(backend, c), xs.sum(0), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(_np(backend, ys), want_ys, rtol=1e-5, atol=1e-6)


def test_bad_arguments_name_themselves(numpy_backend):
    with pytest.raises(TypeError, match="scan: f=3"):
        ops.scan(3, np.zeros(2))
    with pytest.raises(ValueError, match="scan: xs is None and length is None"):
        ops.scan(lambda c, x: (c, c), np.zeros(2))
    with pytest.raises(ValueError, match="unroll=0"):
        ops.scan(lambda c, x: (c, c), np.zeros(2), length=2, unroll=0)
    with pytest.raises(ValueError, match="switch: branches is empty"):
        ops.switch(0, [])


def test_custom_gradient(backend):
    _trainable(backend)

    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 0.5)  # deliberately not the derivative
        return ops.log(ops.add(e, 1.0)), grad

    x = np.array([0.5, -1.0, 100.0])
    value, g = backend.value_and_grad(lambda v: ops.sum(ops.multiply(log1pexp(v), 3.0)))(backend.convert_to_tensor(x))
    np.testing.assert_allclose(float(backend.to_numpy(value)), 3 * np.sum(np.log1p(np.exp(x))), rtol=1e-12)
    np.testing.assert_allclose(_np(backend, g), np.full(3, 1.5), rtol=1e-12)
