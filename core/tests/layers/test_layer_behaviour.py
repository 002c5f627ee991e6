"""Layer engine behaviour: training vs inference, masks, tracking, paths, freezing, weights, losses,
stateless_call, mixed precision, and the errors users see."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _skip_untrainable(backend):
    if not backend.capabilities.training:
        pytest.skip(backend.capabilities.reason("training"))


# ------------------------------------------------------------------------------ training vs inference
def test_dropout_training_vs_inference(backend):
    x = ops.convert_to_tensor(np.ones((64, 32), np.float32))
    layer = L.Dropout(0.25, seed=3)
    np.testing.assert_array_equal(_np(layer(x)), np.ones((64, 32)))
    np.testing.assert_array_equal(_np(layer(x, training=False)), np.ones((64, 32)))
    a = _np(layer(x, training=True))
    b = _np(layer(x, training=True))
    assert set(np.unique(a)) <= {0.0, np.float32(1 / 0.75)}
    assert 0.15 < float((a == 0).mean()) < 0.35
    assert not np.array_equal(a, b), "the seed generator must advance between calls"


def test_dropout_same_seed_same_mask_across_backends(backend):
    _skip_untrainable(backend)
    x = np.ones((8, 16), np.float32)
    ref_layer = None
    with dlx.backend.use("numpy"):
        ref_layer = L.Dropout(0.5, seed=7)
        ref = _np(ref_layer(x, training=True))
    out = _np(L.Dropout(0.5, seed=7)(ops.convert_to_tensor(x), training=True))
    np.testing.assert_array_equal(out == 0, ref == 0)


def test_dropout_noise_shape(numpy_backend):
    x = np.ones((4, 5, 6), np.float32)
    out = _np(L.Dropout(0.5, noise_shape=(None, 1, 6), seed=0)(x, training=True))
    assert np.all(out == out[:, :1, :])


def test_batch_normalization_training_updates_and_inference(backend):
    _skip_untrainable(backend)
    rng = np.random.RandomState(0)
    x = (rng.standard_normal((32, 4)) * 3 + 5).astype(np.float32)
    bn = L.BatchNormalization(momentum=0.5)
    y = _np(bn(ops.convert_to_tensor(x), training=True))
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(y.std(0), 1, atol=1e-3)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + 0.5 * x.var(0), rtol=1e-5)
    inf = _np(bn(ops.convert_to_tensor(x), training=False))
    expect = (x - bn.moving_mean.numpy()) / np.sqrt(bn.moving_variance.numpy() + 1e-3)
    np.testing.assert_allclose(inf, expect, rtol=1e-5, atol=1e-5)


def test_frozen_batch_normalization_runs_in_inference_mode(numpy_backend):
    x = np.random.RandomState(1).standard_normal((16, 3)).astype(np.float32) + 2
    bn = L.BatchNormalization()
    bn(x)
    bn.trainable = False
    before = bn.moving_mean.numpy().copy()
    out = bn(x, training=True)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)
    np.testing.assert_allclose(out, bn(x, training=False))
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4


def test_gaussian_noise_and_dropout_layers(numpy_backend):
    x = np.ones((50, 20), np.float32)
    for layer in (L.GaussianNoise(0.5, seed=1), L.GaussianDropout(0.3, seed=1)):
        np.testing.assert_array_equal(layer(x), x)
        assert not np.allclose(layer(x, training=True), x)


def test_rnn_dropout_only_in_training(numpy_backend):
    x = np.random.RandomState(0).standard_normal((2, 4, 3)).astype(np.float32)
    lstm = L.LSTM(3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    a, b = lstm(x), lstm(x, training=False)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(lstm(x, training=True), a)


def test_training_flag_propagates_to_sublayers(numpy_backend):
    seen = []

    class Probe(L.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(L.Layer):
        def __init__(self):
            super().__init__()
            self.p = Probe()

        def call(self, x):
            return self.p(x)

    o = Outer()
    o(np.ones(2, np.float32), training=True)
    o(np.ones(2, np.float32))
    assert seen == [True, None]


# ------------------------------------------------------------------------------ masking
def test_embedding_mask_skips_padding_in_lstm(backend):
    tokens = np.array([[3, 5, 2, 0, 0], [4, 1, 0, 0, 0]], np.int32)
    inp = dlx.Input(shape=(5,), dtype="int32")
    x = L.Embedding(8, 4, mask_zero=True)(inp)
    out = L.LSTM(3)(x)
    model = dlx.Model(inp, out)
    full = _np(model(tokens))
    short = dlx.Model(inp, out)  # same weights: run the unpadded prefixes through the layers directly
    emb, lstm = model.layers[1], model.layers[2]
    for i, n in enumerate((3, 2)):
        prefix = ops.convert_to_tensor(tokens[i:i + 1, :n])
        ref = _np(lstm(emb(prefix)))
        np.testing.assert_allclose(full[i:i + 1], ref, rtol=1e-5, atol=1e-6)
    assert short is not model


def test_global_average_pooling_respects_mask(numpy_backend):
    x = np.arange(12, dtype=np.float32).reshape(1, 4, 3)
    mask = np.array([[True, True, False, False]])
    out = L.GlobalAveragePooling1D()(x, mask=mask)
    np.testing.assert_allclose(out, x[:, :2].mean(1))


def test_masking_layer(numpy_backend):
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], np.float32)
    m = L.Masking(0.0)
    np.testing.assert_array_equal(_np(m.compute_mask(x)), [[True, False, True]])


def test_multi_head_attention_masks_and_scores(backend):
    rng = np.random.RandomState(0)
    q = ops.convert_to_tensor(rng.standard_normal((2, 4, 6)).astype(np.float32))
    v = ops.convert_to_tensor(rng.standard_normal((2, 3, 6)).astype(np.float32))
    mha = L.MultiHeadAttention(num_heads=2, key_dim=4)
    mask = np.ones((2, 4, 3), bool)
    mask[:, :, -1] = False
    out, scores = mha(q, v, attention_mask=ops.convert_to_tensor(mask), return_attention_scores=True)
    s = _np(scores)
    assert _np(out).shape == (2, 4, 6) and s.shape == (2, 2, 4, 3)
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-5)
    assert np.all(s[..., -1] < 1e-6)
    causal = _np(mha(q, q, use_causal_mask=True, return_attention_scores=True)[1])
    assert np.all(np.triu(np.ones((4, 4)), 1)[None, None] * causal < 1e-6)


def test_multi_head_attention_takes_the_fused_path_as_keras_does(backend, monkeypatch):
    # Keras attends with ops.dot_product_attention whenever the scores are not needed (no dropout,
    # none returned) for rank-3 inputs, whatever flash_attention says; the outputs agree
    import dlx.layers.attention as attention_module

    calls = []
    fused = attention_module.ops.dot_product_attention

    def counting(*args, **kwargs):
        calls.append(kwargs.get("mask") is not None)
        return fused(*args, **kwargs)

    monkeypatch.setattr(attention_module.ops, "dot_product_attention", counting)
    rng = np.random.RandomState(1)
    q = ops.convert_to_tensor(rng.standard_normal((2, 4, 6)).astype(np.float32))
    v = ops.convert_to_tensor(rng.standard_normal((2, 3, 6)).astype(np.float32))
    mask = np.ones((2, 4, 3), bool)
    mask[0, :, 1:] = False
    mha = L.MultiHeadAttention(num_heads=2, key_dim=4)
    out = _np(mha(q, v, attention_mask=ops.convert_to_tensor(mask)))
    assert calls == [True]
    with_scores = _np(mha(q, v, attention_mask=ops.convert_to_tensor(mask), return_attention_scores=True)[0])
    assert calls == [True]  # scores asked for: the explicit path
    np.testing.assert_allclose(out, with_scores, rtol=1e-5, atol=1e-6)
    L.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)(q, v)
    assert calls == [True]  # dropout on the scores: the explicit path


# ------------------------------------------------------------------------------ tracking, paths, weights
def test_tracking_lists_dicts_and_paths(numpy_backend):
    class Block(L.Layer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.stack = [L.Dense(3), L.Dense(3)]
            self.heads = {"a": L.Dense(2), "b": L.Dense(1)}
            self.scale = dlx.Variable(np.float32(2.0), name="scale")

        def call(self, x):
            for d in self.stack:
                x = d(x)
            return ops.concatenate([self.heads["a"](x), self.heads["b"](x)], -1) * self.scale

    blk = Block(name="block")
    blk(np.ones((2, 4), np.float32))
    paths = [v.path for v in blk.weights]
    assert paths[0] == "scale"
    assert len(paths) == 9
    assert all(p.startswith("block/dense") for p in paths[1:]), paths
    assert [la.name for la in blk._layers] == [d.name for d in (*blk.stack, blk.heads["a"], blk.heads["b"])]
    names = [n for n, _ in blk._named_variables()]
    assert names[0] == "scale" and names[1].endswith(".kernel") and len(set(names)) == len(names)
    assert blk._tracked_variables() == blk.variables


def test_trainable_freezing_and_counts(numpy_backend):
    model = dlx.Sequential([dlx.Input(shape=(4,)), L.Dense(3), L.BatchNormalization(), L.Dense(2)])
    assert model.count_params() == 15 + 12 + 8
    assert len(model.trainable_weights) == 6 and len(model.non_trainable_weights) == 2
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 4
    assert not model.layers[0].kernel.trainable
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 8
    model.trainable = True
    assert len(model.trainable_weights) == 6


def test_get_set_weights(backend):
    d = L.Dense(2)
    d.build((None, 3))
    w = [np.arange(6, dtype=np.float32).reshape(3, 2), np.array([1.0, -1.0], np.float32)]
    d.set_weights(w)
    for a, b in zip(d.get_weights(), w):
        np.testing.assert_array_equal(a, b)
    out = _np(d(ops.convert_to_tensor(np.ones((1, 3), np.float32))))
    np.testing.assert_array_equal(out, [[7.0, 8.0]])


def test_weight_and_activity_regularization_losses(numpy_backend):
    d = L.Dense(2, kernel_regularizer=dlx.regularizers.L2(0.5), activity_regularizer="l1", use_bias=False)
    x = np.ones((3, 2), np.float32)
    y = d(x)
    d.set_weights([np.array([[1.0, 2.0], [3.0, -4.0]], np.float32)])
    y = d(x)
    losses = [float(v) for v in d.losses]
    assert len(losses) == 2
    # the activity penalty is divided by the batch size (3), as Keras 3 does
    np.testing.assert_allclose(sorted(losses), sorted([0.01 * np.abs(y).sum() / 3, 0.5 * 30.0]), rtol=1e-6)


def test_activity_regularization_matches_keras(numpy_backend):
    keras = pytest.importorskip("keras")
    w = np.array([[1.0, 2.0], [3.0, -4.0]], np.float32)
    x = np.arange(10, dtype=np.float32).reshape(5, 2) - 4
    got, want = [], []
    for lib, out in ((dlx, got), (keras, want)):
        layer = lib.layers.Dense(2, activity_regularizer=lib.regularizers.L1L2(0.01, 0.02), use_bias=False)
        layer.build((None, 2))
        layer.set_weights([w])
        layer(x)
        out.extend(float(lib.ops.convert_to_numpy(v)) for v in layer.losses)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_stateless_call_is_pure(backend):
    _skip_untrainable(backend)
    model = dlx.Sequential([dlx.Input(shape=(3,)), L.Dense(4), L.BatchNormalization(), L.Dropout(0.5, seed=1),
                            L.Dense(1, kernel_regularizer="l2")])
    x = ops.convert_to_tensor(np.random.RandomState(0).standard_normal((8, 3)).astype(np.float32))
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]
    before = [v.numpy().copy() for v in model.variables]
    _, new_ntv, losses = model.stateless_call(tv, ntv, x, training=True, return_losses=True)
    assert len(new_ntv) == len(ntv) and len(losses) == 1
    for v, b in zip(model.variables, before):
        np.testing.assert_array_equal(v.numpy(), b)
    # moving stats and the dropout seed state changed in the returned values
    changed = [not np.array_equal(_np(a), _np(b)) for a, b in zip(new_ntv, ntv)]
    assert all(changed), changed
    inf, same_ntv = model.stateless_call(tv, ntv, x)
    np.testing.assert_allclose(_np(inf), _np(model(x)), rtol=1e-6, atol=1e-6)
    for a, b in zip(same_ntv, ntv):
        np.testing.assert_array_equal(_np(a), _np(b))


def test_stateless_call_argument_errors(numpy_backend):
    d = L.Dense(2)
    with pytest.raises(ValueError, match="not built"):
        d.stateless_call([], [], np.ones((1, 3), np.float32))
    d.build((None, 3))
    with pytest.raises(ValueError, match="expected 2 trainable"):
        d.stateless_call([d.kernel.value], [], np.ones((1, 3), np.float32))


# ------------------------------------------------------------------------------ dtype policy
@pytest.mark.parametrize("policy,compute", [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")])
def test_mixed_precision_policy(backend, policy, compute, request):
    if backend.name == "numpy" and compute == "bfloat16":
        pytest.importorskip("ml_dtypes")
    if backend.name == "openvino" and compute == "bfloat16":
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "dlx-openvino: feeding a bfloat16 tensor to the compiled model fails with 'Unsupported data type: "
            "bfloat16' (openvino Python bindings cannot wrap ml_dtypes bfloat16 arrays)")))
    d = L.Dense(3, dtype=policy)
    x = ops.convert_to_tensor(np.ones((2, 4), np.float32))
    y = d(x)
    assert d.kernel.dtype == "float32" and d.compute_dtype == compute and d.dtype == "float32"
    assert ops.dtype(y) == compute
    bn = L.BatchNormalization(dtype=policy)
    assert ops.dtype(bn(y)) == compute and bn.gamma.dtype == "float32"


def test_global_dtype_policy(numpy_backend):
    try:
        dlx.dtype_policies.set_dtype_policy("mixed_float16")
        assert L.Dense(1).dtype_policy.name == "mixed_float16"
    finally:
        dlx.dtype_policies.set_dtype_policy(None)
    assert L.Dense(1).compute_dtype == "float32"


# ------------------------------------------------------------------------------ errors
def test_wrong_input_rank_error_names_layer_expected_and_received(numpy_backend):
    d = L.Dense(2, name="head")
    with pytest.raises(ValueError, match=r"layer 'head'.*expected min_ndim=2, found ndim=1.*\(3,\)"):
        d(np.ones(3, np.float32))
    c = L.Conv2D(2, 3, name="conv")
    with pytest.raises(ValueError, match=r"layer 'conv'.*expected min_ndim=4, found ndim=3"):
        c(dlx.Input(shape=(5, 3)))
    d(np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match=r"layer 'head'.*axis -1 .* value 3.*\(1, 4\)"):
        d(np.ones((1, 4), np.float32))


def test_incompatible_merge_shapes(numpy_backend):
    a, b = dlx.Input(shape=(3,)), dlx.Input(shape=(4,))
    with pytest.raises(ValueError, match=r"Add layer 'add_bad' have incompatible shapes: \[\(None, 3\), \(None, 4\)\]"):
        L.Add(name="add_bad")([a, b])
    c, d = dlx.Input(shape=(2, 3)), dlx.Input(shape=(4, 3))
    with pytest.raises(ValueError, match=r"Concatenate layer 'cat'.*matching shapes except for the concatenation axis "
                                         r"-1.*\[\(None, 2, 3\), \(None, 4, 3\)\]"):
        L.Concatenate(name="cat")([c, d])
    with pytest.raises(ValueError, match="list of inputs"):
        L.Add()(a)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([a, a, a])
    with pytest.raises(ValueError, match="incompatible shapes"):
        L.Multiply()([np.ones((2, 3), np.float32), np.ones((2, 4), np.float32)])


def test_unbuilt_layer_weight_errors(numpy_backend):
    d = L.Dense(2, name="late")
    with pytest.raises(AttributeError, match=r"Layer 'late' has not been built yet.*build\(input_shape\)"):
        d.kernel  # noqa: B018
    with pytest.raises(ValueError, match=r"count_params.*'late'.*not built"):
        d.count_params()
    with pytest.raises(ValueError, match="'late' has no weights yet"):
        d.set_weights([np.zeros((3, 2))])
    assert d.weights == [] and d.get_weights() == []
    d.build((None, 3))
    with pytest.raises(ValueError, match=r"'late/kernel' has shape \(3, 2\); received an array of shape \(2, 2\)"):
        d.set_weights([np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="expected a list of 2 arrays"):
        d.set_weights([np.zeros((3, 2))])


def test_missing_super_init_error():
    class Bad(L.Layer):
        def __init__(self):
            self.x = 1

        def call(self, x):
            return x

    with pytest.raises(RuntimeError, match="did not call super"):
        Bad()(np.ones(1))


def test_layer_argument_errors():
    with pytest.raises(ValueError, match="units=0"):
        L.Dense(0)
    with pytest.raises(ValueError, match=r"Dropout .*rate=1.5"):
        L.Dropout(1.5)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        L.Dense(2, foo=1)
    with pytest.raises(ValueError, match="filters=5 must be divisible by groups=2"):
        L.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match="permutation"):
        L.Permute((1, 3))
    with pytest.raises(ValueError, match="groups=3 must divide the number of channels"):
        L.GroupNormalization(groups=3)(dlx.Input(shape=(4,)))
    with pytest.raises(ValueError, match="total size"):
        L.Reshape((5,))(dlx.Input(shape=(2, 3)))
