"""How dlx-openvino lays out the graphs it compiles: a channels-last model's elementwise ops run in
the convolutions' channels-first layout (no Transpose between two convolutions), every variable's
value is baked as a constant until it changes between calls, and values stay those of a float64
NumPy reference (NaNs included)."""

from __future__ import annotations

import numpy as np
import openvino.opset16 as O
import pytest

import dlx
from dlx import layers, models

EPS = 1e-3


@pytest.fixture
def ov():
    backend = dlx.backend.get("openvino")
    with dlx.backend.use(backend):
        yield backend


def _compilations(backend) -> int:
    return backend.stats()["compilations"]


def _traces(backend) -> int:
    """Functions traced by ``compile()`` (eager ops' one-op models are not counted)."""
    return backend.stats()["traces"]


def _runtime_layers(compiled_fn) -> list[str]:
    """The CPU plugin's layer types of the one model ``compiled_fn`` holds."""
    (runner,) = compiled_fn.cache.values()
    return [op.get_rt_info()["layerType"].astype(str) for op in runner.compiled.get_runtime_model().get_ops()]


def _conv_same(x, k, b):
    """float64 channels-last convolution, stride 1, 'same' padding (odd windows)."""
    kh, kw = k.shape[:2]
    xp = np.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))  # (n, h, w, c, kh, kw)
    return np.einsum("nhwcij,ijco->nhwo", win, k) + b


def _residual_model(rng):
    i = layers.Input((6, 6, 3))
    h = layers.Conv2D(8, 3, padding="same")(i)
    h = layers.BatchNormalization(epsilon=EPS)(h)
    h = layers.ReLU()(h)
    r = layers.Conv2D(8, 1)(h)
    r = layers.BatchNormalization(epsilon=EPS)(r)
    h = layers.ReLU()(layers.Add()([h, r]))
    model = models.Model(i, layers.Conv2D(4, 1)(h))
    weights = []
    for w in model.get_weights():  # every weight random; variances positive
        weights.append((rng.uniform(0.5, 2.0, w.shape) if w.ndim == 1 else rng.standard_normal(w.shape))
                       .astype(np.float32))
    model.set_weights(weights)
    return model


def _reference(model, x):
    """The residual model in float64 NumPy (``np.maximum`` keeps NaNs, as the spec's relu)."""
    with np.errstate(invalid="ignore"):
        return _forward(model, x)


def _forward(model, x):
    k1, b1, g1, be1, m1, v1, k2, b2, g2, be2, m2, v2, k3, b3 = (np.asarray(w, np.float64) for w in model.get_weights())

    def bn(t, g, be, m, v):
        return (t - m) / np.sqrt(v + EPS) * g + be

    h = np.maximum(bn(_conv_same(x, k1, b1), g1, be1, m1, v1), 0)
    r = bn(_conv_same(h, k2, b2), g2, be2, m2, v2)
    return _conv_same(np.maximum(h + r, 0), k3, b3)


def test_a_channels_last_network_runs_without_transposes_between_convolutions(ov):
    rng = np.random.default_rng(0)
    model = _residual_model(rng)
    x = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), _reference(model, x.astype(np.float64)),
                               rtol=1e-4, atol=1e-4)
    rt = _runtime_layers(model.predict_function)
    # the bias, batch normalization, ReLU and residual add sit in the convolutions' layout; a
    # Transpose after each convolution (and before the next) was left at run time before
    assert rt.count("Convolution") == 3 and "Transpose" not in rt, rt
    # NaNs and infinities go through the fused graph as through the reference
    x[0, 2, 3, 1] = np.nan
    x[1, 0, 0, 0] = np.inf
    got, want = model.predict(x, verbose=0), _reference(model, x.astype(np.float64))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(want).any() and not np.isnan(want).all()
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-4, atol=1e-4)


def test_small_variables_are_baked_until_they_change(ov):
    # BatchNormalization's statistics and the biases (fewer than BAKE_MIN_SIZE elements) are
    # constants of the compiled model (the input is its only Parameter), so OpenVINO folds them
    # into the convolutions; one that changes (an assign) becomes a Parameter from then on
    from dlx_openvino import backend as B

    rng = np.random.default_rng(1)
    model = _residual_model(rng)
    x = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    model.predict(x, verbose=0)
    (runner,) = model.predict_function.cache.values()
    assert len(runner.compiled.inputs) == 1
    bn = model.layers[2]
    assert bn.moving_mean.value.size < B.BAKE_MIN_SIZE
    n = _compilations(ov)
    bn.moving_mean.assign(rng.standard_normal(8).astype(np.float32))
    np.testing.assert_allclose(model.predict(x, verbose=0), _reference(model, x.astype(np.float64)),
                               rtol=1e-4, atol=1e-4)
    assert _compilations(ov) == n + 1  # compiled again, with the statistic as a Parameter
    (runner,) = model.predict_function.cache.values()
    assert len(runner.compiled.inputs) == 2
    bn.moving_mean.assign(rng.standard_normal(8).astype(np.float32))
    np.testing.assert_allclose(model.predict(x, verbose=0), _reference(model, x.astype(np.float64)),
                               rtol=1e-4, atol=1e-4)
    assert _compilations(ov) == n + 1  # fed, not baked: no compile


def test_evaluate_traces_once_and_its_metrics_add_up(ov):
    # the model's variables are baked; the metrics' totals (new every step) are not: one trace
    # for the whole evaluate, none in the next
    rng = np.random.default_rng(2)
    model = _residual_model(rng)
    model.compile(loss="mse", metrics=["mae"])
    x = rng.standard_normal((16, 6, 6, 3)).astype(np.float32)
    y = rng.standard_normal((16, 6, 6, 4)).astype(np.float32)
    err = _reference(model, x.astype(np.float64)) - y
    n = _traces(ov)
    res = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    assert _traces(ov) - n == 1
    np.testing.assert_allclose(res["loss"], np.mean(err**2), rtol=1e-4)
    np.testing.assert_allclose(res["mae"], np.mean(np.abs(err)), rtol=1e-4)
    res = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    assert _traces(ov) - n == 1
    np.testing.assert_allclose(res["mae"], np.mean(np.abs(err)), rtol=1e-4)


def test_a_large_value_new_in_two_calls_in_a_row_is_fed(ov):
    # weights (>= BAKE_MIN_SIZE elements) are baked again after an assign; one that is new in two
    # consecutive calls (a state carried from batch to batch) is fed from then on
    from dlx_openvino import backend as B

    v = dlx.Variable(np.zeros(B.BAKE_MIN_SIZE, np.float32), name="state")
    f = ov.compile(lambda s, x: s + x)
    x = np.ones(B.BAKE_MIN_SIZE, np.float32)
    n = _compilations(ov)
    np.testing.assert_array_equal(f(v.value, x), x)
    f(v.value, x)  # same storage: the same model
    v.assign(np.full(B.BAKE_MIN_SIZE, 2.0, np.float32))
    f(v.value, x)  # new: baked again
    assert _compilations(ov) - n == 2
    for step in range(3, 7):
        v.assign(np.full(B.BAKE_MIN_SIZE, float(step), np.float32))
        np.testing.assert_array_equal(f(v.value, x), np.full(B.BAKE_MIN_SIZE, step + 1.0))
    assert _compilations(ov) - n == 3  # fed from the second change in a row


@pytest.mark.parametrize("other_shape", [(), (5,), (1, 5), (4, 1), (3, 1, 1), (3, 1, 5), (1, 3, 4, 1), (2, 3, 4, 5)])
def test_sunk_elementwise_ops_equal_numpy(ov, other_shape):
    # an elementwise op on Transpose(y) and an operand of any broadcastable shape: computed in y's
    # layout where the operand reshapes to it, as given otherwise; the values are NumPy's
    import openvino

    from dlx_openvino import _graph as G

    rng = np.random.default_rng(3)
    y = rng.standard_normal((2, 5, 3, 4)).astype(np.float32)  # channels first
    c = rng.standard_normal(other_shape).astype(np.float32)
    c.flat[0] = np.nan
    y[0, 1, 2, 3] = np.nan
    core = openvino.Core()
    p = O.parameter(list(y.shape), G.ov_type("float32"))
    xt = G.transpose(p.output(0), [0, 2, 3, 1])  # (2, 3, 4, 5)
    for fn, ref in ((lambda a, b: G.out(O.subtract(a, b)), np.subtract), (G.maximum, np.maximum)):
        for const in (True, False):
            q = O.parameter(list(c.shape), G.ov_type("float32"))
            res = G.sink_transposes(fn, xt, G.const(c, "float32") if const else q.output(0))
            assert G.shape(res) == np.broadcast_shapes((2, 3, 4, 5), c.shape)
            model = openvino.Model([res], [p] if const else [p, q])
            got = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})([y] if const else [y, c])[0]
            np.testing.assert_array_equal(got, ref(np.transpose(y, (0, 2, 3, 1)), c))
    # a Transpose of a Transpose is one Transpose, or none where they cancel
    assert G.transpose(xt, [0, 3, 1, 2]).get_node().get_type_name() == "Parameter"
    twice = G.transpose(xt, [0, 2, 3, 1])
    assert G.transposed(twice) is not None and G.transposed(G.transposed(twice)[0]) is None
    assert G.transposed(twice)[1] == [0, 3, 1, 2]


def test_baked_batch_normalization_statistics_fold_as_openvino_folds_them(ov, monkeypatch):
    # baked statistics: the kernel computes a and b in NumPy (float32, the graph's operations)
    # instead of leaving their nodes to compile_model's constant folding: bit for bit the same
    # model output, within the spec's bound of float64
    from dlx import ops
    from dlx_openvino import _graph as G

    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 4, 16)).astype(np.float32) * 3
    stats = [rng.standard_normal(16).astype(np.float32), rng.uniform(0.01, 3, 16).astype(np.float32),
             rng.standard_normal(16).astype(np.float32), rng.uniform(0.5, 2, 16).astype(np.float32)]
    stats[1][0] = 0.0  # epsilon alone under the root
    baked = [dlx.Variable(s, name=f"s{i}") for i, s in enumerate(stats)]

    def bn(x, mean, variance, offset, scale):
        return ops.batch_normalization(x, mean, variance, axis=-1, offset=offset, scale=scale, epsilon=EPS)

    f = ov.compile(bn)
    got = f(x, *(v.value for v in baked))
    (runner,) = f.cache.values()
    assert len(runner.compiled.inputs) == 1  # the statistics are constants
    monkeypatch.setattr(G, "constant_data", lambda v: None)  # a and b as graph nodes, folded by OpenVINO
    folded = ov.compile(bn)(x, *(v.value for v in baked))
    np.testing.assert_array_equal(got, folded)
    mean, variance, offset, scale = (s.astype(np.float64) for s in stats)
    want = (x - mean) / np.sqrt(variance + EPS) * scale + offset
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
