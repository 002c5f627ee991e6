"""The per-layer test battery: every layer of the first set, on every backend.

For each case: the symbolic output shape with an unknown batch (and dtype), the config round trip
(``from_config(get_config())`` and the JSON ``serialize``/``deserialize``), the forward output on
each backend against the float64 NumPy oracle with identical weights (PARITY.md's normwise class),
the gradient on NumPy (float64 autodiff against central finite differences along random
directions), and training-vs-inference equality for deterministic layers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops


@dataclasses.dataclass
class Case:
    id: str
    make: Callable  # (**layer_kwargs) -> Layer
    shapes: tuple  # input shapes (per positional argument); a list for a list argument
    contraction: int = 1  # longest contraction length K
    depth: int = 2  # ops chained
    call_kwargs: dict = dataclasses.field(default_factory=dict)
    int_input: int | None = None  # integer inputs in [0, int_input)
    grad: bool = True
    deterministic: bool = True  # training=True gives the inference output
    positive: bool = False  # positive inputs (e.g. for log-like layers)


def _rnn_depth(t, per_step):
    return t * per_step


CASES = [
    Case("dense", lambda **k: L.Dense(4, activation="tanh", **k), ((3, 5),), 5, 4),
    Case("dense_3d_nobias", lambda **k: L.Dense(3, use_bias=False, **k), ((2, 3, 5),), 5, 1),
    Case("einsum_dense", lambda **k: L.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de", **k),
         ((2, 4, 5),), 5, 2),
    Case("einsum_dense_ellipsis", lambda **k: L.EinsumDense("...b,bc->...c", 4, bias_axes="c", **k), ((2, 3, 5),), 5,
         2),
    Case("activation_gelu", lambda **k: L.Activation("gelu", **k), ((3, 6),), 1, 8),
    Case("activation_softmax", lambda **k: L.Activation("softmax", **k), ((3, 6),), 6, 4),
    Case("relu_layer", lambda **k: L.ReLU(max_value=1.0, negative_slope=0.1, **k), ((3, 6),), 1, 3),
    Case("leaky_relu_layer", lambda **k: L.LeakyReLU(0.2, **k), ((3, 6),), 1, 1),
    Case("elu_layer", lambda **k: L.ELU(0.7, **k), ((3, 6),), 1, 4),
    Case("softmax_layer", lambda **k: L.Softmax(axis=-1, **k), ((3, 6),), 6, 4),
    Case("dropout", lambda **k: L.Dropout(0.5, seed=1, **k), ((3, 6),), 1, 1, deterministic=False),
    Case("flatten", lambda **k: L.Flatten(**k), ((2, 3, 4),), 1, 1),
    Case("flatten_channels_first", lambda **k: L.Flatten(data_format="channels_first", **k), ((2, 3, 4, 2),), 1, 1),
    Case("reshape", lambda **k: L.Reshape((3, -1), **k), ((2, 4, 3),), 1, 1),
    Case("permute", lambda **k: L.Permute((2, 1), **k), ((2, 4, 3),), 1, 1),
    Case("repeat_vector", lambda **k: L.RepeatVector(3, **k), ((2, 4),), 1, 1),
    Case("lambda", lambda **k: L.Lambda(lambda x: ops.square(x) + 1.0, **k), ((3, 4),), 1, 2),
    Case("identity", lambda **k: L.Identity(**k), ((3, 4),), 1, 1),
    Case("embedding", lambda **k: L.Embedding(10, 4, **k), ((2, 5),), 1, 1, int_input=10),
    Case("embedding_mask_zero", lambda **k: L.Embedding(10, 4, mask_zero=True, **k), ((2, 5),), 1, 1, int_input=10),
    Case("conv1d_causal", lambda **k: L.Conv1D(4, 3, padding="causal", **k), ((2, 7, 3),), 9, 2),
    Case("conv1d_same_stride", lambda **k: L.Conv1D(4, 3, strides=2, padding="same", activation="relu", **k),
         ((2, 7, 3),), 9, 3),
    Case("conv2d", lambda **k: L.Conv2D(4, 3, padding="same", **k), ((2, 6, 6, 3),), 27, 2),
    Case("conv2d_strides_dilation", lambda **k: L.Conv2D(3, (3, 2), strides=(2, 1), dilation_rate=(1, 2), **k),
         ((2, 7, 6, 2),), 12, 2),
    Case("conv2d_groups", lambda **k: L.Conv2D(4, 3, groups=2, **k), ((2, 6, 6, 4),), 18, 2),
    Case("conv2d_channels_first", lambda **k: L.Conv2D(4, 3, data_format="channels_first", **k), ((2, 3, 6, 5),),
         27, 2),
    Case("conv2d_transpose", lambda **k: L.Conv2DTranspose(3, 3, strides=2, padding="same", **k), ((2, 4, 4, 2),),
         18, 2),
    Case("conv2d_transpose_valid", lambda **k: L.Conv2DTranspose(2, (3, 2), strides=(2, 1), **k), ((2, 3, 4, 3),),
         18, 2),
    Case("depthwise_conv2d", lambda **k: L.DepthwiseConv2D(3, depth_multiplier=2, **k), ((2, 6, 6, 3),), 9, 2),
    Case("separable_conv2d", lambda **k: L.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, **k),
         ((2, 6, 6, 3),), 9, 4),
    Case("max_pooling1d", lambda **k: L.MaxPooling1D(2, **k), ((2, 8, 3),), 1, 1),
    Case("max_pooling2d", lambda **k: L.MaxPooling2D((2, 2), strides=1, padding="same", **k), ((2, 5, 5, 2),), 1, 1),
    Case("average_pooling1d", lambda **k: L.AveragePooling1D(3, strides=2, padding="same", **k), ((2, 8, 3),), 3,
         2),
    Case("average_pooling2d", lambda **k: L.AveragePooling2D(2, **k), ((2, 6, 6, 2),), 4, 2),
    Case("global_max_pooling1d", lambda **k: L.GlobalMaxPooling1D(**k), ((2, 5, 3),), 1, 1),
    Case("global_average_pooling1d", lambda **k: L.GlobalAveragePooling1D(**k), ((2, 5, 3),), 5, 2),
    Case("global_max_pooling2d", lambda **k: L.GlobalMaxPooling2D(keepdims=True, **k), ((2, 4, 5, 3),), 1, 1),
    Case("global_average_pooling2d", lambda **k: L.GlobalAveragePooling2D(**k), ((2, 4, 5, 3),), 20, 2),
    Case("batch_normalization", lambda **k: L.BatchNormalization(**k), ((6, 5),), 1, 5, deterministic=False),
    Case("batch_normalization_axis1", lambda **k: L.BatchNormalization(axis=1, **k), ((4, 3, 2),), 1, 5,
         deterministic=False),
    Case("layer_normalization", lambda **k: L.LayerNormalization(**k), ((3, 8),), 8, 6),
    Case("layer_normalization_axes", lambda **k: L.LayerNormalization(axis=[1, 2], **k), ((2, 3, 4),), 12, 6),
    Case("layer_normalization_rms", lambda **k: L.LayerNormalization(rms_scaling=True, **k), ((3, 8),), 8, 5),
    Case("group_normalization", lambda **k: L.GroupNormalization(groups=2, **k), ((2, 5, 6),), 15, 6),
    Case("rms_normalization", lambda **k: L.RMSNormalization(**k), ((3, 8),), 8, 5),
    Case("zero_padding2d", lambda **k: L.ZeroPadding2D(((1, 0), (2, 1)), **k), ((2, 3, 4, 2),), 1, 1),
    Case("up_sampling2d", lambda **k: L.UpSampling2D((2, 3), **k), ((2, 3, 2, 2),), 1, 1),
    Case("up_sampling2d_bilinear", lambda **k: L.UpSampling2D(2, interpolation="bilinear", **k), ((2, 3, 4, 2),), 1,
         4),
    Case("cropping2d", lambda **k: L.Cropping2D(((1, 0), (1, 2)), **k), ((2, 4, 5, 2),), 1, 1),
    Case("add", lambda **k: L.Add(**k), ([(3, 4), (3, 4), (3, 4)],), 1, 2),
    Case("subtract", lambda **k: L.Subtract(**k), ([(3, 4), (3, 4)],), 1, 1),
    Case("multiply", lambda **k: L.Multiply(**k), ([(3, 4), (3, 4)],), 1, 1),
    Case("average", lambda **k: L.Average(**k), ([(3, 4), (3, 4)],), 1, 2),
    Case("maximum", lambda **k: L.Maximum(**k), ([(3, 4), (3, 4)],), 1, 1),
    Case("minimum", lambda **k: L.Minimum(**k), ([(3, 4), (3, 4)],), 1, 1),
    Case("add_broadcast", lambda **k: L.Add(**k), ([(3, 4), (3, 1)],), 1, 1),
    Case("concatenate", lambda **k: L.Concatenate(**k), ([(3, 4), (3, 2)],), 1, 1),
    Case("concatenate_axis1", lambda **k: L.Concatenate(axis=1, **k), ([(2, 3, 4), (2, 2, 4)],), 1, 1),
    Case("dot", lambda **k: L.Dot(axes=1, **k), ([(3, 4), (3, 4)],), 4, 1),
    Case("dot_normalize", lambda **k: L.Dot(axes=(2, 2), normalize=True, **k), ([(2, 3, 4), (2, 5, 4)],), 4, 6),
    Case("multi_head_attention", lambda **k: L.MultiHeadAttention(2, 3, **k), ((2, 4, 5), (2, 3, 5)), 6, 12),
    Case("multi_head_attention_causal", lambda **k: L.MultiHeadAttention(2, 3, value_dim=2, output_shape=4, **k),
         ((2, 4, 5), (2, 4, 5)), 6, 12, call_kwargs={"use_causal_mask": True}),
    Case("simple_rnn", lambda **k: L.SimpleRNN(3, **k), ((2, 4, 5),), 5, _rnn_depth(4, 4)),
    Case("lstm", lambda **k: L.LSTM(3, return_sequences=True, **k), ((2, 4, 5),), 5, _rnn_depth(4, 8)),
    Case("lstm_go_backwards_state", lambda **k: L.LSTM(3, go_backwards=True, return_state=True, **k), ((2, 4, 5),),
         5, _rnn_depth(4, 8)),
    Case("gru", lambda **k: L.GRU(3, **k), ((2, 4, 5),), 5, _rnn_depth(4, 8)),
    Case("gru_reset_before", lambda **k: L.GRU(3, reset_after=False, return_sequences=True, **k), ((2, 4, 5),), 5,
         _rnn_depth(4, 8)),
    Case("bidirectional", lambda **k: L.Bidirectional(L.LSTM(3, return_sequences=True), **k), ((2, 4, 5),), 5,
         _rnn_depth(4, 8)),
    Case("bidirectional_sum", lambda **k: L.Bidirectional(L.GRU(2), merge_mode="sum", **k), ((2, 4, 5),), 5,
         _rnn_depth(4, 8)),
    Case("time_distributed", lambda **k: L.TimeDistributed(L.Dense(3), **k), ((2, 4, 5),), 5, 2),
]
IDS = [c.id for c in CASES]

# Plugin bugs that block a case on one backend (reported to the owner; strict: a fix makes them fail).
KNOWN_BACKEND_ISSUES: dict[tuple[str, str], str] = {}


def _known_issue(request, backend, case):
    reason = KNOWN_BACKEND_ISSUES.get((backend.name, case.id))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
assert len(set(IDS)) == len(IDS)


def _inputs(case: Case, dtype, seed=0):
    rng = np.random.RandomState(seed)

    def one(shape):
        if case.int_input is not None:
            a = rng.randint(0, case.int_input, size=shape).astype(np.int32)
            a[:, -1] = 0  # exercise padding
            return a
        a = rng.standard_normal(shape)
        if case.positive:
            a = np.abs(a) + 0.1
        return a.astype(np.float32).astype(dtype)

    args = []
    for s in case.shapes:
        if isinstance(s, list):
            args.append([one(x) for x in s])
        else:
            args.append(one(s))
    return args


def _to_backend(args):
    return [([ops.convert_to_tensor(x) for x in a] if isinstance(a, list) else ops.convert_to_tensor(a)) for a in args]


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return np.asarray(ops.convert_to_numpy(x))


def _weights_for(layer, seed=1):
    """Deterministic weights, exactly representable in float32, from the layer's initial values."""
    rng = np.random.RandomState(seed)
    out = []
    for v in layer.weights:
        w = np.asarray(v.numpy(), np.float64)
        if np.issubdtype(w.dtype, np.floating):
            w = w + 0.1 * rng.standard_normal(w.shape)
            if "variance" in v.name:
                w = np.abs(w) + 0.5
        out.append(w.astype(np.float32))
    return out


def _leaves(x):
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(_leaves(v))
        return out
    return [x]


def _symbolic_args(case: Case, dtype):
    def sym(shape):
        return dlx.Input(shape=shape[1:], dtype="int32" if case.int_input is not None else dtype)

    return [[sym(x) for x in s] if isinstance(s, list) else sym(s) for s in case.shapes]


# ---------------------------------------------------------------------------------------------------- symbolic
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_symbolic_shape_and_dtype(case, numpy_backend):
    layer = case.make()
    sym = _symbolic_args(case, "float32")
    out = layer(*sym, **case.call_kwargs)
    eager_layer = case.make()
    eager = eager_layer(*_to_backend(_inputs(case, np.float32)), **case.call_kwargs)
    for s, e in zip(_leaves(out), _leaves(eager)):
        assert isinstance(s, dlx.ops.SymbolicTensor)
        assert s.shape[0] is None
        assert s.shape[1:] == tuple(np.shape(e))[1:], f"{case.id}: symbolic {s.shape} vs eager {np.shape(e)}"
        assert s.dtype == "float32"
        assert ops.dtype(e) == "float32"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_float64_policy_dtype(case, numpy_backend):
    layer = case.make(dtype="float64")
    out = layer(*_to_backend(_inputs(case, np.float64)), **case.call_kwargs)
    for o in _leaves(out):
        assert ops.dtype(o) == "float64"
    for v in layer.weights:
        assert v.dtype == "float64" or "int" in v.dtype


# ---------------------------------------------------------------------------------------------------- config
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trip(case, numpy_backend):
    layer = case.make()
    cfg = layer.get_config()
    clone = type(layer).from_config(cfg, safe_mode=False) if case.id == "lambda" else type(layer).from_config(cfg)
    if case.id == "lambda":  # bytecode re-marshals with different interning: compare behaviour instead
        x = np.arange(3.0, dtype=np.float32)
        np.testing.assert_array_equal(_np(clone.function(x)), _np(layer.function(x)))
        cfg = {k: v for k, v in cfg.items() if k != "function"}
        assert {k: v for k, v in clone.get_config().items() if k != "function"} == cfg
    else:
        assert clone.get_config() == cfg
    ser = json.loads(json.dumps(dlx.saving.serialize(layer)))
    assert ser["class_name"] == type(layer).__name__
    assert ser["module"] == "dlx.layers"
    with dlx.saving.custom_object_scope({}):
        again = dlx.saving.deserialize(ser, safe_mode=case.id != "lambda")
    assert type(again) is type(layer)
    if case.id != "lambda":
        assert json.loads(json.dumps(dlx.saving.serialize(again)))["config"] == ser["config"]
    # a built layer round-trips with its build config: same weight shapes
    layer(*_to_backend(_inputs(case, np.float32)), **case.call_kwargs)
    rebuilt = dlx.saving.deserialize(json.loads(json.dumps(dlx.saving.serialize(layer))),
                                     safe_mode=case.id != "lambda")
    assert [v.shape for v in rebuilt.weights] == [v.shape for v in layer.weights]


# ---------------------------------------------------------------------------------------------------- forward parity
def _oracle(case: Case):
    """(float64 outputs on NumPy, float32-exact weights, float32 inputs)."""
    with dlx.backend.use("numpy"):
        layer64 = case.make(dtype="float64")
        args64 = _inputs(case, np.float64)
        layer64(*_to_backend(args64), **case.call_kwargs)
        weights = _weights_for(layer64)
        layer64.set_weights([w.astype(np.float64) for w in weights])
        ref = _np(layer64(*_to_backend(args64), **case.call_kwargs))
    return ref, weights


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_parity(case, backend, check_parity, request):
    _known_issue(request, backend, case)
    ref, weights = _oracle(case)
    layer = case.make()
    args = _to_backend(_inputs(case, np.float32))
    layer(*args, **case.call_kwargs)
    layer.set_weights(weights)
    out = _np(layer(*args, **case.call_kwargs))
    for o, r in zip(_leaves(out), _leaves(ref)):
        assert o.dtype == np.float32
        assert o.shape == r.shape
        check_parity(o, r, case.contraction, case.depth, what=f"{case.id} on {backend.name}")


@pytest.mark.parametrize("case", [c for c in CASES if c.deterministic], ids=[c.id for c in CASES if c.deterministic])
def test_training_equals_inference(case, backend, request):
    _known_issue(request, backend, case)
    if not backend.capabilities.training:
        pytest.skip(backend.capabilities.reason("training"))
    layer = case.make()
    args = _to_backend(_inputs(case, np.float32))
    a = _np(layer(*args, training=False, **case.call_kwargs))
    b = _np(layer(*args, training=True, **case.call_kwargs))
    for x, y in zip(_leaves(a), _leaves(b)):
        np.testing.assert_array_equal(x, y)


# ---------------------------------------------------------------------------------------------------- gradients
def _grad_check(case: Case, training: bool):
    """float64 autodiff on NumPy against central differences along random directions."""
    b = dlx.backend.get("numpy")
    with dlx.backend.use(b):
        layer = case.make(dtype="float64")
        args = _inputs(case, np.float64, seed=3)
        layer(*_to_backend(args), **case.call_kwargs)
        if layer.weights:
            layer.set_weights([w.astype(np.float64) for w in _weights_for(layer, seed=4)])
        tv = [np.asarray(v.numpy()) for v in layer.trainable_variables]
        ntv = [np.asarray(v.numpy()) for v in layer.non_trainable_variables]
        float_inputs = case.int_input is None
        flat_args = _leaves(args)
        rng = np.random.RandomState(5)
        ref = layer.stateless_call(tv, ntv, *args, training=training, **case.call_kwargs)[0]
        projections = [rng.standard_normal(np.shape(o)) for o in _leaves(_np(ref))]

        def rebuild(xs):
            it = iter(xs)
            return [[next(it) for _ in a] if isinstance(a, list) else next(it) for a in args]

        def f(tv, xs):
            out, _ = layer.stateless_call(tv, ntv, *rebuild(xs), training=training, **case.call_kwargs)
            total = 0.0
            for o, p in zip(_leaves(out), projections):
                total = total + ops.sum(o * p)
            return total

        xs = flat_args
        argnums = (0, 1) if float_inputs else 0
        _, grads = b.value_and_grad(f, argnums=argnums)(tv, list(xs))
        g_tv, g_x = (grads if float_inputs else (grads, None))
        params = [*tv, *(xs if float_inputs else [])]
        gs = [*g_tv, *(g_x if float_inputs else [])]
        assert len(gs) == len(params)
        if not params:
            return
        for _ in range(3):
            dirs = [rng.standard_normal(np.shape(p)) for p in params]
            h = 1e-6

            def at(eps):
                moved = [p + eps * d for p, d in zip(params, dirs)]
                return float(f(moved[:len(tv)], moved[len(tv):] if float_inputs else xs))

            fd = (at(h) - at(-h)) / (2 * h)
            ad = float(sum(np.sum(np.asarray(g) * d) for g, d in zip(gs, dirs)))
            assert abs(fd - ad) <= 1e-5 * max(1.0, abs(fd)), f"{case.id}: autodiff {ad} vs finite differences {fd}"


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=[c.id for c in CASES if c.grad])
def test_gradient_numpy(case):
    _grad_check(case, training=False)


@pytest.mark.parametrize("case", [c for c in CASES if not c.deterministic],
                         ids=[c.id for c in CASES if not c.deterministic])
def test_gradient_numpy_training(case):
    _grad_check(case, training=True)
