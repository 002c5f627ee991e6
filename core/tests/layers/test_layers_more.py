"""The layers added for Keras 3 parity (PReLU, UnitNormalization, AlphaDropout, the 3-D reshaping
family, UpSampling2D's kernels, adaptive pooling, Attention, AdditiveAttention,
ReversibleEmbedding) on every backend against float64 NumPy definitions (and
``jax.image.resize`` for the resize kernels). Keras-file interop for each is in
``saving/keras_side.py``'s catalog."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import layers as L

R = np.random.default_rng(5)


def f32(*shape):
    return R.standard_normal(shape).astype(np.float32)


def np_(x):
    return np.asarray(dlx.ops.convert_to_numpy(x), np.float64)


def close(got, want, tol=2e-5):
    np.testing.assert_allclose(np_(got), want, rtol=tol, atol=tol)


def test_prelu(backend):
    x = f32(2, 3, 4)
    layer = L.PReLU(alpha_initializer="glorot_uniform", shared_axes=[1])
    y = layer(x)
    alpha = np_(layer.alpha)
    assert alpha.shape == (1, 4)
    x64 = x.astype(np.float64)
    close(y, np.where(x64 >= 0, x64, alpha * x64))
    with pytest.raises(ValueError, match="shared_axes"):
        L.PReLU(shared_axes=[3])(x)


def test_unit_normalization(backend):
    x = f32(3, 4, 5)
    x64 = x.astype(np.float64)
    close(L.UnitNormalization()(x), x64 / np.linalg.norm(x64, axis=-1, keepdims=True))
    close(L.UnitNormalization(axis=[1, 2])(x), x64 / np.sqrt((x64**2).sum((1, 2), keepdims=True)))
    assert np.all(np_(L.UnitNormalization()(np.zeros((2, 3), np.float32))) == 0)  # no NaN at zero
    with pytest.raises(TypeError, match="axis='x'"):
        L.UnitNormalization(axis="x")


def test_alpha_dropout(backend):
    x = f32(200, 50)
    rate = 0.3
    layer = L.AlphaDropout(rate, seed=4)
    np.testing.assert_array_equal(np_(layer(x)), x)  # inference: identity
    y = np_(layer(x, training=True))
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    kept = np.isclose(y, a * x + b, atol=1e-5)
    dropped = np.isclose(y, a * alpha_p + b, atol=1e-5)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 0.02
    # SELU-distributed inputs keep (about) zero mean and unit variance
    s = np_(dlx.ops.selu(R.standard_normal((400, 100)).astype(np.float32)))
    z = np_(L.AlphaDropout(0.2, seed=1)(s.astype(np.float32), training=True))
    assert abs(z.mean() - s.mean()) < 0.03 and abs(z.std() - s.std()) < 0.03
    with pytest.raises(ValueError, match=r"rate=1\.5"):
        L.AlphaDropout(1.5)


def test_spatial_dropout3d(backend):
    x = np.ones((4, 3, 3, 3, 8), np.float32)
    y = np_(L.SpatialDropout3D(0.5, seed=2)(x, training=True))
    per_channel = y.reshape(4, 27, 8)
    assert np.all(per_channel == per_channel[:, :1, :])  # one decision per (sample, channel)
    assert set(np.unique(y)) <= {0.0, 2.0}
    yc = np_(L.SpatialDropout3D(0.5, data_format="channels_first", seed=2)(x.transpose(0, 4, 1, 2, 3),
                                                                            training=True))
    assert np.all(yc.reshape(4, 8, 27) == yc.reshape(4, 8, 27)[:, :, :1])


def test_3d_reshaping(backend):
    x = f32(2, 4, 5, 3, 2)
    close(L.Cropping3D(((1, 0), (0, 2), (1, 1)))(x), x[:, 1:, :3, 1:2])
    close(L.Cropping3D(((1, 1), (1, 1), (0, 0)), data_format="channels_first")(x), x[:, :, 1:-1, 1:-1])
    close(L.ZeroPadding3D((1, 0, 2))(x), np.pad(x, ((0, 0), (1, 1), (0, 0), (2, 2), (0, 0))))
    close(L.ZeroPadding3D(((0, 1), (2, 0), (1, 1)), data_format="channels_first")(x),
          np.pad(x, ((0, 0), (0, 0), (0, 1), (2, 0), (1, 1))))
    close(L.UpSampling3D((2, 1, 3))(x), x.repeat(2, 1).repeat(3, 3))
    close(L.UpSampling3D(2, data_format="channels_first")(x), x.repeat(2, 2).repeat(2, 3).repeat(2, 4))
    with pytest.raises(ValueError, match="removes all"):
        L.Cropping3D(2)(x)


@pytest.mark.parametrize("method", ["bilinear", "bicubic", "lanczos3", "lanczos5"])
def test_upsampling2d_kernels(backend, method):
    jimage = pytest.importorskip("jax.image")
    x = f32(2, 5, 4, 3)
    want = np.asarray(jimage.resize(x, (2, 10, 12, 3), method={"bicubic": "cubic"}.get(method, method),
                                    antialias=False), np.float64)
    close(L.UpSampling2D((2, 3), interpolation=method)(x), want, 1e-4)
    xc = x.transpose(0, 3, 1, 2)
    close(L.UpSampling2D((2, 3), data_format="channels_first", interpolation=method)(xc), want.transpose(0, 3, 1, 2),
          1e-4)


def test_upsampling2d_bad_interpolation():
    with pytest.raises(ValueError, match="interpolation='area'"):
        L.UpSampling2D(interpolation="area")


def _adaptive_ref(x, out, axes, fn):
    for axis, o in zip(axes, out):
        n = x.shape[axis]
        parts = [fn(np.take(x, range(i * n // o, -(-(i + 1) * n // o)), axis=axis), axis=axis, keepdims=True)
                 for i in range(o)]
        x = np.concatenate(parts, axis=axis)
    return x


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_adaptive_pooling(backend, rank):
    shape = {1: (2, 7, 3), 2: (2, 7, 5, 3), 3: (2, 5, 4, 7, 2)}[rank]
    out = {1: (3,), 2: (3, 2), 3: (2, 3, 4)}[rank]
    x = f32(*shape)
    x64 = x.astype(np.float64)
    avg = getattr(L, f"AdaptiveAveragePooling{rank}D")
    mx = getattr(L, f"AdaptiveMaxPooling{rank}D")
    axes = range(1, rank + 1)
    close(avg(out)(x), _adaptive_ref(x64, out, axes, np.mean))
    close(mx(out)(x), _adaptive_ref(x64, out, axes, np.max))
    xc = np.ascontiguousarray(np.moveaxis(x, -1, 1))  # dlx-openvino misreads some strided inputs (reported)
    close(mx(out, data_format="channels_first")(xc), np.moveaxis(_adaptive_ref(x64, out, axes, np.max), -1, 1))
    close(avg(out, data_format="channels_first")(xc), np.moveaxis(_adaptive_ref(x64, out, axes, np.mean), -1, 1))
    sym = avg(out)(dlx.Input(shape[1:]))
    assert tuple(sym.shape) == (None, *out, shape[-1])
    with pytest.raises(TypeError, match="output_size"):
        avg((2,) * (rank + 1))


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_attention(backend):
    q, v, k = f32(2, 4, 5), f32(2, 3, 5), f32(2, 3, 5)
    q64, v64, k64 = (a.astype(np.float64) for a in (q, v, k))
    layer = L.Attention(use_scale=True)
    out, w = layer([q, v, k], return_attention_scores=True)
    scale = float(np_(layer.scale))
    want_w = _softmax(scale * q64 @ k64.transpose(0, 2, 1))
    close(w, want_w)
    close(out, want_w @ v64)
    # masks: value positions masked out, query rows zeroed; causal
    vm = np.array([[True, True, False], [True, False, True]])
    qm = np.array([[True, False, True, True], [True, True, True, False]])
    s = q64 @ v64.transpose(0, 2, 1)
    s = np.where(vm[:, None, :], s, s - 1e9)
    want = np.where(qm[..., None], _softmax(s) @ v64, 0.0)
    close(L.Attention()([q, v], mask=[qm, vm]), want)
    s = q64 @ v64.transpose(0, 2, 1)
    causal = np.tril(np.ones((4, 3), bool))
    close(L.Attention()([q, v], use_causal_mask=True), _softmax(np.where(causal, s, s - 1e9)) @ v64)
    # concat scores
    layer = L.Attention(score_mode="concat")
    out = layer([q, v])
    sc = float(np_(layer.concat_score_weight)) * np.tanh(q64[:, :, None, :] + v64[:, None, :, :]).sum(-1)
    close(out, _softmax(sc) @ v64)
    with pytest.raises(ValueError, match="score_mode='cosine'"):
        L.Attention(score_mode="cosine")
    with pytest.raises(ValueError, match="must be a list"):
        L.Attention()(q)


def test_additive_attention(backend):
    q, v = f32(2, 4, 5), f32(2, 3, 5)
    q64, v64 = q.astype(np.float64), v.astype(np.float64)
    layer = L.AdditiveAttention()
    out = layer([q, v])
    scale = np_(layer.scale)
    s = (scale * np.tanh(q64[:, :, None, :] + v64[:, None, :, :])).sum(-1)
    close(out, _softmax(s) @ v64)
    out = L.AdditiveAttention(use_scale=False)([q, v])
    close(out, _softmax(np.tanh(q64[:, :, None, :] + v64[:, None, :, :]).sum(-1)) @ v64)


def test_reversible_embedding(backend):
    ids = np.array([[1, 2, 0], [4, 9, 3]])
    layer = L.ReversibleEmbedding(10, 4, logit_soft_cap=2.0)
    h = layer(ids)
    table = np_(layer.embeddings)
    close(h, table[ids])
    logits = layer(h, reverse=True)
    close(logits, np.tanh(table[ids] @ table.T / 2.0) * 2.0)
    untied = L.ReversibleEmbedding(10, 4, tie_weights=False)
    untied(ids)
    x = f32(2, 4)
    close(untied(x, reverse=True), x.astype(np.float64) @ np_(untied.reverse_embeddings))
    assert [w.name for w in untied.weights] == ["embeddings", "reverse_embeddings"]


def test_new_layers_train(backend):
    """A model using PReLU, Attention, UnitNormalization and adaptive pooling fits: the loss falls."""
    if backend.name == "openvino":
        pytest.skip("openvino is an inference backend: no fit()")
    dlx.utils.set_random_seed(1)
    x = f32(64, 6, 4)
    y = (x.sum((1, 2)) > 0).astype(np.float32)[:, None]
    inp = dlx.Input((6, 4))
    h = L.Dense(8)(inp)
    h = L.PReLU()(h)
    h = L.Attention(use_scale=True)([h, h])
    h = L.AdaptiveAveragePooling1D(2)(h)
    h = L.Flatten()(L.UnitNormalization()(h))
    model = dlx.Model(inp, L.Dense(1, activation="sigmoid")(h))
    model.compile(dlx.optimizers.Adam(0.02), "binary_crossentropy")
    hist = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.8 * hist.history["loss"][0]


def _gqa_ref(layer, q, v, causal=False, window=None, q_mask=None):
    """float64 NumPy grouped-query attention with the layer's weights."""
    w = {p.path.split("/", 1)[1]: np_(p) for p in layer.weights}
    q64, v64 = q.astype(np.float64), v.astype(np.float64)
    qh = np.einsum("bqm,muh->bquh", q64, w["query/kernel"]) + w["query/bias"]
    kh = np.einsum("bkm,mvh->bkvh", v64, w["key/kernel"]) + w["key/bias"]
    vh = np.einsum("bkm,mvh->bkvh", v64, w["value/kernel"]) + w["value/bias"]
    rep = layer.num_query_heads // layer.num_key_value_heads
    kh, vh = kh.repeat(rep, 2), vh.repeat(rep, 2)
    s = np.einsum("bquh,bkuh->buqk", qh / np.sqrt(layer.head_dim), kh)
    t, n = q.shape[1], v.shape[1]
    keep = np.ones((t, n), bool)
    if causal:
        keep &= np.tril(np.ones((t, n), bool))
    if window is not None:
        keep &= np.abs(np.arange(t)[:, None] - np.arange(n)[None, :]) < window
    keep = np.broadcast_to(keep, (q.shape[0], t, n))
    if q_mask is not None:
        keep = keep & q_mask[:, :, None]
    s = np.where(keep[:, None], s, -1e9)
    p = _softmax(s)
    out = np.einsum("buqk,bkuh->bquh", p, vh)
    if layer.use_gate:
        out = out / (1 + np.exp(-(np.einsum("bqm,muh->bquh", q64, w["gate/kernel"]) + w["gate/bias"])))
    return np.einsum("bquh,uhm->bqm", out, w["attention_output/kernel"]) + w["attention_output/bias"], p


def test_group_query_attention(backend):
    q, v = f32(2, 5, 6), f32(2, 5, 6)
    layer = L.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, bias_initializer="ones")
    out, scores = layer(q, v, return_attention_scores=True)
    want, p = _gqa_ref(layer, q, v)
    close(out, want, 5e-5)
    close(scores, p, 5e-5)
    close(layer(q, v, use_causal_mask=True), _gqa_ref(layer, q, v, causal=True)[0], 5e-5)
    gated = L.GroupQueryAttention(2, 2, 1, use_gate=True, sliding_window=2, bias_initializer="ones")
    qm = np.array([[True] * 4 + [False], [True] * 5])
    close(gated(q, v, query_mask=qm), _gqa_ref(gated, q, v, window=2, q_mask=qm)[0], 5e-5)
    flash = L.GroupQueryAttention(3, 4, 2, flash_attention=True)
    flash.build(q.shape, v.shape)
    flash.set_weights(layer.get_weights())
    close(flash(q, v, use_causal_mask=True), _gqa_ref(layer, q, v, causal=True)[0], 5e-5)
    with pytest.raises(ValueError, match="num_key_value_heads=3"):
        L.GroupQueryAttention(2, 4, 3)
    with pytest.raises(ValueError, match="sliding_window=0"):
        L.GroupQueryAttention(2, 4, 2, sliding_window=0)
    with pytest.raises(ValueError, match="flash_attention"):
        L.GroupQueryAttention(2, 4, 2, flash_attention=True, dropout=0.1)


def test_spectral_normalization(backend):
    x = f32(4, 5)
    sn = L.SpectralNormalization(L.Dense(3), power_iterations=2)
    close(sn(x), x.astype(np.float64) @ np_(sn.layer.kernel) + np_(sn.layer.bias))  # inference: the layer as is
    w0, u = np_(sn.layer.kernel), np_(sn.vector_u)
    for _ in range(2):  # float64 power iteration
        v = u @ w0.T
        v /= np.linalg.norm(v)
        u = v @ w0
        u /= np.linalg.norm(u)
    sigma = (v @ w0 @ u.T).item()
    y = sn(x, training=True)
    close(sn.layer.kernel, w0 / sigma, 1e-5)
    close(sn.vector_u, u, 1e-5)
    close(y, x.astype(np.float64) @ (w0 / sigma) + np_(sn.layer.bias), 1e-5)
    for _ in range(30):
        sn(x, training=True)
    assert abs(np.linalg.svd(np_(sn.layer.kernel))[1][0] - 1) < 1e-3
    with pytest.raises(ValueError, match="no 'kernel' nor 'embeddings'"):
        L.SpectralNormalization(L.ReLU())(x)
    with pytest.raises(ValueError, match="power_iterations=0"):
        L.SpectralNormalization(L.Dense(2), power_iterations=0)
    if backend.name != "openvino":  # trains inside compiled fit steps
        dlx.utils.set_random_seed(2)
        model = dlx.Sequential([dlx.Input((5,)), L.SpectralNormalization(L.Dense(4)), L.Dense(1)])
        model.compile(dlx.optimizers.Adam(0.05), "mse")
        xt = f32(64, 5)
        hist = model.fit(xt, xt.sum(1, keepdims=True), epochs=10, batch_size=16, verbose=0)
        assert np.isfinite(hist.history["loss"]).all()
        assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]


def test_multi_head_attention_gate_window_flash(backend):
    import types

    q, v = f32(2, 5, 6), f32(2, 5, 6)
    mha = L.MultiHeadAttention(2, 3, use_gate=True, sliding_window=2, bias_initializer="ones")
    out = mha(q, v)
    shim = types.SimpleNamespace(weights=mha.weights, num_query_heads=2, num_key_value_heads=2, head_dim=3,
                                 use_gate=True)
    close(out, _gqa_ref(shim, q, v, window=2)[0], 5e-5)
    flash = L.MultiHeadAttention(2, 3, flash_attention=True)
    plain = L.MultiHeadAttention(2, 3, bias_initializer="ones")
    plain(q, v)
    flash.build(q.shape, v.shape)
    flash.set_weights(plain.get_weights())
    shim = types.SimpleNamespace(weights=plain.weights, num_query_heads=2, num_key_value_heads=2, head_dim=3,
                                 use_gate=False)
    close(flash(q, v, use_causal_mask=True), _gqa_ref(shim, q, v, causal=True)[0], 5e-5)
    assert mha.get_config()["use_gate"] is True and mha.get_config()["sliding_window"] == 2
    with pytest.raises(ValueError, match="flash_attention"):
        L.MultiHeadAttention(2, 3, flash_attention=True, dropout=0.2)
    with pytest.raises(ValueError, match="return_attention_scores"):
        flash(q, v, return_attention_scores=True)


def test_leaky_relu_takes_keras2_alpha_as_negative_slope_and_warns():
    with pytest.warns(UserWarning, match="alpha"):
        layer = L.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1 and layer.get_config()["negative_slope"] == 0.1
    out = np.asarray(layer(np.array([[-2.0, 3.0]], "float32")))
    np.testing.assert_allclose(out, [[-0.2, 3.0]], rtol=1e-6)
